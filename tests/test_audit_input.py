"""Audit inputs and mapping files: bad codes and values are reported per column with their counts
and the allowed ones, never guessed, and nothing is written; the CLI; the emitted SQL's shape."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

import brightline.audit as audit
from brightline.audit import AuditRequest, emit_sql, load_form, parse_mapping, run_audit
from brightline.audit.duckdb_runner import DuckDBRunner
from brightline.cli import main
from brightline.errors import InvalidAuditInput, InvalidRequest
from brightline.rules import decide


def test_audit_all_is_honest() -> None:
    public = {name for name in dir(audit) if not name.startswith("_")}
    modules = {"duckdb_runner", "postgres_runner", "spark_runner"}
    assert set(audit.__all__) == public - modules


def _csv(path: Path, text: str) -> str:
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return str(path)


GOOD = """
event_id,at,agency,activity,purpose,imminent_threat
1,2025-10-04T10:30:00-05:00,ice,detention,civil_immigration,false
2,2025-10-04,cbp,crowd_control,,true
3,2021-09-01,fbi,patrol,criminal,
"""


def _run(path: str, kind: str = "assistance", mapping: object = None, **kw: object) -> dict:
    spec = parse_mapping(mapping, "map.yaml") if mapping is not None else audit.MappingSpec()
    runner = DuckDBRunner(path, at_column=spec.at or "at")
    try:
        return run_audit(AuditRequest("chicago", kind, path, mapping=spec, **kw), runner)
    finally:
        runner.close()


def test_csv_in_parquet_out_matches_the_engine(tmp_path: Path) -> None:
    src = _csv(tmp_path / "events.csv", GOOD)
    out = tmp_path / "decided.parquet"
    summary = _run(src, output=str(out), questions=True)
    assert summary["rows"] == 3
    assert sum(summary["outcomes"].values()) == 3
    assert summary["facts_not_in_input"] == [
        "basis", "information", "written_consent", "inquiry_reason", "existing_agreement"
    ]
    rows = duckdb.sql(f"SELECT * FROM '{out}' ORDER BY event_id").fetchall()
    names = duckdb.sql(f"SELECT * FROM '{out}'").columns
    assert names[:3] == ["event_id", "at", "outcome"]
    cases = [
        ("2025-10-04T10:30:00-05:00", {"agency": "ice", "activity": "detention",
                                       "purpose": "civil_immigration", "imminent_threat": False}),
        ("2025-10-04", {"agency": "cbp", "activity": "crowd_control", "imminent_threat": True}),
        ("2021-09-01", {"agency": "fbi", "activity": "patrol", "purpose": "criminal"}),
    ]
    for row, (at, facts) in zip(rows, cases, strict=True):
        d = decide({"jurisdiction": "chicago", "at": at, "kind": "assistance", "facts": facts},
                   flips=False)
        got = dict(zip(names, row, strict=True))
        assert got["at"] == at
        assert got["outcome"] == d["outcome"]
        assert got["rules"] == [r["rule"] for r in d["reasons"]] or (
            not d["reasons"] and got["rules"] == ["chicago/default"]
        )
        assert got["cites"] == [c for r in d["reasons"] for c in r["cites"]]
        assert sorted(got["obligations"]) == sorted(
            r["rule"] for r in d["obligations"] if r.get("status", "applies") == "applies"
        )
        assert got["questions"] == [q["fact"] for q in d["questions"]]


def test_bad_codes_are_reported_per_column_with_counts_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    src = _csv(tmp_path / "events.csv", """
event_id,at,agency,activity,purpose
1,2025-10-04,icee,detention,civil
2,2025-10-04,icee,detention,criminal
3,2025-10-04,cbp,dancing,criminal
""")
    out = tmp_path / "decided.parquet"
    with pytest.raises(InvalidAuditInput) as caught:
        _run(src, output=str(out))
    err = caught.value
    assert not out.exists()
    assert not list(tmp_path.glob("*.part"))
    by_column = {p["column"]: p for p in err.problems}
    assert by_column["agency"]["bad"] == [["icee", 2]]
    assert "ice" in by_column["agency"]["allowed"]
    assert by_column["activity"]["bad"] == [["dancing", 1]]
    assert by_column["purpose"]["bad"] == [["civil", 1]]
    text = str(err)
    assert "column 'agency': 'icee' (2 rows)" in text
    assert "allowed: ice, hsi" in text
    assert "nothing was written" in text


def test_mapping_turns_codes_into_facts_and_reports_unlisted_codes(tmp_path: Path) -> None:
    mapping = {
        "kind": "assistance",
        "at": "when",
        "key": ["ref"],
        "facts": {
            "agency": {"column": "AGCY", "codes": {"ICE": "ice", "CBP": "cbp", "UNK": None}},
            "activity": {"column": "ACT", "codes": {"DET": "detention", "CC": "crowd_control"}},
            "imminent_threat": {"column": "THREAT", "codes": {"Y": True, "N": False}},
            "purpose": {"value": "civil_immigration"},
        },
    }
    src = _csv(tmp_path / "log.csv", """
