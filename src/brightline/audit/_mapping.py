"""From a source's own columns and codes to the facts of a kind (pure: plans, no I/O).

A mapping file (YAML) says where each fact comes from::

    kind: assistance              # optional; must be the kind audited
    at: event_time                # the column holding `at` (default: at)
    key: [event_id]               # columns carried to the output (default: every column that is
                                  # neither `at` nor a fact's source)
    facts:
      agency:
        column: AGCY              # the source column (default: the fact's own name)
        codes: {ICE: ice, CBP: cbp, UNK: null}   # source code -> fact value; null: unknown
      imminent_threat: {column: THREAT, codes: {"Y": true, "N": false}}
      purpose: {column: purpose}  # values already the fact's own
      basis: {value: null}        # not recorded: unknown on every row
      within_jurisdiction: {value: true}         # the same on every row

Codes that a mapping does not list are never guessed: they are reported per column with their
counts and the codes allowed. Without a mapping each fact comes from the column of its own name
(absent: unknown on every row, said in the summary), ``at`` from ``at``, and every other column is
a key.

:func:`plan` checks a mapping against the kind and the input's columns and returns a
:class:`Plan`: the select that turns raw rows into the relation the emitter reads (``at`` and one
column per fact), and the checks that find bad values (each a query giving value and count).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlglot import exp

from brightline.audit._emit import DECISION_COLUMNS, QUESTION_COLUMN, col
from brightline.audit._form import FactCode, KindForm
from brightline.errors import InvalidAuditInput

# The type categories a runner reports for each input column.
TEXT, BOOL, DATE, TIMESTAMP, NAIVE_TIMESTAMP, NUMBER, OTHER = (
    "text", "bool", "date", "timestamp", "naive_timestamp", "number", "other",
)
AT_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?))?$"
)
_UNSET = object()


@dataclass(frozen=True)
class FactSource:
    """Where one fact comes from: a column (with or without codes) or one value for all rows."""

    fact: str
    column: str | None = None
    codes: Mapping[str, object] | None = None  # source code (as text) -> fact value or None
    value: object = _UNSET  # a constant (None: unknown) when no column

    @property
    def constant(self) -> bool:
        return self.value is not _UNSET


@dataclass(frozen=True)
class MappingSpec:
    """A parsed mapping file (or the identity mapping: every field None or empty)."""

    kind: str | None = None
    at: str | None = None
    key: tuple[str, ...] | None = None
    facts: Mapping[str, FactSource] = field(default_factory=dict)
    file: str = ""


@dataclass(frozen=True)
class Check:
    """A query that lists the bad values of one column (value as text, count), and what the
    error says about them."""

    column: str
    fact: str | None
    query: exp.Select
    allowed: tuple[str, ...]
    what: str  # e.g. "not a value of fact 'agency'"


@dataclass(frozen=True)
class Plan:
    keys: tuple[str, ...]
    at_column: str
    at_type: str  # text, date or timestamp (see _emit.AT_TYPES)
    select: exp.Select  # raw input -> keys, at, facts
    checks: tuple[Check, ...]
    unknown_facts: tuple[str, ...]  # facts with no source: unknown on every row
    sources: Mapping[str, FactSource]


def _fail(message: str, problems: Sequence[dict[str, Any]] = ()) -> InvalidAuditInput:
    return InvalidAuditInput(message, problems=problems)


def _show(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def load_mapping(path: str | Path) -> MappingSpec:
    """Read and shape-check a mapping file (InvalidAuditInput naming what is wrong)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot read mapping file {name!r}: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail(f"mapping file {name!r} is not valid YAML: {exc}") from None
    return parse_mapping(data, name)


