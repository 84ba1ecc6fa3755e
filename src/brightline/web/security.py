"""Web security machinery: the session cookie, CSRF tokens, security headers on every answer,
body limits, the real client address behind trusted proxies, and the last line of error
handling.

Nothing here decides who may do what (that is the service's permission table); this module only
carries the session between requests, refuses forged posts and oversized bodies, and makes sure
that every answer - 413 and 500 included - has the security headers and, under ``/api/``, the one
JSON error shape without a traceback or a database driver's words.

The session cookie is signed (itsdangerous) and holds no credential: a random session id whose
hash the database keeps (see ``brightline.service.accounts``), the CSRF token of the browser
and a one-time notice. Signing out, expiry, a password change and disabling the account end the
session in the database, so a replayed cookie is anonymous at once.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import HTMLResponse, JSONResponse, Response

from brightline.errors import BrightlineError, InvalidRequest, TooLarge, error_body
from brightline.settings import IPNetwork

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("brightline.web")

SESSION_COOKIE = "bl_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Session:
    """What the signed cookie carries: the CSRF secret, the session id once signed in (the
    database says whose and whether it still lives) and a one-time notice."""

    csrf: str = ""
    sid: str | None = None
    flash: str | None = None
    dirty: bool = False

    def ensure_csrf(self) -> str:
        if not self.csrf:
            self.csrf = secrets.token_urlsafe(24)
            self.dirty = True
        return self.csrf

    def sign_in(self, sid: str) -> None:
        self.sid = sid
        self.csrf = secrets.token_urlsafe(24)  # a new session gets a new CSRF secret
        self.dirty = True

    def sign_out(self) -> None:
        self.sid = None
        self.csrf = secrets.token_urlsafe(24)
        self.dirty = True

    def set_flash(self, text: str) -> None:
        self.flash = text
        self.dirty = True

    def pop_flash(self) -> str | None:
        text, self.flash = self.flash, None
        if text is not None:
            self.dirty = True
        return text

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {"c": self.csrf}
        if self.sid:
            data["s"] = self.sid
        if self.flash:
            data["f"] = self.flash
        return data


class SessionCodec:
    """Signs and reads the session cookie (itsdangerous, timestamped)."""

    def __init__(self, secret: str, *, max_age: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="brightline-session")
        self.max_age = max_age

    def dumps(self, session: Session) -> str:
        return self._serializer.dumps(session.payload())

    def loads(self, raw: str | None) -> Session:
        if not raw:
            return Session()
        try:
            data = self._serializer.loads(raw, max_age=self.max_age)
        except BadSignature:
            return Session()
        if not isinstance(data, dict):
            return Session()
        sid = data.get("s")
        flash = data.get("f")
        return Session(
            csrf=str(data.get("c") or ""),
            sid=sid if isinstance(sid, str) else None,
            flash=flash if isinstance(flash, str) else None,
        )


# Every answer, the API docs included: only the site's own scripts and styles, nothing may frame
# it, nothing is sent elsewhere. The docs' Swagger UI is served from the installed package.
CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    b"base-uri 'self'; form-action 'self'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
PRIVATE_CACHE = (b"cache-control", b"private, no-store")
VARY = (b"vary", b"Cookie, Authorization")


def _cookie_value(headers: Sequence[tuple[bytes, bytes]], name: str) -> str | None:
    for key, value in headers:
        if key != b"cookie":
            continue
        for part in value.decode("latin-1").split(";"):
            k, _, v = part.strip().partition("=")
            if k == name:
                return v
    return None


class SecurityHeadersMiddleware:
    """The outermost layer: every response gets the security headers; every response but the
    static files gets ``Cache-Control: private, no-store`` (unless it set its own) and
    ``Vary: Cookie, Authorization``, since pages differ by who is signed in."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith(("/static/", "/vendor/"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                if not static:
                    if not any(k == b"cache-control" for k, _ in headers):
                        headers.append(PRIVATE_CACHE)
                    headers.append(VARY)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class SessionMiddleware:
    """Loads the session into ``scope['state']['session']`` and writes the cookie back only when
    it changed (so API calls with a bearer token never get a cookie)."""

    def __init__(self, app: ASGIApp, codec: SessionCodec, *, secure: bool = False) -> None:
        self.app = app
        self.codec = codec
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = self.codec.loads(_cookie_value(scope.get("headers", []), SESSION_COOKIE))
        scope.setdefault("state", {})["session"] = session

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and session.dirty:
                headers = list(message.get("headers", []))
                headers.append((b"set-cookie", self._cookie(session).encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _cookie(self, session: Session) -> str:
        value = self.codec.dumps(session)
        parts = [
            f"{SESSION_COOKIE}={value}",
            "Path=/",
            "HttpOnly",
            "SameSite=Lax",
            f"Max-Age={self.codec.max_age}",
        ]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts)


def retry_headers(error: BrightlineError) -> dict[str, str]:
    """``Retry-After`` for errors that carry ``retry_after`` (rate limits)."""
    retry = error.details.get("retry_after")
    return {"Retry-After": str(retry)} if retry is not None else {}


SERVER_TROUBLE = {
    503: "the service cannot reach its database right now; try again shortly",
}


def public_error(error: BrightlineError) -> BrightlineError:
    """What the client may see of ``error``: a server-side failure (5xx) is named by its code
    and status only - never the database driver's words, a path or a traceback."""
    if error.http_status < 500:
        return error
    shown = BrightlineError(
        SERVER_TROUBLE.get(
            error.http_status, "the service could not complete this request; it has been logged"
        )
    )
    shown.code = error.code if error.http_status == 503 else "internal_error"
    shown.http_status = error.http_status
    return shown


def api_error_response(error: BrightlineError) -> JSONResponse:
    """The one JSON error shape as a response, with its status and any Retry-After."""
    shown = public_error(error)
    return JSONResponse(
        error_body(shown), status_code=shown.http_status, headers=retry_headers(shown)
    )


def nested_too_deeply() -> InvalidRequest:
    return InvalidRequest(
        "the request body is nested too deeply (JSON objects and arrays within each other)",
        field="body",
    )


class ErrorBoundaryMiddleware:
    """The last line of error handling, inside the security headers: whatever escapes the app
    becomes a 4xx/5xx in the one JSON error shape (under ``/api/``) or a short error page,
    logged with its traceback on the server only. A body nested too deeply for the JSON parser
    is the client's error (422), not the server's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watching(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watching)
        except Exception as exc:
            if started:  # too late to answer otherwise; the server closes the connection
                log.exception(
                    "error after the response started: %s %s",
                    scope.get("method"),
                    scope.get("path"),
                )
                raise
            error = _as_error(exc, scope)
            await error_answer(scope, error)(scope, receive, send)


def _as_error(exc: Exception, scope: Scope) -> BrightlineError:
    if isinstance(exc, BrightlineError):
        error = exc
    elif isinstance(exc, RecursionError):
        error = nested_too_deeply()
    else:
        error = BrightlineError(f"internal error: {type(exc).__name__}")
        error.code = "internal_error"
    if error.http_status >= 500:
        log.error(
            "request %s %s failed: %s", scope.get("method"), scope.get("path"), exc, exc_info=exc
        )
    return error


def error_answer(scope: Scope, error: BrightlineError) -> Response:
    if str(scope.get("path", "")).startswith("/api/"):
        return api_error_response(error)
    shown = public_error(error)
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error</title>'
        '<link rel="stylesheet" href="/static/style.css"></head><body><main><h1>'
        f"{shown.http_status}</h1><p>{_escape(shown.message)}</p>"
        '<p><a href="/">Home</a></p></main></body></html>'
    )
    return HTMLResponse(page, status_code=shown.http_status, headers=retry_headers(shown))


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


class BodyLimitMiddleware:
    """Refuses request bodies over ``limit`` bytes with 413 before the app reads them: at once
    when Content-Length says so, else as soon as the streamed body passes the limit."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope.get("headers", []))
        if declared is not None and declared > self.limit:
            await error_answer(scope, self._error(declared))(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise self._error(seen)
            return message

        await self.app(scope, counted, send)

    def _error(self, size: int) -> TooLarge:
        return TooLarge(
            f"request body too large: {size} bytes (limit {self.limit} bytes)",
            limit=self.limit,
            size=size,
        )


def _declared_length(headers: Sequence[tuple[bytes, bytes]]) -> int | None:
    for key, value in headers:
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def client_address(
    peer: str | None, headers: Sequence[tuple[bytes, bytes]], trusted: Sequence[IPNetwork]
) -> str:
    """The real client: the peer address, unless the peer is a trusted proxy; then the nearest
    address of ``X-Forwarded-For`` (read from the right) that is not itself a trusted proxy.
    With no trusted proxies (the default) the header is ignored entirely."""
    address = peer or "unknown"
    if not trusted or not _trusted(address, trusted):
        return address
    forwarded: list[str] = []
    for key, value in headers:
        if key == b"x-forwarded-for":
            forwarded.extend(p.strip() for p in value.decode("latin-1").split(","))
    for hop in reversed(forwarded):
        if not hop:
            continue
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # a forged or broken header: count the proxy itself
        if not _trusted(hop, trusted):
            return hop
        address = hop
    return address


def _trusted(address: str, trusted: Sequence[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def tokens_equal(a: str, b: str) -> bool:
    return bool(a) and bool(b) and secrets.compare_digest(a.encode(), b.encode())
