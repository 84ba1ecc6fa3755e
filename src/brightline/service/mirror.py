"""A tlog-tiles tree as files: what ``brightline ledger export-tiles DIR`` writes for any web
server or bucket, and what ``brightline ledger follow URL`` keeps as its mirror.

The layout is the spec's URL layout below the prefix: ``DIR/checkpoint``,
``DIR/tile/<L>/<N>[.p/<W>]``, ``DIR/tile/entries/<N>[.p/<W>]``. Every file is written to a
temporary name, synced and renamed into place, tiles first and the checkpoint last, so a reader
never sees a checkpoint whose tiles are not there yet. Full tiles never change: an export skips
those already present.
"""

from __future__ import annotations

import gzip
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from brightline.errors import InvalidRequest, NotFound, VerificationError
from brightline.ledger.checkpoint import Checkpoint, open_checkpoint, parse_note
from brightline.ledger.follow import check_round
from brightline.ledger.tiles import Tile, tiles_for_size

TIMEOUT = 30.0


class TileDir:
    """A directory holding a tlog-tiles tree."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, tile: Tile) -> Path:
        return self.root / tile.path()

    def read(self, tile: Tile) -> bytes:
        """The tile's bytes; KeyError when the directory does not hold it."""
        try:
            return self.path(tile).read_bytes()
        except FileNotFoundError:
            raise KeyError(tile.path()) from None

    def has(self, tile: Tile) -> bool:
        return self.path(tile).exists()

    def write(self, tiles: Mapping[Tile, bytes]) -> None:
        for tile, data in sorted(tiles.items(), key=lambda kv: kv[0].path()):
            _write_atomic(self.path(tile), data)

    def checkpoint(self) -> str | None:
        try:
            return (self.root / "checkpoint").read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def set_checkpoint(self, note: str) -> None:
        _write_atomic(self.root / "checkpoint", note.encode("utf-8"))


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


# --- export -------------------------------------------------------------------------------------


def export_tiles(ledger: Any, target: Path, note: str) -> dict[str, int]:
    """Write the tree of the checkpoint ``note`` (signed by the ledger) into ``target``: every
    full tile not yet there and the partial tiles of its size, then the checkpoint. Returns
    ``{"size", "written", "kept"}``."""
    checkpoint = Checkpoint.parse(parse_note(note).text)
    out = TileDir(target)
    written = kept = 0
    for tile in tiles_for_size(checkpoint.size):
        if tile.full and out.has(tile):
            kept += 1
            continue
        out.write({tile: ledger.tile(tile)})
        written += 1
    out.set_checkpoint(note)
    return {"size": checkpoint.size, "written": written, "kept": kept}


# --- follow -------------------------------------------------------------------------------------


def fetch(url: str) -> bytes:
    """GET ``url``; NotFound for 404, VerificationError for any other failure."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, identity"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            data: bytes = answer.read()
            if answer.headers.get("Content-Encoding", "").lower() == "gzip":
                data = gzip.decompress(data)
            return data
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise NotFound(f"{url}: 404 Not Found", url=url) from exc
        raise VerificationError(f"{url}: HTTP {exc.code}", url=url) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise VerificationError(f"{url}: cannot fetch: {exc}", url=url) from exc


def follow_once(url: str, vkey: str, mirror: Path) -> dict[str, Any]:
    """One round of following the log at ``url`` (its tlog-tiles prefix) into ``mirror``.

    Raises Truncation, Fork, BadTile or VerificationError (a checkpoint not signed by ``vkey``)
    saying what was found; writes nothing then. Returns ``{"size", "root", "held", "tiles"}``."""
    prefix = url.rstrip("/")
    if not prefix.startswith(("http://", "https://")):
        raise InvalidRequest(f"the log URL must start with http:// or https://, got {url!r}")
    tiles = TileDir(mirror)
    note = fetch(prefix + "/checkpoint").decode("utf-8", "replace")
    new = open_checkpoint(note, vkey)
    held_note = tiles.checkpoint()
    held = open_checkpoint(held_note, vkey) if held_note else None

    def remote(tile: Tile) -> bytes:
        return fetch(f"{prefix}/{tile.path()}")

    fresh = check_round(held, new, remote, tiles.read)
    tiles.write(fresh)
    tiles.set_checkpoint(note)
    return {
        "size": new.size,
        "root": new.root.hex(),
        "held": held.size if held else 0,
        "tiles": len(fresh),
    }
