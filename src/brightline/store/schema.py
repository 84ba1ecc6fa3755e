"""The one SQLAlchemy MetaData every table of brightline belongs to.

Tables are declared by concept in their own modules (``tables_ledger``, ``tables_app``,
``tables_roster``); importing :mod:`brightline.store.tables` loads them all.
"""

from sqlalchemy import MetaData

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
