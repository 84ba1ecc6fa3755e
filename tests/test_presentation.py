"""How decisions read to people (service/presentation.py), for `decide --format text` and the web
decision page alike: labels per kind, "If …" for what may apply, law changes, grouped flips."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from brightline.rules import Decider
from brightline.service.presentation import (
    FLIP_LIMIT,
    flip_groups,
    if_text,
    law_change_sentence,
    outcome_label,
    present,
    render_text,
    value_text,
)

PACKS = Path(__file__).parent.parent / "packs"


@pytest.fixture(scope="module")
def chicago() -> Decider:
    return Decider(PACKS)


def decide(decider: Decider, kind: str, at: str, **facts: Any) -> dict[str, Any]:
    return decider.decide({"jurisdiction": "chicago", "at": at, "kind": kind, "facts": facts})


def test_federal_conduct_that_breaks_the_law_is_unlawful_conduct_not_do_not_do_this() -> None:
    label, sub = outcome_label("prohibited", "federal_conduct")
    assert label == "Unlawful conduct — CPD duties apply"
    assert "Do not do this" not in sub
    assert outcome_label("prohibited", "assistance")[0] == "Prohibited"
    assert outcome_label("needs_review", "federal_conduct")[0] == "Needs review"


def test_values_read_as_people_read_them_and_null_is_never_none() -> None:
    assert [value_text(v) for v in (True, False, None, "civil_immigration")] == [
        "yes", "no", "null", "civil immigration"]


def test_may_apply_items_come_after_certain_ones_as_if_sentences() -> None:
    decision = {
        "outcome": "needs_review", "kind": "assistance", "at": "2025-10-04",
        "reasons": [
            {"rule": "chicago/a", "cites": ["WCO.020(a)"], "text": "CPD does not assist.",
             "status": "may_apply", "if": [{"fact": "purpose", "values": ["civil_immigration"]}]},
            {"rule": "chicago/b", "cites": ["EO2025-6.C5"], "text": "Review joint duties.",
             "status": "applies"},
        ],
        "obligations": [
            {"rule": "chicago/log", "cites": ["WCO.RPT"], "text": "Log it.", "status": "may_apply",
             "if": [{"fact": "purpose", "values": ["civil_immigration"]},
                    {"fact": "imminent_threat", "values": [False]}]},
        ],
    }
    view = present(decision)
    reasons = view["sections"][0]
    assert [i["rule"] for i in reasons["certain"]] == ["chicago/b"]
    assert [i["if_text"] for i in reasons["conditional"]] == ["If purpose is civil immigration"]
    duty = view["sections"][1]["conditional"][0]
    assert duty["if_text"] == "If purpose is civil immigration and imminent threat is no"
    text = render_text(decision)
    assert text.index("Review joint duties.") < text.index(
        "If purpose is civil immigration: CPD does not assist.")
    assert "If purpose is civil immigration and imminent threat is no: Log it." in text


def test_items_without_status_are_certain_and_urgent_duties_lead() -> None:
    decision = {"outcome": "prohibited", "kind": "federal_conduct", "obligations": [
        {"rule": "x/report", "cites": ["EO2026-1.C4"], "text": "Report."},
        {"rule": "x/ems", "cites": ["EO2026-1.C5"], "text": "Call EMS.", "urgent": True},
    ]}
    duties = present(decision)["sections"][1]
    assert [i["rule"] for i in duties["certain"]] == ["x/ems", "x/report"]
    assert duties["conditional"] == []
    assert if_text([]) == "If the facts not yet known allow it"


def test_law_changes_read_as_sentences() -> None:
    later = {"at": "2025-10-06T00:00:00-05:00", "outcome": "prohibited", "cites": ["ICEFZ.C1"]}
    earlier = {"at": "2021-08-02T00:00:00-05:00", "until": "2025-08-30T00:00:00-05:00",
               "outcome": "permitted", "cites": ["WCO.020(a)"]}
    at = "2025-10-01T00:00:00-05:00"
    assert law_change_sentence(later, at) == "From 2025-10-06 this is prohibited (ICEFZ.C1)."
    assert law_change_sentence(earlier, at) == "Before 2025-08-30 this was permitted (WCO.020(a))."
    bounded = {**later, "until": "2026-02-01T00:00:00-06:00"}
    assert law_change_sentence(bounded, at).startswith("From 2025-10-06 to 2026-02-01 this is")
    text = render_text({"outcome": "permitted", "kind": "property_use", "at": at,
                        "law_changes": [earlier, later]})
    assert "When the law changes the answer:" in text
    assert "  - From 2025-10-06 this is prohibited (ICEFZ.C1)." in text


def test_flips_grouped_by_fact_and_outcome_answerable_facts_first_capped(chicago: Decider) -> None:
    """The issue's National Guard patrol: many single flips, mostly other agencies."""
    d = decide(chicago, "assistance", "2025-10-04", agency="national_guard", activity="patrol")
    assert len(d["flips"]) > FLIP_LIMIT
    groups, more = flip_groups(d)
    assert len(groups) <= FLIP_LIMIT
    pairs = [(g["fact"], g["outcome"]) for g in groups]
    assert len(set(pairs)) == len(pairs)  # one line per fact and outcome
    total = len({(f["fact"], f["outcome"]) for f in d["flips"]})
    assert len(groups) + more == total
    facts = [g["fact"] for g in groups]
    # facts of the request itself (who asks, what for) after anything a person can answer
    request = [i for i, f in enumerate(facts) if f in ("agency", "activity", "within_jurisdiction")]
    others = [i for i, f in enumerate(facts) if f not in ("agency", "activity", "within_jurisdiction")]
    assert not others or not request or max(others) < min(request)
    for g in groups:
        assert "be needs review" not in g["sentence"] and "be not applicable" not in g["sentence"]


