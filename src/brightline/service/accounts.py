"""Accounts, browser sessions and API tokens.

Passwords are hashed with Argon2id (argon2-cffi) and rehashed on sign-in when the parameters
change. An unknown user and a wrong password get the same answer, after the same hashing work.
Failed sign-ins are logged and counted per account and per client (see
:mod:`brightline.service.limits`); past the limit, sign-in is refused (429) until the window has
passed, even with the right password.

A browser session is a random 256-bit id held in the session cookie; the database keeps only its
SHA-256, with the account, its lifetime (``BRIGHTLINE_SESSION_LIFETIME``) and the last request
(``BRIGHTLINE_SESSION_IDLE``). Signing out, a password change and disabling the account end it
at once: the next request with the cookie is anonymous.

API tokens (``blt_...``, 256-bit) are shown once; only their SHA-256 is kept, with a label and an
expiry (at most ``BRIGHTLINE_TOKEN_LIFETIME``). Their owner lists and revokes them; an admin can
for any account. A password change or disabling revokes every token of the account.

Every change to an account (created, disabled, enabled, role changed, password changed) is
logged in the ledger (kind ``account``, never the password or its hash).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from brightline.errors import AuthError, Forbidden, InvalidRequest, NotFound
from brightline.service import limits
from brightline.service.actors import ACCOUNT_ROLES, Actor, require
from brightline.service.stamps import iso
from brightline.service.validation import choice, integer, text
from brightline.store.tables_app import api_tokens, sessions, users

if TYPE_CHECKING:
    from brightline.service.core import Service

log = logging.getLogger("brightline.accounts")

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}\Z")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
TOKEN_PREFIX = "blt_"
SEEN_EVERY = 60.0  # a session's last request is written at most once a minute

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


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _by(actor: Actor | None) -> dict[str, Any]:
    return actor.to_dict() if actor is not None else {"username": None, "role": "operator"}


def _log(service: Service, action: str, username: str, actor: Actor | None, **more: Any) -> None:
    """An account change in the ledger (kind ``account``)."""
    record = {
        "action": action,
        "username": username,
        **more,
        "by": _by(actor),
        "at": iso(service.now()),
    }
    service.ledger.append("account", record)


def _manager(actor: Actor | None) -> None:
    """``actor`` None is the operator at the console; otherwise it must manage accounts."""
    if actor is not None:
        require(actor, "manage_accounts")


# ---- accounts ------------------------------------------------------------------------------


def add_user(
    service: Service, username: str, password: str, role: str, *, actor: Actor | None = None
) -> dict[str, Any]:
    """Create an account. ``actor`` None means the operator (command line); otherwise it must
    be an admin. Returns ``{"username", "role", "created_at"}``."""
    _manager(actor)
    username = check_username(username)
    password = check_password(password)
    role = choice("role", role, ACCOUNT_ROLES)
    row = {
        "username": username,
        "password_hash": _hasher.hash(password),
        "role": role,
        "active": True,
        "created_at": iso(service.now()),
    }
    taken = InvalidRequest(f"username {username!r} is already taken", field="username")
    try:
        with service.writing() as conn:
            if conn.execute(select(users.c.id).where(users.c.username == username)).first():
                raise taken
            conn.execute(users.insert().values(**row))
    except IntegrityError:  # another process took the name between the check and the insert
        raise taken from None
    _log(service, "created", username, actor, role=role)
    return {"username": username, "role": role, "created_at": row["created_at"]}


def _user_row(conn: Connection, username: str) -> Any:
    row = conn.execute(select(users).where(users.c.username == username)).first()
    if row is None:
        raise NotFound(f"no account {username!r}", username=username)
    return row


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


def list_users(service: Service, *, actor: Actor | None) -> list[dict[str, Any]]:
    """Every account with its role, state, open sessions and live tokens (admins)."""
    _manager(actor)
    now = iso(service.now())
    with service.reading() as conn:
        rows = conn.execute(
            select(
                users.c.id, users.c.username, users.c.role, users.c.active, users.c.created_at
            ).order_by(users.c.username)
        ).all()
        live = (
            conn.execute(
                select(sessions.c.user_id).where(
                    sessions.c.ended_at.is_(None), sessions.c.expires_at > now
                )
            )
            .scalars()
            .all()
        )
        tokens = (
            conn.execute(
                select(api_tokens.c.user_id).where(
                    api_tokens.c.revoked_at.is_(None),
                    (api_tokens.c.expires_at.is_(None)) | (api_tokens.c.expires_at > now),
                )
            )
            .scalars()
            .all()
        )
    return [
        {
            "username": r.username,
            "role": r.role,
            "active": bool(r.active),
            "created_at": r.created_at,
            "sessions": live.count(r.id),
            "tokens": tokens.count(r.id),
        }
        for r in rows
    ]


def _not_self(actor: Actor | None, username: str, what: str) -> None:
    if actor is not None and actor.username == username:
        raise InvalidRequest(
            f"an admin cannot {what} their own account; ask another admin", field="username"
        )


def set_active(
    service: Service, username: str, active: bool, *, actor: Actor | None = None
) -> dict[str, Any]:
    """Disable (ending its sessions and revoking its tokens at once) or enable an account."""
    _manager(actor)
    check_username(username)
    _not_self(actor, username, "disable" if not active else "enable")
    with service.writing() as conn:
        row = _user_row(conn, username)
        if bool(row.active) == active:
            return {"username": username, "active": active, "changed": False}
        conn.execute(update(users).where(users.c.id == row.id).values(active=active))
        if not active:
            _end_everything(service, conn, row.id, "account disabled")
    _log(service, "enabled" if active else "disabled", username, actor)
    return {"username": username, "active": active, "changed": True}


def set_role(
    service: Service, username: str, role: str, *, actor: Actor | None = None
) -> dict[str, Any]:
    """Give an account another role (effective on its next request)."""
    _manager(actor)
    check_username(username)
    role = choice("role", role, ACCOUNT_ROLES)
    _not_self(actor, username, "change the role of")
    with service.writing() as conn:
        row = _user_row(conn, username)
        if row.role == role:
            return {"username": username, "role": role, "changed": False}
        conn.execute(update(users).where(users.c.id == row.id).values(role=role))
    _log(service, "role_changed", username, actor, role=role, was=row.role)
    return {"username": username, "role": role, "changed": True}


def change_password(
    service: Service,
    username: str,
    new_password: str,
    *,
    actor: Actor | None = None,
    old_password: str | None = None,
) -> dict[str, Any]:
    """Set a new password: the account's owner gives the old one; an admin (or the operator,
    ``actor`` None) resets any other account. Ends every session and revokes every token of
    the account at once."""
    check_username(username)
    new_password = check_password(new_password)
    own = actor is not None and actor.username == username
    if own:
        assert actor is not None
        require(actor, "manage_own_account")
        if not isinstance(old_password, str):
            raise InvalidRequest("give your current password", field="old_password")
        verify_password(service, username, old_password)
    else:
        _manager(actor)
    with service.writing() as conn:
        row = _user_row(conn, username)
        conn.execute(
            update(users)
            .where(users.c.id == row.id)
            .values(password_hash=_hasher.hash(new_password))
        )
        ended = _end_everything(service, conn, row.id, "password changed")
    _log(service, "password_changed", username, actor)
    return {"username": username, **ended}


def _end_everything(
    service: Service, conn: Connection, user_id: int, reason: str
) -> dict[str, int]:
    now = iso(service.now())
    ended = conn.execute(
        update(sessions)
        .where(sessions.c.user_id == user_id, sessions.c.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    ).rowcount
    revoked = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    return {"sessions_ended": int(ended or 0), "tokens_revoked": int(revoked or 0)}


# ---- signing in ----------------------------------------------------------------------------


def verify_password(service: Service, username: str, password: str) -> Actor:
    """The actor for a correct username and password of an active account; AuthError else
    (same answer and same hashing work for an unknown user)."""
    refused = AuthError("invalid username or password")
    if not isinstance(password, str):
        raise refused
    row = None
    if isinstance(username, str) and USERNAME.match(username):  # never a NUL byte to the DB
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
                update(users)
                .where(users.c.id == row.id)
                .values(password_hash=_hasher.hash(password))
            )
    return Actor(row.username, row.role)


def authenticate(service: Service, username: str, password: str, *, client: str = "") -> Actor:
    """Sign-in with throttling: refused with RateLimited (429) while the account or the client
    has used up its failed attempts; each failure is counted and logged."""
    config = service.config
    account = username if isinstance(username, str) else repr(username)
    limits.check(
        service,
        "login_account",
        account,
        config.login_account_rate,
        message="too many failed sign-ins for this account",
    )
    if client:
        limits.check(
            service,
            "login_client",
            client,
            config.login_client_rate,
            message="too many failed sign-ins from this client",
        )
    try:
        actor = verify_password(service, username, password)
    except AuthError:
        limits.add(service, "login_account", account, config.login_account_rate)
        if client:
            limits.add(service, "login_client", client, config.login_client_rate)
        log.warning(
            "failed sign-in for account %r from client %s",
            account[:60],
            limits.keyed_hash(service, "log", client)[:16] if client else "console",
        )
        raise
    limits.clear(service, "login_account", account)
    return actor


# ---- browser sessions ----------------------------------------------------------------------


def start_session(service: Service, actor: Actor) -> str:
    """A new session for ``actor``'s active account; returns its id (for the cookie only)."""
    if actor.is_anonymous:
        raise AuthError("sign in first")
    sid = secrets.token_urlsafe(32)
    now = service.now()
    with service.writing() as conn:
        user = conn.execute(
            select(users.c.id).where(users.c.username == actor.username, users.c.active.is_(True))
        ).first()
        if user is None:
            raise AuthError("invalid username or password")
        conn.execute(
            sessions.insert().values(
                sid_hash=_sha256(sid),
                user_id=user.id,
                created_at=iso(now),
                seen_at=iso(now),
                expires_at=iso(now + timedelta(seconds=service.config.session_lifetime)),
            )
        )
    return sid


