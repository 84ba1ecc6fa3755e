"""The service layer: the only place that joins the rules engine, the store and the ledger.

``Service.open(url)`` migrates the database, opens the ledger and repairs the index; its methods
decide and log cases, run the review queue, take public reports, count public statistics, serve
the public ledger views and manage accounts, sessions and tokens. ``Actor`` says who is asking;
every access rule (the one permission table, :mod:`brightline.service.permissions`) and every
validation lives here, so the web and the command line stay thin.

``Service`` and ``Actor`` are loaded on first use, so that a command that only needs the law
(``brightline.service.law``) starts without the database machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from brightline.service.actors import ACCOUNT_ROLES, ROLES, Actor
    from brightline.service.core import Service

__all__ = ["ACCOUNT_ROLES", "ROLES", "Actor", "Service"]


def __getattr__(name: str) -> Any:
    if name in ("ACCOUNT_ROLES", "ROLES", "Actor"):
        from brightline.service import actors

        return getattr(actors, name)
    if name == "Service":
        from brightline.service.core import Service

        return Service
    raise AttributeError(f"module 'brightline.service' has no attribute {name!r}")
