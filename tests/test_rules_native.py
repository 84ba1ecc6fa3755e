"""The C evaluator (brightline.rules._native) against the generated Python evaluators.

tests/test_rules_reference.py runs both against a plain interpreter on random packs; here they are
compared with each other on many varied Chicago cases (moments, defaults, flips on and off), on
invalid cases (the C path must hand every one back, so the Python engine raises the same error),
and the C module's own moment parser is held to ``datetime.fromisoformat``.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brightline.errors import InvalidCase
from brightline.rules import Decider, load_pack, native

pytestmark = pytest.mark.skipif(
    not native.available() and os.environ.get("CI") != "true",
    reason="the C evaluator (brightline.rules._native) is not built",
)


def test_the_c_evaluator_is_built_under_ci() -> None:
    assert native.available(), "brightline.rules._native did not build or import"


class PythonSide(Decider):
    """A decider on the generated Python evaluators alone: segments compile lazily, on first
    use, so the switch must be off while it decides, not only while it is made."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__()
        self._monkeypatch = monkeypatch

    def decide(self, case: dict[str, Any], *, flips: bool = True) -> dict[str, Any]:
        with self._monkeypatch.context() as patch:
            patch.setenv("BRIGHTLINE_NATIVE", "0")
            return super().decide(case, flips=flips)


def _deciders(monkeypatch: pytest.MonkeyPatch) -> tuple[Decider, Decider]:
    monkeypatch.delenv("BRIGHTLINE_NATIVE", raising=False)
    return Decider(), PythonSide(monkeypatch)


def _cases(n: int, seed: int) -> list[dict[str, Any]]:
    pack = load_pack("chicago")
    rng = random.Random(seed)
    first = pack.top.covers_from
    changes = sorted({d for k in pack.kinds for d in pack.boundaries(k) if d >= first})
    out = []
    for i in range(n):
        kind = list(pack.kinds.values())[i % len(pack.kinds)]
        known = rng.choice((0.2, 0.5, 0.9))
        facts = {f.name: rng.choice(f.values) for f in kind.facts if rng.random() < known}
        if rng.random() < 0.1:
            facts[kind.facts[0].name] = None  # null counts as absent
        near = rng.random() < 0.4
        day = rng.choice(changes) + timedelta(days=rng.randint(-1, 1)) if near else (
            first + timedelta(days=rng.randrange(600))
        )
        at = day.isoformat()
        if rng.random() < 0.6:  # a moment, sometimes late enough to be the next local day
            hour = rng.choice((0, 5, 12, 18, 23))
            offset = rng.choice(("-05:00", "-06:00", "Z", "+01:00", "-05:00"))
            at += f"T{hour:02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}{offset}"
        out.append({"jurisdiction": "chicago", "at": at, "kind": kind.name, "facts": facts})
    return out


def test_c_and_python_evaluators_agree_on_chicago_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    c_side, python_side = _deciders(monkeypatch)
    for case in _cases(4000, seed=5):
        for flips in (False, True):
            try:
                want = python_side.decide(case, flips=flips)
            except InvalidCase as exc:  # outside the coverage: both must refuse alike
                with pytest.raises(InvalidCase) as got:
                    c_side.decide(case, flips=flips)
                assert (got.value.message, got.value.details) == (exc.message, exc.details)
                continue
            assert c_side.decide(case, flips=flips) == want, case
    # each side ran on its own evaluator: no C program behind the Python side, one behind every
    # segment of the C side
    def segments(decider: Decider) -> list[Any]:
        prog = decider.programs["chicago"]
        return [seg for kind in prog.kinds.values() for seg in kind.segments.values()]

    assert all(seg.native_program is None for seg in segments(python_side))
    assert all(seg.native_program is not None for seg in segments(c_side))


def test_the_c_path_actually_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """After the Python engine placed a date once, the C path decides on its own."""
    from brightline.rules import _native

    c_side, _ = _deciders(monkeypatch)
    case = {"jurisdiction": "chicago", "at": "2025-10-06", "kind": "assistance", "facts": {}}
    c_side.decide(case)
    assert _native.decide(c_side.native_table, case, False) is not None
    moment = {**case, "at": "2025-11-03T10:00:00-06:00"}
    c_side.decide({**case, "at": "2025-11-03"})  # compiles that segment
    assert _native.decide(c_side.native_table, moment, False) is not None


