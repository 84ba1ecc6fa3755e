"""The validated, immutable model of a pack. The loader builds it; the compiler and analysis read it.

Shape (stable; other modules build on it):

- :class:`LawKey` one citation key of ``law.yaml`` (key, text, instrument, valid_from, valid_until,
  scope).
- :class:`Fact` one fact of a kind: ``name``, ``type`` (``"bool"`` or ``"enum"``), ``values`` (the
  domain in declaration order; for booleans always ``(True, False)``), ``default`` (``None`` when the
  fact has none: absent means unknown), ``description``, ``question``.
- :class:`Kind` a question a pack answers: ``name``, ``description``, ``facts`` (declaration order,
  lower layers' facts first) and :meth:`Kind.fact` to look one up.
- Conditions, a tree of :data:`Condition`:

  - :class:`All` (``items``; an empty ``All`` is *true*, used for an omitted ``when``),
  - :class:`Any` (``items``; an empty ``Any`` is *false*),
  - :class:`Not` (``item``),
  - :class:`Cmp` (``fact``, ``values`` a frozenset; true when the fact's value is in ``values``;
    ``negate=True`` means *not in*). ``equals``, ``in``, ``in_set`` and ``is`` all become a Cmp,
  - :class:`Known` (``fact``, ``known``: whether the fact is given, or the reverse).

  A comparison on an unknown fact is *unknown*; combinators follow Kleene's three-valued logic.
- :class:`Rule` ``id`` (qualified ``"pack/local_id"``), ``local_id``, ``pack``, ``kind``, ``effect``
  (one of :data:`EFFECTS`), ``when`` (the condition as written), ``guard`` (the pack's
  ``applies_when`` or ``None``), ``valid_from`` (first local day in force), ``valid_until`` (first
  local day no longer in force, or ``None``), ``cites``, ``text``, ``overrides`` (qualified ids of
  rules of the same pack and kind), ``fallback``, ``note``, ``urgent`` (an oblige rule whose duty
  comes first: the loader lists a pack's urgent rules before its others), ``file``, ``line``. Its
  :attr:`Rule.condition` is ``guard AND when``: what the engine evaluates (a rule written with
  ``guarded: false`` has no guard: it binds wherever the pack's ``applies_when`` does not hold).
- :class:`Pack` one pack as written (its own kinds, sets and rules only), with ``digest``: the
  SHA-256 of its source files, its ``law.yaml`` and its layers' digests.
- :class:`LayeredPack` a pack with every pack below it: ``name``, ``top`` (the :class:`Pack`),
  ``layers`` (every pack in the stack, top first, nearest next), ``kinds`` (merged), ``sets``
  (merged), ``rules`` (all layers' rules), ``law`` (the citation book); :meth:`LayeredPack.rules_for`
  and :meth:`LayeredPack.in_force`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, TypeAlias

FactValue: TypeAlias = bool | str
FactType: TypeAlias = Literal["bool", "enum"]

EFFECTS: tuple[str, ...] = ("prohibit", "permit", "review", "oblige", "find", "not_applicable")
OUTCOMES: tuple[str, ...] = ("prohibited", "permitted", "needs_review", "not_applicable")
FALLBACK_EFFECTS: tuple[str, ...] = ("permit", "not_applicable")
LAW_SCOPES: tuple[str, ...] = ("illinois", "cook_county", "chicago", "general", "california")
BOOL_VALUES: tuple[bool, bool] = (True, False)


@dataclass(frozen=True)
class LawKey:
    key: str
    text: str
    instrument: str
    valid_from: date | None
    valid_until: date | None
    scope: str
    note: str = ""  # a drafting or source note: kept apart from the clause's own words

    def to_dict(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {
            "text": self.text,
            "instrument": self.instrument,
            "from": self.valid_from.isoformat() if self.valid_from else None,
            "until": self.valid_until.isoformat() if self.valid_until else None,
            "scope": self.scope,
        }
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Fact:
    name: str
    type: FactType
    values: tuple[FactValue, ...]
    default: FactValue | None = None
    description: str = ""
    question: str = ""
    # Plain words for people: English labels of values, and per language code the question
    # and the labels ({"es": {"question": ..., "labels": {...}}}). Not part of the domain.
    labels: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    translations: Mapping[str, Mapping[str, object]] = field(
        default_factory=dict, hash=False, compare=False
    )

    def same_domain(self, other: Fact) -> bool:
        """True when ``other`` declares the same fact (type, values, default); wording may differ."""
        return (self.type, self.values, self.default) == (other.type, other.values, other.default)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "name": self.name,
            "type": self.type,
            "values": list(self.values),
            "default": self.default,
            "description": self.description,
            "question": self.question,
        }
        if self.labels:
            out["labels"] = dict(self.labels)
        if self.translations:
            out["translations"] = {code: dict(t) for code, t in self.translations.items()}
        return out


@dataclass(frozen=True)
class Kind:
    name: str
    description: str
    facts: tuple[Fact, ...]

    def fact(self, name: str) -> Fact | None:
        for fact in self.facts:
            if fact.name == name:
                return fact
        return None

    @property
    def fact_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.facts)


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Any:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


@dataclass(frozen=True)
class Cmp:
    fact: str
    values: frozenset[FactValue]
    negate: bool = False


@dataclass(frozen=True)
class Known:
    fact: str
    known: bool = True


Condition: TypeAlias = All | Any | Not | Cmp | Known

ALWAYS: All = All(())


def condition_facts(cond: Condition) -> frozenset[str]:
    """Every fact name a condition mentions."""
    if isinstance(cond, Cmp | Known):
        return frozenset((cond.fact,))
    if isinstance(cond, Not):
        return condition_facts(cond.item)
    out: frozenset[str] = frozenset()
    for item in cond.items:
        out |= condition_facts(item)
    return out


@dataclass(frozen=True)
class Rule:
    id: str
    local_id: str
    pack: str
    kind: str
    effect: str
    when: Condition
    valid_from: date
    valid_until: date | None = None
    cites: tuple[str, ...] = ()
    text: str = ""
    overrides: tuple[str, ...] = ()
    fallback: bool = False
    note: str = ""
    guard: Condition | None = None
    urgent: bool = False
    file: str = ""
    line: int = 0

    @property
    def condition(self) -> Condition:
        """What the engine evaluates: the pack's ``applies_when`` ANDed with ``when``."""
        if self.guard is None:
            return self.when
        return All((self.guard, self.when))

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "effect": self.effect,
            "cites": list(self.cites),
            "text": self.text,
            "from": self.valid_from.isoformat(),
            "until": self.valid_until.isoformat() if self.valid_until else None,
            "pack": self.pack,
            "overrides": list(self.overrides),
            "fallback": self.fallback,
            "urgent": self.urgent,
            "note": self.note,
        }


