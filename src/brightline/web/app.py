"""The web application: one FastAPI app serving the JSON API under ``/api/v1/`` and the
server-rendered pages.

Every refusal under ``/api/`` is the one JSON error shape of :func:`brightline.errors.error_body`
with the error's HTTP status; pages get a login redirect (401) or an error page instead.
"""

from __future__ import annotations

import importlib
import logging
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from brightline import __version__
from brightline.errors import AuthError, BrightlineError, InvalidRequest
from brightline.web import accounts, api, docs, oversight, pages, tlog
from brightline.web.api_models import TAGS, complete_openapi, pack_vocabulary
from brightline.web.deps import STATIC_DIR, TokenCache, templates
from brightline.web.fastpath import DecisionFastPath
from brightline.web.head import HeadAsGet
from brightline.web.i18n import LanguageMiddleware
from brightline.web.security import (
    BodyLimitMiddleware,
    ErrorBoundaryMiddleware,
    SecurityHeadersMiddleware,
    SessionCodec,
    SessionMiddleware,
    api_error_response,
    nested_too_deeply,
    public_error,
    retry_headers,
)

if TYPE_CHECKING:
    from brightline.service import Service

log = logging.getLogger("brightline.web")

_HTTP_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
}


def create_app(
    service: Service,
    *,
    secret: str | None = None,
    body_limit: int | None = None,
    secure_cookies: bool | None = None,
    token_ttl: float = 2.0,
) -> FastAPI:
    """The app over ``service``, configured by ``service.config`` (the settings): cookie
    security, session lifetime, body limit, trusted proxies. Bearer tokens are remembered
    ``token_ttl`` seconds (0: never), so a token revoked by another process stops working
    within that time (at once in this one)."""
    config = service.config
    app = FastAPI(
        title="brightline",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
    )
    _contract_openapi(app)
    app.state.service = service
    app.state.trusted_proxies = config.trusted_proxies
    app.state.token_cache = TokenCache(ttl=token_ttl) if token_ttl > 0 else None
    docs.mount(app)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(api.router)
    app.include_router(oversight.api)
    app.include_router(oversight.pages)  # before pages: /reports/status is not a report id
    app.include_router(tlog.router)  # before the pages: /ledger/checkpoint, /ledger/tile/...
    app.include_router(pages.router)
    app.include_router(accounts.router)
    _include_officers(app)
    _install_error_handlers(app)
    if config.packs_dir is not None:  # the law pages read the same packs as the service
        from brightline.service.law import use_packs_dir

        use_packs_dir(config.packs_dir)
    codec = SessionCodec(secret or service.secret, max_age=config.session_lifetime)
    if secure_cookies is None:  # behind HTTPS in production: BRIGHTLINE_SECURE_COOKIES=1
        secure_cookies = config.secure_cookies
    # Outermost last: the machine clients' fast path innermost, then the language, the session,
    # the body limit, compression, the error boundary, the security headers on every answer.
    app.add_middleware(DecisionFastPath)
    app.add_middleware(LanguageMiddleware)
    app.add_middleware(SessionMiddleware, codec=codec, secure=secure_cookies)
    app.add_middleware(BodyLimitMiddleware, limit=body_limit or config.body_limit)
    app.add_middleware(PageCompression)
    app.add_middleware(ErrorBoundaryMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(HeadAsGet)  # outermost: HEAD is GET without the body, everywhere
    return app


API_DESCRIPTION = """Decisions under Chicago's Protecting Chicago orders, with reasons, citations
and a verifiable ledger receipt.

**Versioning.** Everything under `/api/v1/` is a stable contract: within v1, fields, operations,
enum values and error codes are only ever added, never renamed, removed or given another
meaning. Clients must ignore fields they do not know. A breaking change gets a new prefix
(`/api/v2/`), announced in the release notes and served beside v1 for at least six months; v1
operations that will go away are first marked `deprecated` in this document.

**Errors.** Every refusal is one JSON shape, `{"error": {"code", "message", "details"}}`, with
the statuses each operation lists. **Authentication:** `Authorization: Bearer <token>` (see
`POST /api/v1/tokens`).

**Vocabulary.** Jurisdictions, kinds, fact names and their allowed values are generated from the
loaded packs when the service starts (the `Case` schema and its `…Facts` variants).
"""


def _contract_openapi(app: FastAPI) -> None:
    """The OpenAPI document with the packs' vocabulary filled in, built on first request."""
    vocabulary = pack_vocabulary()
    app.state.vocabulary = vocabulary
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            complete_openapi(build(), vocabulary)
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]

