"""Named hostile vectors against a stored ledger: one attack each, by someone with write access
to the database but not to the signing key; each states why `ledger verify` must fail, and
what it must name.

Every vector starts from the same honest log (decisions, a review, reports, a redaction; one
batch and one checkpoint per append) that verifies, tampers with the rows in SQL, and checks
that ``brightline ledger verify`` exits 1 naming the first bad entry or row. The one attack
a log cannot see in itself (truncation with everything that pointed at the lost entries) is
shown to pass verify here and is caught by a follower and a witness in test_ledger_follow.py
and test_witness.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text

from brightline.cli import main
from brightline.errors import LedgerCorrupt
from brightline.ledger.checkpoint import Checkpoint, NoteSigner
from brightline.ledger.records import commitment, entry_leaf_hash
from brightline.service import Actor, Service
from brightline.service.index_audit import check_index_tables
from test_service_support import (
    AUDITOR,
    DETAINER_CASE,
    OFFICER,
    OPEN_CASE,
    SUPERVISOR,
    open_service,
)

REPORT = {
    "category": "officer_appearance",
    "description": "Officer with a balaclava, no star visible.",
    "place": "Belmont and Western",
    "occurred_at": "2025-10-11T08:10:00-05:00",
    "facts": {"face_covering": "balaclava", "star_visible": False},
}


@dataclass
class Log:
    service: Service
    url: str
    decisions: list[dict[str, Any]]
    reports: list[dict[str, Any]]
    review_index: int
    redacted_index: int
    redaction_index: int


def honest_log(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Log:
    service = open_service(url, tmp_path / "var", monkeypatch)
    decisions = [service.decide(DETAINER_CASE, actor=OFFICER) for _ in range(3)]
    open_ = service.decide(OPEN_CASE, actor=OFFICER)
    review = service.resolve_review(open_["id"], outcome="prohibited", note="ok", actor=SUPERVISOR)
    reports = [service.submit_report(REPORT, client_id=None) for _ in range(2)]
    gone = service.redact_report(reports[0]["id"], reason="asked by reporter", actor=AUDITOR)
    decisions += [open_] + [service.decide(DETAINER_CASE, actor=OFFICER) for _ in range(3)]
    return Log(
        service,
        url,
        decisions,
        reports,
        review["receipt"]["index"],
        gone["redacted_index"],
        gone["receipt"]["index"],
    )


def verify(log: Log, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["ledger", "verify", "--database", log.url])
    return code, capsys.readouterr().out


def sql(log: Log, *statements: str, **params: Any) -> None:
    with log.service.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), params)


def attacker_key() -> NoteSigner:
    return NoteSigner.generate("brightline.chicago/ledger")


# --- the vectors --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vector:
    name: str
    why: str  # why verify must fail
    names: str  # what the message must say (a regular expression)
    attack: Callable[[Log], None]


def _redact_silently(log: Log) -> None:
    target = log.reports[1]["receipt"]["index"]
    sql(
        log,
        "UPDATE ledger_entries SET record = NULL, salt = NULL, redacted = true WHERE idx = :i",
        i=target,
    )


def _delete_checkpoint(log: Log) -> None:
    sql(log, "DELETE FROM ledger_checkpoints WHERE size = :s", s=3)


def _delete_head_checkpoint(log: Log) -> None:
    sql(log, "DELETE FROM ledger_checkpoints WHERE size = (SELECT size FROM ledger_head)")


def _change_outcome(log: Log) -> None:
    sql(log, "UPDATE decisions SET outcome = 'permitted' WHERE id = :d", d=log.decisions[1]["id"])


def _swap_records(log: Log) -> None:
    a, b = (d["receipt"]["index"] for d in log.decisions[:2])
    with log.service.engine.begin() as conn:
        ra = _entry(conn, a)
        rb = _entry(conn, b)
        _set(conn, a, rb, ("record", "salt"))
        _set(conn, b, ra, ("record", "salt"))


def _reorder_entries(log: Log) -> None:
    a, b = (d["receipt"]["index"] for d in log.decisions[:2])
    columns = ("kind", "commitment", "leaf_hash", "record", "salt", "redacted", "created_at")
    with log.service.engine.begin() as conn:
        ra, rb = _entry(conn, a), _entry(conn, b)
        _set(conn, a, rb, columns)
        _set(conn, b, ra, columns)
        conn.execute(
            text("UPDATE decisions SET ledger_index = -1 WHERE ledger_index = :a"), {"a": a}
        )
        conn.execute(
            text("UPDATE decisions SET ledger_index = :a WHERE ledger_index = :b"), {"a": a, "b": b}
        )
        conn.execute(
            text("UPDATE decisions SET ledger_index = :b WHERE ledger_index = -1"), {"b": b}
        )


def _swap_index_rows(log: Log) -> None:
    a, b = (d["receipt"]["index"] for d in (log.decisions[0], log.decisions[3]))
    sql(
        log,
        "UPDATE decisions SET ledger_index = -1 WHERE ledger_index = :a",
        "UPDATE decisions SET ledger_index = :a WHERE ledger_index = :b",
        "UPDATE decisions SET ledger_index = :b WHERE ledger_index = -1",
        a=a,
        b=b,
    )


def _forge_record(log: Log) -> None:
    index = log.decisions[0]["receipt"]["index"]
    with log.service.engine.begin() as conn:
        record = str(_entry(conn, index)["record"]).replace("prohibited", "permitted")
        conn.execute(
            text("UPDATE ledger_entries SET record = :r WHERE idx = :i"), {"r": record, "i": index}
        )
        conn.execute(
            text("UPDATE decisions SET outcome = 'permitted' WHERE ledger_index = :i"), {"i": index}
        )


def _forge_record_and_leaf(log: Log) -> None:
    index = log.decisions[0]["receipt"]["index"]
    with log.service.engine.begin() as conn:
        row = _entry(conn, index)
        record = str(row["record"]).replace("prohibited", "permitted")
        commit = commitment(record.encode(), bytes(row["salt"]))
        conn.execute(
            text(
                "UPDATE ledger_entries SET record = :r, commitment = :c, leaf_hash = :l "
                "WHERE idx = :i"
            ),
            {"r": record, "c": commit, "l": entry_leaf_hash("decision", commit), "i": index},
        )
        conn.execute(
            text("UPDATE decisions SET outcome = 'permitted' WHERE ledger_index = :i"), {"i": index}
        )


def _resign_checkpoint(log: Log) -> None:
    with log.service.engine.begin() as conn:
        size, root = conn.execute(
            text("SELECT size, root FROM ledger_checkpoints WHERE size = 4")
        ).one()
        note = attacker_key().sign(
            Checkpoint("brightline.chicago/ledger", size, bytes(root)).body()
        )
        conn.execute(text("UPDATE ledger_checkpoints SET note = :n WHERE size = 4"), {"n": note})


def _forge_checkpoint_row(log: Log) -> None:
    with log.service.engine.begin() as conn:
        row = conn.execute(text("SELECT note, root FROM ledger_checkpoints WHERE size = 5")).one()
        conn.execute(
            text("UPDATE ledger_checkpoints SET root = :r WHERE size = 5"), {"r": bytes(32)}
        )
        assert row.note


def _truncate_entries_only(log: Log) -> None:
    sql(log, "DELETE FROM ledger_entries WHERE idx = (SELECT size - 1 FROM ledger_head)")


def _delete_middle_entry(log: Log) -> None:
    sql(
        log,
        "DELETE FROM ledger_entries WHERE idx = 2",
        "DELETE FROM decisions WHERE ledger_index = 2",
    )


def _delete_index_row(log: Log) -> None:
    sql(log, "DELETE FROM decisions WHERE id = :d", d=log.decisions[2]["id"])


def _point_index_row_elsewhere(log: Log) -> None:
    sql(
        log,
        "UPDATE reviews SET ledger_index = :i WHERE ledger_index = :r",
        i=log.reports[1]["receipt"]["index"],
        r=log.review_index,
    )


def _change_report_category(log: Log) -> None:
    sql(log, "UPDATE reports SET category = 'property_use' WHERE id = :r", r=log.reports[1]["id"])


def _rebuild_with_own_key(log: Log) -> None:
    """Change a record, recompute its commitment, leaf, every node and every checkpoint, and
    sign them with a key of one's own: a self-consistent forged log."""
    from brightline.ledger.merkle import CompactRange

    _forge_record_and_leaf(log)
    signer = attacker_key()
    with log.service.engine.begin() as conn:
        leaves = [
            bytes(r[0])
            for r in conn.execute(text("SELECT leaf_hash FROM ledger_entries ORDER BY idx"))
        ]
        sizes = [int(r[0]) for r in conn.execute(text("SELECT size FROM ledger_checkpoints"))]
        edge = CompactRange()
        for leaf in leaves:
            for node, digest in edge.append(leaf):
                if node.level:
                    conn.execute(
                        text("UPDATE ledger_nodes SET hash = :h WHERE level = :l AND idx = :i"),
                        {"h": digest, "l": node.level, "i": node.index},
                    )
            if edge.size in sizes:
                root = edge.root()
                note = signer.sign(Checkpoint("brightline.chicago/ledger", edge.size, root).body())
                conn.execute(
                    text("UPDATE ledger_checkpoints SET root = :r, note = :n WHERE size = :s"),
                    {"r": root, "n": note, "s": edge.size},
                )


