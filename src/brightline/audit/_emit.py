"""A kind of a compiled pack → one SQL query deciding every row of a table (pure).

The query is built as a sqlglot expression tree and rendered per dialect (``duckdb``,
``postgres``, ``spark``); no SQL text is pasted together. It reads a relation with the columns
``at`` (text, date or timestamp with time zone) and one column per fact (text for enum facts,
boolean for bool facts, NULL meaning unknown; values already checked, see ``_checks``), plus the
key columns it carries through, and gives per row:

``outcome``, ``rules`` and ``cites`` (the deciding rules and their cites, in rule order; when
no rule decides, the default reason ``<pack>/default``, which cites nothing),
``obligations`` / ``obligation_cites`` and ``findings`` / ``finding_cites``, and with
``questions=True`` ``questions``: the unknown facts that would settle a ``needs_review`` row.

How the semantics map to SQL (docs/pack-format.md, "Decision semantics"):

- SQL's NULL is the unknown: ``agency IN ('ice', 'hsi')`` is NULL when ``agency`` is NULL, and
  AND/OR/NOT are Kleene's tables, so a rule's condition is its code read as SQL. ``known`` is
  ``IS NOT NULL``. A fact with a default is ``COALESCE``d to it (always known).
- Dates of the law are in the query: each row's segment comes from its own ``at`` (a bare date
  against the segments' first days, a moment against the instants of their local midnights),
  and a rule holds only in the segments it is in force in.
- A rule *applies* when its condition holds and no overrider applies or may apply:
  ``in_force AND cond AND NOT overrider`` in Kleene logic is exactly that.
- ``CASE WHEN`` on an unknown falls to ``ELSE`` and ``WHERE`` drops it, so the outcome ladder
  never tests a three-valued expression bare: each step is ``IS TRUE`` ("applies") or
  ``IS NOT FALSE`` ("applies or may apply") on the OR of a group.
- Questions probe each value class of each fact a rule reads (the form's value classes, refined
  across segments): the ladder again with that fact set, rules that do not read it reused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlglot import exp

from brightline.audit._form import (
    AuditRule,
    Code,
    CodeAll,
    CodeCmp,
    CodeKnown,
    CodeNot,
    FactCode,
    KindForm,
)

DIALECTS: tuple[str, ...] = ("duckdb", "postgres", "spark")
AT_TYPES: tuple[str, ...] = ("text", "date", "timestamp")
DECISION_COLUMNS: tuple[str, ...] = (
    "outcome",
    "rules",
    "cites",
    "obligations",
    "obligation_cites",
    "findings",
    "finding_cites",
)
QUESTION_COLUMN = "questions"

# Ladder steps (docs/pack-format.md step 4) and the outcome each gives; step 9 is the default.
_STEPS: tuple[tuple[tuple[str, ...], bool, str], ...] = (
    (("prohibit",), True, "prohibited"),
    (("prohibit", "review"), False, "needs_review"),
    (("permit",), True, "permitted"),
    (("permit",), False, "needs_review"),
    (("not_applicable",), True, "not_applicable"),
    (("not_applicable",), False, "needs_review"),
    (("fallback_permit",), True, "permitted"),
    (("fallback_not_applicable",), True, "not_applicable"),
    (("fallback_permit", "fallback_not_applicable"), False, "needs_review"),
)
DEFAULT_STEP = len(_STEPS)

Value = exp.Expression | bool  # an SQL boolean expression, or a constant folded in Python


@dataclass(frozen=True)
class QueryOptions:
    dialect: str = "duckdb"
    questions: bool = False
    at_type: str = "text"  # how the source's ``at`` column is typed (see AT_TYPES)

    def __post_init__(self) -> None:
        if self.dialect not in DIALECTS:
            raise ValueError(f"dialect {self.dialect!r}: use one of {', '.join(DIALECTS)}")
        if self.at_type not in AT_TYPES:
            raise ValueError(f"at type {self.at_type!r}: use one of {', '.join(AT_TYPES)}")


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(exp.to_identifier(name, quoted=True), table=table)


def rule_column(rule: AuditRule) -> str:
    return f"_bl_r{rule.position}"


def decision_columns(questions: bool) -> tuple[str, ...]:
    return (*DECISION_COLUMNS, QUESTION_COLUMN) if questions else DECISION_COLUMNS


@dataclass
class _Probe:
    """Rule values with one fact set to one class of values (memoised per rule)."""

    slot: int
    values: tuple[object, ...]
    memo: dict[str, Value] = field(default_factory=dict)


class Emitter:
    """Builds the decision query of one kind (see the module docstring)."""

    def __init__(self, form: KindForm, options: QueryOptions) -> None:
        self.form = form
        self.options = options
        self.by_id = {rule.id: rule for rule in form.rules}
        self.facts = form.facts
        self.segments = len(form.starts)

    # -- the query -------------------------------------------------------------------------

    def query(self, source: exp.Expression, keys: Sequence[str]) -> exp.Select:
        """The decision query over ``source`` (a table or subquery), keeping ``keys`` and ``at``.

        Each row is encoded as one integer, the *case code* (its date segment and the position of
        each fact's value, 0 for unknown); the rules are evaluated once per distinct code and the
        decisions joined back to the rows. Without a code small enough for a BIGINT, every row is
        evaluated on its own (:meth:`rows_query`)."""
        radices = self.radices()
        if radices is None:
            return self.rows_query(source, keys)
        carried = [*keys, "at"]
        code = self._code(radices)
        rows = exp.select(*(col(k) for k in carried), code.as_("_bl_code")).from_(source)
        distinct = exp.select(col("_bl_code")).distinct().from_(exp.to_table("_bl_rows"))
        cases = self._decoded(radices)
        decided = self.decisions(cases.from_(exp.to_table("_bl_codes")), ["_bl_code"])
        out = exp.select(
            *(col(k, "_bl_rows") for k in carried),
            *(col(c, "_bl_decided") for c in decision_columns(self.options.questions)),
        ).from_(exp.to_table("_bl_rows"))
        out = out.join(
            exp.to_table("_bl_decided"),
            on=exp.EQ(this=col("_bl_code", "_bl_rows"), expression=col("_bl_code", "_bl_decided")),
        )
        out = out.with_("_bl_rows", as_=rows)
        out = out.with_("_bl_codes", as_=distinct)
        return out.with_("_bl_decided", as_=decided)

    def rows_query(self, source: exp.Expression, keys: Sequence[str]) -> exp.Select:
        """The decision query evaluating every row on its own (no case codes)."""
        carried = [*keys, "at"]
        facts = [self._fact_input(f) for f in self.facts]
        first = exp.select(*(col(k) for k in carried), *facts, self._segment().as_("_bl_seg"))
        return self.decisions(first.from_(source), carried)

    def decisions(self, cases: exp.Select, carried: Sequence[str]) -> exp.Select:
        """The decision of each row of ``cases`` (columns ``carried``, the facts and
        ``_bl_seg``), keeping the ``carried`` columns."""
        rules = exp.select(
            *(col(k) for k in carried),
            *(col(f.name) for f in self.facts),
            col("_bl_seg"),
            *(self._rule_value(r).as_(rule_column(r)) for r in self.form.rules),
        )
        rules = rules.from_(self._fenced(cases).subquery("_bl_facts"))
        steps = exp.select("*", self._ladder().as_("_bl_step"))
        steps = steps.from_(self._fenced(rules).subquery("_bl_rules"))
        out: list[exp.Expression] = [col(k) for k in carried]
        out.append(self._outcome().as_("outcome"))
        reasons = [(self._in_reasons(r), r) for r in self.form.rules if self._decisive(r)]
        duties = [(self._holds(r), r) for r in self.form.rules if r.group == "oblige"]
        finds = [(self._holds(r), r) for r in self.form.rules if r.group == "find"]
        default = exp.EQ(this=col("_bl_step"), expression=exp.Literal.number(DEFAULT_STEP))
        for name, picks in (("rules", reasons), ("obligations", duties), ("findings", finds)):
            ids = [(c, [r.id]) for c, r in picks]
            if name == "rules":  # no rule decides: the default reason (cites.md: never empty)
                ids.append((default, [f"{self.form.pack}/default"]))
            out.append(self._list(ids).as_(name))
            cites = "cites" if name == "rules" else f"{name[:-1]}_cites"
            out.append(self._list((c, list(r.cites)) for c, r in picks).as_(cites))
        if self.options.questions:
            out.append(self._questions().as_(QUESTION_COLUMN))
        return exp.select(*out).from_(self._fenced(steps).subquery("_bl_steps"))

    def _fenced(self, select: exp.Select) -> exp.Select:
        """A layer the planner must not merge into the next: every rule value is referenced
        many times above it, and PostgreSQL would otherwise paste each rule's expression into
        each reference (planning time and memory grow with the product). ``OFFSET 0`` is the
        usual fence there; DuckDB and Spark keep the layers' columns as computed."""
        return select.offset(0) if self.options.dialect == "postgres" else select

    def render(self, source: exp.Expression, keys: Sequence[str], pretty: bool = False) -> str:
        return self.query(source, keys).sql(dialect=self.options.dialect, pretty=pretty)

    # -- case codes ------------------------------------------------------------------------

    def radices(self) -> list[int] | None:
        """The place value of each fact's value position in the case code (the segment's is
        the last), or None when the code would not fit in a signed 64-bit integer."""
        out: list[int] = []
        place = 1
        for fact in self.facts:
            out.append(place)
            place *= len(fact.values) + 1
        out.append(place)
        place *= self.segments
        return out if place < 2**62 else None

    def _position(self, fact: FactCode) -> exp.Expression:
        """1 + the position of the row's value in the fact's domain; 0 when unknown (a fact with
        a default: the default's)."""
        array = exp.Array(expressions=[_literal(v) for v in fact.values])
        found = exp.ArrayPosition(this=array, expression=col(fact.name))
        fallback = 0 if fact.default is None else fact.values.index(fact.default) + 1
        return exp.Coalesce(this=found, expressions=[exp.Literal.number(fallback)])

    def _code(self, radices: list[int]) -> exp.Expression:
        terms: list[exp.Expression] = []
        for fact, radix in zip(self.facts, radices, strict=False):
            term = self._position(fact)
            if radix != 1:
                term = exp.Mul(this=exp.Paren(this=term), expression=exp.Literal.number(radix))
            terms.append(term)
        seg = exp.Paren(this=self._segment())
        terms.append(exp.Mul(this=seg, expression=exp.Literal.number(radices[-1])))
        out = exp.cast(terms[0], exp.DataType.Type.BIGINT)
        for term in terms[1:]:
            out = exp.Add(this=out, expression=term)
        return out

    def _decoded(self, radices: list[int]) -> exp.Select:
        """Facts and segment back from ``_bl_code`` (one row per distinct code)."""
        code = col("_bl_code")
        out: list[exp.Expression] = [code]
        for fact, radix in zip(self.facts, radices, strict=False):
            digit = exp.Mod(
                this=exp.Paren(this=exp.IntDiv(this=code.copy(), expression=exp.Literal.number(radix))),
                expression=exp.Literal.number(len(fact.values) + 1),
            )
            ifs = [
                exp.If(this=exp.EQ(this=digit.copy(), expression=exp.Literal.number(i + 1)),
                       true=_literal(v))
                for i, v in enumerate(fact.values)
            ]
            out.append(exp.Case(ifs=ifs).as_(fact.name))
        seg = exp.IntDiv(this=code.copy(), expression=exp.Literal.number(radices[-1]))
        out.append(seg.as_("_bl_seg"))
        return exp.select(*out)

    # -- inputs ----------------------------------------------------------------------------

    def _fact_input(self, fact: FactCode) -> exp.Expression:
        if fact.default is None:
            return col(fact.name)
        return exp.Coalesce(this=col(fact.name), expressions=[_literal(fact.default)]).as_(
            fact.name
        )

    def _segment(self) -> exp.Expression:
        """The index of the row's date segment (the law in force at its own ``at``)."""
        at = col("at")
        kind = self.options.at_type
        by_day = self._segment_of(at, self._day_literal)
        if kind == "date":
            return by_day
        moment = exp.cast(at, self._timestamp_type()) if kind == "text" else at
        by_instant = self._segment_of(moment, self._instant_literal)
        if kind == "timestamp":
            return by_instant
        bare = exp.EQ(this=exp.Length(this=at), expression=exp.Literal.number(10))
        return exp.Case(ifs=[exp.If(this=bare, true=by_day)], default=by_instant)

    def _segment_of(
        self, value: exp.Expression, literal: Callable[[int], exp.Expression]
    ) -> exp.Expression:
        if self.segments == 1:
            return exp.Literal.number(0)
        ifs = [
            exp.If(this=exp.GTE(this=value.copy(), expression=literal(i)),
                   true=exp.Literal.number(i))
            for i in range(self.segments - 1, 0, -1)
        ]
        return exp.Case(ifs=ifs, default=exp.Literal.number(0))

    def _day_literal(self, i: int) -> exp.Expression:
        day: date = self.form.starts[i]
        if self.options.at_type == "date":
            return exp.cast(exp.Literal.string(day.isoformat()), exp.DataType.Type.DATE)
        return exp.Literal.string(day.isoformat())  # YYYY-MM-DD compares as text

    def _instant_literal(self, i: int) -> exp.Expression:
        moment: datetime = self.form.start_instants()[i]
        text = moment.strftime("%Y-%m-%d %H:%M:%S+00:00")
        return exp.cast(exp.Literal.string(text), self._timestamp_type())

    def _timestamp_type(self) -> exp.DataType:
        return exp.DataType.build("TIMESTAMPTZ")

    # -- rules -----------------------------------------------------------------------------

    def _in_force(self, rule: AuditRule) -> Value:
        if len(rule.segments) == self.segments:
            return True
        seg = col("_bl_seg")
        if not rule.segments:
            return False
        lo, hi = min(rule.segments), max(rule.segments)
        if hi - lo + 1 == len(rule.segments):
            if lo == hi:
                return exp.EQ(this=seg, expression=exp.Literal.number(lo))
            return exp.Between(
                this=seg, low=exp.Literal.number(lo), high=exp.Literal.number(hi)
            )
        return exp.In(
            this=seg, expressions=[exp.Literal.number(i) for i in sorted(rule.segments)]
        )

    def _rule_value(self, rule: AuditRule, probe: _Probe | None = None) -> Value:
        """Whether the rule applies (T), may apply (NULL) or not (F), overriders included."""
        if probe is not None:
            found = probe.memo.get(rule.id)
            if found is not None:
                return found
            if not self._reads(rule, probe.slot):
                value: Value = col(rule_column(rule))
                probe.memo[rule.id] = value
                return value
        parts: list[Value] = [self._in_force(rule), self._condition(rule.code, probe)]
        for other in rule.overriders:
            parts.append(_not(self._rule_value(self.by_id[other], probe)))
        value = _and(parts)
        if probe is not None:
            probe.memo[rule.id] = value
        return value

    def _reads(self, rule: AuditRule, slot: int) -> bool:
        """Does the rule's value depend on the fact in ``slot`` (its own condition or an
        overrider's)?"""
        if _code_reads(rule.code, slot):
            return True
        return any(self._reads(self.by_id[o], slot) for o in rule.overriders)

    def _condition(self, code: Code, probe: _Probe | None) -> Value:
        if isinstance(code, CodeCmp | CodeKnown):
            fact = self.facts[code.slot]
            if probe is not None and probe.slot == code.slot:
                if isinstance(code, CodeKnown):
                    return code.known
                value = probe.values[0]
                return bool(fact.bits[value] & code.mask) != code.negate  # type: ignore[index]
            if isinstance(code, CodeKnown):
                test = exp.Is(this=col(fact.name), expression=exp.null())
                return exp.Not(this=test) if code.known else test
            return self._comparison(fact, code)
        if isinstance(code, CodeNot):
            return _not(self._condition(code.item, probe))
        items = [self._condition(item, probe) for item in code.items]
        return _and(items) if isinstance(code, CodeAll) else _or(items)

    def _comparison(self, fact: FactCode, code: CodeCmp) -> Value:
        values = fact.values_of(code.mask)
        if not values:  # in the bitset reading an empty set is F even for an unknown fact
            return code.negate
        column = col(fact.name)
        literals = [_literal(v) for v in values]
        test: exp.Expression
        if len(literals) == 1:
            test = exp.EQ(this=column, expression=literals[0])
        else:
            test = exp.In(this=column, expressions=literals)
        return exp.Not(this=exp.Paren(this=test)) if code.negate else test

    # -- the ladder ------------------------------------------------------------------------

    def _group(self, groups: Iterable[str], probe: _Probe | None = None) -> Value:
        chosen = set(groups)
        values = [
            self._rule_value(r, probe) if probe is not None else col(rule_column(r))
            for r in self.form.rules
            if r.group in chosen
        ]
        return _or(values)

    def _ladder_ifs(self, probe: _Probe | None, then: Callable[[int], exp.Expression]) -> list[exp.If]:
        ifs: list[exp.If] = []
        for step, (groups, applies, _) in enumerate(_STEPS):
            value = self._group(groups, probe)
            test = _is_true(value) if applies else _not_false(value)
            if test is False:
                continue
            if test is True:
                ifs.append(exp.If(this=exp.true(), true=then(step)))
                break
            ifs.append(exp.If(this=test, true=then(step)))
        return ifs

    def _ladder(self) -> exp.Expression:
        ifs = self._ladder_ifs(None, exp.Literal.number)
        return exp.Case(ifs=ifs, default=exp.Literal.number(DEFAULT_STEP))

    def _outcome(self) -> exp.Expression:
        step = col("_bl_step")
        ifs = [
            exp.If(this=exp.EQ(this=step.copy(), expression=exp.Literal.number(i)),
                   true=exp.Literal.string(outcome))
            for i, (_, _, outcome) in enumerate(_STEPS)
        ]
        return exp.Case(ifs=ifs, default=exp.Literal.string(self.form.default))

    def _decisive(self, rule: AuditRule) -> bool:
        return rule.group not in ("oblige", "find")

    def _in_reasons(self, rule: AuditRule) -> exp.Expression:
        """Is the rule a reason: on a step that picks its group, with the value it picks."""
        step = col("_bl_step")
        value = col(rule_column(rule))
        tests: list[exp.Expression] = []
        for i, (groups, applies, _) in enumerate(_STEPS):
            if rule.group in groups:
                on_step = exp.EQ(this=step.copy(), expression=exp.Literal.number(i))
                picked = _is_true(value.copy()) if applies else _not_false(value.copy())
                assert isinstance(picked, exp.Expression)
                tests.append(exp.and_(on_step, picked))
        return exp.or_(*tests) if len(tests) > 1 else tests[0]

    def _holds(self, rule: AuditRule) -> exp.Expression:
        found = _is_true(col(rule_column(rule)))
        assert isinstance(found, exp.Expression)
        return found

    # -- questions -------------------------------------------------------------------------

    def _questions(self) -> exp.Expression:
        step = col("_bl_step")
        review = [i for i, (_, _, o) in enumerate(_STEPS) if o == "needs_review"]
        if self.form.default == "needs_review":
            review.append(DEFAULT_STEP)
        open_ = exp.In(this=step, expressions=[exp.Literal.number(i) for i in review])
        items: list[tuple[exp.Expression, list[str]]] = []
        for fact in self.facts:
            classes = self.form.classes[fact.slot]
            if fact.default is not None or not classes:
                continue  # always known, or read by no rule: never a question
            settles = _or([self._settles(_Probe(fact.slot, values)) for values in classes])
            if settles is False:
                continue
            unknown = exp.Is(this=col(fact.name), expression=exp.null())
            parts: list[Value] = [open_.copy(), unknown, settles]
            test = _and(parts)
            assert isinstance(test, exp.Expression)
            items.append((test, [fact.name]))
        return self._list(items)

    def _settles(self, probe: _Probe) -> Value:
        """Does giving the fact a value of this class decide the row (an outcome other than
        needs_review)? Never NULL: CASE over IS TRUE / IS NOT FALSE tests."""
        ifs = self._ladder_ifs(
            probe, lambda i: exp.true() if _STEPS[i][2] != "needs_review" else exp.false()
        )
        default = self.form.default != "needs_review"
        if not ifs:
            return default
        return exp.Case(ifs=ifs, default=exp.true() if default else exp.false())

    # -- lists -----------------------------------------------------------------------------

    def _list(self, items: Iterable[tuple[exp.Expression, list[str]]]) -> exp.Expression:
        """An array of the given strings whose condition holds (conditions never NULL)."""
        elements: list[exp.Expression] = []
        for test, strings in items:
            for text in strings:
                elements.append(
                    exp.Case(ifs=[exp.If(this=test.copy(), true=exp.Literal.string(text))])
                )
        if not elements:
            return exp.cast(exp.Array(expressions=[]), exp.DataType.build("ARRAY<TEXT>"))
        array = exp.Array(expressions=elements)
        if self.options.dialect == "postgres":
            return exp.ArrayRemove(this=array, expression=exp.null())
        return exp.ArrayCompact(this=array)


# -- boolean helpers (constants fold; SQL nodes otherwise) ----------------------------------


def _literal(value: object) -> exp.Expression:
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    return exp.Literal.string(str(value))


def _paren(e: exp.Expression) -> exp.Expression:
    if isinstance(e, exp.Column | exp.Paren | exp.Boolean | exp.Is | exp.Case):
        return e
    return exp.Paren(this=e)


def _and(items: Sequence[Value]) -> Value:
    kept: list[exp.Expression] = []
    for item in items:
        if item is False:
            return False
        if item is True:
            continue
        assert isinstance(item, exp.Expression)
        kept.append(_paren(item))
    if not kept:
        return True
    out = kept[0]
    for item in kept[1:]:
        out = exp.And(this=out, expression=item)
    return out


def _or(items: Sequence[Value]) -> Value:
    kept: list[exp.Expression] = []
    for item in items:
        if item is True:
            return True
        if item is False:
            continue
        assert isinstance(item, exp.Expression)
        kept.append(_paren(item))
    if not kept:
        return False
    out = kept[0]
    for item in kept[1:]:
        out = exp.Or(this=out, expression=item)
    return out


def _not(item: Value) -> Value:
    if isinstance(item, bool):
        return not item
    return exp.Not(this=_paren(item))


def _is_true(value: Value) -> Value:
    if isinstance(value, bool):
        return value
    return exp.Is(this=_paren(value), expression=exp.true())


def _not_false(value: Value) -> Value:
    if isinstance(value, bool):
        return value
    return exp.Not(this=exp.Is(this=_paren(value), expression=exp.false()))


def _code_reads(code: Code, slot: int) -> bool:
    if isinstance(code, CodeCmp | CodeKnown):
        return code.slot == slot
    if isinstance(code, CodeNot):
        return _code_reads(code.item, slot)
    return any(_code_reads(item, slot) for item in code.items)
