"""Who is asking, and what each role may do.

Roles: ``public`` (anonymous: public pages, reports, statistics, the ledger), ``officer`` (screens
cases and reads their own decisions), ``supervisor`` (screens, reads every decision, resolves the
review queue), ``auditor`` (reads everything: decisions, the queue, reports with their private
fields), ``admin`` (manages accounts). Officers and supervisors keep the custody request log; supervisors
and auditors produce the oversight reports; auditors resolve residents' reports. Every check in the service goes through :func:`require`:
an anonymous actor asking for a logged-in right gets ``AuthError`` (401), a logged-in actor
without the right gets ``Forbidden`` (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from brightline.errors import AuthError, Forbidden

ROLES = ("public", "officer", "supervisor", "auditor", "admin")
ACCOUNT_ROLES = ROLES[1:]

PERMISSIONS: dict[str, frozenset[str]] = {
    "decide": frozenset({"officer", "supervisor"}),
    "read_own_decisions": frozenset({"officer", "supervisor", "auditor"}),
    "read_all_decisions": frozenset({"supervisor", "auditor"}),
    "read_review_queue": frozenset({"supervisor", "auditor"}),
    "resolve_review": frozenset({"supervisor"}),
    "read_reports": frozenset({"auditor"}),
    "redact_reports": frozenset({"auditor"}),
    "manage_accounts": frozenset({"admin"}),
    # oversight (service/custody.py, service/oversight*.py)
    "log_custody": frozenset({"officer", "supervisor"}),
    "read_custody": frozenset({"officer", "supervisor", "auditor"}),
    "resolve_reports": frozenset({"auditor"}),
    "produce_oversight_reports": frozenset({"supervisor", "auditor"}),
    "read_oversight_reports": frozenset({"supervisor", "auditor"}),
}


@dataclass(frozen=True)
class Actor:
    """A caller of the service: a username (None when anonymous) and one role."""

    username: str | None
    role: str

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(None, "public")

    @property
    def is_anonymous(self) -> bool:
        return self.username is None or self.role == "public"

    def can(self, permission: str) -> bool:
        return not self.is_anonymous and self.role in PERMISSIONS[permission]

    def to_dict(self) -> dict[str, Any]:
        return {"username": self.username, "role": self.role}


def require(actor: Actor, permission: str) -> None:
    """Raise unless ``actor`` holds ``permission`` (AuthError when anonymous, else Forbidden)."""
    if not isinstance(actor, Actor):
        raise TypeError(f"actor must be an Actor, got {type(actor).__name__}")
    if actor.can(permission):
        return
    allowed = sorted(PERMISSIONS[permission])
    if actor.is_anonymous:
        raise AuthError(
            f"log in to {permission.replace('_', ' ')} (roles allowed: {', '.join(allowed)})",
            permission=permission,
            allowed=allowed,
        )
    raise Forbidden(
        f"role {actor.role!r} may not {permission.replace('_', ' ')} "
        f"(roles allowed: {', '.join(allowed)})",
        permission=permission,
        role=actor.role,
        allowed=allowed,
    )
