"""What the pages show about the law: pack catalogs, rules in force, clause texts, the scenario
cases that test each rule, and what changed between two dates. A view over ``brightline.rules``;
nothing here decides anything.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from brightline.errors import NotFound


def pack_names() -> list[str]:
    from brightline.service.law import available_packs

    return list(available_packs())


def check_pack(name: str) -> str:
    names = pack_names()
    if name not in names:
        raise NotFound(
            f"no pack named '{name}'; available packs: " + ", ".join(names),
            pack=name,
            allowed=names,
        )
    return name


def catalog(name: str) -> dict[str, Any]:
    from brightline.service.law import pack_catalog

    return dict(pack_catalog(check_pack(name)))


def rules_on(name: str, at: date) -> list[dict[str, Any]]:
    from brightline.service.law import rules_in_force

    return [dict(r) for r in rules_in_force(check_pack(name), at)]


def clauses() -> dict[str, dict[str, Any]]:
    """Every citation key with its clause text, instrument and dates."""
    from brightline.service.law import law_keys

    return dict(law_keys())


def clause_list(cites: list[str]) -> list[dict[str, Any]]:
    table = clauses()
    return [{"key": key, **table.get(key, {"text": "(clause text not found)"})} for key in cites]


def by_kind(rules: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for rule in rules:
        grouped.setdefault(str(rule.get("kind", "")), []).append(rule)
    return dict(sorted(grouped.items()))


def kind_facts(cat: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """The declared facts of ``kind`` in a pack catalog, by name, in declaration order."""
    facts = cat.get("kinds", {}).get(kind, {}).get("facts", [])
    if isinstance(facts, dict):
        return {str(k): dict(v) for k, v in facts.items()}
    return {str(f["name"]): dict(f) for f in facts}


def _rule_key(rule: dict[str, Any]) -> str:
    rule_id = str(rule.get("id", ""))
    return rule_id if "/" in rule_id else f"{rule.get('pack', '')}/{rule_id}"


def changes(name: str, first: date, second: date) -> dict[str, list[dict[str, Any]]]:
    """Rules in force on ``second`` but not ``first`` (added) and the reverse (removed)."""
    before = {_rule_key(r): r for r in rules_on(name, first)}
    after = {_rule_key(r): r for r in rules_on(name, second)}
    return {
        "added": [after[k] for k in sorted(after.keys() - before.keys())],
        "removed": [before[k] for k in sorted(before.keys() - after.keys())],
    }


def packs_dir() -> Path:
    from brightline.service.law import default_packs_dir

    return Path(default_packs_dir())


@lru_cache(maxsize=4)
def _scenarios(root: str) -> tuple[dict[str, Any], ...]:
    found: list[dict[str, Any]] = []
    for path in sorted(Path(root).glob("*/scenarios/*.yaml")):
        items = yaml.safe_load(path.read_text()) or []
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                found.append({**item, "pack": path.parent.parent.name, "file": path.name})
    return tuple(found)


def scenarios() -> tuple[dict[str, Any], ...]:
    return _scenarios(str(packs_dir()))


def scenarios_for(rule: dict[str, Any], pack: str) -> list[dict[str, Any]]:
    """Scenario cases of ``pack`` of the rule's kind whose expectations name the rule or one of its
    citations."""
    rule_id = _rule_key(rule)
    cites = set(rule.get("cites") or [])
    matched: list[dict[str, Any]] = []
    for sc in scenarios():
        if sc.get("pack") != pack or sc.get("kind") != rule.get("kind"):
            continue
        expect = sc.get("expect") or {}
        named = set(expect.get("rules") or [])
        cited = {c for k in ("cites", "obligations", "findings") for c in expect.get(k) or []}
        if rule_id in named or cites & cited:
            matched.append(sc)
    return matched


@lru_cache(maxsize=32)
def _outcome_changes(name: str, first: date, second: date) -> dict[str, Any]:
    from brightline.service.law import diff_pack, load_pack

    return dict(diff_pack(load_pack(name), first, second))


def outcome_changes(name: str, first: date, second: date) -> dict[str, Any]:
    """Exactly which cases change outcome between the two dates (the pack analysis), per kind
    and outcome pair, with example cases; cached per (pack, dates)."""
    return _outcome_changes(check_pack(name), first, second)
