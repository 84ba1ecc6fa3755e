"""Who is asking, and the one check of what they may do.

What each role may do is the table of :mod:`brightline.service.permissions`. Every check in the
service goes through :func:`require`:
an anonymous actor asking for a logged-in right gets ``AuthError`` (401), a logged-in actor
without the right gets ``Forbidden`` (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from brightline.errors import AuthError, Forbidden
from brightline.service.permissions import ACCOUNT_ROLES, PERMISSIONS, ROLES

__all__ = ["ACCOUNT_ROLES", "PERMISSIONS", "ROLES", "Actor", "require"]


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
        """Does the permission table give this actor ``permission``?"""
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
