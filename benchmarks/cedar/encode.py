"""Translate one kind of a brightline pack into Cedar policies and entities, for the benchmark.

The translation is mechanical, from the pack's YAML, so the Cedar side encodes exactly the rules the
engine runs. Cedar has two values (allow/deny), brightline four outcomes; the encoding makes Cedar
*allow* exactly when brightline's outcome is ``permitted`` and deny otherwise, following the ladder
of docs/pack-format.md:

* each prohibit and review rule becomes a ``forbid`` that fires when the rule applies or might
  apply (T or U: prohibited or needs_review);
* each non-fallback permit becomes a ``permit`` that fires when the rule surely applies (T);
* each fallback permit becomes a ``permit`` that fires when it surely applies and no non-fallback
  permit or not_applicable rule applies or might apply (those decide first).

Three-valued logic is carried by translating every condition twice: ``sure`` (the condition is T)
and ``maybe`` (T or U). An unknown fact is an absent context attribute (``context has f`` is false),
and an unknown agency is the entity ``Agency::"_unknown"``. Agencies are entities whose parents are
the pack's named sets that hold them, so ``in_set`` over agencies is Cedar's ``in``. The date a rule
is in force is compared with ``context.day`` (the local date as the number YYYYMMDD).

Run ``python benchmarks/cedar/encode.py chicago assistance`` to write
``benchmarks/cedar/<pack>-<kind>.cedar`` and ``-entities.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
UNKNOWN_AGENCY = "_unknown"
ENTITY_FACT = "agency"


@dataclass
class Layer:
    """One pack of the layered stack, with its guard and rules of the kind."""

    name: str
    guard: dict[str, Any] | None
    rules: list[dict[str, Any]]


@dataclass
class RawPack:
    """The layered pack read straight from YAML (nearest layer first)."""

    layers: list[Layer]
    sets: dict[str, list[str]] = field(default_factory=dict)
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    covers_from: str = ""


def _read_pack(packs_dir: Path, name: str) -> dict[str, Any]:
    path = packs_dir / name / "pack.yaml"
    doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules = list(doc.get("rules") or [])
    for inc in doc.get("include") or []:
        rules.extend(yaml.safe_load((path.parent / inc).read_text(encoding="utf-8")) or [])
    doc["rules"] = rules
    return doc


def load_raw(name: str, kind: str, packs_dir: Path | None = None) -> RawPack:
    """Read ``name`` and the packs it layers over; keep the rules of ``kind``."""
    packs_dir = packs_dir or REPO / "packs"
    top = _read_pack(packs_dir, name)
    order = [name, *(top.get("layers_over") or [])]
    raw = RawPack(layers=[], covers_from=str(top["covers"]["from"]))
    for pack_name in reversed(order):  # lowest layer first, so upper sets and facts win
        doc = top if pack_name == name else _read_pack(packs_dir, pack_name)
        raw.sets.update(doc.get("sets") or {})
        raw.facts.update(((doc.get("kinds") or {}).get(kind) or {}).get("facts") or {})
        rules = [r for r in doc["rules"] if r["kind"] == kind]
        raw.layers.insert(0, Layer(pack_name, doc.get("applies_when"), rules))
    return raw


def _lit(value: Any) -> str:
    return json.dumps(value)


def _agency(value: str) -> str:
    return f"Agency::{_lit(value)}"


class Translator:
    """Turns conditions into Cedar boolean expressions (sure = T, maybe = T or U)."""

    def __init__(self, raw: RawPack) -> None:
        self.raw = raw

    def _values(self, cond: dict[str, Any]) -> list[Any]:
        if "equals" in cond:
            return [cond["equals"]]
        if "in" in cond:
            return list(cond["in"])
        if "in_set" in cond:
            return list(self.raw.sets[cond["in_set"]])
        return [cond["is"]]

    def _atom_known(self, cond: dict[str, Any]) -> str:
        """The comparison assuming the fact is known."""
        fact = cond["fact"]
        if fact == ENTITY_FACT:
            if "in_set" in cond:
                return f"resource in AgencySet::{_lit(cond['in_set'])}"
            return "(" + " || ".join(f"resource == {_agency(v)}" for v in self._values(cond)) + ")"
        values = self._values(cond)
        if len(values) == 1:
            return f"context.{fact} == {_lit(values[0])}"
        return f"{_lit(values)}.contains(context.{fact})"

    def _has(self, fact: str) -> str:
        if fact == ENTITY_FACT:
            return f"resource != {_agency(UNKNOWN_AGENCY)}"
        return f"context has {fact}"

    def atom(self, cond: dict[str, Any], maybe: bool) -> str:
        fact = cond["fact"]
        if "known" in cond:
            has = self._has(fact)
            return has if cond["known"] else f"!({has})"
        if maybe:
            return f"(!({self._has(fact)}) || {self._atom_known(cond)})"
        return f"({self._has(fact)} && {self._atom_known(cond)})"

    def cond(self, cond: dict[str, Any] | None, maybe: bool) -> str:
        if cond is None:
            return "true"
        if "all" in cond:
            return "(" + " && ".join(self.cond(c, maybe) for c in cond["all"]) + ")"
        if "any" in cond:
            return "(" + " || ".join(self.cond(c, maybe) for c in cond["any"]) + ")"
        if "not" in cond:
            # not c is T when c is F (not maybe-T); maybe-T when c is not surely T
            return f"!{self.cond(cond['not'], not maybe)}"
        return self.atom(cond, maybe)


def _day(value: Any) -> int:
    return int(str(value).replace("-", ""))


class Encoder:
    """Builds the policy text for a layered pack's kind."""

    def __init__(self, raw: RawPack) -> None:
        self.raw = raw
        self.tr = Translator(raw)
        self.by_key: dict[tuple[str, str], tuple[Layer, dict[str, Any]]] = {}
        for layer in raw.layers:
            for rule in layer.rules:
                self.by_key[(layer.name, rule["id"])] = (layer, rule)

    def in_force(self, rule: dict[str, Any]) -> str:
        parts = [f"context.day >= {_day(rule.get('from', self.raw.covers_from))}"]
        if rule.get("until"):
            parts.append(f"context.day < {_day(rule['until'])}")
        return " && ".join(parts)

    def applies(self, layer: Layer, rule: dict[str, Any], maybe: bool) -> str:
        parts = [self.tr.cond(rule.get("when"), maybe), self.tr.cond(layer.guard, maybe)]
        for other_layer, other in self._overriders(layer, rule):
            # NOT(applies(o)): sure when o is surely F (not maybe), maybe when o is not surely T
            inner = self.applies(other_layer, other, not maybe)
            parts.append(f"!({self.in_force(other)} && {inner})")
        return "(" + " && ".join(parts) + ")"

    def _overriders(self, layer: Layer, rule: dict[str, Any]) -> list[tuple[Layer, dict[str, Any]]]:
        return [(layer, r) for r in layer.rules if rule["id"] in (r.get("overrides") or [])]

    def _rules(self, *effects: str, fallback: bool) -> list[tuple[Layer, dict[str, Any]]]:
        return [
            (layer, r)
            for layer in self.raw.layers
            for r in layer.rules
            if r["effect"] in effects and bool(r.get("fallback")) == fallback
        ]

    def _maybe_any(self, effects: tuple[str, ...]) -> str:
        terms = [
            f"({self.in_force(r)} && {self.applies(layer, r, maybe=True)})"
            for layer, r in self._rules(*effects, fallback=False)
        ]
        return " || ".join(terms) if terms else "false"

    def policies(self) -> str:
        out: list[str] = []

        def emit(kind: str, layer: Layer, rule: dict[str, Any], body: str) -> None:
            out.append(
                f'@id("{layer.name}/{rule["id"]}")\n'
                f"{kind}(principal, action, resource) when {{\n  {self.in_force(rule)} && {body}\n}};"
            )

        for layer, rule in self._rules("prohibit", "review", fallback=False):
            emit("forbid", layer, rule, self.applies(layer, rule, maybe=True))
        for layer, rule in self._rules("permit", fallback=False):
            emit("permit", layer, rule, self.applies(layer, rule, maybe=False))
        blocked = self._maybe_any(("permit", "not_applicable"))
        for layer, rule in self._rules("permit", fallback=True):
            emit("permit", layer, rule, f"{self.applies(layer, rule, maybe=False)} && !({blocked})")
        return "\n\n".join(out) + "\n"

    def entities(self) -> list[dict[str, Any]]:
        agencies = list(self.raw.facts[ENTITY_FACT]["values"])
        agency_sets = {
            n: vs for n, vs in self.raw.sets.items() if set(vs) <= set(agencies)
        }
        ents: list[dict[str, Any]] = [
            {"uid": {"type": "AgencySet", "id": n}, "attrs": {}, "parents": []} for n in agency_sets
        ]
        for a in [*agencies, UNKNOWN_AGENCY]:
            parents = [{"type": "AgencySet", "id": n} for n, vs in agency_sets.items() if a in vs]
            ents.append({"uid": {"type": "Agency", "id": a}, "attrs": {}, "parents": parents})
        ents.append({"uid": {"type": "CPD", "id": "member"}, "attrs": {}, "parents": []})
        return ents