def actor_for_session(service: Service, sid: str) -> Actor:
    """The actor of a live session: not ended, not expired, not idle too long, account active.
    AuthError otherwise."""
    refused = AuthError("your session has ended; sign in again")
    if not isinstance(sid, str) or not 20 <= len(sid) <= 100:
        raise refused
    now = service.now()
    with service.reading() as conn:
        row = conn.execute(
            select(
                sessions.c.id,
                sessions.c.seen_at,
                sessions.c.expires_at,
                users.c.username,
                users.c.role,
            )
            .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
            .where(
                sessions.c.sid_hash == _sha256(sid),
                sessions.c.ended_at.is_(None),
                users.c.active.is_(True),
            )
        ).first()
    if row is None:
        raise refused
    idle_since = now - timedelta(seconds=service.config.session_idle)
    if row.expires_at <= iso(now) or row.seen_at <= iso(idle_since):
        end_session(service, sid, reason="expired")
        raise refused
    if row.seen_at <= iso(now - timedelta(seconds=SEEN_EVERY)):
        with service.writing() as conn:
            conn.execute(update(sessions).where(sessions.c.id == row.id).values(seen_at=iso(now)))
    return Actor(row.username, row.role)


def end_session(service: Service, sid: str, *, reason: str = "signed out") -> None:
    if not isinstance(sid, str) or not sid:
        return
    with service.writing() as conn:
        conn.execute(
            update(sessions)
            .where(sessions.c.sid_hash == _sha256(sid), sessions.c.ended_at.is_(None))
            .values(ended_at=iso(service.now()), end_reason=reason)
        )


