"""`brightline ledger follow URL`: a mirror over tlog-tiles, against a real HTTP server. It keeps up
with a growing log, and exits 1 with a clear message on each attack a log cannot see in itself:
truncation (the attack of the issue: newest entries deleted with their checkpoints, nodes and
head), a fork (history rewritten), a bad tile or bundle, a checkpoint not signed by the log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from brightline.cli import main
from brightline.ledger.checkpoint import NoteSigner
from brightline.ledger.tiles import Tile, tiles_for_size
from brightline.service import Service
from test_ledger_tamper import truncate
from test_service_support import DETAINER_CASE, OFFICER, open_service
from tlog_support import serve_app, serve_files


@pytest.fixture
def service(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    svc = open_service(sqlite_url, tmp_path / "var", monkeypatch)
    yield svc
    svc.close()


def fill(service: Service, n: int) -> None:
    for i in range(n):
        service.ledger.append("note", {"n": i})


def follow(
    url: str, vkey: str, mirror: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    code = main(["ledger", "follow", url, "--vkey", vkey, "--mirror", str(mirror), "--once"])
    return code, capsys.readouterr().out


def test_follow_mirrors_a_growing_log(
    service: Service, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mirror = tmp_path / "mirror"
    fill(service, 300)
    service.decide(DETAINER_CASE, actor=OFFICER)
    with serve_app(service) as url:
        code, out = follow(url, service.ledger.vkey, mirror, capsys)
        assert code == 0, out
        assert "301 entries (+301)" in out
        fill(service, 250)
        code, out = follow(url, service.ledger.vkey, mirror, capsys)
        assert code == 0 and "551 entries (+250)" in out, out
        code, out = follow(url, service.ledger.vkey, mirror, capsys)
        assert code == 0 and "(+0)" in out and ", 0 tiles" in out, out
    for tile in tiles_for_size(551):
        assert (mirror / tile.path()).read_bytes() == service.ledger.tile(tile)


def test_follow_catches_the_truncation_attack(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Receipts for the newest entries were handed out, then an attacker with the database
    deleted those entries with their checkpoints, nodes, index rows and head. `ledger verify`
    passes (test_ledger_tamper.py); the follower holding the old checkpoint does not."""
    mirror = tmp_path / "mirror"
    service = open_service(sqlite_url, tmp_path / "var", monkeypatch)
    receipts = [service.decide(DETAINER_CASE, actor=OFFICER)["receipt"] for _ in range(10)]
    vkey = service.ledger.vkey
    with serve_app(service) as url:
        assert follow(url, vkey, mirror, capsys)[0] == 0
    truncate(service, 7)
    service.close()
    assert main(["ledger", "verify", "--database", sqlite_url]) == 0  # the log cannot tell
    capsys.readouterr()
    attacked = open_service(sqlite_url, tmp_path / "var", monkeypatch)
    try:
        with serve_app(attacked) as url:
            code, out = follow(url, vkey, mirror, capsys)
        assert code == 1
        assert "TRUNCATION: the log now shows 7 entries, but it signed a checkpoint of 10" in out
        assert receipts[-1]["tree_size"] == 10
        # and the mirror still holds what was signed
        assert (mirror / "checkpoint").read_text().split("\n")[1] == "10"
    finally:
        attacked.close()


def test_follow_catches_a_fork(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Truncate, then append other entries until the log is longer than before: the size
    grows, but the tree at the held size has another root."""
    mirror = tmp_path / "mirror"
    service = open_service(sqlite_url, tmp_path / "var", monkeypatch)
    fill(service, 10)
    vkey = service.ledger.vkey
    with serve_app(service) as url:
        assert follow(url, vkey, mirror, capsys)[0] == 0
    truncate(service, 6)
    service.close()
    forked = open_service(sqlite_url, tmp_path / "var", monkeypatch)
    try:
        for i in range(8):
            forked.ledger.append("note", {"other": i})
        with serve_app(forked) as url:
            code, out = follow(url, vkey, mirror, capsys)
        assert code == 1
        assert "FORK: at size 10 the log's tree now has root" in out
    finally:
        forked.close()


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("tile/0/001.p/44", "BAD TILE: the log's tiles make root"),
        ("tile/entries/000", "does not hash to its leaf"),
        ("tile/1/000.p/1", "BAD TILE: the log's tiles make root"),
        ("tile/0/000", "is not the root of tile/0/000"),
    ],
)
def test_follow_catches_a_bad_tile(
    service: Service,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    where: str,
    message: str,
) -> None:
    """A static mirror (export-tiles) with one byte changed in one tile or bundle."""
    fill(service, 300)
    exported = tmp_path / "export"
    assert (
        main(["ledger", "export-tiles", str(exported), "--database", str(service.engine.url)]) == 0
    )
    data = bytearray((exported / where).read_bytes())
    data[-1] ^= 1
    (exported / where).write_bytes(bytes(data))
    with serve_files(exported) as url:
        code, out = follow(url, service.ledger.vkey, tmp_path / "mirror", capsys)
    assert code == 1, out
    assert message in out, out
    assert not (tmp_path / "mirror" / "checkpoint").exists()  # nothing kept from a bad round


def test_follow_a_static_export_then_refuse_another_key(
    service: Service, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(service, 40)
    exported = tmp_path / "export"
    assert (
        main(["ledger", "export-tiles", str(exported), "--database", str(service.engine.url)]) == 0
    )
    capsys.readouterr()
    with serve_files(exported) as url:
        code, out = follow(url, service.ledger.vkey, tmp_path / "mirror", capsys)
        assert code == 0 and "40 entries" in out, out
        other = NoteSigner.generate("brightline.chicago/ledger").vkey
        code, out = follow(url, other, tmp_path / "mirror2", capsys)
    assert code == 1 and "NOT followed" in out and "no signature by" in out
    assert (tmp_path / "mirror" / Tile(0, 0, 40).path()).exists()
