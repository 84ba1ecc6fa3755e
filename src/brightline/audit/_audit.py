"""One batch audit, start to finish, over any engine's runner.

1. the pack is compiled (the engine's one compiled form) and the kind lined up (``_form``);
2. the mapping is checked against the input's columns and turned into a normalising select
   (``_mapping``);
3. every check query runs; any bad value (per column: the values, their counts and what is
   allowed) stops the audit with :class:`~brightline.errors.InvalidAuditInput` before anything
   is written;
4. the decision query (``_emit``) runs in the engine into a scratch result, which is written to
   the output (whole or not at all) and summarised: counts by outcome, by rule, by unknown fact.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlglot import exp

from brightline.audit._emit import Emitter, QueryOptions, col, decision_columns
from brightline.audit._form import KindForm, compile_pack, kind_form
from brightline.audit._mapping import MappingSpec, Plan, plan, problems_error
from brightline.errors import InvalidRequest

ENGINES: tuple[str, ...] = ("duckdb", "postgresql", "spark")
DIALECT_OF = {"duckdb": "duckdb", "postgresql": "postgres", "spark": "spark"}


class Runner(Protocol):
    """What an engine offers an audit (see duckdb_runner, postgres_runner, spark_runner)."""

    dialect: str

    def columns(self) -> dict[str, str]:
        """The input's columns in order, each with its type category (``_mapping.TEXT`` ...)."""

    def source(self) -> exp.Expression:
        """The input as a relation to select from."""

    def fetch(self, query: exp.Expression) -> list[tuple[Any, ...]]:
        """Run a (small) query and return its rows."""

    def materialise(self, query: exp.Expression) -> exp.Expression:
        """Run the decision query into a scratch result; return it as a relation."""

    def write(self, output: str) -> str:
        """Write the scratch result to ``output`` (a file or a table), whole or not at all;
        return where it went."""

    def close(self) -> None: ...


@dataclass
class Progress:
    """Stage lines on standard error (when ``enabled``), with the time each stage took."""

    enabled: bool = False
    stream: Any = None
    started: float = field(default_factory=time.monotonic)

    def stage(self, text: str) -> None:
        if self.enabled:
            out = self.stream or sys.stderr
            print(f"[{time.monotonic() - self.started:7.1f}s] {text}", file=out, flush=True)


@dataclass(frozen=True)
class AuditRequest:
    pack: str
    kind: str
    input: str
    engine: str = "duckdb"
    mapping: MappingSpec = field(default_factory=MappingSpec)
    output: str | None = None
    questions: bool = False
    packs_dir: str | None = None


def load_form(pack_name: str, kind: str, packs_dir: str | Path | None = None) -> KindForm:
    """The compiled form of one kind of a pack (InvalidRequest naming the allowed kinds)."""
    from brightline.rules import available_packs, load_pack

    known = available_packs(packs_dir)
    if pack_name not in known:
        raise InvalidRequest(
            f"pack {pack_name!r} not found (allowed: {', '.join(known) or 'none'})",
            field="pack", allowed=known, got=pack_name,
        )
    compiled = compile_pack(load_pack(pack_name, packs_dir))
    if kind not in compiled.kinds:
        kinds = sorted(compiled.kinds)
        raise InvalidRequest(
            f"kind {kind!r} is not a kind of pack {pack_name!r} (allowed: {', '.join(kinds)})",
            field="kind", allowed=kinds, got=kind,
        )
    return kind_form(compiled, kind)


def emit_sql(
    form: KindForm,
    *,
    dialect: str = "duckdb",
    questions: bool = False,
    at_type: str = "text",
    table: str = "input",
    keys: Sequence[str] = (),
    pretty: bool = True,
) -> str:
    """The decision query of a kind over a table with ``at`` and fact columns (for reading and
    for running elsewhere)."""
    options = QueryOptions(dialect=dialect, questions=questions, at_type=at_type)
    return Emitter(form, options).render(exp.to_table(table), keys, pretty=pretty)


