"""`brightline ledger checkpoint|prove|verify-proof|verify`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from brightline.cli import main
from brightline.ledger.checkpoint import open_checkpoint
from brightline.store.ledger import LedgerStore


def _filled(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LedgerStore]:
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BRIGHTLINE_SIGNING_KEY", raising=False)
    monkeypatch.setenv("BRIGHTLINE_DATABASE_URL", "sqlite:///" + str(tmp_path / "not-this.db"))
    store = LedgerStore.open(url)
    for i in range(9):
        store.append("note", {"n": i})
    yield store
    store.close()


@pytest.fixture
def ledger(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LedgerStore]:
    """Nine entries, on SQLite and on PostgreSQL; BRIGHTLINE_DATABASE_URL points elsewhere, so
    the commands must honour --database."""
    yield from _filled(db_url, tmp_path, monkeypatch)


@pytest.fixture
def sqlite_ledger(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LedgerStore]:
    yield from _filled(sqlite_url, tmp_path, monkeypatch)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def db(store: LedgerStore) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def test_checkpoint_prints_the_latest_signed_note(
    sqlite_ledger: LedgerStore, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = sqlite_ledger
    code, out, _ = run(capsys, "ledger", "checkpoint", "--database", db(ledger))
    assert code == 0
    cp = open_checkpoint(out, ledger.vkey)
    assert (cp.size, cp.root.hex()) == (9, ledger.latest_checkpoint()["root"])


def prove(ledger: LedgerStore, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    code, out, err = run(capsys, "ledger", "prove", *extra, "--database", db(ledger))
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def test_prove_then_verify_proof_offline(
    ledger: LedgerStore, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = prove(ledger, capsys, "4", "--size", "7")
    assert (doc["index"], doc["size"], doc["vkey"]) == (4, 7, ledger.vkey)
    assert {"leaf_data", "leaf_hash", "checkpoint", "proof", "kind", "commitment"} <= set(doc)
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(doc))
    ledger.close()  # no database from here on
    code, out, _ = run(capsys, "ledger", "verify-proof", str(path))
    assert code == 0
    assert out.startswith("verified: entry 4 is in brightline.chicago/ledger at tree size 7")
    assert out.count("\n") == 1


def _broken(doc: dict[str, Any], how: str) -> dict[str, Any]:
    bad = json.loads(json.dumps(doc))
    if how == "proof hash":
        bad["proof"][0] = "00" * 32
    elif how == "index":
        bad["index"] += 1
    elif how == "leaf data":
        bad["leaf_data"] = bad["leaf_data"][:-2] + "00"
    elif how == "signature":
        body, sig = bad["checkpoint"].rsplit(" ", 1)
        bad["checkpoint"] = body + " " + ("A" if sig[0] != "A" else "B") + sig[1:]
    elif how == "size":
        bad["size"] -= 1
    elif how == "missing proof":
        del bad["proof"]
    return bad


@pytest.mark.parametrize(
    "how", ["proof hash", "index", "leaf data", "signature", "size", "missing proof"]
)
def test_verify_proof_rejects_a_changed_file(
    sqlite_ledger: LedgerStore, capsys: pytest.CaptureFixture[str], tmp_path: Path, how: str
) -> None:
    ledger = sqlite_ledger
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(_broken(prove(ledger, capsys, "2"), how)))
    code, out, _ = run(capsys, "ledger", "verify-proof", str(path))
    assert code == 1
    assert out.startswith("NOT verified: ") and out.count("\n") == 1


def test_verify_proof_with_another_trusted_key_fails(
    sqlite_ledger: LedgerStore, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from brightline.ledger.checkpoint import NoteSigner

    path = tmp_path / "proof.json"
    path.write_text(json.dumps(prove(sqlite_ledger, capsys, "1")))
    other = NoteSigner.generate("brightline.chicago/ledger").vkey
    code, out, _ = run(capsys, "ledger", "verify-proof", str(path), "--vkey", other)
    assert code == 1 and "NOT verified" in out
    code, out, _ = run(capsys, "ledger", "verify-proof", str(tmp_path / "absent.json"))
    assert code == 1 and "cannot read" in out


def test_verify_passes_then_names_a_changed_row(
    ledger: LedgerStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "ledger", "verify", "--database", db(ledger))
    assert code == 0 and out.startswith("ledger OK: 9 entries")
    with ledger.engine.begin() as conn:
        conn.execute(text("UPDATE ledger_entries SET kind = 'forged' WHERE idx = 6"))
    code, out, _ = run(capsys, "ledger", "verify", "--database", db(ledger))
    assert code == 1
    assert out.startswith("ledger CORRUPT at entry 6:")


def test_bad_arguments_exit_cleanly(
    sqlite_ledger: LedgerStore, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = sqlite_ledger
    code, _, err = run(capsys, "ledger", "prove", "99", "--database", db(ledger))
    assert code == 1 and "no ledger entry 99" in err
    code, _, err = run(capsys, "ledger", "prove", "3", "--size", "50", "--database", db(ledger))
    assert code == 2 and "allowed 1..9" in err
    assert err.count("\n") == 1
