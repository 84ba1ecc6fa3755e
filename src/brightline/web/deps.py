"""FastAPI dependencies shared by every router: the service, the actor, role checks, templates
and CSRF.

``current_actor`` reads ``Authorization: Bearer <token>`` first, then the session cookie; with
neither the actor is anonymous (role ``public``). A request that changes state under ``/api/``
and is signed in only by the cookie must carry the session's CSRF token in ``X-CSRF-Token``
(forms carry it in the ``csrf_token`` field, see :func:`verify_csrf`). ``require_permission``
reads the service's permission table: :class:`AuthError` (401) for anonymous callers and
:class:`Forbidden` (403) without the right; the app turns those into the JSON error shape under
``/api/`` and into a login redirect or error page for pages.
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
from brightline.service.actors import require
from brightline.service.presentation import item_line
from brightline.web import i18n
from brightline.web.i18n import N_
from brightline.web.security import (
    CSRF_HEADER,
    SAFE_METHODS,
    Session,
    client_address,
    tokens_equal,
)

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

ROLE_LABELS = {
    "public": N_("Public"),
    "officer": N_("Officer"),
    "supervisor": N_("Supervisor"),
    "auditor": N_("Auditor"),
    "admin": N_("Administrator"),
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

    def clear(self) -> None:
        """Forget every token (after a revocation, a disabled account or a new role)."""
        self._items.clear()


def forget_tokens(request: Request) -> None:
    cache: TokenCache | None = getattr(request.app.state, "token_cache", None)
    if cache is not None:
        cache.clear()


def client_of(request: Request) -> str:
    """The real client address (behind BRIGHTLINE_TRUSTED_PROXIES, else the peer)."""
    peer = request.client.host if request.client else None
    trusted = getattr(request.app.state, "trusted_proxies", ())
    return client_address(peer, request.scope.get("headers", []), trusted)


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
    if not session.sid:
        return None
    try:
        actor = service.actor_for_session(session.sid)
    except AuthError:
        session.sign_out()
        return None
    if request.method not in SAFE_METHODS and request.url.path.startswith("/api/"):
        _check_csrf_header(request, session)
    return actor


def _check_csrf_header(request: Request, session: Session) -> None:
    """A cookie alone never changes state through the API: the page's script must send the
    session's CSRF token in X-CSRF-Token (a bearer token needs none)."""
    if not tokens_equal(request.headers.get(CSRF_HEADER, ""), session.csrf):
        raise Forbidden(
            "a request signed in by the session cookie must send the session's CSRF token in "
            "the X-CSRF-Token header (or use an API token: Authorization: Bearer ...)",
            field="X-CSRF-Token",
        )


MENU: tuple[tuple[str, str, str | None], ...] = (
    # (href, label, the permission of service/permissions.PERMISSIONS that opens it; None: anyone)
    ("/screen", N_("Screen a case"), "decide"),
    ("/decisions", N_("Decisions"), "read_own_decisions"),
    ("/review", N_("Review queue"), "read_review_queue"),
    ("/custody", N_("Custody log"), "read_custody"),
    ("/oversight", N_("Oversight reports"), "read_oversight_reports"),
    ("/oversight/inbox", N_("Reports inbox"), "read_reports"),
    ("/admin/accounts", N_("Accounts"), "manage_accounts"),
    ("/account", N_("My account"), "manage_own_account"),
    ("/officers", N_("Officer check"), None),
    ("/report", N_("Report a concern"), None),
    ("/stats", N_("Statistics"), None),
    ("/law", N_("The law"), None),
    ("/ledger", N_("Ledger"), None),
)


def menu_for(actor: Actor | None) -> list[dict[str, str]]:
    """The menu of ``actor``: only pages the permission table lets them open."""
    return [
        {"href": href, "label": label}
        for href, label, permission in MENU
        if permission is None or (actor is not None and actor.can(permission))
    ]


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
    if token is None and not get_session(request).sid:
        request.state.actor = Actor.anonymous()
        return request.state.actor  # type: ignore[no-any-return]
    return await run_in_threadpool(current_actor, request)


def require_permission(permission: str) -> Callable[[Request], Actor]:
    """A dependency that returns the actor when the permission table gives them
    ``permission`` (AuthError when anonymous, Forbidden otherwise)."""

    def dependency(request: Request) -> Actor:
        actor = current_actor(request)
        require(actor, permission)
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


@pass_context
def _gettext(context: Context, message: str) -> str:
    return i18n.gettext(i18n.request_lang(context["request"].scope), message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return i18n.ngettext(i18n.request_lang(context["request"].scope), singular, plural, n)


@pass_context
def _page_lang(context: Context) -> i18n.Language:
    return i18n.LANGUAGES[i18n.request_lang(context["request"].scope)]


@pass_context
def _lang_links(context: Context) -> list[dict[str, object]]:
    request: Request = context["request"]
    return i18n.switch_links(
        request.url.path, request.url.query, i18n.request_lang(request.scope)
    )


def _outcome_word(outcome: object, kind: object = None) -> str:
    """The outcome's label in the words of the decision's kind (English; pages translate it)."""
    from brightline.service.presentation import outcome_label

    if outcome == "redacted":
        return "Redacted"
    return outcome_label(str(outcome), str(kind) if kind else None)[0]


@pass_context
def _key_label(context: Context, key: object) -> str:
    """A machine key (kind, outcome, category, field) as words in the page's language."""
    from brightline.web.views import KEY_LABELS, humanize

    text = str(key)
    label = KEY_LABELS.get(text)
    if label is None:
        return humanize(text)
    return i18n.gettext(i18n.request_lang(context["request"].scope), label)


@pass_context
def _key_labels(context: Context) -> dict[str, str]:
    from brightline.web.views import KEY_LABELS

    lang = i18n.request_lang(context["request"].scope)
    return {key: i18n.gettext(lang, label) for key, label in KEY_LABELS.items()}


@pass_context
def _local_time(context: Context, value: object, minutes: bool = True) -> str:
    """An ISO 8601 instant as Chicago local time in the page's language, to the minute."""
    return i18n.local_time(value, i18n.request_lang(context["request"].scope), seconds=not minutes)


def _make_templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(TEMPLATES_DIR))
    t.env.add_extension("jinja2.ext.i18n")
    t.env.policies["ext.i18n.trimmed"] = True
    t.env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    t.env.globals["page_lang"] = _page_lang
    t.env.globals["lang_links"] = _lang_links
    t.env.globals["menu"] = menu_for
    t.env.globals["key_label"] = _key_label
    t.env.globals["key_labels"] = _key_labels
    t.env.globals["local_time"] = _local_time
    t.env.globals["outcome_word"] = _outcome_word
    t.env.globals["csrf_token"] = _csrf_global
    t.env.globals["current_actor"] = _actor_global
    t.env.globals["pop_flash"] = _flash_global
    t.env.globals["role_labels"] = ROLE_LABELS
    t.env.globals["item_line"] = item_line  # a reason/duty/finding, "If …:" when it may apply
    return t


templates = _make_templates()
