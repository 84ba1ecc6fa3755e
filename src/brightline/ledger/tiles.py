"""Tiles of a tlog-tiles log (c2sp.org/tlog-tiles): addresses, paths, what each holds, and the
checks a mirror makes. Pure: which nodes a tile needs is said here; a store fetches them.

A tile at level ``L`` with index ``N`` holds up to 256 consecutive hashes, each the Merkle tree
hash of ``256**L`` leaves: hash ``i`` covers leaves ``[(N*256+i) * 256**L, (N*256+i+1) * 256**L)``
- in this package's terms the complete subtree ``NodeID(8*L, N*256+i)``. A full tile holds
256 hashes (8,192 bytes); the rightmost tiles of a tree are partial (1 to 255 hashes) and named
with ``.p/<W>``. Level-0 tiles hold leaf hashes; their entry bundle
(``tile/entries/<N>[.p/<W>]``) holds what each leaf hashes, each prefixed by its length as a
big-endian uint16. Here an entry is the leaf data of :func:`brightline.ledger.records.leaf_data`
(a domain tag, the kind, the salted commitment): never a record, so a redaction changes no tile.

Paths: ``<N>`` is written in zero-padded groups of three digits, every group but the last
prefixed with ``x`` (1234067 -> ``x001/x234/067``); ``<L>`` and ``<W>`` are plain decimals
without leading zeros.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from brightline.errors import InvalidRequest, VerificationError
from brightline.ledger.merkle import HASH_SIZE, NodeID, leaf_hash, node_hash

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_LEVEL = 63
MAX_ENTRY = 0xFFFF

_GROUP = re.compile(r"[0-9]{3}")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


class BadTile(VerificationError):
    """A tile or entry bundle whose bytes are not what its address and the tree say."""

    code = "bad_tile"


@dataclass(frozen=True, order=True, slots=True)
class Tile:
    """Tile ``index`` of ``level`` (``level`` None: the entry bundle of level-0 tile ``index``),
    ``width`` hashes (or entries) wide."""

    level: int | None
    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        if self.level is not None and not 0 <= self.level <= MAX_LEVEL:
            raise InvalidRequest(
                f"tile level must be 0..{MAX_LEVEL}, got {self.level}", level=self.level
            )
        if self.index < 0:
            raise InvalidRequest(f"tile index must be >= 0, got {self.index}", index=self.index)
        if not 1 <= self.width <= TILE_WIDTH:
            raise InvalidRequest(
                f"tile width must be 1..{TILE_WIDTH}, got {self.width}", width=self.width
            )

    @property
    def full(self) -> bool:
        return self.width == TILE_WIDTH

    @property
    def entries(self) -> bool:
        """Is this an entry bundle?"""
        return self.level is None

    @property
    def node_level(self) -> int:
        """The Merkle level of the hashes this tile holds (0 for an entry bundle's leaves)."""
        return TILE_HEIGHT * (self.level or 0)

    @property
    def first(self) -> int:
        """The index, at :attr:`node_level`, of the tile's first hash."""
        return self.index * TILE_WIDTH

    def nodes(self) -> list[NodeID]:
        """The complete subtrees whose hashes this tile holds, in order (for an entry bundle:
        the leaves its entries hash to)."""
        level = self.node_level
        return [NodeID(level, self.first + i) for i in range(self.width)]

    def node_range(self) -> tuple[int, int, int]:
        """``(merkle level, first index, end index)`` of :meth:`nodes`: one range read."""
        return self.node_level, self.first, self.first + self.width

    def leaves(self) -> tuple[int, int]:
        """The leaf range ``[begin, end)`` the tile's hashes cover."""
        span = 1 << self.node_level
        return self.first * span, (self.first + self.width) * span

    def path(self) -> str:
        """The tile's path below the log's prefix, e.g. ``tile/1/x001/234/067.p/9``."""
        head = "tile/entries" if self.level is None else f"tile/{self.level}"
        tail = "" if self.full else f".p/{self.width}"
        return f"{head}/{encode_index(self.index)}{tail}"

    def fits(self, size: int) -> bool:
        """Does a tree of ``size`` leaves hold everything this tile covers?"""
        return self.leaves()[1] <= size


def encode_index(index: int) -> str:
    """``1234067`` -> ``x001/x234/067``; ``5`` -> ``005``."""
    if index < 0:
        raise InvalidRequest(f"tile index must be >= 0, got {index}", index=index)
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])


def parse_tile_path(path: str) -> Tile:
    """The tile named by ``path`` (below the prefix: ``tile/...``); InvalidRequest saying what
    is wrong with anything that is not exactly a tile path of the spec."""
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != "tile":
        raise InvalidRequest(
            f"not a tile path: {path!r}; expected tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]",
            path=path,
        )
    level: int | None
    if parts[1] == "entries":
        level = None
    elif _DECIMAL.fullmatch(parts[1]) and int(parts[1]) <= MAX_LEVEL:
        level = int(parts[1])
    else:
        raise InvalidRequest(
            f"tile level {parts[1]!r} must be 'entries' or a decimal 0..{MAX_LEVEL} without "
            "leading zeros",
            path=path,
        )
    rest = parts[2:]
    width = TILE_WIDTH
    if len(rest) >= 2 and rest[-2].endswith(".p"):
        w = rest[-1]
        if not _DECIMAL.fullmatch(w) or not 1 <= int(w) < TILE_WIDTH:
            raise InvalidRequest(
                f"partial tile width {w!r} must be a decimal 1..{TILE_WIDTH - 1} without "
                "leading zeros",
                path=path,
            )
        width = int(w)
        rest = [*rest[:-2], rest[-2][:-2]]
    index = _parse_index(rest, path)
    return Tile(level, index, width)


