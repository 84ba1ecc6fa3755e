"""Accounts and API tokens.

Passwords are hashed with Argon2id (argon2-cffi) and rehashed on login when the parameters
change. API tokens are 256-bit random strings (``blt_...``), shown once when issued and stored
only as their SHA-256. An unknown user and a wrong password get the same answer, after the same
amount of hashing work.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from brightline.errors import AuthError, InvalidRequest, NotFound
from brightline.service.actors import ACCOUNT_ROLES, Actor, require
from brightline.service.stamps import iso, utc_now
from brightline.service.validation import choice, text
from brightline.store.tables_app import api_tokens, users

if TYPE_CHECKING:
    from brightline.service.core import Service

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
TOKEN_PREFIX = "blt_"

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")


def check_username(username: Any) -> str:
    if not isinstance(username, str) or not USERNAME.match(username):
        raise InvalidRequest(
            "username must be 3 to 40 characters: lower-case letters, digits, '.', '_' or '-', "
            f"starting with a letter or digit (got {username!r})"[:300],
            field="username",
        )
    return username


def check_password(password: Any) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidRequest(
            f"password must be text of {MIN_PASSWORD} to {MAX_PASSWORD} characters",
            field="password",
            min_length=MIN_PASSWORD,
        )
    return password


def add_user(
    service: Service, username: str, password: str, role: str, *, actor: Actor | None = None
) -> dict[str, Any]:
    """Create an account. ``actor`` None means the operator (command line); otherwise it must
    be an admin. Returns ``{"username", "role", "created_at"}``."""
    if actor is not None:
        require(actor, "manage_accounts")
    username = check_username(username)
    password = check_password(password)
    role = choice("role", role, ACCOUNT_ROLES)
    row = {
        "username": username,
        "password_hash": _hasher.hash(password),
        "role": role,
        "active": True,
        "created_at": iso(utc_now()),
    }
    taken = InvalidRequest(f"username {username!r} is already taken", field="username")
    try:
        with service.writing() as conn:
            if conn.execute(select(users.c.id).where(users.c.username == username)).first():
                raise taken
            conn.execute(users.insert().values(**row))
    except IntegrityError:  # another process took the name between the check and the insert
        raise taken from None
    return {"username": username, "role": role, "created_at": row["created_at"]}


def get_user(service: Service, username: str) -> Actor:
    """The actor of an active account (NotFound otherwise)."""
    check_username(username)
    with service.reading() as conn:
        row = conn.execute(
            select(users.c.username, users.c.role).where(
                users.c.username == username, users.c.active.is_(True)
            )
        ).first()
    if row is None:
        raise NotFound(f"no active account {username!r}", username=username)
    return Actor(row.username, row.role)


def list_users(service: Service, *, actor: Actor) -> list[dict[str, Any]]:
    require(actor, "manage_accounts")
    with service.reading() as conn:
        rows = conn.execute(
            select(users.c.username, users.c.role, users.c.active, users.c.created_at).order_by(
                users.c.username
            )
        ).all()
    return [dict(r._mapping) for r in rows]


def authenticate(service: Service, username: str, password: str) -> Actor:
    """The actor for a correct username and password; AuthError otherwise."""
    refused = AuthError("invalid username or password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise refused
    with service.reading() as conn:
        row = conn.execute(
            select(users.c.id, users.c.username, users.c.role, users.c.password_hash).where(
                users.c.username == username, users.c.active.is_(True)
            )
        ).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password[:MAX_PASSWORD])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise refused from None
    if row is None:
        raise refused
    if _hasher.check_needs_rehash(row.password_hash):
        with service.writing() as conn:
            conn.execute(
                update(users).where(users.c.id == row.id).values(password_hash=_hasher.hash(password))
            )
    return Actor(row.username, row.role)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(service: Service, actor: Actor, label: str) -> str:
    """A new API token for ``actor``'s own account, returned once (only its hash is kept)."""
    if actor.is_anonymous:
        raise AuthError("log in to issue an API token")
    label = text("label", label, max_len=100)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with service.writing() as conn:
        user = conn.execute(
            select(users.c.id).where(users.c.username == actor.username, users.c.active.is_(True))
        ).first()
        if user is None:
            raise NotFound(f"no active account {actor.username!r}", username=actor.username)
        conn.execute(
            api_tokens.insert().values(
                token_hash=_token_hash(token),
                user_id=user.id,
                label=label,
                created_at=iso(utc_now()),
            )
        )
    return token


def actor_for_token(service: Service, token: str) -> Actor:
    """The actor a valid, unrevoked token of an active account stands for; AuthError else."""
    refused = AuthError("invalid or revoked API token")
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise refused
    with service.reading() as conn:
        row = conn.execute(
            select(users.c.username, users.c.role)
            .select_from(api_tokens.join(users, users.c.id == api_tokens.c.user_id))
            .where(
                api_tokens.c.token_hash == _token_hash(token),
                api_tokens.c.revoked_at.is_(None),
                users.c.active.is_(True),
            )
        ).first()
    if row is None:
        raise refused
    return Actor(row.username, row.role)