@dataclass(frozen=True)
class Pack:
    name: str
    title: str
    version: str
    timezone: str
    covers_from: date
    covers_until: date | None
    layers_over: tuple[str, ...]
    applies_when: Condition | None
    default_outcome: str
    sets: Mapping[str, frozenset[str]]
    kinds: Mapping[str, Kind]
    rules: tuple[Rule, ...]
    file: str = ""
    digest: str = ""  # "sha256:<hex>" over its files, its law.yaml and its layers' digests


@dataclass(frozen=True)
class LayeredPack:
    name: str
    top: Pack
    layers: tuple[Pack, ...]
    kinds: Mapping[str, Kind]
    sets: Mapping[str, frozenset[str]]
    rules: tuple[Rule, ...]
    law: Mapping[str, LawKey] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.top.version

    @property
    def timezone(self) -> str:
        return self.top.timezone

    @property
    def digest(self) -> str:
        """Content digest of the pack as loaded (files, law and layers): which rules decided."""
        return self.top.digest

    @property
    def default_outcome(self) -> str:
        return self.top.default_outcome

    def rules_for(self, kind: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.kind == kind)

    def in_force(self, kind: str, day: date) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.kind == kind and r.in_force(day))

    def boundaries(self, kind: str) -> tuple[date, ...]:
        """Sorted local days on which the rules in force for ``kind`` may change."""
        days = {self.top.covers_from}
        for rule in self.rules_for(kind):
            days.add(rule.valid_from)
            if rule.valid_until is not None:
                days.add(rule.valid_until)
        if self.top.covers_until is not None:
            days.add(self.top.covers_until)
        return tuple(sorted(days))