# ---- API tokens ----------------------------------------------------------------------------


def issue_token(service: Service, actor: Actor, label: str, *, lifetime: int | None = None) -> str:
    """A new API token for ``actor``'s own account, returned once (only its hash is kept). It
    expires after ``lifetime`` seconds (at most, and by default, BRIGHTLINE_TOKEN_LIFETIME)."""
    if actor.is_anonymous:
        raise AuthError("log in to issue an API token")
    label = text("label", label, max_len=100)
    longest = service.config.token_lifetime
    seconds = (
        longest if lifetime is None else integer("lifetime", lifetime, minimum=60, maximum=longest)
    )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = service.now()
    with service.writing() as conn:
        user = conn.execute(
            select(users.c.id).where(users.c.username == actor.username, users.c.active.is_(True))
        ).first()
        if user is None:
            raise NotFound(f"no active account {actor.username!r}", username=actor.username)
        conn.execute(
            api_tokens.insert().values(
                token_hash=_sha256(token),
                user_id=user.id,
                label=label,
                created_at=iso(now),
                expires_at=iso(now + timedelta(seconds=seconds)),
            )
        )
    return token


def actor_for_token(service: Service, token: str) -> Actor:
    """The actor a valid, unexpired, unrevoked token of an active account stands for."""
    refused = AuthError("invalid, expired or revoked API token")
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise refused
    with service.reading() as conn:
        row = conn.execute(
            select(users.c.username, users.c.role, api_tokens.c.expires_at)
            .select_from(api_tokens.join(users, users.c.id == api_tokens.c.user_id))
            .where(
                api_tokens.c.token_hash == _sha256(token),
                api_tokens.c.revoked_at.is_(None),
                users.c.active.is_(True),
            )
        ).first()
    if row is None or (row.expires_at is not None and row.expires_at <= iso(service.now())):
        raise refused
    return Actor(row.username, row.role)