def run_audit(
    request: AuditRequest,
    runner: Runner,
    *,
    form: KindForm | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Audit the runner's input; returns the summary (see :func:`summarise`)."""
    progress = progress or Progress()
    started = time.monotonic()
    form = form or load_form(request.pack, request.kind, request.packs_dir)
    columns = runner.columns()
    the_plan = plan(form, request.mapping, columns, runner.source(), questions=request.questions)
    progress.stage(f"checking {len(the_plan.checks)} columns of {request.input}")
    check_input(the_plan, runner.fetch)
    options = QueryOptions(
        dialect=runner.dialect, questions=request.questions, at_type=the_plan.at_type
    )
    query = Emitter(form, options).query(the_plan.select.subquery("_bl_input"), the_plan.keys)
    progress.stage(f"deciding with {len(form.rules)} rules of {form.pack}/{form.kind}")
    result = runner.materialise(query)
    written = None
    if request.output:
        progress.stage(f"writing {request.output}")
        written = runner.write(request.output)
    progress.stage("summarising")
    summary = summarise(form, the_plan, runner, result, request.questions)
    seconds = time.monotonic() - started
    summary.update({
        "engine": request.engine,
        "input": request.input,
        "output": written,
        "seconds": round(seconds, 3),
        "rows_per_second": round(summary["rows"] / seconds) if seconds > 0 else None,
    })
    progress.stage(f"done: {summary['rows']} rows")
    return summary


def check_input(the_plan: Plan, fetch: Callable[[exp.Expression], list[tuple[Any, ...]]]) -> None:
    """Run every check; raise one error naming every bad column (nothing is written)."""
    found = []
    for check in the_plan.checks:
        rows = fetch(check.query)
        if rows:
            found.append((check, [(None if v is None else str(v), int(n)) for v, n in rows]))
    if found:
        raise problems_error(found)


def _count_if(test: exp.Expression) -> exp.Expression:
    return exp.Sum(this=exp.Case(
        ifs=[exp.If(this=test, true=exp.Literal.number(1))], default=exp.Literal.number(0)
    ))


def summarise(
    form: KindForm, the_plan: Plan, runner: Runner, result: exp.Expression, questions: bool
) -> dict[str, Any]:
    """Counts by outcome, by rule (reasons, obligations, findings), by unknown fact and, with
    questions, by fact asked. The result is grouped by its decision first (few distinct ones),
    and the groups are counted here."""
    lists = ["rules", "obligations", "findings", *(["questions"] if questions else [])]
    grouped = exp.select(
        col("outcome"), *(col(c) for c in lists), exp.Count(this=exp.Star()).as_("n")
    ).from_(result.copy()).group_by(*(exp.Literal.number(i + 1) for i in range(len(lists) + 1)))
    outcomes = ("prohibited", "permitted", "needs_review", "not_applicable")
    summary: dict[str, Any] = {
        "pack": form.pack,
        "version": form.version,
        "kind": form.kind,
        "rows": 0,
        "outcomes": dict.fromkeys(outcomes, 0),
        "rules": {}, "obligations": {}, "findings": {},
    }
    if questions:
        summary["questions"] = {}
    for row in runner.fetch(grouped):
        n = int(row[-1])
        summary["rows"] += n
        summary["outcomes"][row[0]] = summary["outcomes"].get(row[0], 0) + n
        for section, values in zip(lists, row[1:-1], strict=True):
            for value in values or ():
                summary[section][value] = summary[section].get(value, 0) + n
    order = {r.id: r.position for r in form.rules}
    for section in ("rules", "obligations", "findings"):
        summary[section] = dict(
            sorted(summary[section].items(), key=lambda kv: order.get(kv[0], len(order)))
        )
    if questions:
        names = [f.name for f in form.facts]
        summary["questions"] = dict(
            sorted(summary["questions"].items(), key=lambda kv: names.index(kv[0]))
        )
    open_facts = [f for f in form.facts if f.default is None]  # a default is never unknown
    unknown_query = exp.select(*(
        _count_if(exp.Is(this=col(f.name), expression=exp.null())) for f in open_facts
    )).from_(the_plan.select.subquery("_bl_input"))
    unknown_row = runner.fetch(unknown_query)[0] if open_facts else ()
    summary["unknown"] = {
        f.name: int(n or 0) for f, n in zip(open_facts, unknown_row, strict=True) if n
    }
    summary["facts_not_in_input"] = list(the_plan.unknown_facts)
    summary["keys"] = list(the_plan.keys)
    summary["columns"] = ["at", *decision_columns(questions)]
    return summary


def render_summary(summary: dict[str, Any]) -> str:
    """The summary for people (the JSON form has the same numbers)."""
    rows = summary["rows"]
    lines = [
        f"{summary['pack']} {summary['version']} · {summary['kind']} · {rows} rows "
        f"on {summary.get('engine', '?')} in {summary.get('seconds', 0):.1f} s",
    ]
    if summary.get("output"):
        lines.append(f"written: {summary['output']}")

    def block(title: str, counts: dict[str, int]) -> None:
        if not counts:
            return
        lines.append(f"{title}:")
        width = max(len(k) for k in counts)
        for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            share = f"{100 * n / rows:5.1f}%" if rows else "    -"
            lines.append(f"  {name:<{width}}  {n:>10}  {share}")

    block("by outcome", summary["outcomes"])
    block("by deciding rule", summary["rules"])
    block("obligations", summary["obligations"])
    block("findings", summary["findings"])
    block("unknown facts (rows)", summary["unknown"])
    if "questions" in summary:
        block("questions (needs_review rows asking)", summary["questions"])
    if summary.get("facts_not_in_input"):
        lines.append("not in the input (unknown on every row): "
                     + ", ".join(summary["facts_not_in_input"]))
    return "\n".join(lines)