class PageCompression:
    """gzip for pages and static files (when the browser accepts it); the JSON API is left
    as it is, so machine clients pay no compression cost per decision."""

    def __init__(self, app: Any, minimum_size: int = 600) -> None:
        from starlette.middleware.gzip import GZipMiddleware

        self.app = app
        self.compressed = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=6)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not scope.get("path", "").startswith("/api/"):
            await self.compressed(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def app_from_env() -> FastAPI:
    """An app over ``Service.open()`` (database from BRIGHTLINE_DATABASE_URL): the factory each
    uvicorn worker process calls when ``brightline serve --workers N`` runs several. The service
    is closed when the worker shuts down."""
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    from brightline.service import Service

    service = Service.open()  # reads the settings once, in this worker
    app = create_app(service)

    inner = app.router.lifespan_context  # the included routers' start-up work

    @asynccontextmanager
    async def lifespan(app_: FastAPI) -> AsyncIterator[None]:
        try:
            async with inner(app_):
                yield
        finally:
            service.close()

    app.router.lifespan_context = lifespan
    return app


def _include_officers(app: FastAPI) -> None:
    try:
        module = importlib.import_module("brightline.web.officers")
    except ModuleNotFoundError as exc:
        if exc.name != "brightline.web.officers":
            raise
        return
    app.include_router(module.router)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, error: BrightlineError) -> Response:
    """The response for a deliberate error: JSON under /api/, a page elsewhere."""
    if is_api(request):
        return api_error_response(error)
    error = public_error(error)
    headers = retry_headers(error)
    if isinstance(error, AuthError) and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"error": error, "status": error.http_status},
        status_code=error.http_status,
        headers=headers,
    )


def _install_error_handlers(app: FastAPI) -> None:
    async def on_brightline(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, BrightlineError)
        if exc.http_status >= 500:
            log.error("request %s %s failed: %s", request.method, request.url.path, exc)
        return error_response(request, exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(request, validation_error(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if isinstance(exc.__cause__, BrightlineError):  # e.g. TooLarge while reading the body
            return error_response(request, exc.__cause__)
        if isinstance(exc.__cause__, RecursionError):  # JSON nested beyond the parser's depth
            return error_response(request, nested_too_deeply())
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
            # bytes that are not UTF-8 JSON: the same refusal as any body that is not JSON
            return error_response(
                request, InvalidRequest("the request body is not valid JSON", field="body")
            )
        detail = str(exc.detail)
        headers = dict(exc.headers or {})
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such page or endpoint: {request.method} {request.url.path}"
        elif exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
            allow = allowed_methods(request, headers.pop("Allow", None))
            if allow:
                headers["Allow"] = allow
        error = BrightlineError(detail)
        error.code = _HTTP_CODES.get(exc.status_code, "error")
        error.http_status = exc.status_code
        response = error_response(request, error)
        response.headers.update(headers)
        return response

    app.add_exception_handler(BrightlineError, on_brightline)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)


def allowed_methods(request: Request, fallback: str | None) -> str | None:
    """The ``Allow`` header of a 405: for API paths, the methods the OpenAPI document gives the
    path (several routes may share one path, one per method); elsewhere the router's own
    answer. HEAD is added wherever GET is (see :class:`HeadAsGet`)."""
    methods = set((fallback or "").replace(" ", "").split(",")) - {""}
    if is_api(request):
        for pattern, documented in _documented_paths(request.app):
            if pattern.fullmatch(request.url.path):
                methods = set(documented)
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods)) or None


def _documented_paths(app: FastAPI) -> list[tuple[re.Pattern[str], list[str]]]:
    table = getattr(app.state, "documented_paths", None)
    if table is None:
        table = [
            (
                re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path))),
                [m.upper() for m in item],
            )
            for path, item in app.openapi()["paths"].items()
        ]
        app.state.documented_paths = table
    return table  # type: ignore[no-any-return]


def validation_error(exc: RequestValidationError) -> InvalidRequest:
    """A request FastAPI could not parse, as one InvalidRequest naming each bad field."""
    if any(e.get("type") == "json_invalid" for e in exc.errors()):
        return InvalidRequest("the request body is not valid JSON", field="body")
    problems: list[dict[str, Any]] = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        problems.append({"field": loc, "problem": str(err.get("msg", "invalid"))})
    message = "; ".join(f"{p['field']}: {p['problem']}" for p in problems) or "invalid request"
    return InvalidRequest(message, errors=problems)