def parse_mapping(data: object, name: str = "mapping") -> MappingSpec:
    if not isinstance(data, dict):
        raise _fail(f"{name}: a mapping is an object with kind, at, key and facts")
    unknown = sorted(set(map(str, data)) - {"kind", "at", "key", "facts"})
    if unknown:
        raise _fail(f"{name}: unknown key {unknown[0]!r} (allowed: kind, at, key, facts)")
    kind = data.get("kind")
    if kind is not None and not isinstance(kind, str):
        raise _fail(f"{name}: kind must be a string, got {_show(kind)}")
    at = data.get("at")
    if at is not None and not isinstance(at, str):
        raise _fail(f"{name}: at must be a column name, got {_show(at)}")
    key = data.get("key")
    if key is not None:
        if isinstance(key, str):
            key = [key]
        if not isinstance(key, list) or not all(isinstance(k, str) for k in key):
            raise _fail(f"{name}: key must be a column name or a list of them")
        key = tuple(key)
    facts_in = data.get("facts") or {}
    if not isinstance(facts_in, dict):
        raise _fail(f"{name}: facts must be an object of fact: source")
    facts: dict[str, FactSource] = {}
    for fact, spec in facts_in.items():
        facts[str(fact)] = _fact_source(str(fact), spec, name)
    return MappingSpec(kind=kind, at=at, key=key, facts=facts, file=name)


def _fact_source(fact: str, spec: object, name: str) -> FactSource:
    where = f"{name}: facts.{fact}"
    if isinstance(spec, str):
        return FactSource(fact, column=spec)
    if not isinstance(spec, dict):
        raise _fail(f"{where}: give column (and codes) or value")
    extra = sorted(set(map(str, spec)) - {"column", "codes", "value"})
    if extra:
        raise _fail(f"{where}: unknown key {extra[0]!r} (allowed: column, codes, value)")
    if "value" in spec:
        if "column" in spec or "codes" in spec:
            raise _fail(f"{where}: value excludes column and codes")
        return FactSource(fact, value=spec["value"])
    column = spec.get("column", fact)
    if not isinstance(column, str):
        raise _fail(f"{where}.column must be a column name, got {_show(column)}")
    codes = spec.get("codes")
    if codes is None:
        return FactSource(fact, column=column)
    if not isinstance(codes, dict) or not codes:
        raise _fail(f"{where}.codes must be an object of source code: fact value")
    shaped: dict[str, object] = {}
    for code, value in codes.items():
        if isinstance(code, bool):
            raise _fail(
                f"{where}.codes: the code {_show(code)} was read by YAML as a boolean; quote it "
                f"(\"yes\", \"no\", \"true\" ...) to mean the source's text"
            )
        shaped[str(code)] = value
    return FactSource(fact, column=column, codes=shaped)


def plan(
    form: KindForm,
    mapping: MappingSpec,
    columns: Mapping[str, str],
    source: exp.Expression,
    *,
    questions: bool = False,
) -> Plan:
    """Check ``mapping`` against the kind and the input's ``columns`` (name -> type category)
    and build the normalising select and the value checks over ``source``."""
    label = mapping.file or "the input"
    if mapping.kind is not None and mapping.kind != form.kind:
        raise _fail(f"{label} maps kind {mapping.kind!r}, but the audit is of kind {form.kind!r}")
    names = {f.name for f in form.facts}
    for fact in mapping.facts:
        if fact not in names:
            raise _fail(
                f"{label}: {fact!r} is not a fact of kind {form.kind!r} "
                f"(allowed: {', '.join(f.name for f in form.facts)})"
            )
    at_column = mapping.at or "at"
    if at_column not in columns:
        raise _fail(
            f"the input has no column {at_column!r} for at (columns: {', '.join(columns)}); "
            + ("name it with at: in the mapping" if not mapping.file else "fix at: in the mapping"),
            [{"column": at_column, "fact": None, "bad": [], "allowed": list(columns)}],
        )
    sources: dict[str, FactSource] = {}
    unknown: list[str] = []
    for fact in form.facts:
        found = mapping.facts.get(fact.name)
        if found is None:
            found = FactSource(fact.name, column=fact.name) if fact.name in columns else None
        if found is None:
            if fact.default is None:
                unknown.append(fact.name)
            found = FactSource(fact.name, value=fact.default)
        elif found.column is not None and found.column not in columns:
            raise _fail(
                f"{label}: the column {found.column!r} for fact {fact.name!r} is not in the input "
                f"(columns: {', '.join(columns)})",
                [{"column": found.column, "fact": fact.name, "bad": [], "allowed": list(columns)}],
            )
        sources[fact.name] = found
    used = {at_column} | {s.column for s in sources.values() if s.column is not None}
    if mapping.key is not None:
        keys = tuple(mapping.key)
        for key in keys:
            if key not in columns:
                raise _fail(f"{label}: key column {key!r} is not in the input "
                            f"(columns: {', '.join(columns)})")
    else:
        # a column named like a fact but mapped otherwise is left out, not kept as a key
        keys = tuple(c for c in columns if c not in used and c not in names)
        if not mapping.file:
            _no_misspelt_facts(form, keys, unknown)
    reserved = {*DECISION_COLUMNS, QUESTION_COLUMN, "at"} | names
    clash = [k for k in keys if k in reserved or k.startswith("_bl_")]
    if clash:
        raise _fail(
            f"key column {clash[0]!r} has the name of an output column; rename it or list the "
            f"keys in a mapping (output columns: {', '.join((*DECISION_COLUMNS, QUESTION_COLUMN))}"
            f", at and the facts)"
        )
    at_type = _at_type(at_column, columns[at_column])
    checks = [_at_check(form, at_column, at_type, source)]
    selects: list[exp.Expression] = [col(k) for k in keys]
    selects.append(col(at_column).as_("at") if at_column != "at" else col("at"))
    for fact in form.facts:
        expr, check = _fact_plan(fact, sources[fact.name], columns, source, label)
        selects.append(expr.as_(fact.name))
        if check is not None:
            checks.append(check)
    select = exp.select(*selects).from_(source.copy())
    return Plan(keys, at_column, at_type, select, tuple(checks), tuple(unknown), sources)