BAD_CASES: list[Any] = [
    {"jurisdiction": "chicago", "at": "2025-10-06", "kind": "assistance",
     "facts": {"activity": "sightseeing"}},
    {"jurisdiction": "chicago", "at": "2025-10-06", "kind": "assistance",
     "facts": {"imminent_threat": 1}},
    {"jurisdiction": "chicago", "at": "2025-10-06", "kind": "assistance",
     "facts": {"imminent_threat": "true"}},
    {"jurisdiction": "chicago", "at": "2025-10-06", "kind": "assistance",
     "facts": {"activity": True}},
    {"jurisdiction": "chicago", "at": "2025-10-06", "kind": "assistance",
     "facts": {"no_such_fact": "x"}},
    {"jurisdiction": "chicago", "at": "2025-10-06", "kind": "assistance", "facts": ["activity"]},
    {"jurisdiction": "chicago", "at": "2025-10-06", "kind": "assistance", "facts": "x"},
    {"jurisdiction": "chicago", "at": "2025-10-06", "kind": "nothing", "facts": {}},
    {"jurisdiction": "atlantis", "at": "2025-10-06", "kind": "assistance", "facts": {}},
    {"jurisdiction": "chicago", "at": "2025-10-06T10:00:00", "kind": "assistance", "facts": {}},
    {"jurisdiction": "chicago", "at": "2025-02-30T10:00:00Z", "kind": "assistance", "facts": {}},
    {"jurisdiction": "chicago", "at": "2025-10-06T24:00:00Z", "kind": "assistance", "facts": {}},
    {"jurisdiction": "chicago", "at": "1999-10-06T10:00:00Z", "kind": "assistance", "facts": {}},
    {"jurisdiction": "chicago", "at": 20251006, "kind": "assistance", "facts": {}},
    {"jurisdiction": ["chicago"], "at": "2025-10-06", "kind": "assistance", "facts": {}},
    {"jurisdiction": "chicago", "at": ["2025-10-06"], "kind": "assistance", "facts": {}},
    {"at": "2025-10-06", "kind": "assistance"},
    ["chicago"],
]


@pytest.mark.parametrize("case", BAD_CASES, ids=[str(i) for i in range(len(BAD_CASES))])
def test_invalid_cases_get_the_python_engines_error(
    case: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    c_side, python_side = _deciders(monkeypatch)
    good = {"jurisdiction": "chicago", "at": "2025-10-06", "kind": "assistance", "facts": {}}
    c_side.decide(good)  # the C path is warm for this date
    with pytest.raises(InvalidCase) as want:
        python_side.decide(case)
    with pytest.raises(InvalidCase) as got:
        c_side.decide(case)
    assert (got.value.message, got.value.details) == (want.value.message, want.value.details)


def test_decisions_are_fresh_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    c_side, _ = _deciders(monkeypatch)
    case = {"jurisdiction": "chicago", "at": "2025-10-06", "kind": "assistance",
            "facts": {"purpose": "civil_immigration"}}
    first = c_side.decide(case)
    first["reasons"][0]["cites"].append("tampered")
    first["reasons"][0]["rule"] = "tampered"
    first["questions"].clear()
    second = c_side.decide(case)
    assert "tampered" not in str(second)
    assert second["questions"], "needs_review keeps its questions"


def test_a_bad_spec_is_refused_not_crashed() -> None:
    from brightline.rules import _native

    with pytest.raises(TypeError):
        _native.Program()
    with pytest.raises((TypeError, ValueError)):
        _native.Program(("a", "b", "c"), ("p", "q", "r", "s"), {}, ((1,),), (), (), 0, 0)
    with pytest.raises(ValueError):
        _native.Program(("a", "b", "c"), ("p", "q", "r", "s"), {}, (), (), (), 9, 0)


# ---------------------------------------------------------------- the moment parser

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _parse(text: str) -> int | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return (moment - EPOCH) // timedelta(seconds=1)  # exact, unlike float timestamps


PIECES = st.sampled_from(
    ["2025", "2024", "0001", "9999", "-", "02", "29", "30", "31", "12", "13", "00", "T", " ", ":",
     "23", "24", "59", "60", ".", "123", "123456", "12345", "Z", "+", "-05:00", "+14:00", "z"]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(PIECES, min_size=5, max_size=14).map("".join))
def test_moment_epoch_accepts_only_what_fromisoformat_reads(text: str) -> None:
    from brightline.rules import _native

    got = _native.moment_epoch(text)
    if got is not None:
        assert got == _parse(text), text


@settings(max_examples=2000, deadline=None)
@given(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59),
    st.sampled_from(["seconds", "minutes", "milliseconds", "microseconds"]),
    st.booleans(),
)
def test_moment_epoch_reads_plain_moments(
    moment: datetime, offset: int, spec: str, zulu: bool
) -> None:
    from brightline.rules import _native

    sign = "-" if offset < 0 else "+"
    tail = "Z" if zulu else f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    text = moment.isoformat(timespec=spec) + tail
    assert _native.moment_epoch(text) == _parse(text), text


def test_moment_epoch_on_known_instants() -> None:
    from brightline.rules import _native

    assert _native.moment_epoch("1970-01-01T00:00:00Z") == 0
    assert _native.moment_epoch("1970-01-01T00:00:00+01:00") == -3600
    assert _native.moment_epoch("2025-10-06T00:00:00-05:00") == int(
        datetime(2025, 10, 6, 5, 0).timestamp() - datetime(1970, 1, 1).timestamp()
    )
    assert _native.moment_epoch("2024-02-29T12:00Z") is not None
    for bad in ("2025-02-29T12:00Z", "2025-10-06", "2025-10-06T10:00", "2025-10-06T10:00+5:00",
                "2025-10-06T10:00:00.12Z", "2025-10-06t10:00Z", "\uff12\uff10\uff12\uff15-10-06T10:00Z"):
        assert _native.moment_epoch(bad) is None, bad
