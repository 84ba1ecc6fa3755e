"""The ledger store on SQLite and PostgreSQL: receipts, proofs, restart, concurrency, redaction,
tamper detection, bad input. Proofs are checked with the pure core's verifiers."""

from __future__ import annotations

import asyncio
import math
import re
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, String, Table, event, text

from async_support import run_coroutine
from brightline.errors import InvalidRequest, LedgerCorrupt, LedgerError, NotFound, StoreError
from brightline.ledger.checkpoint import NoteSigner, open_checkpoint
from brightline.ledger.merkle import EMPTY_ROOT, leaf_hash, verify_consistency, verify_inclusion
from brightline.ledger.records import canonical_json, commitment, leaf_data
from brightline.store.db import make_engine
from brightline.store.ledger import LEDGER_INDEX, LedgerStore, encode_record


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BRIGHTLINE_SIGNING_KEY", raising=False)
    monkeypatch.delenv("BRIGHTLINE_LOG_ORIGIN", raising=False)
    return tmp_path / "var"


@pytest.fixture
def store(db_url: str, data_dir: Path) -> Iterator[LedgerStore]:
    ledger = LedgerStore.open(db_url)
    yield ledger
    ledger.close()


def _b(hex_text: str) -> bytes:
    return bytes.fromhex(hex_text)


def check_inclusion(ledger: LedgerStore, proof: dict[str, Any]) -> None:
    """The proof verifies against the root its signed checkpoint carries."""
    cp = open_checkpoint(proof["checkpoint"], ledger.vkey)
    assert (cp.size, cp.root.hex()) == (proof["size"], proof["root"])
    hashes = [_b(h) for h in proof["proof"]]
    verify_inclusion(_b(proof["leaf_hash"]), proof["index"], proof["size"], hashes, cp.root)


def fill(ledger: LedgerStore, n: int, tag: str = "e") -> list[Any]:
    return [ledger.append("test", {"tag": tag, "n": i}) for i in range(n)]


# --- appends, receipts, proofs ------------------------------------------------------------------


def test_receipts_name_consecutive_indices_and_signed_roots(store: LedgerStore) -> None:
    receipts = fill(store, 12)
    assert [r.index for r in receipts] == list(range(12))
    for r in receipts:
        cp = open_checkpoint(r.checkpoint, store.vkey)
        assert cp.origin == "brightline.chicago/ledger"
        assert (cp.size, cp.root.hex()) == (r.tree_size, r.root)
        assert r.tree_size > r.index
        assert set(r.to_dict()) == {"index", "leaf_hash", "tree_size", "root", "checkpoint"}
    assert store.size() == 12
    latest = store.latest_checkpoint()
    assert (latest["size"], latest["root"]) == (12, receipts[-1].root)


def test_leaf_commits_to_record_and_salt(store: LedgerStore) -> None:
    record = {"outcome": "prohibited", "facts": {"activity": "patrol"}, "n": [1, 2]}
    receipt = store.append("decision", record)
    entry = store.entry(receipt.index)
    assert entry.record == record and entry.kind == "decision" and not entry.redacted
    assert entry.salt is not None
    commit = commitment(canonical_json(record), _b(entry.salt))
    assert commit.hex() == entry.commitment
    assert leaf_hash(leaf_data("decision", commit)).hex() == receipt.leaf_hash == entry.leaf_hash


def test_inclusion_proofs_verify_at_every_size(store: LedgerStore) -> None:
    fill(store, 21)
    for size in (1, 2, 3, 8, 13, 21):
        for index in range(size):
            check_inclusion(store, store.inclusion_proof(index, size))
    check_inclusion(store, store.inclusion_proof(20))


def test_consistency_proofs_verify(store: LedgerStore) -> None:
    fill(store, 19)
    for size1, size2 in [(1, 19), (4, 8), (5, 19), (7, 7), (8, 19), (18, 19)]:
        p = store.consistency_proof(size1, size2)
        cp = open_checkpoint(p["checkpoint"], store.vkey)
        assert cp.size == size2 and cp.root.hex() == p["root2"]
        proof = [_b(h) for h in p["proof"]]
        verify_consistency(size1, size2, proof, _b(p["root1"]), _b(p["root2"]))


def test_extra_rows_land_in_the_same_transaction(store: LedgerStore) -> None:
    extra = Table(
        "e5_test_index",
        MetaData(),
        Column("ledger_index", Integer, nullable=False),
        Column("name", String(20), primary_key=True),
    )
    extra.create(store.engine)
    ok = store.append("test", {"a": 1}, rows=[(extra, {"ledger_index": LEDGER_INDEX, "name": "a"})])
    with pytest.raises(StoreError):
        store.append("test", {"a": 2}, rows=[(extra, {"ledger_index": LEDGER_INDEX, "name": "a"})])
    after = store.append(
        "test", {"a": 3}, rows=[(extra, {"ledger_index": LEDGER_INDEX, "name": "b"})]
    )
    with store.engine.connect() as conn:
        rows = sorted(conn.execute(text("SELECT name, ledger_index FROM e5_test_index")))
    assert [tuple(r) for r in rows] == [("a", ok.index), ("b", after.index)]
    assert after.index == ok.index + 1  # the failed append left no entry behind
    assert store.verify()["size"] == 2