ref,when,AGCY,ACT,THREAT,note
a1,2025-10-04,ICE,DET,N,x
a2,2025-10-04,UNK,CC,Y,y
""")
    out = tmp_path / "out.csv"
    summary = _run(src, mapping=mapping, output=str(out))
    assert summary["keys"] == ["ref"]
    assert summary["unknown"]["agency"] == 1
    lines = out.read_text().splitlines()
    assert lines[0].split(",")[:3] == ["ref", "at", "outcome"]
    d = decide({"jurisdiction": "chicago", "at": "2025-10-04", "kind": "assistance", "facts": {
        "agency": "ice", "activity": "detention", "imminent_threat": False,
        "purpose": "civil_immigration"}}, flips=False)
    first = next(line for line in lines if line.startswith("a1,"))  # rows come in no set order
    assert first.startswith(f"a1,2025-10-04,{d['outcome']},")
    # a code the mapping does not list is an error, with its count and the codes allowed
    bad = _csv(tmp_path / "bad.csv", """
ref,when,AGCY,ACT,THREAT
a1,2025-10-04,ICE,DET,maybe
a2,2025-10-04,FBI,DET,maybe
""")
    with pytest.raises(InvalidAuditInput) as caught:
        _run(bad, mapping=mapping)
    problems = {p["column"]: p for p in caught.value.problems}
    assert problems["THREAT"]["bad"] == [["maybe", 2]]
    assert problems["THREAT"]["allowed"] == ["Y", "N"]
    assert problems["AGCY"]["bad"] == [["FBI", 1]]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"facts": {"agencyy": {"column": "a"}}}, "'agencyy' is not a fact of kind 'assistance'"),
        ({"facts": {"agency": {"column": "agency", "codes": {"X": "icee"}}}},
         "'X' maps to icee, which is not a value of fact 'agency'"),
        ({"facts": {"imminent_threat": {"column": "t", "codes": {True: True}}}},
         "read by YAML as a boolean; quote it"),
        ({"kind": "appearance"}, "maps kind 'appearance', but the audit is of kind 'assistance'"),
        ({"facts": {"agency": {"value": "icee"}}}, "value icee is not a value of fact 'agency'"),
        ({"facts": {"agency": {"column": "nope"}}}, "the column 'nope' for fact 'agency' is not"),
        ({"at": "when"}, "no column 'when' for at"),
        ({"colour": 1}, "unknown key 'colour'"),
    ],
)
def test_mapping_errors_name_what_is_wrong(tmp_path: Path, mapping: object, message: str) -> None:
    src = _csv(tmp_path / "events.csv", GOOD.replace("imminent_threat", "t"))
    with pytest.raises(InvalidAuditInput) as caught:
        _run(src, mapping=mapping)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("event_id,at,agency\n1,2021-01-01,ice\n2,2021-01-01,ice\n", "'2021-01-01' (2 rows)"),
        ("event_id,at,agency\n1,yesterday,ice\n", "'yesterday' (1 row)"),
        ("event_id,at,agency\n1,2025-10-04T10:30:00,ice\n", "'2025-10-04T10:30:00' (1 row)"),
        ("event_id,at,agency\n1,,ice\n", "empty (1 row)"),
        ("event_id,at,agncy\n1,2025-10-04,ice\n", "column 'agncy' is not a fact"),
        ("event_id,when,agency\n1,2025-10-04,ice\n", "no column 'at'"),
        ("event_id,at,agency,imminent_threat\n1,2025-10-04,ice,7\n", "holds number values"),
        ("event_id,at,agency,imminent_threat\n1,2025-10-04,ice,yes\n", "'yes' (1 row)"),
        ("outcome,at,agency\n1,2025-10-04,ice\n", "key column 'outcome' has the name"),
    ],
)
def test_input_errors_name_column_value_and_allowed(tmp_path: Path, text: str, message: str) -> None:
    src = _csv(tmp_path / "events.csv", text)
    out = tmp_path / "out.parquet"
    with pytest.raises(InvalidAuditInput) as caught:
        _run(src, output=str(out))
    assert message in str(caught.value)
    assert not out.exists()


def test_naive_timestamps_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    duckdb.sql(f"COPY (SELECT 1 AS id, TIMESTAMP '2025-10-04 10:00' AS \"at\", 'ice' AS agency) "
               f"TO '{path}' (FORMAT parquet)")
    with pytest.raises(InvalidAuditInput, match="timestamp without time zone"):
        _run(str(path))


def test_typed_moments_and_dates_decide_by_their_own_at(tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    duckdb.sql(
        "COPY (SELECT * FROM (VALUES (1, TIMESTAMPTZ '2025-08-30 04:59:59+00'), "
        "(2, TIMESTAMPTZ '2025-08-30 05:00:00+00')) AS t(id, \"at\") "
        ") TO '" + str(path) + "' (FORMAT parquet)"
    )
    summary = _run(str(path), kind="appearance", mapping={"facts": {
        "officer_type": {"value": "local"}, "face_covering": {"value": "balaclava"},
        "covering_reason": {"value": "weather"}}}, output=str(tmp_path / "o.parquet"))
    out = dict(duckdb.sql(f"SELECT id, outcome FROM '{tmp_path / 'o.parquet'}'").fetchall())
    before = decide({"jurisdiction": "chicago", "at": "2025-08-29T23:59:59-05:00",
                     "kind": "appearance", "facts": {"officer_type": "local",
                     "face_covering": "balaclava", "covering_reason": "weather"}}, flips=False)
    after = decide({"jurisdiction": "chicago", "at": "2025-08-30T00:00:00-05:00",
                    "kind": "appearance", "facts": {"officer_type": "local",
                    "face_covering": "balaclava", "covering_reason": "weather"}}, flips=False)
    assert out == {1: before["outcome"], 2: after["outcome"]}
    assert before["outcome"] != after["outcome"]
    assert summary["rows"] == 2


def test_unknown_kind_and_pack() -> None:
    with pytest.raises(InvalidRequest, match="allowed: appearance, assistance"):
        load_form("chicago", "parking")
    with pytest.raises(InvalidRequest, match="pack 'atlantis' not found"):
        load_form("atlantis", "assistance")


def test_emitted_sql_tests_is_true_and_is_false_and_renders_per_dialect() -> None:
    form = load_form("chicago", "assistance")
    for dialect in ("duckdb", "postgres", "spark"):
        sql = emit_sql(form, dialect=dialect, questions=True, pretty=False)
        assert "IS TRUE" in sql and "IS FALSE" in sql
        assert "WHERE" not in sql  # no row is ever dropped by an unknown
    assert "ARRAY_REMOVE" in emit_sql(form, dialect="postgres", pretty=False)
    assert "ARRAY_COMPACT" in emit_sql(form, dialect="spark", pretty=False)
    assert "OFFSET 0" in emit_sql(form, dialect="postgres", pretty=False)


def test_cli_audit_writes_output_and_json_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _csv(tmp_path / "events.csv", GOOD)
    out = tmp_path / "out.parquet"
    summary_file = tmp_path / "summary.json"
    code = main(["audit", "chicago", "--kind", "assistance", "--input", src, "--output", str(out),
                 "--json", "--summary", str(summary_file), "--no-progress"])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["rows"] == 3
    assert json.loads(summary_file.read_text())["outcomes"] == printed["outcomes"]
    assert duckdb.sql(f"SELECT count(*) FROM '{out}'").fetchall() == [(3,)]
    code = main(["audit", "chicago", "--kind", "assistance", "--input", src, "--no-progress"])
    text = capsys.readouterr().out
    assert code == 0 and "by outcome:" in text and "3 rows on duckdb" in text


def test_cli_audit_bad_input_exits_2_and_names_the_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _csv(tmp_path / "events.csv", "id,at,agency\n1,2025-10-04,icee\n")
    out = tmp_path / "out.csv"
    code = main(["audit", "chicago", "--kind", "assistance", "--input", src, "--output", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "column 'agency': 'icee' (1 row)" in err and "allowed: ice" in err
    assert not out.exists()
    assert main(["audit", "chicago", "--kind", "nope", "--input", src]) == 2


def test_cli_prints_the_sql(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "chicago", "--kind", "property_use", "--sql", "postgres"]) == 0
    assert "ARRAY_POSITION" in capsys.readouterr().out
