"""Following a tiled log (a mirror or monitor): check a new checkpoint against the one held, and
every tile and entry bundle against the signed roots. Pure: tiles come through reader functions.

One round, from a held checkpoint (or none) to a newly fetched, signature-checked one:

1. A smaller tree than the held one is a **truncation**: the log signed more than it now shows.
2. The signed root must be what the served tiles make (right-edge hashes of the tiles folded into
   the root); else the tiles are **bad**.
3. The held root must be what the same tiles make at the held size; else the old tree is not a
   prefix of the new one: a **fork** (history rewritten).
4. Every new tile is checked: each entry of a bundle hashes to its leaf in the level-0 tile, and
   each hash of a level ``L >= 1`` tile is the root of the full tile below it.

Only when all of that holds are the new tiles returned, to be written by the caller.
"""

from __future__ import annotations

from collections.abc import Callable

from brightline.errors import VerificationError
from brightline.ledger.checkpoint import Checkpoint
from brightline.ledger.merkle import CompactRange, NodeID, node_hash
from brightline.ledger.tiles import (
    TILE_HEIGHT,
    TILE_WIDTH,
    BadTile,
    Tile,
    check_bundle,
    decode_bundle,
    split_hashes,
    subtree_root,
    tile_for,
    tiles_for_size,
)

TileReader = Callable[[Tile], bytes]

__all__ = ["BadTile", "Fork", "Truncation", "check_round", "root_from_tiles"]


class Truncation(VerificationError):
    """The log now shows a smaller tree than one it signed before."""

    code = "truncation"


class Fork(VerificationError):
    """The log's tree at a size already signed now has another root (or origin)."""

    code = "fork"


def _node(node: NodeID, size: int, read: TileReader, cache: dict[Tile, list[bytes]]) -> bytes:
    """The hash of complete subtree ``node`` of a tree of ``size`` leaves, from its tile."""
    level, rest = divmod(node.level, TILE_HEIGHT)
    count = 1 << rest
    first = node.index << rest
    tile = tile_for(level, first + count - 1, size)
    hashes = cache.get(tile)
    if hashes is None:
        hashes = cache[tile] = split_hashes(read(tile), tile)
    row = hashes[first % TILE_WIDTH : first % TILE_WIDTH + count]
    while len(row) > 1:
        row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row), 2)]
    return row[0]


def root_from_tiles(
    size: int, at: int, read: TileReader, cache: dict[Tile, list[bytes]] | None = None
) -> bytes:
    """The root of the tree of ``size`` leaves computed from the tiles of the tree of ``at``
    leaves (``size <= at``; tiles of the larger tree hold the smaller tree's hashes too)."""
    cache = {} if cache is None else cache
    ids = CompactRange.node_ids(size)
    edge = CompactRange.from_nodes(size, [_node(n, at, read, cache) for n in ids])
    return edge.root()


def check_round(
    held: Checkpoint | None, new: Checkpoint, remote: TileReader, local: TileReader
) -> dict[Tile, bytes]:
    """Check ``new`` (signature already verified) against ``held`` and the tiles; return the
    tiles (and entry bundles) the mirror lacks, all checked. ``remote`` fetches from the log,
    ``local`` reads what the mirror already holds (raising KeyError when it does not)."""
    if held is not None:
        if new.origin != held.origin:
            raise Fork(f"the log's origin is now {new.origin!r}, it was {held.origin!r}")
        if new.size < held.size:
            raise Truncation(
                f"TRUNCATION: the log now shows {new.size} entries, but it signed a checkpoint "
                f"of {held.size} entries (root {held.root.hex()}): {held.size - new.size} "
                "entries that were acknowledged are gone",
                held=held.size,
                shown=new.size,
            )
    cache: dict[Tile, list[bytes]] = {}
    fetched: dict[Tile, bytes] = {}

    def read(tile: Tile) -> bytes:
        if tile not in fetched:
            fetched[tile] = remote(tile)
        return fetched[tile]

    if new.size:
        made = root_from_tiles(new.size, new.size, read, cache)
        if made != new.root:
            raise BadTile(
                f"BAD TILE: the log's tiles make root {made.hex()} for size {new.size}, but its "
                f"checkpoint signs {new.root.hex()}"
            )
    if held is not None and held.size:
        was = root_from_tiles(held.size, new.size, read, cache)
        if was != held.root:
            raise Fork(
                f"FORK: at size {held.size} the log's tree now has root {was.hex()}, but it "
                f"signed {held.root.hex()} before: history was rewritten",
                size=held.size,
            )
    new_tiles = [t for t in tiles_for_size(new.size) if not _held(t, local)]
    for tile in new_tiles:
        read(tile)
    _check_tiles(new_tiles, read, local)
    return {t: fetched[t] for t in new_tiles}


def _held(tile: Tile, local: TileReader) -> bool:
    try:
        local(tile)
    except KeyError:
        return False
    return True


def _check_tiles(tiles: list[Tile], read: TileReader, local: TileReader) -> None:
    new = {t: read(t) for t in tiles}

    def get(tile: Tile) -> bytes:
        return new[tile] if tile in new else local(tile)

    # upper levels first: a changed level-0 tile is then named as the tile it is
    for tile in sorted(tiles, key=lambda t: -1 if t.level is None else t.level, reverse=True):
        if tile.entries:
            leaves_tile = Tile(0, tile.index, tile.width)
            bundle = decode_bundle(get(tile), tile)
            check_bundle(bundle, split_hashes(get(leaves_tile), leaves_tile), tile)
        elif tile.level:
            hashes = split_hashes(get(tile), tile)
            for i, digest in enumerate(hashes):
                below = Tile(tile.level - 1, tile.first + i)
                try:
                    data = get(below)
                except KeyError as exc:
                    raise BadTile(f"{below.path()} is missing below {tile.path()}") from exc
                if subtree_root(split_hashes(data, below)) != digest:
                    raise BadTile(
                        f"BAD TILE: hash {i} of {tile.path()} is not the root of {below.path()}",
                        tile=tile.path(),
                    )