def _parse_index(groups: Sequence[str], path: str) -> int:
    ok = bool(groups) and _GROUP.fullmatch(groups[-1]) is not None
    ok = ok and all(g.startswith("x") and _GROUP.fullmatch(g[1:]) for g in groups[:-1])
    digits = "".join(g.removeprefix("x") for g in groups)
    if not ok or (len(groups) > 1 and groups[0] == "x000"):
        raise InvalidRequest(
            f"tile index in {path!r} must be groups of three digits, all but the last "
            "prefixed with 'x' (e.g. x001/x234/067), without a leading x000",
            path=path,
        )
    return int(digits)


def tiles_for_size(size: int, *, entries: bool = True) -> Iterator[Tile]:
    """Every tile (and entry bundle) of a tree of ``size`` leaves: the full ones and, per level,
    the partial one at the right edge (``floor(size / 256**L) mod 256`` wide, when not 0)."""
    if size < 0:
        raise InvalidRequest(f"tree size must be >= 0, got {size}", size=size)
    level = 0
    while size >> (TILE_HEIGHT * level):
        hashes = size >> (TILE_HEIGHT * level)  # complete subtrees of 256**level leaves
        full, partial = divmod(hashes, TILE_WIDTH)
        kinds: list[int | None] = [level, None] if entries and level == 0 else [level]
        for kind in kinds:
            for n in range(full):
                yield Tile(kind, n)
            if partial:
                yield Tile(kind, full, partial)
        level += 1


def tile_for(level: int, node_index: int, size: int) -> Tile:
    """The tile of ``level`` holding hash ``node_index`` (a complete subtree of ``256**level``
    leaves) in a tree of ``size`` leaves: full where the tree has it all, else the partial
    tile at the right edge."""
    n = node_index // TILE_WIDTH
    have = (size >> (TILE_HEIGHT * level)) - n * TILE_WIDTH
    if have <= node_index % TILE_WIDTH:
        raise InvalidRequest(
            f"a tree of size {size} has no hash {node_index} at tile level {level}",
            size=size,
        )
    return Tile(level, n, min(have, TILE_WIDTH))


# --- bytes --------------------------------------------------------------------------------------


def encode_bundle(entries: Sequence[bytes]) -> bytes:
    """An entry bundle: each entry as a big-endian uint16 length and its bytes."""
    out = bytearray()
    for entry in entries:
        if len(entry) > MAX_ENTRY:
            raise InvalidRequest(
                f"an entry of {len(entry)} bytes does not fit a bundle (at most {MAX_ENTRY})"
            )
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def decode_bundle(data: bytes, tile: Tile) -> list[bytes]:
    """The entries of an entry bundle; BadTile unless it holds exactly ``tile.width`` of them."""
    entries: list[bytes] = []
    at = 0
    while at < len(data):
        if at + 2 > len(data):
            raise BadTile(f"{tile.path()}: a length prefix is cut off at byte {at}")
        length = int.from_bytes(data[at : at + 2], "big")
        if at + 2 + length > len(data):
            raise BadTile(f"{tile.path()}: entry {len(entries)} runs past the end of the bundle")
        entries.append(data[at + 2 : at + 2 + length])
        at += 2 + length
    if len(entries) != tile.width:
        raise BadTile(
            f"{tile.path()}: bundle holds {len(entries)} entries, its path says {tile.width}"
        )
    return entries


def split_hashes(data: bytes, tile: Tile) -> list[bytes]:
    """The hashes of a tile's bytes; BadTile unless it is exactly ``tile.width`` hashes."""
    if len(data) != tile.width * HASH_SIZE:
        raise BadTile(
            f"{tile.path()}: {len(data)} bytes, expected {tile.width * HASH_SIZE} "
            f"({tile.width} hashes of {HASH_SIZE} bytes)"
        )
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def subtree_root(hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of a full tile's 256 hashes (the hash one level up)."""
    if len(hashes) != TILE_WIDTH:
        raise InvalidRequest(f"a full tile has {TILE_WIDTH} hashes, got {len(hashes)}")
    row = list(hashes)
    while len(row) > 1:
        row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row), 2)]
    return row[0]


def check_bundle(bundle: Sequence[bytes], leaves: Sequence[bytes], tile: Tile) -> None:
    """Each entry of a bundle hashes (RFC 6962 leaf hash) to its leaf in the level-0 tile."""
    for i, (entry, leaf) in enumerate(zip(bundle, leaves, strict=True)):
        if leaf_hash(entry) != leaf:
            raise BadTile(
                f"BAD TILE: {tile.path()}: entry {tile.first + i} does not hash to its leaf in the "
                f"level-0 tile (expected {leaf.hex()}, got {leaf_hash(entry).hex()})",
                index=tile.first + i,
            )