def _token_view(row: Any, now: str) -> dict[str, Any]:
    expired = row.expires_at is not None and row.expires_at <= now
    state = "revoked" if row.revoked_at else "expired" if expired else "active"
    return {
        "id": row.id,
        "username": row.username,
        "label": row.label,
        "created_at": row.created_at,
        "expires_at": row.expires_at,
        "revoked_at": row.revoked_at,
        "state": state,
    }


def list_tokens(
    service: Service, *, actor: Actor | None, username: str | None = None
) -> list[dict[str, Any]]:
    """The tokens of ``username`` (default: the actor's own), newest first, never the token
    itself. Another account's tokens: admins (or the operator) only."""
    if actor is not None and (username is None or username == actor.username):
        require(actor, "manage_own_account")
        username = actor.username
    else:
        _manager(actor)
    check_username(username)
    with service.reading() as conn:
        rows = conn.execute(
            select(api_tokens, users.c.username)
            .select_from(api_tokens.join(users, users.c.id == api_tokens.c.user_id))
            .where(users.c.username == username)
            .order_by(api_tokens.c.id.desc())
        ).all()
    now = iso(service.now())
    return [_token_view(r, now) for r in rows]


def revoke_token(service: Service, token_id: Any, *, actor: Actor | None) -> dict[str, Any]:
    """Revoke a token by its id: its owner, or an admin (or the operator)."""
    number = integer("token_id", token_id, minimum=1, maximum=2**31 - 1)
    with service.writing() as conn:
        row = conn.execute(
            select(api_tokens, users.c.username)
            .select_from(api_tokens.join(users, users.c.id == api_tokens.c.user_id))
            .where(api_tokens.c.id == number)
        ).first()
        if actor is not None and not actor.can("manage_accounts"):
            require(actor, "manage_own_account")
            if row is not None and row.username != actor.username:
                raise Forbidden("a token can be revoked by its owner or an admin", token_id=number)
        if row is None:
            raise NotFound(f"no API token {number}", token_id=number)
        if row.revoked_at is None:
            conn.execute(
                update(api_tokens)
                .where(api_tokens.c.id == number)
                .values(revoked_at=iso(service.now()))
            )
    return {"id": number, "username": row.username, "revoked": True}
