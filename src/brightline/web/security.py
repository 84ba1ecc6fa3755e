"""Web security machinery: signed session cookies, CSRF tokens, body limits, rate limits.

Nothing here decides who may do what (that is the service's job); this module only carries the
session between requests, refuses forged form posts, oversized bodies and floods of anonymous
posts, and keeps the secret that signs the cookies.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import JSONResponse

from brightline import settings
from brightline.errors import BrightlineError, RateLimited, TooLarge, error_body

if TYPE_CHECKING:
    from brightline.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "bl_session"
SESSION_MAX_AGE = 12 * 3600
DEFAULT_BODY_LIMIT = 64 * 1024


def load_secret(config: Settings | None = None) -> str:
    """The server secret (signs session cookies, keys the hashes of client addresses):
    ``BRIGHTLINE_SECRET_KEY``, else the file ``web-secret.key`` in BRIGHTLINE_DATA_DIR,
    created on first start with mode 0600."""
    config = config or settings.current()
    if config.secret_key:
        return config.secret_key
    path = config.data_path("web-secret.key")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@dataclass
class Session:
    """What the signed cookie carries: the CSRF secret and, once signed in, the API token that
    stands for the account (so that revoking the token ends the session)."""

    csrf: str = ""
    token: str | None = None
    flash: str | None = None
    dirty: bool = False
    clear: bool = False

    def ensure_csrf(self) -> str:
        if not self.csrf:
            self.csrf = secrets.token_urlsafe(24)
            self.dirty = True
        return self.csrf

    def sign_in(self, token: str) -> None:
        self.token = token
        self.csrf = secrets.token_urlsafe(24)  # a new session gets a new CSRF secret
        self.dirty = True

    def sign_out(self) -> None:
        self.token = None
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
        if self.token:
            data["t"] = self.token
        if self.flash:
            data["f"] = self.flash
        return data


class SessionCodec:
    """Signs and reads the session cookie (itsdangerous, timestamped)."""

    def __init__(self, secret: str, *, max_age: int = SESSION_MAX_AGE) -> None:
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
        token = data.get("t")
        flash = data.get("f")
        return Session(
            csrf=str(data.get("c") or ""),
            token=token if isinstance(token, str) else None,
            flash=flash if isinstance(flash, str) else None,
        )


# The pages load only their own scripts and styles; nothing may frame them. The interactive
# API docs (/api/v1/docs) load Swagger UI from its CDN, so they skip the first (CSP) header.
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


def _cookie_value(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    for key, value in headers:
        if key != b"cookie":
            continue
        for part in value.decode("latin-1").split(";"):
            k, _, v = part.strip().partition("=")
            if k == name:
                return v
    return None


class SessionMiddleware:
    """Loads the session into ``scope['state']['session']`` and writes the cookie back only when
    it changed (so API calls with a bearer token never get a cookie); adds the security headers
    to every response."""

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

        docs = str(scope.get("path", "")).endswith("/docs")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS if not docs else SECURITY_HEADERS[1:])
                if session.dirty:
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


def api_error_response(error: BrightlineError) -> JSONResponse:
    """The one JSON error shape as a response, with its status and any Retry-After."""
    return JSONResponse(error_body(error), status_code=error.http_status, headers=retry_headers(error))


class BodyLimitMiddleware:
    """Refuses request bodies over ``limit`` bytes with 413 before the app reads them: at once
    when Content-Length says so, else as soon as the streamed body passes the limit."""

    def __init__(self, app: ASGIApp, *, limit: int = DEFAULT_BODY_LIMIT) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope.get("headers", []))
        if declared is not None and declared > self.limit:
            await api_error_response(self._error(declared))(scope, receive, send)
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


def _declared_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for key, value in headers:
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


@dataclass
class RateLimiter:
    """At most ``limit`` events per ``window`` seconds per client (sliding window, in memory,
    thread-safe). ``check`` raises :class:`RateLimited` with ``retry_after`` seconds."""

    limit: int = 10
    window: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _events: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, client: str) -> None:
        now = self.clock()
        with self._lock:
            events = self._events.setdefault(client, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                retry = max(1, int(events[0] + self.window - now + 0.999))
                raise RateLimited(
                    f"too many requests from this client: at most {self.limit} per "
                    f"{int(self.window)} s; try again in {retry} s",
                    limit=self.limit,
                    window_seconds=int(self.window),
                    retry_after=retry,
                )
            events.append(now)
            if len(self._events) > 100_000:
                self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window]:
            del self._events[key]


def tokens_equal(a: str, b: str) -> bool:
    return bool(a) and bool(b) and secrets.compare_digest(a.encode(), b.encode())
