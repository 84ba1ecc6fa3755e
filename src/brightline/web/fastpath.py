"""The hot path of machine clients: ``POST /api/v1/decisions`` with a known bearer token.

Dispatch consoles send decisions all day long with an API token. For them the full router (route
matching, dependency solving, body validation) costs more CPU than deciding the case and logging
it. This middleware answers exactly that request on its own and hands everything else to the app
unchanged:

- only ``POST /api/v1/decisions`` without a query string, with ``Authorization: Bearer`` whose
  token the app has already seen (the app's token cache), and a JSON Content-Type;
- a body that is not a JSON object is passed on, with the bytes already read, to the app, which
  answers with its usual errors;
- the service does all the checking (role, case); its errors get the one JSON error shape.

It sits inside the body-limit and session middlewares, so size limits and security headers are
the same as for every other request.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from brightline.errors import BrightlineError
from brightline.web.security import api_error_response, nested_too_deeply

PATH = "/api/v1/decisions"


class DecisionFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        actor = self._known_actor(scope) if _is_candidate(scope) else None
        if actor is None:
            await self.app(scope, receive, send)
            return
        try:
            body = await _read_body(receive)  # the body limit raises TooLarge here
        except BrightlineError as error:
            await api_error_response(error)(scope, receive, send)
            return
        try:
            case = json.loads(body)
        except ValueError:
            case = None
        except RecursionError:
            await api_error_response(nested_too_deeply())(scope, receive, send)
            return
        if not isinstance(case, dict):
            await self.app(scope, _replay(body), send)
            return
        response = await _answer(scope["app"].state.service, case, actor)
        await response(scope, receive, send)

    @staticmethod
    def _known_actor(scope: Scope) -> Any:
        token = None
        for key, value in scope.get("headers", ()):
            if key == b"authorization":
                scheme, _, rest = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer":
                    token = rest.strip()
            elif key == b"content-type":
                media = value.decode("latin-1").split(";", 1)[0].strip().lower()
                if media != "application/json":
                    return None
        if not token:
            return None
        cache = getattr(scope["app"].state, "token_cache", None)
        return cache.get(token) if cache is not None else None


async def _answer(service: Any, case: dict[str, Any], actor: Any) -> Response:
    """What the router's ``post_decision`` answers, as the same kind of response."""
    try:
        result = await service.decide_async(case, actor=actor)
    except BrightlineError as error:
        return api_error_response(error)
    return JSONResponse(result, status_code=201)


def _is_candidate(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope.get("method") == "POST"
        and scope.get("path") == PATH
        and not scope.get("query_string")
        and "app" in scope
    )


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    """A receive channel that yields ``body`` once, then waits like a finished request."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
