"""Deciding a case: validate and encode it, run the segment's evaluator, build the decision.

The steps are those of ``docs/pack-format.md`` (validate, select, evaluate, outcome, reasons,
obligations and findings, questions, flips). Questions and flips probe one fact at a time with the
outcome-only program, once per class of values that the rules in force tell apart.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from brightline.errors import InvalidCase
from brightline.rules.codegen import NEEDS_REVIEW, OUTCOME_NAMES
from brightline.rules.compiler import FactCodec, KindProgram, Lazy, SegmentProgram
from brightline.rules.conditions import show_values
from brightline.rules.model import LayeredPack
from brightline.rules.registry import available_packs, load_pack, resolve_packs_dir
from brightline.rules.timeline import Timeline

_REQUIRED = ("jurisdiction", "at", "kind")


class PackProgram:
    """Everything compiled for one layered pack."""

    def __init__(self, pack: LayeredPack) -> None:
        self.pack = pack
        self.name = pack.name
        self.version = pack.version
        self.timeline = Timeline(pack)
        days = self.timeline.days
        self.kinds: Lazy[str, KindProgram] = Lazy(lambda k: KindProgram(pack, pack.kinds[k], days))
        self.kind_names = frozenset(pack.kinds)


class Decider:
    """Decides cases with the packs of one folder, compiling each pack once."""

    def __init__(self, packs_dir: Path | str | None = None) -> None:
        self.packs_dir = resolve_packs_dir(packs_dir).resolve()
        self._lock = threading.Lock()
        self._programs: dict[str, PackProgram] = {}

    def program(self, name: object) -> PackProgram:
        found = self._programs.get(name) if name.__class__ is str else None
        if found is not None:
            return found
        known = available_packs(self.packs_dir)
        if not isinstance(name, str) or name not in known:
            raise InvalidCase(
                f"jurisdiction {name!r} has no pack (allowed: {', '.join(known) or 'none'})",
                field="jurisdiction", allowed=known, got=name,
            )
        with self._lock:
            if name not in self._programs:
                self._programs[name] = PackProgram(load_pack(name, self.packs_dir))
            return self._programs[name]

    def decide(self, case: dict[str, Any], *, flips: bool = True) -> dict[str, Any]:
        """Decide one case (cases.md shape); InvalidCase names what is wrong and what is allowed."""
        if not isinstance(case, dict):
            raise InvalidCase(f"a case is a JSON object, got {type(case).__name__}", field="case")
        try:
            jurisdiction = case["jurisdiction"]
            kind_name = case["kind"]
            at = case["at"]
        except KeyError:
            missing = [f for f in _REQUIRED if f not in case]
            raise InvalidCase(
                f"case is missing {', '.join(missing)} (a case has jurisdiction, at, kind, facts)",
                field=missing[0],
            ) from None
        return _decide(self.program(jurisdiction), case, jurisdiction, kind_name, at, flips)


def _decide(
    prog: PackProgram, case: dict[str, Any], jurisdiction: object, kind_name: object, at: object,
    flips: bool,
) -> dict[str, Any]:
    """Steps 1-8 of the decision semantics once the pack is known."""
    if kind_name.__class__ is not str or kind_name not in prog.kind_names:
        raise InvalidCase(
            f"kind {kind_name!r} is not a kind of pack {prog.name!r} "
            f"(allowed: {', '.join(sorted(prog.kind_names))})",
            field="kind", allowed=sorted(prog.kind_names), got=kind_name,
        )
    kind = prog.kinds[kind_name]
    segment = kind.segments[prog.timeline.segment(at)]
    k = kind.base_k.copy()
    p = kind.base_p.copy()
    facts = case.get("facts")
    if facts:
        _encode(kind, facts, k, p)
    elif facts is not None and not isinstance(facts, dict):
        raise _not_object(facts)
    key = segment.key
    code, why, obl, fnd = segment.evaluators[k[key] if key >= 0 else 0](k, p)
    parts = segment.parts
    return {
        "outcome": OUTCOME_NAMES[code],
        "jurisdiction": prog.name,
        "pack_version": prog.version,
        "at": at,
        "kind": kind_name,
        "reasons": [_part(parts[i]) for i in why],
        "obligations": [_part(parts[i]) for i in obl],
        "findings": [_part(parts[i]) for i in fnd],
        "questions": _questions(kind, segment, k, p) if code == NEEDS_REVIEW else [],
        "flips": _flips(kind, segment, k, p, code) if flips else [],
    }


_DEFAULT: list[Decider] = []
_DEFAULT_LOCK = threading.Lock()


def default_decider() -> Decider:
    """The decider of the default packs folder (see :func:`resolve_packs_dir`)."""
    if not _DEFAULT:
        with _DEFAULT_LOCK:
            if not _DEFAULT:
                _DEFAULT.append(Decider())
    return _DEFAULT[0]


def reset() -> None:
    """Forget compiled packs, e.g. after BRIGHTLINE_PACKS_DIR or the pack files changed."""
    from brightline.rules.registry import clear_cache

    with _DEFAULT_LOCK:
        _DEFAULT.clear()
    clear_cache()


def decide(case: dict[str, Any], *, flips: bool = True) -> dict[str, Any]:
    """Decide one case with the default packs (cases.md shapes); raises InvalidCase."""
    decider = _DEFAULT[0] if _DEFAULT else default_decider()
    return decider.decide(case, flips=flips)


_BY_PACK: dict[int, tuple[LayeredPack, PackProgram]] = {}


def program_for(pack: LayeredPack) -> PackProgram:
    """The compiled program of a pack object (cached while the object lives in the cache)."""
    found = _BY_PACK.get(id(pack))
    if found is None or found[0] is not pack:
        found = (pack, PackProgram(pack))
        with _DEFAULT_LOCK:
            _BY_PACK[id(pack)] = found
    return found[1]


def decide_with(pack: LayeredPack, case: dict[str, Any], *, flips: bool = True) -> dict[str, Any]:
    """Decide a case with a given layered pack (its ``jurisdiction`` field is not consulted)."""
    if not isinstance(case, dict):
        raise InvalidCase(f"a case is a JSON object, got {type(case).__name__}", field="case")
    missing = [f for f in ("at", "kind") if f not in case]
    if missing:
        raise InvalidCase(f"case is missing {', '.join(missing)}", field=missing[0])
    return _decide(program_for(pack), case, pack.name, case["kind"], case["at"], flips)


def _part(part: tuple[str, tuple[str, ...], str]) -> dict[str, Any]:
    return {"rule": part[0], "cites": list(part[1]), "text": part[2]}


def _not_object(facts: object) -> InvalidCase:
    return InvalidCase(
        f"facts must be an object of fact: value, got {type(facts).__name__}", field="facts"
    )


def _encode(kind: KindProgram, facts: object, k: list[int], p: list[int]) -> None:
    """Write each given fact's bit into k and p; InvalidCase for unknown facts or bad values."""
    if facts.__class__ is not dict and not isinstance(facts, Mapping):
        raise _not_object(facts)
    codecs = kind.codecs
    for name, value in facts.items():
        codec = codecs.get(name)
        if codec is None:
            raise _unknown_fact(kind, name)
        if value is None:
            continue
        try:
            bit = codec.bits.get(value)
        except TypeError:
            bit = None
        if bit is None or (codec.is_bool and value.__class__ is not bool):
            raise _bad_value(codec, value)
        k[codec.slot] = p[codec.slot] = bit


