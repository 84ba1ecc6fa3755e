"""Tiles (c2sp.org/tlog-tiles): paths, what each tile holds, the HTTP endpoints with their
content types and cache headers, and `ledger export-tiles`."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from brightline.cli import main
from brightline.errors import InvalidRequest
from brightline.ledger.checkpoint import open_checkpoint
from brightline.ledger.merkle import CompactRange, leaf_hash, root
from brightline.ledger.records import leaf_data
from brightline.ledger.tiles import (
    TILE_WIDTH,
    Tile,
    decode_bundle,
    encode_index,
    parse_tile_path,
    split_hashes,
    subtree_root,
    tiles_for_size,
)
from brightline.service import Service
from test_service_support import OFFICER, open_service
from test_web_support import Web, make_web

# --- paths --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "path"),
    [(0, "000"), (5, "005"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067")],
)
def test_index_encoding_follows_the_spec(index: int, path: str) -> None:
    assert encode_index(index) == path
    assert parse_tile_path(f"tile/0/{path}") == Tile(0, index)


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/x001/x234/067",
        "tile/3/000.p/1",
        "tile/63/x999/255.p/255",
        "tile/entries/000",
        "tile/entries/x012/345.p/17",
    ],
)
def test_tile_paths_round_trip(path: str) -> None:
    assert parse_tile_path(path).path() == path


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("tile/00/000", "level with a leading zero"),
        ("tile/64/000", "level above 63"),
        ("tile/0/5", "index group not three digits"),
        ("tile/0/x000/001", "a leading x000 group"),
        ("tile/0/001/002", "an inner group without its x"),
        ("tile/0/x001/234/067", "only the first group prefixed"),
        ("tile/0/000.p/256", "partial width above 255"),
        ("tile/0/000.p/0", "partial width 0"),
        ("tile/0/000.p/07", "partial width with a leading zero"),
        ("tile/data/000", "not 'entries'"),
        ("tiles/0/000", "not under tile/"),
    ],
)
def test_bad_tile_paths_are_refused(path: str, why: str) -> None:
    with pytest.raises(InvalidRequest):
        parse_tile_path(path)


def test_tiles_of_70000_entries_are_the_specs_example() -> None:
    tiles = list(tiles_for_size(70_000, entries=False))
    assert sum(1 for t in tiles if t.level == 0 and t.full) == 273
    assert [t.path() for t in tiles if not (t.level == 0 and t.full)] == [
        "tile/0/273.p/112",
        "tile/1/000",
        "tile/1/001.p/17",
        "tile/2/000.p/1",
    ]
    assert [t.path() for t in tiles_for_size(256, entries=False)] == [
        "tile/0/000",
        "tile/1/000.p/1",
    ]
    assert list(tiles_for_size(0)) == []


# --- the store and the endpoints ----------------------------------------------------------------


@pytest.fixture
def web(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    built = make_web(sqlite_url, tmp_path / "var", monkeypatch)
    yield built
    built.service.close()


def fill(service: Service, n: int) -> None:
    for i in range(n):
        service.ledger.append("note", {"n": i})


def test_tiles_hold_the_tree_and_bundles_the_leaf_inputs(web: Web) -> None:
    service = web.service
    fill(service, 300)
    size = service.ledger.size()
    leaves0 = split_hashes(service.ledger.tile(Tile(0, 0)), Tile(0, 0))
    leaves1 = split_hashes(service.ledger.tile(Tile(0, 1, size - 256)), Tile(0, 1, size - 256))
    leaves = leaves0 + leaves1
    assert root(leaves).hex() == service.ledger.latest_checkpoint()["root"]
    level1 = split_hashes(service.ledger.tile(Tile(1, 0, 1)), Tile(1, 0, 1))
    assert level1 == [subtree_root(leaves0)]
    bundle = decode_bundle(service.ledger.tile(Tile(None, 0)), Tile(None, 0))
    for i, entry in enumerate(bundle):
        stored = service.ledger.entry(i)
        assert entry == leaf_data(stored.kind, bytes.fromhex(stored.commitment))
        assert leaf_hash(entry) == leaves[i]
        assert b'"n"' not in entry  # the record never leaves the database this way


def test_redaction_changes_no_tile(web: Web) -> None:
    service = web.service
    fill(service, 256)
    before = service.ledger.tile(Tile(None, 0)), service.ledger.tile(Tile(0, 0))
    service.ledger.redact(7, reason="test", actor="auditor")
    service.ledger._tiles.clear()  # read from the database again
    assert (service.ledger.tile(Tile(None, 0)), service.ledger.tile(Tile(0, 0))) == before


def test_checkpoint_endpoint(web: Web) -> None:
    fill(web.service, 3)
    answer = web.client.get("/ledger/checkpoint")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    assert "max-age=5" in answer.headers["cache-control"]
    checkpoint = open_checkpoint(answer.text, web.service.ledger.vkey)
    assert checkpoint.size == web.service.ledger.size()
    assert checkpoint.origin == "brightline.chicago/ledger"


def test_tile_endpoints_types_caching_and_errors(web: Web) -> None:
    fill(web.service, 260)
    size = web.service.ledger.size()
    full = web.client.get("/ledger/tile/0/000")
    assert full.status_code == 200 and len(full.content) == 32 * TILE_WIDTH
    assert full.headers["content-type"] == "application/octet-stream"
    assert "immutable" in full.headers["cache-control"]
    partial = web.client.get(f"/ledger/tile/0/001.p/{size - 256}")
    assert partial.status_code == 200 and len(partial.content) == 32 * (size - 256)
    assert "immutable" not in partial.headers["cache-control"]
    bundle = web.client.get("/ledger/tile/entries/000", headers={"Accept-Encoding": "gzip"})
    assert bundle.status_code == 200 and bundle.headers["content-encoding"] == "gzip"
    entries = decode_bundle(bundle.content, Tile(None, 0))  # the client undid the gzip
    assert [leaf_hash(e) for e in entries] == split_hashes(full.content, Tile(0, 0))
    plain = web.client.get("/ledger/tile/entries/000", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert gzip.compress(plain.content) and plain.content == bundle.content
    for path in (
        "/ledger/tile/0/001",
        "/ledger/tile/2/000.p/1",
        "/ledger/tile/0/01",
        "/ledger/tile/x",
    ):
        bad = web.client.get(path)
        assert bad.status_code == 404, path
        assert bad.json()["error"]["code"] == "not_found"
    assert "tile/<L>" in web.client.get("/ledger/tile/x").json()["error"]["message"]


def test_export_tiles_writes_the_same_tree(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    service = open_service(sqlite_url, tmp_path / "var", monkeypatch)
    try:
        fill(service, 520)
        service.decide(
            {
                "jurisdiction": "chicago",
                "at": "2025-10-04T10:30:00-05:00",
                "kind": "assistance",
                "facts": {"agency": "ice", "activity": "patrol"},
            },
            actor=OFFICER,
        )
        out = tmp_path / "tiles"
        assert main(["ledger", "export-tiles", str(out), "--database", sqlite_url]) == 0
        assert "tiles and bundles written" in capsys.readouterr().out
        size = service.ledger.size()
        expected = {t.path() for t in tiles_for_size(size)} | {"checkpoint"}
        got = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
        assert got == expected
        for tile in tiles_for_size(size):
            assert (out / tile.path()).read_bytes() == service.ledger.tile(tile)
        cp = open_checkpoint((out / "checkpoint").read_text(), service.ledger.vkey)
        assert cp.size == size
        fill(service, 300)
        assert main(["ledger", "export-tiles", str(out), "--database", sqlite_url]) == 0
        assert "4 full ones already there" in capsys.readouterr().out
        edge = CompactRange()
        for tile in tiles_for_size(service.ledger.size(), entries=False):
            if tile.level == 0:
                for leaf in split_hashes((out / tile.path()).read_bytes(), tile):
                    edge.append(leaf)
        assert edge.root().hex() == service.ledger.latest_checkpoint()["root"]
    finally:
        service.close()