def test_a_long_flip_list_ends_with_and_n_more() -> None:
    flips = [{"fact": f"f{i}", "value": True, "outcome": "permitted"} for i in range(FLIP_LIMIT + 3)]
    text = render_text({"outcome": "prohibited", "kind": "assistance", "flips": flips})
    assert text.rstrip().endswith("  - and 3 more")


def test_grammatical_outcome_words_in_flips() -> None:
    decision = {"outcome": "permitted", "kind": "assistance", "flips": [
        {"fact": "purpose", "value": "civil_immigration", "outcome": "prohibited"},
        {"fact": "purpose", "value": "criminal", "outcome": "needs_review"},
        {"fact": "within_jurisdiction", "value": False, "outcome": "not_applicable"},
    ]}
    sentences = [g["sentence"] for g in flip_groups(decision)[0]]
    assert "This would need review if purpose were criminal." in sentences
    assert "This would be prohibited if purpose were civil immigration." in sentences
    assert "This would fall outside these rules if within jurisdiction were no." in sentences


def test_taking_a_mask_off_never_reads_as_making_things_worse(chicago: Decider) -> None:
    d = decide(chicago, "appearance", "2025-10-04", officer_type="local", face_covering="balaclava")
    assert d["outcome"] == "prohibited"
    groups, _ = flip_groups(d)
    mask = [g for g in groups if g["fact"] == "face_covering"]
    assert mask, groups
    for g in mask:
        assert g["sentence"].startswith("This would no longer be prohibited if face covering were")


def test_page_and_text_share_the_same_words(chicago: Decider) -> None:
    d = decide(chicago, "federal_conduct", "2026-03-01", agency="ice", alleged_violation="state_felony",
               injuries=True)
    text = render_text(d)
    assert text.splitlines()[0] == "UNLAWFUL CONDUCT — CPD DUTIES APPLY"
    duties = present(d)["sections"][1]["certain"]
    assert duties[0]["cites"] == ["EO2026-1.C5"]
    assert "None" not in text


def test_most_values_of_a_fact_read_as_any_other_than(chicago: Decider) -> None:
    """The issue's National Guard patrol: 29 single flips, mostly other agencies."""
    from brightline.rules import pack_catalog

    d = decide(chicago, "assistance", "2025-10-04", agency="national_guard", activity="patrol")
    facts = {f["name"]: f for f in pack_catalog("chicago", PACKS)["kinds"]["assistance"]["facts"]}
    groups, more = flip_groups(d, facts)
    assert len(d["flips"]) >= 20 and len(groups) <= 5 and more == 0
    agency = [g for g in groups if g["fact"] == "agency"]
    assert agency[0]["value_words"] == "any other than military or national guard"
    assert groups[-1]["fact"] in ("agency", "activity", "within_jurisdiction")


def test_item_line_reads_if_for_what_may_apply() -> None:
    from brightline.service.presentation import item_line

    assert item_line({"text": "Log it.", "status": "applies"}) == "Log it."
    assert item_line({"text": "Log it.", "status": "may_apply",
                      "if": [{"fact": "agency", "values": ["ice", "cbp"]}]}) == (
        "If agency is ice or cbp: Log it.")


def test_if_reads_unknown_and_alone_forms() -> None:
    assert if_text([{"fact": "purpose", "values": [], "unknown": True}]) == (
        "If purpose stays unknown")
    spec = {"basis": {"type": "enum", "values": ["none", "statute", "court_order",
                                                   "judicial_criminal_warrant"]}}
    assert if_text([{"fact": "basis", "values": ["none", "statute", "court_order"]}], spec) == (
        "If basis is other than judicial criminal warrant")
    assert if_text([{"fact": "purpose", "values": ["civil_immigration"], "alone": True},
                    {"fact": "basis", "values": ["immigration_detainer"], "alone": True}]) == (
        "If purpose is civil immigration or basis is immigration detainer")
    assert if_text([{"fact": "agency", "values": ["ice"]},
                    {"fact": "purpose", "values": ["civil_immigration"], "alone": True},
                    {"fact": "basis", "values": ["immigration_detainer"], "alone": True}]) == (
        "If agency is ice and either purpose is civil immigration or basis is immigration detainer")
