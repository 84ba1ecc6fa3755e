"""The engine's compiled form, as the audit reads it: one kind's rules across its date segments.

The SQL emitter never goes back to the pack's YAML model: it reads the compiled form that the
engine builds once per pack, kind and date segment (:func:`brightline.rules.compile_pack`). A
query decides rows of every date at once, so this module lines the segments up: each rule of the
kind once, with the segments it is in force in, its group, cites and condition code, and the ids
of the rules that override it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from brightline.rules import (
    GROUPS,
    Code,
    CodeAll,
    CodeAny,
    CodeCmp,
    CodeKnown,
    CodeNot,
    CompiledKind,
    CompiledPack,
    FactCode,
    compile_pack,
)

__all__ = [
    "GROUPS",
    "AuditRule",
    "Code",
    "CodeAll",
    "CodeAny",
    "CodeCmp",
    "CodeKnown",
    "CodeNot",
    "CompiledKind",
    "CompiledPack",
    "FactCode",
    "KindForm",
    "compile_pack",
    "kind_form",
]


@dataclass(frozen=True)
class AuditRule:
    """One rule of a kind, across the segments it is in force in."""

    position: int  # rule order (the order of reasons, obligations and findings)
    id: str
    group: str  # one of GROUPS
    cites: tuple[str, ...]
    code: Code
    overriders: tuple[str, ...]  # ids of the rules that override this one (same pack and kind)
    segments: frozenset[int]  # indexes of the segments it is in force in


@dataclass(frozen=True)
class KindForm:
    """What the emitter needs of one kind of a compiled pack."""

    pack: str
    version: str
    kind: str
    timezone: str
    facts: tuple[FactCode, ...]
    starts: tuple[date, ...]  # segment i is in force from starts[i] (a local day)
    covers_from: date
    covers_until: date | None
    default: str  # the pack's default outcome
    rules: tuple[AuditRule, ...]  # in rule order
    classes: tuple[tuple[tuple[object, ...], ...], ...]  # per slot: values no rule tells apart

    def start_instants(self) -> tuple[datetime, ...]:
        """Local midnight of each segment's first day, as an aware UTC datetime."""
        zone = ZoneInfo(self.timezone)
        return tuple(_utc(datetime.combine(d, time(), zone)) for d in self.starts)

    def until_instant(self) -> datetime | None:
        if self.covers_until is None:
            return None
        return _utc(datetime.combine(self.covers_until, time(), ZoneInfo(self.timezone)))

    def fact(self, name: str) -> FactCode | None:
        for fact in self.facts:
            if fact.name == name:
                return fact
        return None


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo("UTC"))


def kind_form(pack: CompiledPack, kind: str) -> KindForm:
    """Line up the segments of ``kind`` (a kind of ``pack``; KeyError otherwise)."""
    compiled: CompiledKind = pack.kinds[kind]
    order = {rule.id: i for i, rule in enumerate(pack.source.rules)}
    found: dict[str, AuditRule] = {}
    for segment in compiled.segments:
        for rule in segment.rules:
            overriders = tuple(segment.rules[j].id for j in rule.overriders)
            seen = found.get(rule.id)
            if seen is None:
                found[rule.id] = AuditRule(
                    order[rule.id], rule.id, rule.group, rule.cites, rule.code, overriders,
                    frozenset((segment.index,)),
                )
            else:
                merged = tuple(dict.fromkeys((*seen.overriders, *overriders)))
                found[rule.id] = AuditRule(
                    seen.position, seen.id, seen.group, seen.cites, seen.code, merged,
                    seen.segments | {segment.index},
                )
    rules = tuple(sorted(found.values(), key=lambda r: r.position))
    return KindForm(
        pack=pack.name,
        version=pack.version,
        kind=kind,
        timezone=pack.timezone,
        facts=compiled.facts,
        starts=compiled.starts,
        covers_from=pack.covers_from,
        covers_until=pack.covers_until,
        default=pack.default_outcome,
        rules=rules,
        classes=_common_classes(compiled),
    )


def _common_classes(kind: CompiledKind) -> tuple[tuple[tuple[object, ...], ...], ...]:
    """Per slot, the values that no rule of any segment tells apart (the segments' classes,
    refined together); () for a fact no rule reads."""
    out: list[tuple[tuple[object, ...], ...]] = []
    for fact in kind.facts:
        per_segment: Sequence[Sequence[tuple[object, ...]]] = [
            [c.values for c in segment.classes[fact.slot]]
            for segment in kind.segments
            if segment.classes[fact.slot]
        ]
        if not per_segment:
            out.append(())
            continue
        groups: dict[tuple[int, ...], list[object]] = {}
        for value in fact.values:
            signature = tuple(
                next(i for i, values in enumerate(classes) if value in values)
                for classes in per_segment
            )
            groups.setdefault(signature, []).append(value)
        out.append(tuple(tuple(vs) for vs in groups.values()))
    return tuple(out)