def _lower_head(log: Log) -> None:
    sql(log, "UPDATE ledger_head SET size = size - 1")


def _undo_redaction_mark(log: Log) -> None:
    sql(log, "UPDATE ledger_entries SET redacted = false WHERE idx = :i", i=log.redacted_index)


def _entry(conn: Connection, index: int) -> dict[str, Any]:
    row = conn.execute(text("SELECT * FROM ledger_entries WHERE idx = :i"), {"i": index}).one()
    return dict(row._mapping)


def _set(conn: Connection, index: int, values: dict[str, Any], columns: tuple[str, ...]) -> None:
    assignments = ", ".join(f"{c} = :{c}" for c in columns)
    conn.execute(
        text(f"UPDATE ledger_entries SET {assignments} WHERE idx = :idx"),
        {**{c: values[c] for c in columns}, "idx": index},
    )


VECTORS = [
    Vector(
        "redacted-without-logged-redaction",
        "record and salt set to NULL with redacted=1, but no redaction entry names the entry: "
        "a record was erased outside the process that logs every redaction",
        r"entry \d+ is redacted .* no redaction entry",
        _redact_silently,
    ),
    Vector(
        "deleted-checkpoint-row",
        "a checkpoint handed out in receipts vanished; the next checkpoint still links to it",
        r"no checkpoint row at size 3: a checkpoint row was deleted",
        _delete_checkpoint,
    ),
    Vector(
        "deleted-head-checkpoint",
        "the head has no signed checkpoint, so nobody can check the newest entries",
        r"no checkpoint row at size \d+",
        _delete_head_checkpoint,
    ),
    Vector(
        "changed-decision-outcome",
        "the decisions index says permitted where the ledger record says prohibited: public "
        "statistics would lie while the log itself is intact",
        r"decisions row d-\w+ \(ledger entry \d+\): outcome is 'permitted', but the ledger "
        r"record says 'prohibited'",
        _change_outcome,
    ),
    Vector(
        "swapped-records",
        "two entries' records and salts exchanged: each record no longer opens its own commitment",
        r"entry 0: record and salt do not match the commitment",
        _swap_records,
    ),
    Vector(
        "reordered-entries",
        "two whole entry rows (leaf included) exchanged: the order of the log changed, so the "
        "stored nodes and signed roots no longer follow from the leaves",
        r"does not match the leaves",
        _reorder_entries,
    ),
    Vector(
        "swapped-index-rows",
        "two decisions rows point at each other's entries: each row disagrees with its record",
        r"decisions row d-\w+ \(ledger entry 0\): .* but the ledger record says",
        _swap_index_rows,
    ),
    Vector(
        "forged-record",
        "a record rewritten in place: it no longer opens its commitment",
        r"entry 0: record and salt do not match the commitment",
        _forge_record,
    ),
    Vector(
        "forged-record-and-leaf",
        "a record rewritten with a fresh commitment and leaf: the stored nodes and the signed "
        "roots still commit to the old leaf",
        r"entry 0\): root does not match the leaves",
        _forge_record_and_leaf,
    ),
    Vector(
        "re-signed-checkpoint",
        "a checkpoint signed by a key that is not the log's",
        r"checkpoint at size 4 .*"
        r"no signature by brightline.chicago/ledger",
        _resign_checkpoint,
    ),
    Vector(
        "forged-checkpoint-root",
        "the stored root column no longer matches the leaves (nor the signed note)",
        r"checkpoint at size 5 .* root does not match the leaves",
        _forge_checkpoint_row,
    ),
    Vector(
        "rebuilt-with-own-key",
        "a forged record with every node and checkpoint recomputed and signed by the "
        "attacker: self-consistent, but not signed by the log's key",
        r"checkpoint at size 1 .*no signature by",
        _rebuild_with_own_key,
    ),
    Vector(
        "newest-entry-deleted",
        "the head still counts an entry whose row is gone",
        r"(entry|index) 10\)? is missing",
        _truncate_entries_only,
    ),
    Vector(
        "middle-entry-deleted",
        "a gap in the log: an entry row deleted from the middle",
        r"ledger entry 2 is missing",
        _delete_middle_entry,
    ),
    Vector(
        "deleted-index-row",
        "a logged decision vanished from the index: lists and statistics would miss it",
        r"ledger entry \d+ \(decision\) has no decisions row",
        _delete_index_row,
    ),
    Vector(
        "index-row-pointed-elsewhere",
        "a reviews row points at a report entry",
        r"reviews row for ledger entry \d+ points at a 'report' entry",
        _point_index_row_elsewhere,
    ),
    Vector(
        "changed-report-category",
        "the reports index disagrees with the report's record",
        r"reports row r-\w+ .*category is 'property_use'",
        _change_report_category,
    ),
    Vector(
        "head-lowered",
        "the head says fewer entries than are stored (a silent rollback of the head alone)",
        r"rows beyond the committed size",
        _lower_head,
    ),
    Vector(
        "redaction-mark-removed",
        "an entry whose record and salt are gone is marked as not redacted",
        r"entry \d+ lost its record or salt",
        _undo_redaction_mark,
    ),
]


