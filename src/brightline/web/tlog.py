"""The ledger as a tiled transparency log (c2sp.org/tlog-tiles), under the prefix ``/ledger``:

- ``GET /ledger/checkpoint``: the signed checkpoint (``text/plain; charset=utf-8``, cached for a
  few seconds at most); with a witness policy, the newest one a quorum of witnesses cosigned.
- ``GET /ledger/tile/<L>/<N>[.p/<W>]``: Merkle tree tiles (``application/octet-stream``);
  full tiles never change and are served ``immutable``.
- ``GET /ledger/tile/entries/<N>[.p/<W>]``: entry bundles: per entry the bytes its leaf hashes
  (a domain tag, the kind and the salted commitment; never a record), gzip-compressed when the
  client accepts it.

The checkpoint origin follows the spec's convention: the log's URL prefix without the scheme
(``BRIGHTLINE_LOG_ORIGIN``, e.g. ``ledger.example.org/ledger`` for
``https://ledger.example.org/ledger/``). Errors are the API's one JSON error shape.
"""

from __future__ import annotations

import gzip
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from brightline.errors import BrightlineError
from brightline.service import Service
from brightline.web.deps import service_dep
from brightline.web.security import api_error_response

# Not in the OpenAPI document: these are the C2SP protocol's own resources (text and bytes, at
# paths the spec fixes), documented in the README, not part of the JSON API.
router = APIRouter(prefix="/ledger", tags=["tlog-tiles"], include_in_schema=False)
ServiceDep = Annotated[Service, Depends(service_dep)]

CHECKPOINT_CACHE = "public, max-age=5, must-revalidate"
FULL_TILE_CACHE = "public, max-age=31536000, immutable"
PARTIAL_TILE_CACHE = "public, max-age=3600"
OCTETS = "application/octet-stream"


@router.get(
    "/checkpoint",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "the signed checkpoint"}},
)
def checkpoint(service: ServiceDep) -> Response:
    """The log's signed checkpoint (c2sp.org/tlog-checkpoint), cosigned when witnesses are set."""
    try:
        note = service.published_checkpoint()
    except BrightlineError as exc:
        return api_error_response(exc)
    return Response(
        note,
        media_type="text/plain; charset=utf-8",
        headers={"Cache-Control": CHECKPOINT_CACHE},
    )


@router.get(
    "/tile/{path:path}",
    response_class=Response,
    responses={200: {"content": {OCTETS: {}}, "description": "a tile or an entry bundle"}},
)
def tile(service: ServiceDep, path: str, request: Request) -> Response:
    """A Merkle tree tile or an entry bundle, at the spec's exact paths."""
    try:
        address, data = service.ledger_tile("tile/" + path)
    except BrightlineError as exc:
        return api_error_response(exc)
    headers = {"Cache-Control": FULL_TILE_CACHE if address.full else PARTIAL_TILE_CACHE}
    if address.entries:
        headers["Vary"] = "Accept-Encoding"
        if "gzip" in request.headers.get("accept-encoding", "").lower():
            data = gzip.compress(data, compresslevel=6, mtime=0)
            headers["Content-Encoding"] = "gzip"
    return Response(data, media_type=OCTETS, headers=headers)
