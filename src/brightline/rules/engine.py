"""Deciding a case: validate and encode it, run the segment's evaluator, build the decision.

The steps are those of ``docs/pack-format.md`` (validate, select, evaluate, outcome, reasons,
obligations and findings, questions, flips). Questions and flips probe one fact at a time with the
outcome-only program, once per class of values that the rules in force tell apart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from brightline.errors import InvalidCase
from brightline.rules import native
from brightline.rules.codegen import NEEDS_REVIEW, OUTCOME_NAMES, PROHIBITED
from brightline.rules.compiler import FactCodec, KindProgram, SegmentProgram
from brightline.rules.conditions import show_values
from brightline.rules.model import LayeredPack
from brightline.rules.registry import available_packs, load_pack, resolve_packs_dir
from brightline.rules.timeline import Timeline

_REQUIRED = ("jurisdiction", "at", "kind")
_FAST = native.fast_path()


class PackProgram:
    """Everything compiled for one layered pack."""

    def __init__(self, pack: LayeredPack) -> None:
        self.pack = pack
        self.name = pack.name
        self.version = pack.version
        self.timeline = Timeline(pack)
        days = self.timeline.days
        self.kinds = {
            name: KindProgram(pack, kind, days, self.timeline)
            for name, kind in pack.kinds.items()
        }

    def kind_program(self, name: object) -> KindProgram:
        found = self.kinds.get(name) if isinstance(name, str) else None
        if found is None:
            raise InvalidCase(
                f"kind {name!r} is not a kind of pack {self.name!r} "
                f"(allowed: {', '.join(sorted(self.kinds))})",
                field="kind",
                allowed=sorted(self.kinds),
                got=name,
            )
        return found


class Decider:
    """Decides cases with the packs of one folder, compiling each pack once."""

    def __init__(self, packs_dir: Path | str | None = None) -> None:
        self.packs_dir = resolve_packs_dir(packs_dir).resolve()
        self._lock = threading.Lock()
        self.programs: dict[object, PackProgram] = {}
        self.native_table: native.NativeTable = {}  # what the C fast path reads

    def program(self, name: object) -> PackProgram:
        found = self.programs.get(name) if name.__class__ is str else None
        if found is not None:
            return found
        known = available_packs(self.packs_dir)
        if not isinstance(name, str) or name not in known:
            raise InvalidCase(
                f"jurisdiction {name!r} has no pack (allowed: {', '.join(known) or 'none'})",
                field="jurisdiction",
                allowed=known,
                got=name,
            )
        with self._lock:
            if name not in self.programs:
                prog = PackProgram(load_pack(name, self.packs_dir))
                self.native_table[name] = {
                    kind: (kp.native_by_at, kp.native_stamps, kp.native_by_index)
                    for kind, kp in prog.kinds.items()
                }
                self.programs[name] = prog
            return self.programs[name]

    def decide(self, case: dict[str, Any], *, flips: bool = True) -> dict[str, Any]:
        """Decide one case (cases.md shape); InvalidCase names what is wrong and what is allowed."""
        if _FAST is not None:
            decided = _FAST(self.native_table, case, flips)
            if decided is not None:
                return decided
        try:
            prog = self.programs[case["jurisdiction"]]
        except (KeyError, TypeError, IndexError):
            prog = self.program(_required(case)["jurisdiction"])
        return _decide(prog, case, flips)


def _required(case: object) -> dict[str, Any]:
    """The case as a dict with its required fields, or the InvalidCase saying what is missing."""
    if not isinstance(case, dict):
        raise InvalidCase(f"a case is a JSON object, got {type(case).__name__}", field="case")
    missing = [f for f in _REQUIRED if f not in case]
    if missing:
        raise InvalidCase(
            f"case is missing {', '.join(missing)} (a case has jurisdiction, at, kind, facts)",
            field=missing[0],
        )
    return case


def _locate(prog: PackProgram, case: dict[str, Any]) -> tuple[KindProgram, SegmentProgram]:
    """The slow path of finding the kind and the date segment, with its errors."""
    if not (isinstance(case, dict) and "kind" in case and "at" in case):
        _required({"jurisdiction": prog.name, **case} if isinstance(case, dict) else case)
    kind = prog.kind_program(case["kind"])
    return kind, kind.segment_at(case["at"])


def _decide(prog: PackProgram, case: dict[str, Any], flips: bool) -> dict[str, Any]:
    """Steps 1-8 of the decision semantics once the pack is known."""
    try:
        kind = prog.kinds[case["kind"]]
        at = case["at"]
    except (KeyError, TypeError):
        kind, segment = _locate(prog, case)
    else:
        found = kind.by_at.get(at) if at.__class__ is str else None
        segment = found if found is not None else kind.segment_at(at)
    if segment.native_program is not None:
        decided = segment.native_program.decide(case, flips)
        if decided is not None:
            return decided
    facts = case.get("facts")
    if facts.__class__ is dict:
        kp = kind.encode(facts)
        k, p = kp if kp is not None else _encode(kind, facts)
    elif facts is None:
        k, p = kind.base_k[:], kind.base_p[:]
    elif facts:
        k, p = _encode(kind, facts)
    else:
        raise _not_object(facts)
    spec = segment.spec(k)
    code, why, obl, fnd, rel, blk, prl = segment.evaluators[spec](k, p)
    return {
        "outcome": OUTCOME_NAMES[code],
        "jurisdiction": prog.name,
        "pack_version": prog.version,
        "at": case["at"],
        "kind": kind.name,
        "reasons": why,
        "obligations": obl,
        "findings": fnd,
        "questions": (
            _questions(kind, segment, k, p, (rel, blk, prl), spec) if code == NEEDS_REVIEW else []
        ),
        "flips": _flips(kind, segment, k, p, code, rel, blk) if flips else [],
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
        _BY_PACK.clear()
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
            if len(_BY_PACK) >= 32:
                _BY_PACK.clear()
            _BY_PACK[id(pack)] = found
    return found[1]


def decide_with(pack: LayeredPack, case: dict[str, Any], *, flips: bool = True) -> dict[str, Any]:
    """Decide a case with a given layered pack (its ``jurisdiction`` field is not consulted)."""
    if not isinstance(case, dict):
        raise InvalidCase(f"a case is a JSON object, got {type(case).__name__}", field="case")
    return _decide(program_for(pack), case, flips)


def _not_object(facts: object) -> InvalidCase:
    return InvalidCase(
        f"facts must be an object of fact: value, got {type(facts).__name__}", field="facts"
    )


def _encode(kind: KindProgram, facts: object) -> tuple[list[int], list[int]]:
    """The slow path of encoding: k and p for the facts, or the InvalidCase that names the fault."""
    if not isinstance(facts, Mapping):
        raise _not_object(facts)
    k = kind.base_k.copy()
    p = kind.base_p.copy()
    for name, value in facts.items():
        codec = kind.codecs.get(name) if isinstance(name, str) else None
        if codec is None:
            raise _unknown_fact(kind, name)
        if value is None:
            continue
        try:
            bit = codec.bits.get(value)
        except TypeError:
            bit = None
        if bit is None or value.__class__ is not (bool if codec.is_bool else str):
            raise _bad_value(codec, value)
        k[codec.slot] = p[codec.slot] = bit
    return k, p


def _unknown_fact(kind: KindProgram, name: object) -> InvalidCase:
    names = [f.name for f in kind.facts]
    return InvalidCase(
        f"unknown fact {name!r} for kind {kind.kind.name!r} (allowed: {', '.join(names)})",
        field="facts",
        fact=str(name),
        allowed=names,
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
        field="facts",
        fact=fact.name,
        allowed=list(fact.values),
        got=value if isinstance(value, str | bool | int | float) else repr(value),
    )


def _probe(segment: SegmentProgram, k: list[int], p: list[int], slot: int, bit: int) -> int:
    """The outcome with fact ``slot`` set to the value ``bit`` (k and p restored after)."""
    old_k, old_p = k[slot], p[slot]
    k[slot] = p[slot] = bit
    outcome = segment.outcomes[segment.spec(k)](k, p)
    k[slot], p[slot] = old_k, old_p
    return outcome


def _settle(
    segment: SegmentProgram,
    k: list[int],
    p: list[int],
    slot: int,
    bit: int,
    blk: int,
    prohibited: Callable[[list[int], list[int]], bool],
) -> int:
    """The outcome of a needs_review case once the unknown fact ``slot`` gets the value ``bit``.

    A prohibit rule that becomes T makes it prohibited; else it stays needs_review
    unless every rule keeping it there depends on this fact (``blk``): only then probe fully.
    """
    if segment.chain_mask >> slot & 1:  # specialised programs are small: probe
        return _probe(segment, k, p, slot, bit)
    k[slot] = p[slot] = bit
    hit = prohibited(k, p)
    k[slot], p[slot] = 0, segment.kind.full[slot]
    if hit:
        return PROHIBITED
    if not blk >> slot & 1:
        return NEEDS_REVIEW
    return _probe(segment, k, p, slot, bit)


def _questions(
    kind: KindProgram,
    segment: SegmentProgram,
    k: list[int],
    p: list[int],
    masks: tuple[int, int, int],
    spec: int,
) -> list[dict[str, Any]]:
    """Step 7: unknown facts (among ``rel``, those U rules depend on) that can settle the case.
    Only unknown facts change, never those the specialisation ``spec`` fixes (they are known), so
    the specialised prohibit test stays valid."""
    rel, blk, prl = masks
    out = []
    prohibits = segment.prohibits
    full = kind.full
    nonmono = segment.nonmono
    could_mask = prl | nonmono  # elsewhere every prohibit rule stays F (monotone): could is False
    for slot in kind.slots_of(rel | nonmono):
        if k[slot]:
            continue
        prohibited = prohibits[spec, slot]
        if not blk >> slot & 1:
            if not could_mask >> slot & 1:
                continue
            # k = every bit, p = none: each comparison on this fact takes its most favourable
            # value, so False here means no single value can make a prohibit rule T.
            k[slot], p[slot] = full[slot], 0
            could = prohibited(k, p)
            k[slot], p[slot] = 0, full[slot]
            if not could:
                continue
        if _settles(segment, k, p, slot, blk, prohibited):
            q = kind.questions[slot]
            out.append({"fact": q["fact"], "text": q["text"], "options": [*q["options"]]})
    return out


def _settles(
    segment: SegmentProgram,
    k: list[int],
    p: list[int],
    slot: int,
    blk: int,
    prohibited: Callable[[list[int], list[int]], bool],
) -> bool:
    """Does some value of the unknown fact ``slot`` settle the case? The value that settled it
    last time is tried first (only the order of the search changes, never its answer)."""
    hints = segment.hints
    first = hints.get(slot)
    if first is not None and _settle(segment, k, p, slot, first, blk, prohibited) != NEEDS_REVIEW:
        return True
    for bit, _, _ in segment.classes[slot]:
        if bit != first and _settle(segment, k, p, slot, bit, blk, prohibited) != NEEDS_REVIEW:
            hints[slot] = bit
            return True
    return False


def _flips(
    kind: KindProgram,
    segment: SegmentProgram,
    k: list[int],
    p: list[int],
    code: int,
    rel: int,
    blk: int,
) -> list[dict[str, Any]]:
    """Step 8: known facts to another value; unknown facts only among ``rel`` (monotonicity)."""
    out: list[dict[str, Any]] = []
    rel |= segment.nonmono
    for slot, classes in enumerate(segment.classes):
        current = k[slot]
        if not classes or not (current or rel >> slot & 1):
            continue
        changed: list[tuple[object, int]] = []
        for bit, mask, values in classes:
            if current & mask:
                continue
            if current or code != NEEDS_REVIEW:
                outcome = _probe(segment, k, p, slot, bit)
            else:
                outcome = _settle(segment, k, p, slot, bit, blk, segment.prohibited)
            if outcome != code:
                changed += [(v, outcome) for v in values]
        if changed:
            fact = kind.facts[slot]
            if len(changed) > 1:
                changed.sort(key=lambda vo: fact.values.index(vo[0]))
            out += [
                {"fact": fact.name, "value": v, "outcome": OUTCOME_NAMES[o]} for v, o in changed
            ]
    return out
