"""An outside implementation checks us: Go's transparency-log packages (golang.org/x/mod/sumdb/note
and sumdb/tlog, Debian's golang-golang-x-mod-dev, installed by scripts/setup) verify our signed
checkpoint, authenticate our tiles against it, prove and check an entry's inclusion from the
tiles and from our own proof, and check consistency with an older tree. The small driver
(tests/outside/tlogcheck/main.go) only fetches and calls those packages.

Under CI (CI=true) this must run: a missing Go toolchain or package fails the test."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from brightline.cli import main
from brightline.ledger.checkpoint import NoteSigner
from brightline.service import Service
from test_service_support import DETAINER_CASE, OFFICER, open_service
from tlog_support import serve_app, serve_files

GOPATH = Path("/usr/share/gocode")
SOURCE = Path(__file__).resolve().parent / "outside" / "tlogcheck" / "main.go"


def _missing(why: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{why} (CI=true: the outside implementation must run; see scripts/setup)")
    pytest.skip(why)


@pytest.fixture(scope="session")
def tlogcheck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    go = shutil.which("go")
    if go is None:
        _missing("the Go toolchain is not installed (Debian package golang-go)")
    if not (GOPATH / "src/golang.org/x/mod/sumdb/tlog").is_dir():
        _missing("golang.org/x/mod is not installed (Debian package golang-golang-x-mod-dev)")
    out = tmp_path_factory.mktemp("go")
    env = {
        **os.environ,
        "GOPATH": str(GOPATH),
        "GO111MODULE": "off",
        "GOCACHE": str(out / "cache"),
        "GOFLAGS": "",
    }
    binary = out / "tlogcheck"
    built = subprocess.run(
        [str(go), "build", "-o", str(binary), str(SOURCE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    return binary


def run(binary: Path, *args: str) -> tuple[int, str]:
    done = subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def service(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    svc = open_service(sqlite_url, tmp_path / "var", monkeypatch)
    yield svc
    svc.close()


def test_go_sumdb_verifies_checkpoint_tiles_and_proofs(tlogcheck: Path, service: Service) -> None:
    for i in range(300):
        service.ledger.append("note", {"n": i})
    old = service.ledger.latest_checkpoint()
    decided = service.decide(DETAINER_CASE, actor=OFFICER)
    for i in range(400):
        service.ledger.append("note", {"more": i})
    index = decided["receipt"]["index"]
    ours = service.inclusion_proof(index)
    with serve_app(service) as url:
        code, out = run(
            tlogcheck,
            url,
            service.ledger.vkey,
            str(index),
            str(old["size"]),
            old["root"],
            ",".join(ours["proof"]),
        )
    assert code == 0, out
    size = service.ledger.size()
    assert (
        f"OK checkpoint of brightline.chicago/ledger signed by brightline.chicago/ledger: size {size}"
        in out
    )
    assert "OK tiles authenticated against the signed root" in out
    assert f"OK entry {index} (leaf {decided['receipt']['leaf_hash']}) included" in out
    assert f"OK size {size} is consistent with the older size {old['size']}" in out
    assert f"OK brightline's inclusion proof for entry {index} verifies" in out


def test_go_sumdb_rejects_another_key_and_a_changed_tile(
    tlogcheck: Path, service: Service, tmp_path: Path
) -> None:
    for i in range(600):
        service.ledger.append("note", {"n": i})
    exported = tmp_path / "export"
    assert (
        main(["ledger", "export-tiles", str(exported), "--database", str(service.engine.url)]) == 0
    )
    with serve_files(exported) as url:
        code, out = run(tlogcheck, url, service.ledger.vkey, "17")
        assert code == 0, out
        other = NoteSigner.generate("brightline.chicago/ledger").vkey
        code, out = run(tlogcheck, url, other, "17")
        assert code == 1 and "FAIL checkpoint signature" in out, out
        tile = exported / "tile/0/001"
        data = bytearray(tile.read_bytes())
        data[5] ^= 0x40
        tile.write_bytes(bytes(data))
        code, out = run(tlogcheck, url, service.ledger.vkey, "300")
        assert code == 1 and "FAIL" in out, out