@pytest.fixture
def log(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Log]:
    built = honest_log(sqlite_url, tmp_path, monkeypatch)
    yield built
    built.service.close()


def test_every_vector_has_a_reason_and_a_unique_name() -> None:
    names = [v.name for v in VECTORS]
    assert len(names) == len(set(names)) >= 19
    assert all(len(v.why) > 15 for v in VECTORS)


def test_the_honest_log_verifies(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = verify(log, capsys)
    assert code == 0, out
    assert "1 redacted, each with its logged redaction" in out
    assert re.search(r"decisions 7, reviews 1, reports 2, roster_inspections 0", out), out


@pytest.mark.parametrize("vector", VECTORS, ids=[v.name for v in VECTORS])
def test_hostile_vector_fails_verify(
    vector: Vector, log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    vector.attack(log)
    code, out = verify(log, capsys)
    assert code == 1, f"{vector.name} passed verify, but must fail: {vector.why}\n{out}"
    assert out.startswith("ledger CORRUPT"), out
    assert re.search(vector.names, out), f"{vector.name}: {out}"


def test_truncation_passes_verify_which_is_why_witnesses_and_followers_exist(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    """Delete the newest entries with their checkpoints, nodes and head: the rest is a
    perfectly good shorter log. Only someone holding an older checkpoint can tell (see
    test_ledger_follow.py and test_witness.py)."""
    size = log.service.ledger.size()
    truncate(log.service, size - 3)
    code, out = verify(log, capsys)
    assert code == 0 and f"{size - 3} entries" in out


def truncate(service: Service, keep: int) -> None:
    """The truncation attack: entries from ``keep`` on are removed with their checkpoints, nodes,
    index rows and head."""
    service.ledger.close()
    with service.engine.begin() as conn:
        for table in ("decisions", "reviews", "reports"):
            conn.execute(text(f"DELETE FROM {table} WHERE ledger_index >= :k"), {"k": keep})
        conn.execute(text("DELETE FROM ledger_entries WHERE idx >= :k"), {"k": keep})
        conn.execute(text("DELETE FROM ledger_checkpoints WHERE size > :k"), {"k": keep})
        for level in range(1, 40):
            conn.execute(
                text("DELETE FROM ledger_nodes WHERE level = :l AND (idx + 1) * :w > :k"),
                {"l": level, "w": 1 << level, "k": keep},
            )
        conn.execute(text("UPDATE ledger_head SET size = :k"), {"k": keep})


def test_index_check_on_postgresql_names_a_changed_outcome(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = honest_log(pg_url, tmp_path, monkeypatch)
    try:
        assert check_index_tables(built.service.engine)["tables"]["decisions"] == 7
        built.service.ledger.verify()
        _change_outcome(built)
        with pytest.raises(LedgerCorrupt, match="outcome is 'permitted'"):
            check_index_tables(built.service.engine)
        _delete_checkpoint(built)
        with pytest.raises(LedgerCorrupt, match="a checkpoint row was deleted"):
            built.service.ledger.verify()
    finally:
        built.service.close()


def test_a_redaction_cannot_itself_be_redacted(log: Log) -> None:
    from brightline.errors import InvalidRequest

    with pytest.raises(InvalidRequest, match="itself a redaction"):
        log.service.ledger.redact(log.redaction_index, reason="x", actor="y")


def test_registered_index_tables_include_every_app_kind() -> None:
    from brightline.service.index_audit import registered

    kinds = {i.kind: i.table.name for i in registered()}
    assert kinds["decision"] == "decisions" and kinds["review"] == "reviews"
    assert kinds["report"] == "reports" and kinds["inspection"] == "roster_inspections"
    assert Actor  # the registry is reached without a running service


def test_inspection_rows_are_checked_against_their_records(
    sqlite_url: str,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """changed-inspection-compliance: a failed roll-call inspection turned compliant in the
    index would hide a masked officer from the failure lists; verify names it."""
    from test_officers_rollcall import _open, _roll_call
    from test_roster_support import subset_dir

    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BRIGHTLINE_SIGNING_KEY", raising=False)
    service = _open(sqlite_url, subset_dir(tmp_path_factory))
    try:
        _roll_call(service)
        assert check_index_tables(service.engine)["tables"]["roster_inspections"] == 3
        with service.engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE roster_inspections SET compliant = true WHERE id = "
                    "(SELECT min(id) FROM roster_inspections WHERE compliant = false)"
                )
            )
        with pytest.raises(
            LedgerCorrupt, match="compliant is True, but the ledger record says False"
        ):
            check_index_tables(service.engine)
    finally:
        service.close()
