"""The pack-format markers `guarded: false` and `urgent: true` (docs/pack-format.md): what the loader
does with them, and what they do in the Chicago pack (cases.md rules 9, 10 and 16)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from brightline.errors import PackError
from brightline.rules import Decider, load_pack

FIXTURES = Path(__file__).parent / "fixtures" / "packs"
PACKS = Path(__file__).parent.parent / "packs"


@pytest.fixture
def packs(tmp_path: Path) -> Path:
    target = tmp_path / "packs"
    shutil.copytree(FIXTURES, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_guarded_false_leaves_the_pack_guard_out_of_the_rule(packs: Path) -> None:
    file = packs / "testland" / "rules" / "assistance.yaml"
    before = {r.local_id: r for r in load_pack("testland", FIXTURES).rules}
    assert before["joint-patrol"].guard is not None
    edit(file, "  text: No joint patrols with federal agents.",
         "  text: No joint patrols with federal agents.\n  guarded: false")
    rules = {r.local_id: r for r in load_pack("testland", packs).rules}
    assert rules["joint-patrol"].guard is None
    assert rules["joint-patrol"].condition == rules["joint-patrol"].when
    assert rules["emergency"].guard is not None  # the other rules keep the guard


def test_urgent_duties_are_listed_first_in_their_pack(packs: Path) -> None:
    file = packs / "testland" / "rules" / "assistance.yaml"
    edit(file, "  effect: prohibit\n  from: 2025-08-30", "  effect: oblige\n  urgent: true\n  from: 2025-08-30")
    pack = load_pack("testland", packs)
    own = [r for r in pack.rules if r.pack == "testland"]
    assert own[0].local_id == "joint-patrol" and own[0].urgent
    assert not any(r.urgent for r in own[1:])


def test_urgent_is_only_for_duties(packs: Path) -> None:
    file = packs / "testland" / "rules" / "assistance.yaml"
    edit(file, "  text: No joint patrols with federal agents.",
         "  text: No joint patrols with federal agents.\n  urgent: true")
    with pytest.raises(PackError) as info:
        load_pack("testland", packs)
    assert "urgent is for oblige rules" in str(info.value)


@pytest.fixture(scope="module")
def chicago() -> Decider:
    return Decider(PACKS)


def test_ems_comes_first_among_the_duties(chicago: Decider) -> None:
    case = {"jurisdiction": "chicago", "at": "2026-03-01", "kind": "federal_conduct",
            "facts": {"agency": "ice", "alleged_violation": "state_felony", "injuries": True,
                      "protest_disrupted": True}}
    obligations = chicago.decide(case, flips=False)["obligations"]
    assert len(obligations) > 5
    assert obligations[0]["cites"] == ["EO2026-1.C5"]
    assert "EMS" in obligations[0]["text"]


def test_appearance_rules_follow_a_member_outside_the_city(chicago: Decider) -> None:
    facts = {"officer_type": "local", "assignment": "uniform", "face_covering": "ski_mask",
             "star_visible": True, "name_visible": True, "uniform_worn": True,
             "enforcement_activity": False, "within_jurisdiction": False}
    d = chicago.decide({"jurisdiction": "chicago", "at": "2025-10-04", "kind": "appearance",
                        "facts": facts}, flips=False)
    assert d["outcome"] == "prohibited"
    assert [c for r in d["reasons"] for c in r["cites"]] == ["EO2025-6.C9"]


def test_outside_the_city_says_why_not_governed(chicago: Decider) -> None:
    d = chicago.decide({"jurisdiction": "chicago", "at": "2025-10-04", "kind": "assistance",
                        "facts": {"agency": "national_guard", "activity": "patrol", "purpose": "criminal",
                                  "within_jurisdiction": False}}, flips=False)
    assert d["outcome"] == "not_applicable"
    assert d["reasons"] and "Outside the City" in d["reasons"][0]["text"]


def test_no_rule_text_states_a_request_as_civil_immigration(chicago: Decider) -> None:
    """The issue's example: ICE crowd control with purpose and basis unknown. No reason may say the
    request serves civil immigration enforcement or that a warrant was presented."""
    d = chicago.decide({"jurisdiction": "chicago", "at": "2025-10-04", "kind": "assistance",
                        "facts": {"agency": "ice", "activity": "crowd_control"}}, flips=False)
    assert d["outcome"] == "needs_review"
    texts = " ".join(r["text"] for r in d["reasons"])
    assert "This request serves" not in texts
    assert "was presented" not in texts
    assert not texts.startswith("No.")


# Phrases that state a fact of the case as true. A rule's text is shown after "If …" when the rule
# only may apply, so it says what the law requires, never what happened.
FACT_CLAIMS = ("This request serves", "was presented", "The agents hid", "The agents showed",
               "The agents used", "The agents did not", "lacks the required", "The owner opted",
               "hold a judge's warrant", "is alleged:", "Federal agents disrupted")


@pytest.mark.parametrize("name", ["chicago", "cook_county", "illinois"])
def test_rule_texts_state_no_fact_of_the_case(name: str) -> None:
    for rule in load_pack(name, PACKS).rules:
        assert not rule.text.startswith("No. "), rule.id
        for phrase in FACT_CLAIMS:
            assert phrase not in rule.text, (rule.id, phrase)
