"""The witness's HTTP face (c2sp.org/tlog-witness): a thin adapter over
:class:`brightline.service.witness_server.Witness`.

- ``POST /add-checkpoint``: the request body as the spec defines it; the answer is the
  cosignature line (200) or the spec's status code with a one-line reason (409: the held size,
  ``text/x.tlog.size``).
- ``GET /<sha256(origin) in hex>/checkpoint``: the latest checkpoint cosigned for that log.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from brightline.service.witness_server import Answer, Witness

MAX_BODY = 64 * 1024


def witness_app(witness: Witness) -> Starlette:
    async def add_checkpoint(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return _send(Answer(413, "text/plain; charset=utf-8", b"request too large\n"))
        return _send(witness.add_checkpoint(body))

    async def checkpoint(request: Request) -> Response:
        return _send(witness.checkpoint_for(str(request.path_params["origin_hash"])))

    return Starlette(
        routes=[
            Route("/add-checkpoint", add_checkpoint, methods=["POST"]),
            Route("/{origin_hash:str}/checkpoint", checkpoint, methods=["GET"]),
        ]
    )


def _send(answer: Answer) -> Response:
    headers = {"Cache-Control": "no-store"}
    return Response(answer.body, answer.status, headers=headers, media_type=answer.content_type)