def _no_misspelt_facts(form: KindForm, keys: Sequence[str], unknown: Sequence[str]) -> None:
    """Without a mapping, a column whose name is close to a fact missing from the input is
    almost surely that fact misspelt: say so rather than keep it as a key."""
    for key in keys:
        close = difflib.get_close_matches(key.lower(), list(unknown), n=1, cutoff=0.8)
        if close:
            raise _fail(
                f"column {key!r} is not a fact of kind {form.kind!r}, and fact {close[0]!r} is "
                f"missing from the input: rename the column or map it (--map); "
                f"facts: {', '.join(f.name for f in form.facts)}",
                [{"column": key, "fact": close[0], "bad": [], "allowed": [close[0]]}],
            )


def _at_type(column: str, category: str) -> str:
    if category in (TEXT, DATE, TIMESTAMP):
        return category
    if category == NAIVE_TIMESTAMP:
        raise _fail(
            f"column {column!r} (at) is a timestamp without time zone: a moment needs its UTC "
            "offset; store it with time zone, or as text like 2025-10-04T10:30:00-05:00",
            [{"column": column, "fact": None, "bad": [], "allowed": ["date", "timestamptz", "text"]}],
        )
    raise _fail(
        f"column {column!r} (at) holds {category} values; at is a date, a timestamp with time "
        "zone, or text (2025-10-04 or 2025-10-04T10:30:00-05:00)",
        [{"column": column, "fact": None, "bad": [], "allowed": ["date", "timestamptz", "text"]}],
    )


def _bad_values(column: str, source: exp.Expression, bad: exp.Expression) -> exp.Select:
    text = exp.cast(col(column), exp.DataType.Type.TEXT)
    count = exp.Count(this=exp.Star())
    query = exp.select(text.as_("value"), count.as_("n")).from_(source.copy()).where(bad)
    query = query.group_by(exp.Literal.number(1))
    return query.order_by(exp.Ordered(this=exp.Literal.number(2), desc=True)).limit(20)


