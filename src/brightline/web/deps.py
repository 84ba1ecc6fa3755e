"""FastAPI dependencies shared by every router: the service, the actor, role checks, templates
and CSRF.

``current_actor`` reads ``Authorization: Bearer <token>`` first, then the session cookie; with
neither the actor is anonymous (role ``public``). ``require_roles`` raises :class:`AuthError`
(401) for anonymous callers and :class:`Forbidden` (403) for a wrong role; the app turns those into
the JSON error shape under ``/api/`` and into a login redirect or error page for pages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.concurrency import run_in_threadpool

from brightline.errors import AuthError, Forbidden
from brightline.service import Actor, Service
from brightline.service.presentation import item_line
from brightline.web.security import Session, tokens_equal

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

ROLE_LABELS = {
    "public": "Public",
    "officer": "Officer",
    "supervisor": "Supervisor",
    "auditor": "Auditor",
    "admin": "Administrator",
}


def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def get_session(request: Request) -> Session:
    session = request.scope.setdefault("state", {}).get("session")
    if session is None:
        session = Session()
        request.scope["state"]["session"] = session
    assert isinstance(session, Session)
    return session


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError(
            "the Authorization header must be 'Bearer <token>'",
            allowed=["Bearer <token>"],
        )
    return token.strip()


class TokenCache:
    """Recently seen bearer tokens and their actors, kept ``ttl`` seconds, so that a busy
    machine client is not looked up in the database on every request. A revoked token stops
    working within ``ttl`` seconds."""

    def __init__(self, ttl: float = 2.0, size: int = 4096) -> None:
        self.ttl = ttl
        self.size = size
        self._items: dict[str, tuple[float, Actor]] = {}

    def get(self, token: str) -> Actor | None:
        hit = self._items.get(token)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, token: str, actor: Actor) -> None:
        if len(self._items) >= self.size:
            self._items.clear()
        self._items[token] = (time.monotonic() + self.ttl, actor)


def _token_actor(request: Request, service: Service, token: str) -> Actor:
    cache: TokenCache | None = getattr(request.app.state, "token_cache", None)
    actor = cache.get(token) if cache else None
    if actor is None:
        actor = service.actor_for_token(token)
        if cache:
            cache.put(token, actor)
    return actor


def current_actor(request: Request) -> Actor:
    """Who is asking: a bearer token (a wrong token is a 401), else the signed session (a
    revoked token there just signs the browser out), else anonymous."""
    cached = getattr(request.state, "actor", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    service = get_service(request)
    token = _bearer(request)
    if token is not None:
        actor = _token_actor(request, service, token)
    else:
        actor = _session_actor(request, service) or Actor.anonymous()
    request.state.actor = actor
    return actor


def _session_actor(request: Request, service: Service) -> Actor | None:
    session = get_session(request)
    if not session.token:
        return None
    try:
        return service.actor_for_token(session.token)
    except AuthError:
        session.sign_out()
        return None


async def service_dep(request: Request) -> Service:
    """``get_service`` as an async dependency (no thread hop: it does no I/O)."""
    return get_service(request)


async def actor_dep(request: Request) -> Actor:
    """``current_actor`` as an async dependency: answered on the event loop when the session is
    anonymous or the token is cached; a database lookup runs in the thread pool."""
    cached = getattr(request.state, "actor", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    token = _bearer(request)
    cache: TokenCache | None = getattr(request.app.state, "token_cache", None)
    if token is not None and cache is not None:
        actor = cache.get(token)
        if actor is not None:
            request.state.actor = actor
            return actor
    if token is None and not get_session(request).token:
        request.state.actor = Actor.anonymous()
        return request.state.actor  # type: ignore[no-any-return]
    return await run_in_threadpool(current_actor, request)


def require_roles(*roles: str) -> Callable[[Request], Actor]:
    """A dependency that returns the actor when their role is one of ``roles``."""
    allowed = sorted(roles)

    def dependency(request: Request) -> Actor:
        actor = current_actor(request)
        if actor.role == "public":
            raise AuthError(
                "sign in first: this needs one of the roles " + ", ".join(allowed),
                allowed_roles=allowed,
            )
        if actor.role not in roles:
            raise Forbidden(
                f"the role '{actor.role}' may not do this; allowed roles: " + ", ".join(allowed),
                role=actor.role,
                allowed_roles=allowed,
            )
        return actor

    return dependency


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser session (created on first use)."""
    return get_session(request).ensure_csrf()


async def _read_csrf_field(request: Request) -> str:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return ""
    form = await request.form()
    value = form.get("csrf_token")
    return value if isinstance(value, str) else ""


async def verify_csrf(request: Request) -> None:
    """Refuse a form POST whose ``csrf_token`` field does not match the session's."""
    sent = await _read_csrf_field(request)
    expected = get_session(request).csrf
    if not tokens_equal(sent, expected):
        raise Forbidden(
            "this form was refused: its security token (csrf_token) is missing or out of date; "
            "reload the page and send it again",
            field="csrf_token",
        )


@pass_context
def _csrf_global(context: Context) -> str:
    return csrf_token(context["request"])


@pass_context
def _actor_global(context: Context) -> Actor | None:
    request: Request = context["request"]
    try:
        return current_actor(request)
    except AuthError:
        return None


@pass_context
def _flash_global(context: Context) -> str | None:
    return get_session(context["request"]).pop_flash()


def _make_templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(TEMPLATES_DIR))
    t.env.globals["csrf_token"] = _csrf_global
    t.env.globals["current_actor"] = _actor_global
    t.env.globals["pop_flash"] = _flash_global
    t.env.globals["role_labels"] = ROLE_LABELS
    t.env.globals["item_line"] = item_line  # a reason/duty/finding, "If …:" when it may apply
    return t


templates = _make_templates()