def request_for(case: dict[str, Any], kind: str) -> dict[str, Any]:
    """The Cedar request for a brightline case (a bare-date ``at``)."""
    facts = dict(case["facts"])
    agency = facts.pop(ENTITY_FACT, UNKNOWN_AGENCY)
    facts.setdefault("within_jurisdiction", True)
    day = dt.date.fromisoformat(str(case["at"])[:10])
    facts["day"] = day.year * 10000 + day.month * 100 + day.day
    return {
        "principal": {"type": "CPD", "id": "member"},
        "action": {"type": "Action", "id": kind},
        "resource": {"type": "Agency", "id": agency},
        "context": facts,
    }


def encode(name: str, kind: str, packs_dir: Path | None = None) -> tuple[str, list[dict[str, Any]]]:
    """(policy text, entity list) for ``kind`` of pack ``name``."""
    enc = Encoder(load_raw(name, kind, packs_dir))
    return enc.policies(), enc.entities()


def main(argv: list[str]) -> int:
    name, kind = (argv + ["chicago", "assistance"][len(argv):])[:2]
    policies, entities = encode(name, kind)
    here = Path(__file__).resolve().parent
    (here / f"{name}-{kind}.cedar").write_text(policies, encoding="utf-8")
    (here / f"{name}-{kind}-entities.json").write_text(json.dumps(entities, indent=1) + "\n")
    print(f"wrote {policies.count('@id(')} policies and {len(entities)} entities for {name}/{kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
