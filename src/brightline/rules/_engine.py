"""Deciding a case: validate and encode it, find its segment, apply the semantics, build the dict.

Steps 1-3 of ``docs/pack-format.md`` (validate, select the segment, encode); steps 4-8 are
:mod:`._semantics` over the compiled form (:mod:`._compiled`). A :class:`Decider` compiles each
pack of its folder once. Nothing here reads process variables, the clock or file times: the packs
folder is an argument.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from brightline.errors import InvalidCase
from brightline.rules._compiled import OUTCOMES, CompiledKind, CompiledPack, FactCode, compile_pack
from brightline.rules._conditions import show_values
from brightline.rules._kernel import Encoder, build_encoder
from brightline.rules._model import LayeredPack
from brightline.rules._registry import available_packs, default_packs_dir, load_pack
from brightline.rules._semantics import Runtime, evaluate, link_segments
from brightline.rules._timeline import Timeline
from brightline.rules._words import json_type as _json_type
from brightline.rules._words import json_value as _json

_AT_CACHE = 20_000
_REQUIRED = ("jurisdiction", "at", "kind")
CASE_KEYS = ("jurisdiction", "at", "kind", "facts", "id")
_CASE_KEY_SET = frozenset(CASE_KEYS)


class KindProgram:
    """One kind of a compiled pack, ready to decide."""

    def __init__(self, pack: CompiledPack, kind: CompiledKind) -> None:
        self.pack = pack
        self.kind = kind
        self.name = kind.name
        self.facts = kind.facts
        self.by_name: dict[str, FactCode] = {f.name: f for f in kind.facts}
        self.encode: Encoder = build_encoder(kind.facts)
        self.base_k = [f.absent_k for f in kind.facts]
        self.base_p = [f.absent_p for f in kind.facts]
        self.timeline = Timeline(
            pack.name, pack.timezone, kind.starts, pack.covers_from, pack.covers_until
        )
        self.runtimes = [
            Runtime(segment, kind.facts, pack.name, pack.timezone) for segment in kind.segments
        ]
        link_segments(self.runtimes)
        self.by_at: dict[object, Runtime] = {}

    def runtime_at(self, at: object) -> Runtime:
        """The runtime of the segment holding ``at``; InvalidCase when ``at`` is bad or outside."""
        found = self.by_at.get(at) if at.__class__ is str else None
        if found is not None:
            return found
        found = self.runtimes[self.timeline.segment(at)]
        if len(self.by_at) >= _AT_CACHE:
            self.by_at.clear()
        self.by_at[at] = found
        return found


class PackProgram:
    """Everything compiled for one layered pack."""

    def __init__(self, pack: LayeredPack) -> None:
        self.compiled = compile_pack(pack)
        self.name = pack.name
        self.version = pack.version
        self.digest = pack.digest
        self.kinds = {
            name: KindProgram(self.compiled, kind) for name, kind in self.compiled.kinds.items()
        }

    def kind_program(self, name: object) -> KindProgram:
        found = self.kinds.get(name) if isinstance(name, str) else None
        if found is None:
            raise InvalidCase(
                f"kind {_json(name)} is not a kind of pack {self.name!r} "
                f"(allowed: {', '.join(sorted(self.kinds))})",
                field="kind",
                allowed=sorted(self.kinds),
                got=name if isinstance(name, str | bool | int | float) else repr(name),
            )
        return found

    def decide(self, case: dict[str, Any], flips: bool) -> dict[str, Any]:
        """Steps 1-8 once the pack is known."""
        kind = self.kind_program(case.get("kind"))
        rt = kind.runtime_at(case.get("at"))
        facts = case.get("facts")
        if facts.__class__ is dict:
            kp = kind.encode(facts)
            k, p = kp if kp is not None else _encode(kind, facts)
        elif facts is None:
            k, p = kind.base_k[:], kind.base_p[:]
        else:
            k, p = _encode(kind, facts)
        at = case["at"]
        found = evaluate(rt, k, p, flips, at)
        reasons, obligations, findings = found.items
        return {
            "outcome": OUTCOMES[found.code],
            "jurisdiction": self.name,
            "pack_version": self.version,
            "pack_digest": self.digest,
            "at": at,
            "kind": kind.name,
            "reasons": reasons or [found.default_reason],
            "obligations": obligations,
            "findings": findings,
            "questions": found.questions,
            "flips": found.changes,
            "law_changes": found.law_changes,
        }


class Decider:
    """Decides cases with the packs of one folder, compiling each pack once."""

    def __init__(self, packs_dir: Path | str | None = None) -> None:
        folder = Path(packs_dir) if packs_dir is not None else default_packs_dir()
        self.packs_dir = folder.resolve()
        self._lock = threading.Lock()
        self.programs: dict[object, PackProgram] = {}

    def program(self, name: object) -> PackProgram:
        found = self.programs.get(name) if name.__class__ is str else None
        if found is not None:
            return found
        known = available_packs(self.packs_dir)
        if not isinstance(name, str) or name not in known:
            raise InvalidCase(
                f"jurisdiction {_json(name)} has no pack (allowed: {', '.join(known) or 'none'})",
                field="jurisdiction",
                allowed=known,
                got=name if isinstance(name, str | bool | int | float) else repr(name),
            )
        with self._lock:
            if name not in self.programs:
                self.programs[name] = PackProgram(load_pack(name, self.packs_dir))
            return self.programs[name]

    def compiled(self, name: str) -> CompiledPack:
        """The compiled form of pack ``name`` (compiled once)."""
        return self.program(name).compiled

    def decide(self, case: dict[str, Any], *, flips: bool = True) -> dict[str, Any]:
        """Decide one case (cases.md shape); InvalidCase names what is wrong and what is allowed."""
        case = _checked(case)
        return self.program(case["jurisdiction"]).decide(case, flips)


def _checked(case: object, required: tuple[str, ...] = _REQUIRED) -> dict[str, Any]:
    """The case as a dict with exactly the allowed top-level keys and the required ones, or the
    InvalidCase saying what is wrong (an unknown key is named, so that a misspelled ``facts``
    never leaves every fact silently unknown)."""
    if not isinstance(case, dict):
        raise InvalidCase(f"a case is a JSON object, got {_json_type(case)}", field="case")
    if not case.keys() <= _CASE_KEY_SET:
        extra = [key for key in case if key not in CASE_KEYS]
        if extra:
            name = extra[0]
            close = difflib.get_close_matches(str(name), CASE_KEYS, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise InvalidCase(
                f"unknown key {_json(name)} in the case (a case has exactly jurisdiction, at, "
                f"kind and facts, and optionally id{hint})",
                field=str(name),
                allowed=list(CASE_KEYS),
                got=str(name),
            )
    missing = [f for f in required if f not in case]
    if missing:
        raise InvalidCase(
            f"case is missing {', '.join(missing)} (a case has jurisdiction, at, kind, facts)",
            field=missing[0],
        )
    return case


_DEFAULT: list[Decider] = []
_DEFAULT_LOCK = threading.Lock()


def default_decider() -> Decider:
    """The decider of the default packs folder (see :func:`default_packs_dir`)."""
    if not _DEFAULT:
        with _DEFAULT_LOCK:
            if not _DEFAULT:
                _DEFAULT.append(Decider())
    return _DEFAULT[0]


def reset() -> None:
    """Forget compiled packs, e.g. after the default packs folder or the pack files changed."""
    from brightline.rules._registry import clear_cache

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
    return program_for(pack).decide(_checked(case, ("at", "kind")), flips)


def _not_object(facts: object) -> InvalidCase:
    return InvalidCase(
        f"facts must be an object of fact: value, got {_json_type(facts)}", field="facts"
    )


def _encode(kind: KindProgram, facts: object) -> tuple[list[int], list[int]]:
    """The slow path of encoding: k and p for the facts, or the InvalidCase that names the fault."""
    if not isinstance(facts, Mapping):
        raise _not_object(facts)
    k = kind.base_k.copy()
    p = kind.base_p.copy()
    for name, value in facts.items():
        fact = kind.by_name.get(name) if isinstance(name, str) else None
        if fact is None:
            raise _unknown_fact(kind, name)
        if value is None:
            continue
        try:
            bit = fact.bits.get(value)
        except TypeError:
            bit = None
        if bit is None or value.__class__ is not (bool if fact.type == "bool" else str):
            raise _bad_value(fact, value)
        k[fact.slot] = p[fact.slot] = bit
    return k, p


def _unknown_fact(kind: KindProgram, name: object) -> InvalidCase:
    names = [f.name for f in kind.facts]
    return InvalidCase(
        f"unknown fact {_json(name)} for kind {kind.name!r} (allowed: {', '.join(names)})",
        field="facts",
        fact=str(name),
        allowed=names,
    )


def _bad_value(fact: FactCode, value: object) -> InvalidCase:
    shown = show_values(fact.values)
    if fact.type == "bool":
        what = f"fact {fact.name!r} is a boolean: use true or false, not {_json(value)}"
    elif isinstance(value, str):
        what = f"{_json(value)} is not a value of fact {fact.name!r}"
    else:
        what = f"fact {fact.name!r} takes a string value, not {_json_type(value)} {_json(value)}"
    return InvalidCase(
        f"{what} (allowed: {shown})",
        field="facts",
        fact=fact.name,
        allowed=list(fact.values),
        got=value if isinstance(value, str | bool | int | float) else repr(value),
    )
