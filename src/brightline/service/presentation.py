"""How a decision reads to people: written once, used by ``brightline decide --format text`` and by
the web decision page.

A decision (cases.md) is made for machines: flips one per value, reasons that may apply mixed with
those that do, outcomes named in one vocabulary for every kind. :func:`present` turns it into what
a dispatcher reads:

- an outcome label per kind where the generic word reads wrong (federal conduct that breaks the
  law is "Unlawful conduct — CPD duties apply", not "Prohibited");
- reasons, duties and findings split into what is certain (``status: applies``, or no status)
  and what may apply, shown after it as "If <fact> is <value>: …";
- law changes as sentences ("From 2025-10-06 this is prohibited (ICEFZ.C1).");
- flips grouped by fact and outcome, the facts a person can answer or act on first (purpose,
  warrant or basis, threat, covering reason …), the facts of the request itself last, in
  grammatical words ("would need review", "would fall outside these rules"), capped at one
  screen with "and N more". A flip away from ``prohibited`` says first that the prohibition would
  be lifted, so removing a mask never reads as making things worse;
- values as people read them, ``null`` never ``None``.

Everything here is a pure function of the decision and, optionally, the kind's declared facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "FLIP_LIMIT",
    "flip_groups",
    "if_text",
    "item_line",
    "law_change_sentence",
    "outcome_label",
    "present",
    "render_text",
    "value_text",
]

#: How many grouped flips fit on one screen; the rest are counted ("and N more").
FLIP_LIMIT = 8

_LABELS: dict[str, tuple[str, str]] = {
    "prohibited": ("Prohibited", "Do not do this. A rule in force forbids it."),
    "permitted": ("Permitted", "No rule in force forbids this. Check the duties below."),
    "needs_review": (
        "Needs review",
        "It turns on facts that are not known yet or on a point the law leaves open. "
        "Answer the questions below or ask a supervisor.",
    ),
    "not_applicable": ("Not governed by these rules", "These rules do not govern this case."),
}

# Where "prohibited" / "permitted" read wrong for a kind, the kind's own words.
_KIND_LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("federal_conduct", "prohibited"): (
        "Unlawful conduct — CPD duties apply",
        "The conduct breaks state or local law as alleged. Follow the duties below; whether an "
        "agent is immune is for the courts.",
    ),
    ("federal_conduct", "permitted"): (
        "No violation of law",
        "No breach of state or local law is alleged. Findings below are weight the law gives "
        "the conduct, not offences.",
    ),
    ("appearance", "prohibited"): (
        "Not allowed on duty",
        "A rule in force forbids this appearance or camera use. Correct it before duty goes on.",
    ),
    ("appearance", "permitted"): (
        "Allowed on duty",
        "Nothing in the appearance rules in force forbids this.",
    ),
    ("property_use", "prohibited"): (
        "Use not allowed",
        "A rule in force forbids this use of the property. Report it as the duties say.",
    ),
    ("property_use", "permitted"): (
        "Use not forbidden",
        "No rule in force forbids this use of the property.",
    ),
}

# "This would <phrase> if …" per outcome (and per kind where the outcome reads differently).
_WOULD: dict[str, str] = {
    "prohibited": "be prohibited",
    "permitted": "be permitted",
    "needs_review": "need review",
    "not_applicable": "fall outside these rules",
}
_KIND_WOULD: dict[tuple[str, str], str] = {
    ("federal_conduct", "prohibited"): "be unlawful conduct, with CPD duties",
    ("federal_conduct", "permitted"): "involve no violation of law",
    ("appearance", "prohibited"): "not be allowed on duty",
    ("appearance", "permitted"): "be allowed on duty",
}
_IS: dict[str, str] = {
    "prohibited": "is prohibited",
    "permitted": "is permitted",
    "needs_review": "needs review",
    "not_applicable": "falls outside these rules",
}
_WAS: dict[str, str] = {
    "prohibited": "was prohibited",
    "permitted": "was permitted",
    "needs_review": "needed review",
    "not_applicable": "fell outside these rules",
}

# Facts a person can answer or act on come first among flips; the facts that make up the request
# itself (who asks, what for, where) come last.
_ANSWERABLE: tuple[str, ...] = (
    "purpose", "basis", "imminent_threat", "covering_reason", "existing_agreement",
    "written_consent", "inquiry_reason", "judicial_warrant", "officer_type", "alleged_violation",
    "civil_immigration_enforcement", "star_visible", "name_visible", "uniform_worn",
    "bwc_recording", "id_visible", "signs_posted",
)
_REQUEST: tuple[str, ...] = (
    "agency", "activity", "information", "owner", "property_type", "use", "assignment",
    "enforcement_activity", "within_jurisdiction",
)

_SECTIONS: tuple[tuple[str, str], ...] = (
    ("reasons", "Why"),
    ("obligations", "Duties"),
    ("findings", "Findings"),
)


def humanize(name: object) -> str:
    return str(name).replace("_", " ")


def value_text(value: object) -> str:
    """A fact value as people read it: ``yes``/``no`` for booleans, ``null`` for a missing value
    (never Python's ``None``), words for enum values."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return "null"
    return humanize(value)


def _either(values: Sequence[object]) -> str:
    words = [value_text(v) for v in values]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def outcome_label(outcome: str, kind: str | None = None) -> tuple[str, str]:
    """(label, one-line explanation) of an outcome, in the words of the decision's kind."""
    if kind and (kind, outcome) in _KIND_LABELS:
        return _KIND_LABELS[kind, outcome]
    return _LABELS.get(outcome, (humanize(outcome), ""))


def _would(outcome: str, kind: str | None) -> str:
    if kind and (kind, outcome) in _KIND_WOULD:
        return _KIND_WOULD[kind, outcome]
    return _WOULD.get(outcome, f"be {humanize(outcome)}")


def if_text(conditions: object, facts: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """A may-apply item's ``if`` as words: ``[{"fact": "purpose", "values":
    ["civil_immigration"]}]`` reads "If purpose is civil immigration"; several facts are joined
    with "and"; facts marked ``alone`` (each enough by itself) with "or"; a fact marked
    ``unknown`` (the item holds only while it stays unknown) reads "purpose stays unknown". With
    the kind's declared ``facts``, most values of a fact read "basis is other than judicial
    criminal warrant or federal criminal warrant"."""
    facts = facts or {}
    every: list[str] = []
    either: list[str] = []
    for cond in conditions if isinstance(conditions, list) else []:
        if not isinstance(cond, Mapping):
            continue
        name = str(cond.get("fact", "?"))
        values = cond.get("values")
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        if cond.get("unknown"):
            words = f"{humanize(name)} stays unknown"
        else:
            words = f"{humanize(name)} is {_if_values(values, facts.get(name, {}))}"
        (either if cond.get("alone") else every).append(words)
    if either:
        every.append(("either " if every else "") + " or ".join(either))
    if not every:
        return "If the facts not yet known allow it"
    return "If " + " and ".join(every)


def _if_values(values: Sequence[object], spec: Mapping[str, Any]) -> str:
    domain = list(spec.get("values") or [])
    rest = [v for v in domain if v not in values]
    if spec.get("type") != "bool" and len(values) >= 3 and rest and len(rest) < len(values):
        return f"other than {_either(rest)}"
    return _either(values)


def _item(raw: Mapping[str, Any], facts: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    status = str(raw.get("status") or "applies")
    item = {
        "rule": str(raw.get("rule", "")),
        "cites": [str(c) for c in raw.get("cites") or []],
        "text": str(raw.get("text", "")),
        "status": status,
        "if": list(raw.get("if") or []),
        "urgent": bool(raw.get("urgent", False)),
    }
    item["if_text"] = if_text(item["if"], facts) if status == "may_apply" else ""
    return item


def item_line(raw: Mapping[str, Any]) -> str:
    """One reason, duty or finding as a line: its text, after "If …:" when it only may apply."""
    item = _item(raw)
    return f"{item['if_text']}: {item['text']}" if item["if_text"] else item["text"]


def _split(
    items: Iterable[Mapping[str, Any]], facts: Mapping[str, Mapping[str, Any]] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    certain: list[dict[str, Any]] = []
    conditional: list[dict[str, Any]] = []
    for raw in items:
        item = _item(raw, facts)
        (conditional if item["status"] == "may_apply" else certain).append(item)
    certain.sort(key=lambda i: not i["urgent"])  # urgent duties first (stable otherwise)
    return certain, conditional


def _day(moment: object) -> str:
    text = str(moment or "")
    return text[:10] if len(text) >= 10 else text


def law_change_sentence(change: Mapping[str, Any], decided_at: object) -> str:
    """``{"at", "until", "outcome", "cites"}`` as "From 2025-10-06 this is prohibited (ICEFZ.C1)."
    for a later change, and "Before 2025-08-30 this was permitted (…)." for an earlier one
    (``until`` is where that earlier law stopped; without it, "On <at> this was …")."""
    outcome = str(change.get("outcome", ""))
    cites = ", ".join(str(c) for c in change.get("cites") or [])
    tail = f" ({cites})" if cites else ""
    day = _day(change.get("at"))
    until = _day(change.get("until")) if change.get("until") else ""
    if str(change.get("at", "")) > str(decided_at or ""):
        span = f"From {day} to {until}" if until else f"From {day}"
        return f"{span} this {_IS.get(outcome, humanize(outcome))}{tail}."
    if until:
        return f"Before {until} this {_WAS.get(outcome, humanize(outcome))}{tail}."
    return f"On {day} this {_WAS.get(outcome, humanize(outcome))}{tail}."


# permitted first: what would make it allowed is what a person most wants to know
_OUTCOME_ORDER = {"permitted": 0, "not_applicable": 1, "needs_review": 2, "prohibited": 3}


def _fact_rank(fact: str, declared: Sequence[str]) -> tuple[int, int]:
    if fact in _ANSWERABLE:
        return (0, _ANSWERABLE.index(fact))
    if fact in _REQUEST:
        return (2, _REQUEST.index(fact))
    return (1, declared.index(fact) if fact in declared else len(declared))


def flip_groups(
    decision: Mapping[str, Any],
    facts: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    limit: int = FLIP_LIMIT,
) -> tuple[list[dict[str, Any]], int]:
    """The decision's flips grouped by (fact, outcome), answerable facts first, at most ``limit``
    groups; returns (groups, how many groups were left out). Each group has ``fact``, ``label``,
    ``outcome``, ``values`` (as given), ``value_words`` and ``sentence``. With the kind's declared
    ``facts`` (name to spec with ``values``), a group holding most values of a fact reads "any
    other than military or national guard" instead of listing them all."""
    facts = facts or {}
    declared = list(facts)
    current = str(decision.get("outcome", ""))
    kind = str(decision.get("kind") or "") or None
    grouped: dict[tuple[str, str], list[object]] = {}
    for flip in decision.get("flips") or []:
        if not isinstance(flip, Mapping):
            continue
        key = (str(flip.get("fact", "")), str(flip.get("outcome", "")))
        grouped.setdefault(key, []).append(flip.get("value"))
    order = sorted(grouped, key=lambda k: (_fact_rank(k[0], declared), _OUTCOME_ORDER.get(k[1], 9)))
    groups = []
    for fact, outcome in order:
        values = grouped[fact, outcome]
        words = _value_words(values, facts.get(fact, {}), fact)
        groups.append({
            "fact": fact,
            "label": humanize(fact),
            "outcome": outcome,
            "values": values,
            "value_words": words,
            "would": _would(outcome, kind),
            "sentence": _flip_sentence(current, outcome, kind, fact, words),
        })
    return groups[:limit], max(0, len(groups) - limit)


def _value_words(values: Sequence[object], spec: Mapping[str, Any], fact: str) -> str:
    domain = list(spec.get("values") or [])
    if spec.get("type") == "bool" or len(domain) < 4 or len(values) < 4:
        return _either(values)
    rest = [v for v in domain if v not in values]
    if not rest:
        return "any value"
    if len(rest) < len(values):
        return f"any other than {_either(rest)}"
    return _either(values)


def _flip_sentence(current: str, outcome: str, kind: str | None, fact: str, words: str) -> str:
    condition = f"if {humanize(fact)} were {words}"
    if current == "prohibited" and outcome != "prohibited":
        lifted = {"federal_conduct": "no longer be unlawful"}.get(kind or "", "no longer be prohibited")
        if outcome == "needs_review":
            return f"This would {lifted} {condition}; it would then need review of what is still open."
        return f"This would {lifted} {condition}: it would {_would(outcome, kind)}."
    return f"This would {_would(outcome, kind)} {condition}."


def present(
    decision: Mapping[str, Any],
    facts: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    flip_limit: int = FLIP_LIMIT,
) -> dict[str, Any]:
    """Everything a person reads about ``decision``: ``label``, ``sub``, ``sections`` (reasons,
    duties, findings, each with ``certain`` and ``conditional`` items), ``law_changes``
    (sentences), ``questions`` and ``flips`` (grouped) with ``flips_more``. ``facts`` is the
    kind's declared facts (name to spec), used for the order of facts; it may be omitted."""
    outcome = str(decision.get("outcome", ""))
    kind = str(decision.get("kind") or "") or None
    label, sub = outcome_label(outcome, kind)
    sections = []
    for key, title in _SECTIONS:
        certain, conditional = _split(decision.get(key) or [], facts)
        sections.append({"key": key, "title": title, "certain": certain, "conditional": conditional})
    changes = [
        {**dict(c), "sentence": law_change_sentence(c, decision.get("at"))}
        for c in decision.get("law_changes") or []
        if isinstance(c, Mapping)
    ]
    groups, more = flip_groups(decision, facts, limit=flip_limit)
    questions = [
        {
            "fact": str(q.get("fact", "")),
            "label": humanize(q.get("fact", "")),
            "text": str(q.get("text") or humanize(q.get("fact", ""))),
            "options": list(q.get("options") or []),
            "option_words": [value_text(o) for o in q.get("options") or []],
        }
        for q in decision.get("questions") or []
        if isinstance(q, Mapping)
    ]
    return {
        "outcome": outcome,
        "kind": kind,
        "label": label,
        "sub": sub,
        "sections": sections,
        "law_changes": changes,
        "questions": questions,
        "flips": groups,
        "flips_more": more,
    }


def render_text(
    decision: Mapping[str, Any],
    clauses: Mapping[str, str] | None = None,
    facts: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """The decision as plain text for a terminal: outcome first, then what is certain, then what
    may apply ("If …"), law changes, questions and the grouped flips."""
    view = present(decision, facts)
    clauses = clauses or {}
    lines = [
        view["label"].upper(),
        f"  {view['sub']}" if view["sub"] else "",
        f"  {decision.get('jurisdiction')} {humanize(decision.get('kind', ''))} at "
        f"{decision.get('at')} (pack {decision.get('pack_version')})",
    ]
    lines = [line for line in lines if line]
    for section in view["sections"]:
        if not section["certain"] and not section["conditional"]:
            continue
        lines += ["", f"{section['title']}:"]
        for item in section["certain"]:
            lines += _item_lines(item, clauses, prefix="URGENT: " if item["urgent"] else "")
        if section["conditional"]:
            lines.append("  May apply:")
            for item in section["conditional"]:
                lines += _item_lines(item, clauses, prefix=f"{item['if_text']}: ")
    if view["law_changes"]:
        lines += ["", "When the law changes the answer:"]
        lines += [f"  - {c['sentence']}" for c in view["law_changes"]]
    if view["questions"]:
        lines += ["", "Questions:"]
        for q in view["questions"]:
            options = ", ".join(_json_word(o) for o in q["options"])
            lines.append(f"  - {q['text']} ({q['fact']}: {options})")
    if view["flips"]:
        lines += ["", "What would change the answer:"]
        lines += [f"  - {g['sentence']}" for g in view["flips"]]
        if view["flips_more"]:
            lines.append(f"  - and {view['flips_more']} more")
    return "\n".join(lines)


def _json_word(value: object) -> str:
    """A value as JSON writes it (``true``, ``null``), for answers typed back into a case."""
    if value is None or isinstance(value, bool):
        return "null" if value is None else ("true" if value else "false")
    return str(value)


def _item_lines(item: Mapping[str, Any], clauses: Mapping[str, str], *, prefix: str) -> list[str]:
    out = [f"  - {prefix}{item['text']}  [{item['rule']}]"]
    for cite in item["cites"]:
        out.append(f"      {cite}: {clauses.get(cite, '(no clause text)')}")
    return out