def _unknown_fact(kind: KindProgram, name: object) -> InvalidCase:
    names = [f.name for f in kind.facts]
    return InvalidCase(
        f"unknown fact {name!r} for kind {kind.kind.name!r} (allowed: {', '.join(names)})",
        field="facts", fact=str(name), allowed=names,
    )


def _bad_value(codec: FactCodec, value: object) -> InvalidCase:
    fact = codec.fact
    shown = show_values(fact.values)
    if fact.type == "bool":
        what = f"fact {fact.name!r} is a boolean: use true or false, not {value!r}"
    elif isinstance(value, str):
        what = f"{value!r} is not a value of fact {fact.name!r}"
    else:
        what = f"fact {fact.name!r} takes a string value, not {type(value).__name__} {value!r}"
    return InvalidCase(
        f"{what} (allowed: {shown})",
        field="facts", fact=fact.name, allowed=list(fact.values),
        got=value if isinstance(value, str | bool | int | float) else repr(value),
    )


def _probe(segment: SegmentProgram, k: list[int], p: list[int], slot: int, bit: int) -> int:
    """The outcome with fact ``slot`` set to the value ``bit`` (k and p restored after)."""
    old_k, old_p = k[slot], p[slot]
    k[slot] = p[slot] = bit
    key = segment.key
    try:
        return segment.outcomes[k[key] if key >= 0 else 0](k, p)
    finally:
        k[slot], p[slot] = old_k, old_p


def _questions(
    kind: KindProgram, segment: SegmentProgram, k: list[int], p: list[int]
) -> list[dict[str, Any]]:
    out = []
    for slot, classes in enumerate(segment.classes):
        if k[slot] or not classes:
            continue
        if any(_probe(segment, k, p, slot, bit) != NEEDS_REVIEW for bit, _, _ in classes):
            fact = kind.facts[slot]
            out.append({"fact": fact.name, "text": fact.question, "options": list(fact.values)})
    return out


def _flips(
    kind: KindProgram, segment: SegmentProgram, k: list[int], p: list[int], code: int
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for slot, classes in enumerate(segment.classes):
        if not classes:
            continue
        current = k[slot]
        changed: list[tuple[object, int]] = []
        for bit, mask, values in classes:
            if current & mask:
                continue
            outcome = _probe(segment, k, p, slot, bit)
            if outcome != code:
                changed += [(v, outcome) for v in values]
        if changed:
            name = kind.facts[slot].name
            order = kind.facts[slot].values
            changed.sort(key=lambda vo: order.index(vo[0]))
            out += [{"fact": name, "value": v, "outcome": OUTCOME_NAMES[o]} for v, o in changed]
    return out