def _at_check(form: KindForm, column: str, at_type: str, source: exp.Expression) -> Check:
    value = col(column)
    lo = form.covers_from.isoformat()
    hi = form.covers_until.isoformat() if form.covers_until else None
    coverage = f"from {lo}" + (f" until {hi}" if hi else "")
    missing = exp.Is(this=value.copy(), expression=exp.null())
    if at_type == DATE:
        day = exp.cast(value.copy(), exp.DataType.Type.DATE)
        outside: exp.Expression = exp.LT(this=day, expression=_date(form.covers_from))
        if form.covers_until:
            outside = exp.or_(outside, exp.GTE(this=day.copy(), expression=_date(form.covers_until)))
    else:
        instants = form.start_instants()
        first = _instant(instants[0].strftime("%Y-%m-%d %H:%M:%S+00:00"))
        moment = exp.cast(value.copy(), exp.DataType.build("TIMESTAMPTZ"))
        if at_type == TEXT:
            bare = exp.EQ(this=exp.Length(this=value.copy()), expression=exp.Literal.number(10))
            before = exp.Case(
                ifs=[exp.If(this=bare, true=exp.LT(this=value.copy(), expression=exp.Literal.string(lo)))],
                default=exp.LT(this=moment, expression=first),
            )
        else:
            before = exp.LT(this=moment, expression=first)
        outside = before
        until = form.until_instant()
        if until is not None and hi is not None:
            late_moment = exp.GTE(
                this=exp.cast(value.copy(), exp.DataType.build("TIMESTAMPTZ")),
                expression=_instant(until.strftime("%Y-%m-%d %H:%M:%S+00:00")),
            )
            if at_type == TEXT:
                bare = exp.EQ(this=exp.Length(this=value.copy()), expression=exp.Literal.number(10))
                late: exp.Expression = exp.Case(
                    ifs=[exp.If(this=bare, true=exp.GTE(this=value.copy(), expression=exp.Literal.string(hi)))],
                    default=late_moment,
                )
            else:
                late = late_moment
            outside = exp.or_(exp.Paren(this=outside), exp.Paren(this=late))
    if at_type == TEXT:
        malformed = exp.Not(this=exp.RegexpLike(this=value.copy(), expression=exp.Literal.string(AT_PATTERN)))
        # a malformed value is reported before any cast can fail on it
        bad = exp.Case(
            ifs=[exp.If(this=missing, true=exp.true()), exp.If(this=malformed, true=exp.true())],
            default=outside,
        )
    else:
        bad = exp.Case(ifs=[exp.If(this=missing, true=exp.true())], default=outside)
    return Check(
        column=column,
        fact=None,
        query=_bad_values(column, source, exp.EQ(this=exp.Paren(this=bad), expression=exp.true())),
        allowed=(
            f"a date YYYY-MM-DD or a moment with UTC offset (2025-10-04T10:30:00-05:00), "
            f"within the pack's coverage ({coverage}); never empty",
        ),
        what="not a moment the pack covers (at)",
    )


def _date(day: date) -> exp.Expression:
    return exp.cast(exp.Literal.string(day.isoformat()), exp.DataType.Type.DATE)


def _instant(text: str) -> exp.Expression:
    return exp.cast(exp.Literal.string(text), exp.DataType.build("TIMESTAMPTZ"))


def _literal(value: object) -> exp.Expression:
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    return exp.Literal.string(str(value))


def _typed_null(fact: FactCode) -> exp.Expression:
    kind = exp.DataType.Type.BOOLEAN if fact.type == "bool" else exp.DataType.Type.TEXT
    return exp.cast(exp.null(), kind)


