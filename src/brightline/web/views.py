"""Shaping service answers for the templates: decision pages, wording, and server-rendered SVG
charts (no chart library)."""

from __future__ import annotations

from html import escape
from typing import Any

from markupsafe import Markup

from brightline.service.permissions import allowed
from brightline.service.presentation import outcome_label, present, value_text
from brightline.web import law
from brightline.web.i18n import N_

OUTCOMES: dict[str, dict[str, str]] = {
    outcome: {"word": outcome_label(outcome)[0], "sub": outcome_label(outcome)[1]}
    for outcome in ("prohibited", "permitted", "needs_review", "not_applicable")
}
OUTCOMES["redacted"] = {
    "word": "Redacted",
    "sub": "This record was removed from the ledger; its entry and proofs remain.",
}

# The outcome words of service/presentation.py, marked here so that the catalogs carry them
# (pages translate the label the service gives; a label missing here stays English and the
# i18n tests name the page).
OUTCOME_WORDS = (
    N_("Prohibited"),
    N_("Do not do this. A rule in force forbids it."),
    N_("Permitted"),
    N_("No rule in force forbids this. Check the duties below."),
    N_("Needs review"),
    N_(
        "It turns on facts that are not known yet or on a point the law leaves open. "
        "Answer the questions below or ask a supervisor."
    ),
    N_("Not governed by these rules"),
    N_("These rules do not govern this case."),
    N_("Unlawful conduct — CPD duties apply"),
    N_(
        "The conduct breaks state or local law as alleged. Follow the duties below; whether an "
        "agent is immune is for the courts."
    ),
    N_("No violation of law"),
    N_(
        "No breach of state or local law is alleged. Findings below are weight the law gives "
        "the conduct, not offences."
    ),
    N_("Not allowed on duty"),
    N_("A rule in force forbids this appearance or camera use. Correct it before duty goes on."),
    N_("Allowed on duty"),
    N_("Nothing in the appearance rules in force forbids this."),
    N_("Use not allowed"),
    N_("A rule in force forbids this use of the property. Report it as the duties say."),
    N_("Use not forbidden"),
    N_("No rule in force forbids this use of the property."),
    N_("Redacted"),
    N_("This record was removed from the ledger; its entry and proofs remain."),
)

# Machine keys residents can meet on public pages (statistics, ledger entries, receipts), with
# their labels; shown translated through the catalogs.
KEY_LABELS: dict[str, str] = {
    "decisions": N_("Decisions"),
    "reports": N_("Reports"),
    "by_kind": N_("By kind"),
    "by_outcome": N_("By outcome"),
    "by_month": N_("By month"),
    "by_category": N_("By category"),
    "assistance": N_("Help to another agency"),
    "appearance": N_("CPD officers' appearance"),
    "federal_conduct": N_("Federal agents' conduct"),
    "property_use": N_("City property used for immigration enforcement"),
    "inspection": N_("Roll-call inspection"),
    "prohibited": N_("Prohibited"),
    "permitted": N_("Permitted"),
    "needs_review": N_("Needs review"),
    "not_applicable": N_("Not governed by these rules"),
    "undecided": N_("Not decided"),
    "officer_appearance": N_("A masked or unidentified CPD officer"),
    "immigration_assistance": N_("CPD helping an immigration operation"),
    "unidentified": N_("Masked or unidentified people acting as police"),
    "other_police": N_("Another police force's conduct"),
    "decision": N_("Decision"),
    "report": N_("Report"),
    "review": N_("Review"),
    "redaction": N_("Redaction"),
    "leaf_hash": N_("Leaf hash"),
    "kind": N_("Kind"),
    "created_at": N_("Recorded"),
    "outcome": N_("Outcome"),
    "category": N_("Category"),
    "month": N_("Month"),
    "id": N_("Number"),
    "jurisdiction": N_("Jurisdiction"),
    "redacted": N_("Redacted"),
    "current_star": N_("current star"),
    "star": N_("star"),
    "roster_star": N_("CPD roster of November 2023"),
    "commitment": N_("Commitment"),
    "follow_up_of": N_("Follow-up of"),
    "decision_id": N_("Decision"),
    "report_id": N_("Report"),
    "resolution": N_("Resolution"),
    "unit": N_("Unit"),
    "watch": N_("Watch"),
    "profile_star": N_("CPD officer profiles to October 2024"),
}


def outcome_word(outcome: str) -> str:
    return OUTCOMES.get(outcome, {"word": outcome})["word"]


def humanize(name: str) -> str:
    return name.replace("_", " ")