def test_a_failing_append_fails_alone_in_its_batch(store: LedgerStore) -> None:
    extra = Table(
        "e5_test_names",
        MetaData(),
        Column("ledger_index", Integer, nullable=False),
        Column("name", String(20), primary_key=True),
    )
    extra.create(store.engine)
    names = [f"n{i}" for i in range(31)] + ["n0"]  # one clash among 32 concurrent appends
    outcomes: dict[int, Any] = {}

    def worker(i: int) -> None:
        row = {"ledger_index": LEDGER_INDEX, "name": names[i]}
        try:
            outcomes[i] = store.append("test", {"i": i}, rows=[(extra, row)])
        except StoreError as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    failed = [i for i, o in outcomes.items() if isinstance(o, StoreError)]
    assert len(failed) == 1 and failed[0] in (0, 31)
    assert sorted(o.index for o in outcomes.values() if not isinstance(o, StoreError)) == list(
        range(31)
    )
    assert store.verify()["size"] == 31


def test_append_async(store: LedgerStore) -> None:
    async def run() -> list[int]:
        receipts = await asyncio.gather(*(store.append_async("test", {"n": i}) for i in range(40)))
        return sorted(r.index for r in receipts)

    assert run_coroutine(run()) == list(range(40))
    assert store.verify()["size"] == 40


def test_close_stops_the_writer_and_later_appends_are_refused(
    sqlite_url: str, data_dir: Path
) -> None:
    ledger = LedgerStore.open(sqlite_url)
    receipts: list[Any] = []
    workers = [
        threading.Thread(target=lambda: receipts.append(ledger.append("test", {"a": 1})))
        for _ in range(16)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    ledger.close()
    assert sorted(r.index for r in receipts) == list(range(16))
    with pytest.raises(LedgerError, match="closed"):
        ledger.append("test", {"a": 2})


# --- restart and concurrency --------------------------------------------------------------------


def test_restart_loads_the_right_edge_not_the_leaves(db_url: str, data_dir: Path) -> None:
    first = LedgerStore.open(db_url)
    fill(first, 37)
    root = first.latest_checkpoint()["root"]
    first.close()

    engine = make_engine(db_url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2].lower()))
    again = LedgerStore(engine, first._signer, origin=first.origin)
    # The right edge of 37 = 32 + 4 + 1 entries is two stored nodes and one leaf hash, read by
    # its primary key: never a scan of the entries.
    reads = [s for s in statements if "ledger_entries" in s]
    assert len(reads) == 1, statements
    assert re.search(r"from ledger_entries where idx in \((\?|%s)\)", reads[0]), reads
    receipt = again.append("test", {"after": "restart"})
    assert [s for s in statements if "from ledger_entries" in s] == reads
    assert receipt.index == 37
    again.close()
    reopened = LedgerStore.open(db_url)
    assert reopened.consistency_proof(37, 38)["root1"] == root
    assert reopened.verify()["size"] == 38
    reopened.close()


def test_64_threads_make_one_linear_log(store: LedgerStore) -> None:
    got: list[int] = []
    lock = threading.Lock()

    def worker(t: int) -> None:
        for i in range(8):
            r = store.append("test", {"thread": t, "n": i})
            with lock:
                got.append(r.index)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == list(range(512))
    report = store.verify()
    assert report["size"] == 512
    assert report["checkpoints"] < 512  # group commit batched some appends
    records = [store.entry(i).record or {} for i in range(512)]
    assert len({(r["thread"], r["n"]) for r in records}) == 512


# --- redaction ----------------------------------------------------------------------------------