def _fact_plan(
    fact: FactCode,
    source_of: FactSource,
    columns: Mapping[str, str],
    source: exp.Expression,
    label: str,
) -> tuple[exp.Expression, Check | None]:
    allowed = tuple(_show(v) for v in fact.values)
    if source_of.constant:
        value = source_of.value
        if value is not None and (value not in fact.values or type(value) is not type(fact.values[0])):
            raise _fail(
                f"{label}: facts.{fact.name}.value {_show(value)} is not a value of fact "
                f"{fact.name!r} (allowed: {', '.join(allowed)}, or null for unknown)",
                [{"column": None, "fact": fact.name, "bad": [[_show(value), 0]],
                  "allowed": list(allowed)}],
            )
        return (_typed_null(fact) if value is None else exp.cast(_literal(value), _type(fact))), None
    column = source_of.column
    assert column is not None
    category = columns[column]
    if source_of.codes is not None:
        return _coded(fact, source_of, column, source, label)
    if fact.type == "bool":
        if category == BOOL:
            return col(column), None
        if category == TEXT:
            text = col(column)
            expr = exp.Case(ifs=[
                exp.If(this=exp.EQ(this=text.copy(), expression=exp.Literal.string("true")), true=exp.true()),
                exp.If(this=exp.EQ(this=text.copy(), expression=exp.Literal.string("false")), true=exp.false()),
            ], default=_typed_null(fact))
            bad = exp.not_(exp.In(this=text.copy(), expressions=[exp.Literal.string("true"), exp.Literal.string("false")]))
            return expr, Check(column, fact.name, _bad_values(column, source, bad),
                               ("true", "false"), f"not a value of fact {fact.name!r}")
        raise _type_error(fact, column, category, "boolean (true/false) or text true/false")
    if category != TEXT:
        raise _type_error(fact, column, category, "text")
    bad = exp.not_(exp.In(this=col(column), expressions=[exp.Literal.string(str(v)) for v in fact.values]))
    return col(column), Check(column, fact.name, _bad_values(column, source, bad), allowed,
                              f"not a value of fact {fact.name!r}")


def _type(fact: FactCode) -> exp.DataType:
    return exp.DataType.build("BOOLEAN" if fact.type == "bool" else "TEXT")


def _type_error(fact: FactCode, column: str, category: str, wanted: str) -> InvalidAuditInput:
    return _fail(
        f"column {column!r} (fact {fact.name!r}) holds {category} values; the fact takes {wanted}: "
        f"map the source's codes to its values with --map (allowed: "
        f"{', '.join(_show(v) for v in fact.values)})",
        [{"column": column, "fact": fact.name, "bad": [], "allowed": [_show(v) for v in fact.values]}],
    )


def _coded(
    fact: FactCode, source_of: FactSource, column: str, source: exp.Expression, label: str
) -> tuple[exp.Expression, Check]:
    codes = source_of.codes or {}
    for code, value in codes.items():
        if value is not None and (value not in fact.values or type(value) is not type(fact.values[0])):
            raise _fail(
                f"{label}: facts.{fact.name}.codes: {code!r} maps to {_show(value)}, which is not "
                f"a value of fact {fact.name!r} (allowed: "
                f"{', '.join(_show(v) for v in fact.values)}, or null for unknown)",
                [{"column": column, "fact": fact.name, "bad": [[code, 0]],
                  "allowed": [_show(v) for v in fact.values]}],
            )
    text = exp.cast(col(column), exp.DataType.Type.TEXT)
    ifs = [
        exp.If(this=exp.EQ(this=text.copy(), expression=exp.Literal.string(code)),
               true=_literal(value) if value is not None else _typed_null(fact))
        for code, value in codes.items()
    ]
    expr = exp.Case(ifs=ifs, default=_typed_null(fact))
    bad = exp.not_(exp.In(this=text.copy(), expressions=[exp.Literal.string(c) for c in codes]))
    check = Check(column, fact.name, _bad_values(column, source, bad), tuple(codes),
                  f"a code the mapping does not list for fact {fact.name!r}")
    return expr, check


def problems_error(found: Sequence[tuple[Check, list[tuple[str, int]]]]) -> InvalidAuditInput:
    """One error naming, per column, the bad values with their counts and what is allowed."""
    problems = []
    lines = []
    for check, bad in found:
        shown = ", ".join(f"{value!r} ({count} row{'s' if count != 1 else ''})"
                          if value is not None else f"empty ({count} row{'s' if count != 1 else ''})"
                          for value, count in bad)
        lines.append(
            f"column {check.column!r}: {shown}: {check.what} (allowed: {', '.join(check.allowed)})"
        )
        problems.append({
            "column": check.column, "fact": check.fact,
            "bad": [[value, count] for value, count in bad], "allowed": list(check.allowed),
        })
    message = "the input does not fit; nothing was written. " + "; ".join(lines)
    return InvalidAuditInput(message, problems=problems)
