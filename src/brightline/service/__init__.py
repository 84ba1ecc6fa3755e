"""The service layer: the only place that joins the rules engine, the store and the ledger.

``Service.open(url)`` migrates the database, opens the ledger and repairs the index; its methods
decide and log cases, run the review queue, take public reports, count public statistics, serve
the public ledger views and manage accounts. ``Actor`` says who is asking; every access rule and
every validation lives here, so the web and the command line stay thin.
"""

from brightline.service.actors import ACCOUNT_ROLES, ROLES, Actor
from brightline.service.core import Service

__all__ = ["ACCOUNT_ROLES", "ROLES", "Actor", "Service"]