def test_redaction_hides_the_payload_and_keeps_proofs(store: LedgerStore) -> None:
    fill(store, 6)
    before = store.inclusion_proof(2)
    receipt = store.redact(2, reason="personal data in free text", actor="auditor1")
    assert receipt.index == 6
    entry = store.entry(2)
    assert entry.redacted and entry.record is None and entry.salt is None
    assert entry.leaf_hash == before["leaf_hash"]
    note = store.entry(6)
    assert note.kind == "redaction"
    assert note.record == {
        "redacts": 2,
        "leaf_hash": before["leaf_hash"],
        "reason": "personal data in free text",
        "actor": "auditor1",
    }
    check_inclusion(store, store.inclusion_proof(2))
    check_inclusion(store, store.inclusion_proof(2, 6))
    p = store.consistency_proof(6, 7)
    verify_consistency(6, 7, [_b(h) for h in p["proof"]], _b(before["root"]), _b(p["root2"]))
    report = store.verify()
    assert (report["size"], report["redacted"]) == (7, 1)
    with pytest.raises(InvalidRequest, match="already redacted"):
        store.redact(2, reason="again", actor="auditor1")
    with pytest.raises(NotFound):
        store.redact(99, reason="x", actor="auditor1")
    with pytest.raises(InvalidRequest, match="reason"):
        store.redact(3, reason=" ", actor="auditor1")
    assert store.size() == 7


# --- verify catches tampering -------------------------------------------------------------------

# (table, row, column, SQL expression for the changed value, first bad index)
TAMPER = [
    ("ledger_entries", "idx = 5", "record", '\'{"n":99,"tag":"e"}\'', 5),
    ("ledger_entries", "idx = 3", "salt", "commitment", 3),
    ("ledger_entries", "idx = 7", "leaf_hash", "commitment", 7),
    ("ledger_entries", "idx = 4", "kind", "'other'", 4),
    ("ledger_entries", "idx = 2", "redacted", "TRUE", 2),
    (
        "ledger_nodes",
        "level = 2 AND idx = 2",
        "hash",
        "(SELECT hash FROM ledger_nodes WHERE level = 1 AND idx = 0)",
        11,
    ),
    (
        "ledger_nodes",
        "level = 1 AND idx = 4",
        "hash",
        "(SELECT hash FROM ledger_nodes WHERE level = 1 AND idx = 1)",
        9,
    ),
    (
        "ledger_checkpoints",
        "size = 9",
        "root",
        "(SELECT root FROM ledger_checkpoints WHERE size = 3)",
        8,
    ),
    (
        "ledger_checkpoints",
        "size = 6",
        "note",
        "(SELECT note FROM ledger_checkpoints WHERE size = 5)",
        5,
    ),
]


def test_verify_names_the_first_bad_index(store: LedgerStore) -> None:
    """Each change to one stored value, made by hand and undone after, fails the audit at the
    first entry it affects."""
    fill(store, 16)
    assert store.verify()["size"] == 16
    for table, where, column, value, bad in TAMPER:
        with store.engine.begin() as conn:
            original = conn.exec_driver_sql(f"SELECT {column} FROM {table} WHERE {where}").scalar()
            conn.exec_driver_sql(f"UPDATE {table} SET {column} = {value} WHERE {where}")
        with pytest.raises(LedgerCorrupt) as caught:
            store.verify()
        assert caught.value.details["index"] == bad, (column, str(caught.value))
        assert str(bad) in str(caught.value)
        with store.engine.begin() as conn:
            conn.execute(text(f"UPDATE {table} SET {column} = :v WHERE {where}"), {"v": original})
        assert store.verify()["size"] == 16, column


def test_verify_catches_a_gap_and_a_forged_checkpoint(store: LedgerStore) -> None:
    fill(store, 10)
    with store.engine.connect() as conn:
        note = conn.execute(text("SELECT note FROM ledger_checkpoints WHERE size = 4")).scalar_one()
    forged = NoteSigner.generate(store.origin).sign(note.split("\n\n", 1)[0] + "\n")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE ledger_checkpoints SET note = :n WHERE size = 4"), {"n": forged})
    with pytest.raises(LedgerCorrupt) as caught:
        store.verify()
    assert caught.value.details["index"] == 3
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE ledger_checkpoints SET note = :n WHERE size = 4"), {"n": note})
        conn.execute(text("DELETE FROM ledger_entries WHERE idx = 6"))
    with pytest.raises(LedgerCorrupt, match="entry 6 is missing") as caught:
        store.verify()
    assert caught.value.details["index"] == 6


# --- bad input ----------------------------------------------------------------------------------


def test_bad_input_gets_clean_errors_and_changes_nothing(store: LedgerStore) -> None:
    fill(store, 10)
    root = store.latest_checkpoint()["root"]
    with pytest.raises(NotFound, match="10 entries"):
        store.inclusion_proof(10)
    with pytest.raises(NotFound):
        store.entry(10)
    with pytest.raises(InvalidRequest, match=r"allowed 1\.\.10"):
        store.inclusion_proof(3, size=11)
    with pytest.raises(InvalidRequest, match="size of at least 5"):
        store.inclusion_proof(4, size=4)
    with pytest.raises(InvalidRequest, match="must not exceed"):
        store.consistency_proof(5, 3)
    with pytest.raises(InvalidRequest, match=r"allowed 1\.\.10"):
        store.consistency_proof(0, 3)
    with pytest.raises(InvalidRequest, match=r"allowed 1\.\.10"):
        store.consistency_proof(3, 12)
    with pytest.raises(InvalidRequest):
        store.entry(-1)
    with pytest.raises(InvalidRequest, match="kind"):
        store.append("Bad Kind", {"a": 1})
    with pytest.raises(InvalidRequest, match="finite"):
        store.append("test", {"a": math.nan})
    with pytest.raises(InvalidRequest, match="JSON object"):
        store.append("test", ["not", "an", "object"])  # type: ignore[arg-type]
    with pytest.raises(InvalidRequest):
        store.append("test", {"a": object()})
    assert store.size() == 10 and store.latest_checkpoint()["root"] == root