def value_label(value: Any) -> str:
    return value_text(value)


def _with_clauses(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**item, "clauses": law.clause_list(list(item.get("cites") or []))} for item in items]


def _declared_facts(decision: dict[str, Any]) -> dict[str, dict[str, Any]]:
    if not decision.get("jurisdiction") or not decision.get("kind"):
        return {}
    return law.kind_facts(law.catalog(str(decision["jurisdiction"])), str(decision["kind"]))


def decision_view(record: dict[str, Any], actor_role: str) -> dict[str, Any]:
    decision: dict[str, Any] = record.get("decision") or {}
    outcome = str(decision.get("outcome", "redacted"))
    declared = _declared_facts(decision)
    case = record.get("case") or {}
    questions = [
        {**q, "spec": declared.get(str(q.get("fact")), {}), "label": humanize(str(q.get("fact")))}
        for q in decision.get("questions") or []
    ]
    shown = present(decision, declared) if decision else None
    sections = {s["key"]: s for s in shown["sections"]} if shown else {}

    def certain(key: str) -> list[dict[str, Any]]:
        return _with_clauses(sections[key]["certain"]) if key in sections else []

    def conditional(key: str) -> list[dict[str, Any]]:
        return _with_clauses(sections[key]["conditional"]) if key in sections else []

    banner = (
        {"word": shown["label"], "sub": shown["sub"]}
        if shown and outcome in OUTCOMES and outcome != "redacted"
        else OUTCOMES.get(outcome, {"word": outcome, "sub": ""})
    )
    return {
        "record": record,
        "decision": decision,
        "case": case,
        "facts": [
            {"name": humanize(k), "value": value_label(v)}
            for k, v in (case.get("facts") or {}).items()
        ],
        "outcome": outcome,
        "banner": banner,
        "reasons": certain("reasons"),
        "reasons_if": conditional("reasons"),
        "obligations": certain("obligations"),
        "obligations_if": conditional("obligations"),
        "findings": certain("findings"),
        "findings_if": conditional("findings"),
        "law_changes": shown["law_changes"] if shown else [],
        "questions": questions,
        "flips": shown["flips"] if shown else [],
        "flips_more": shown["flips_more"] if shown else 0,
        "receipt": record.get("receipt") or {},
        "can_decide": allowed(actor_role, "decide"),
    }


def bar_chart(
    counts: dict[str, int],
    *,
    title: str,
    colour_by_key: bool = False,
    labels: dict[str, str] | None = None,
    empty: str = "No data yet.",
) -> Markup:
    """A horizontal bar chart as inline SVG, with an accessible title and the numbers written."""
    rows = [(str(k), int(v)) for k, v in counts.items()]
    top = max([v for _, v in rows] or [1]) or 1
    row_h, label_w, width = 28, 150, 560
    height = row_h * max(len(rows), 1) + 8
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
    ]
    def label_of(key: str) -> str:
        return (labels or {}).get(key) or humanize(key)

    for i, (key, value) in enumerate(rows):
        y = 4 + i * row_h
        bar_w = max(2, int((width - label_w - 60) * value / top)) if value else 0
        cls = f"bar {escape(key)}" if colour_by_key else "bar"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end">{escape(label_of(key))}</text>'
            f'<rect class="{cls}" x="{label_w}" y="{y + 4}" width="{bar_w}" height="{row_h - 10}" rx="3"/>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 18}">{value}</text>'
        )
    if not rows:
        parts.append(f'<text x="0" y="20">{escape(empty)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def month_chart(counts: dict[str, int], *, title: str, empty: str = "No data yet.") -> Markup:
    """A column chart by month (keys YYYY-MM, in order) as inline SVG."""
    rows = sorted((str(k), int(v)) for k, v in counts.items())
    top = max([v for _, v in rows] or [1]) or 1
    col_w, height, base = 38, 190, 160
    width = max(col_w * len(rows) + 20, 200)
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
    ]
    for i, (month, value) in enumerate(rows):
        x = 10 + i * col_w
        bar_h = int(130 * value / top)
        parts.append(
            f'<rect class="bar" x="{x}" y="{base - bar_h}" width="{col_w - 10}" height="{bar_h}" rx="3"/>'
            f'<text x="{x + (col_w - 10) / 2}" y="{base - bar_h - 4}" text-anchor="middle">{value}</text>'
            f'<text x="{x + (col_w - 10) / 2}" y="{base + 16}" text-anchor="middle">{escape(month[2:])}</text>'
        )
    if not rows:
        parts.append(f'<text x="0" y="20">{escape(empty)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
