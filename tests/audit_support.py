"""Helpers of the audit tests: cases as table rows, the engine's answer per row, comparison.

The oracle is ``brightline.decide`` (the in-process engine). Rows are compared on an *answer*
string: outcome, deciding rules, their cites, obligations, findings and (with questions) the
questions, all in order. The engine is asked once per distinct case up to values no rule tells
apart (the kind's value classes, refined over its segments): such values give the same answer by
construction, so one decision per class combination and ``at`` covers every row with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from brightline.audit import KindForm
from brightline.rules import decide

SEP = "\x1f"

# Moments around every boundary of the Chicago packs: bare dates, offsets, just before/after.
AT_POOL = (
    "2021-08-02", "2021-08-02T00:00:00-05:00", "2023-03-01T12:00:00Z", "2025-08-29",
    "2025-08-29T23:59:59-05:00", "2025-08-30T04:59:59Z", "2025-08-30T05:00:00Z", "2025-08-30",
    "2025-08-30T00:00:00-05:00", "2025-09-15T22:00:00-07:00", "2025-09-16", "2025-09-16T06:00:00+01:00",
    "2025-10-05", "2025-10-06", "2025-10-05T23:30:00-05:00", "2025-10-06T05:00:00Z",
    "2025-10-15T23:59:59-05:00", "2025-10-16", "2025-12-08T23:00:00-06:00", "2025-12-09",
    "2025-12-09T06:00:00Z", "2026-01-30", "2026-01-31", "2026-01-31T06:00:00Z",
    "2026-01-31T05:59:59Z", "2026-06-01T10:30:00-05:00", "2027-03-14T02:30:00-05:00",
)


def sql_literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return "'" + str(value).replace("'", "''") + "'"


def class_index(form: KindForm) -> list[dict[object, int]]:
    """Per slot: value -> class number (0 for unknown, or for a fact no rule reads)."""
    out: list[dict[object, int]] = []
    for fact in form.facts:
        classes = form.classes[fact.slot]
        index: dict[object, int] = {}
        for number, values in enumerate(classes, start=1):
            for value in values:
                index[value] = number
        out.append(index)
    return out


def class_key_sql(form: KindForm) -> str:
    """DuckDB SQL for a row's class key: the at text and each fact's class number."""
    parts = ['"at"']
    for fact, index in zip(form.facts, class_index(form), strict=True):
        if not index:
            continue
        whens = " ".join(
            f"WHEN {sql_literal(v)} THEN {n}" for v, n in index.items()
        )
        default = "0"
        if fact.default is not None:
            default = str(index[fact.default])
        parts.append(f'CAST(CASE "{fact.name}" {whens} ELSE {default} END AS VARCHAR)')
    return " || '/' || ".join(parts)


def representative(form: KindForm, key: str) -> tuple[str, dict[str, object]]:
    """The at and facts of one case of a class key."""
    at, *numbers = key.split("/")
    facts: dict[str, object] = {}
    read = [f for f in form.facts if form.classes[f.slot]]
    for fact, number in zip(read, numbers, strict=True):
        n = int(number)
        if n:
            facts[fact.name] = form.classes[fact.slot][n - 1][0]
    return at, facts


def _applying(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Obligations or findings that apply (a ``may_apply`` one is not in the audit's columns),
    in rule-id order (the engine may put urgent duties first)."""
    kept = [p for p in parts if p.get("status", "applies") == "applies"]
    return sorted(kept, key=lambda p: str(p["rule"]))


def answer_of(decision: dict[str, Any], questions: bool) -> str:
    reasons = decision["reasons"]
    if not reasons:  # an engine without the default reason: it is "<pack>/default", no cites
        reasons = [{"rule": f"{decision['jurisdiction']}/default", "cites": []}]
    obligations = _applying(decision["obligations"])
    findings = _applying(decision["findings"])
    parts = [
        decision["outcome"],
        ",".join(r["rule"] for r in reasons),
        ",".join(c for r in reasons for c in r["cites"]),
        ",".join(r["rule"] for r in obligations),
        ",".join(sorted(c for r in obligations for c in r["cites"])),
        ",".join(r["rule"] for r in findings),
        ",".join(sorted(c for r in findings for c in r["cites"])),
    ]
    if questions:
        parts.append(",".join(q["fact"] for q in decision["questions"]))
    return SEP.join(parts)


SORTED = ("obligations", "obligation_cites", "findings", "finding_cites")


def answer_sql(questions: bool, dialect: str = "duckdb") -> str:
    """SQL for the answer string of an output row (DuckDB or PostgreSQL), as :func:`answer_of`
    (obligations and findings sorted)."""
    cols = ["rules", "cites", "obligations", "obligation_cites", "findings", "finding_cites"]
    if questions:
        cols.append("questions")

    def listed(c: str) -> str:
        if c not in SORTED:
            return c
        if dialect == "postgres":
            return f"ARRAY(SELECT x FROM unnest({c}) AS x ORDER BY x COLLATE \"C\")"
        return f"list_sort({c})"

    pieces = ["outcome", *(f"array_to_string({listed(c)}, ',')" for c in cols)]
    return " || chr(31) || ".join(pieces)


def answer_of_row(row: dict[str, Any], questions: bool) -> str:
    """The answer string of an output row fetched as a dict of lists (Spark)."""
    cols = ["rules", "cites", "obligations", "obligation_cites", "findings", "finding_cites"]
    if questions:
        cols.append("questions")
    return SEP.join([row["outcome"], *(
        ",".join(sorted(row[c]) if c in SORTED else row[c]) for c in cols
    )])


def engine_answer(form: KindForm, at: str, facts: dict[str, object], questions: bool) -> str:
    case = {"jurisdiction": form.pack, "at": at, "kind": form.kind, "facts": facts}
    return answer_of(decide(case, flips=False), questions)


def compare_grouped(
    form: KindForm, groups: Iterable[tuple[str, str, int]], questions: bool
) -> tuple[int, list[str]]:
    """``groups``: (class key, answer, rows) from the SQL side. Returns the rows checked and the
    first disagreements (empty when every key has one answer, the engine's)."""
    seen: dict[str, str] = {}
    rows = 0
    bad: list[str] = []
    for key, answer, count in groups:
        rows += count
        if key in seen:
            bad.append(f"{key}: two answers from SQL: {seen[key]!r} and {answer!r}")
            continue
        seen[key] = answer
        at, facts = representative(form, key)
        expected = engine_answer(form, at, facts, questions)
        if expected != answer:
            bad.append(f"{at} {facts}:\n  engine {expected!r}\n  sql    {answer!r}")
        if len(bad) >= 5:
            break
    return rows, bad


def fact_columns_sql(form: KindForm) -> str:
    return ", ".join(
        f'"{f.name}" {"BOOLEAN" if f.type == "bool" else "VARCHAR"}' for f in form.facts
    )


def value_lists(form: KindForm) -> list[Sequence[object]]:
    """Each fact's values and NULL (unknown, or the default for a defaulted fact)."""
    return [(*f.values, None) for f in form.facts]