def test_empty_log(store: LedgerStore) -> None:
    latest = store.latest_checkpoint()
    cp = open_checkpoint(latest["note"], store.vkey)
    assert (cp.size, cp.root) == (0, EMPTY_ROOT) and latest["size"] == 0
    assert store.verify()["size"] == 0
    with pytest.raises(NotFound):
        store.inclusion_proof(0)


# --- keys ---------------------------------------------------------------------------------------


def test_signing_key_file_is_private_and_reused(sqlite_url: str, data_dir: Path) -> None:
    first = LedgerStore.open(sqlite_url)
    first.close()
    key_file = data_dir / "ledger-signing.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = LedgerStore.open(sqlite_url)
    assert second.vkey == first.vkey
    second.close()


def test_signing_key_and_origin_from_environment(
    sqlite_url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signer = NoteSigner.generate("example.org/log")
    monkeypatch.setenv("BRIGHTLINE_SIGNING_KEY", signer.skey)
    monkeypatch.setenv("BRIGHTLINE_LOG_ORIGIN", "example.org/log")
    ledger = LedgerStore.open(sqlite_url)
    receipt = ledger.append("test", {"a": 1})
    ledger.close()
    assert ledger.vkey == signer.vkey
    assert open_checkpoint(receipt.checkpoint, signer.vkey).origin == "example.org/log"
    assert not (data_dir / "ledger-signing.key").exists()


# --- the fast canonical path agrees with the records module -------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(), json_values, max_size=5))
def test_encode_record_is_canonical_json(record: dict[str, Any]) -> None:
    assert encode_record(record) == canonical_json(record)


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(
        st.text() | st.integers() | st.booleans() | st.none(),
        st.recursive(
            st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
            | st.floats() | st.text() | st.sampled_from(["1.5", ":1.0", ",null", "\ud800x"]),
            lambda inner: st.lists(inner, max_size=3)
            | st.dictionaries(st.text() | st.integers(), inner, max_size=3),
            max_leaves=10,
        ),
        max_size=4,
    )
)
def test_encode_record_refuses_or_agrees_exactly(record: dict[Any, Any]) -> None:
    """Whatever the record holds (NaN, infinities, keys that are not strings, big integers, lone
    surrogates, floats in every form), the fast path either gives canonical_json's bytes or the
    same refusal."""
    try:
        want = canonical_json(record)
    except (InvalidRequest, TypeError, ValueError, RecursionError):
        with pytest.raises(InvalidRequest):
            encode_record(record)
        return
    assert encode_record(record) == want


def test_encode_record_handles_what_json_cannot() -> None:
    for floats in ({"f": -0.0}, {"f": 1e-7}, {"f": 0.00001}, {"f": [1.0, 2.5e16]}):
        assert encode_record(floats) == canonical_json(floats)
    for bad in ({"nan": float("nan")}, {"inf": [float("inf")]}, {1: "a"}, {"k": {10: 1, 9: 2}}):
        with pytest.raises(InvalidRequest):
            encode_record(bad)
    assert encode_record({"f": 1.0, "t": (1, 2)}) == canonical_json({"f": 1.0, "t": [1, 2]})
    with pytest.raises(InvalidRequest):
        encode_record({"s": "\ud800"})
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    with pytest.raises(InvalidRequest):
        encode_record({"loop": cyclic})


def test_salts_are_fresh_for_every_entry(store: LedgerStore) -> None:
    """The writer draws a batch's salts at once; no two entries share one, even with equal
    records appended from many threads at the same moment."""
    workers = [
        threading.Thread(target=lambda: [store.append("test", {"same": 1}) for _ in range(10)])
        for _ in range(16)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    with store.engine.connect() as conn:
        salts = [bytes(r[0]) for r in conn.execute(text("SELECT salt FROM ledger_entries"))]
        commits = {bytes(r[0]) for r in conn.execute(text("SELECT commitment FROM ledger_entries"))}
    assert len(salts) == len(set(salts)) == len(commits) == 160
    assert {len(s) for s in salts} == {16}
    assert store.verify()["size"] == 160
