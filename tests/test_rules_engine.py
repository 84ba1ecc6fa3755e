"""Decision semantics on the fixture packs: Kleene logic, layering, overrides, dates, questions,
flips, and every kind of invalid case."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import brightline
import brightline.rules as rules
from brightline.errors import InvalidCase
from brightline.rules import Decider

FIXTURES = Path(__file__).parent / "fixtures" / "packs"
DECIDER = Decider(FIXTURES)


def decide(facts: dict[str, Any], *, at: str = "2025-10-04", kind: str = "assistance",
           jurisdiction: str = "testland", flips: bool = True) -> dict[str, Any]:
    case = {"jurisdiction": jurisdiction, "at": at, "kind": kind, "facts": facts}
    return DECIDER.decide(case, flips=flips)


def rule_ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["rule"] for item in items]


def flip_set(decision: dict[str, Any]) -> set[tuple[str, Any, str]]:
    return {(f["fact"], f["value"], f["outcome"]) for f in decision["flips"]}


def test_decision_has_the_cases_md_shape() -> None:
    d = decide({"agency": "ice", "activity": "patrol", "imminent_threat": False},
               at="2025-10-04T10:30:00-05:00")
    assert list(d) == ["outcome", "jurisdiction", "pack_version", "pack_digest", "at", "kind",
                       "reasons",
                       "obligations", "findings", "questions", "flips", "law_changes"]
    assert d["outcome"] == "prohibited"
    assert (d["jurisdiction"], d["pack_version"], d["kind"]) == ("testland", "2.0", "assistance")
    assert d["at"] == "2025-10-04T10:30:00-05:00"
    assert d["reasons"] == [{"rule": "testland/joint-patrol", "cites": ["CITY.1"],
                             "text": "No joint patrols with federal agents.",
                             "status": "applies"}]
    assert rule_ids(d["obligations"]) == ["testbase/report-immigration-requests"]
    assert d["questions"] == []


def test_unknown_fact_makes_needs_review_with_a_question() -> None:
    d = decide({"agency": "ice", "activity": "patrol"})
    assert d["outcome"] == "needs_review"
    assert rule_ids(d["reasons"]) == ["testland/joint-patrol"]  # U: the override might apply
    assert d["questions"] == [{"fact": "imminent_threat",
                               "text": "Is there an immediate threat to life or safety?",
                               "options": [True, False]}]
    assert ("imminent_threat", True, "permitted") in flip_set(d)
    assert ("imminent_threat", False, "prohibited") in flip_set(d)


def test_kleene_any_is_true_when_one_branch_is_true() -> None:
    d = decide({"agency": "ice", "activity": "emergency_response"})  # imminent_threat unknown
    assert d["outcome"] == "permitted"
    assert rule_ids(d["reasons"]) == ["testland/emergency"]
    assert d["questions"] == []


def test_kleene_not_of_unknown_is_unknown() -> None:
    open_ = decide({"agency": "cbp", "activity": "information_sharing"})
    assert open_["outcome"] == "needs_review"
    assert [q["fact"] for q in open_["questions"]] == ["basis"]
    assert decide({"agency": "cbp", "activity": "information_sharing", "basis": "none"})[
        "outcome"] == "prohibited"
    allowed = decide({"agency": "cbp", "activity": "information_sharing",
                      "basis": "judicial_warrant"})
    assert allowed["outcome"] == "not_applicable"  # no rule decides: testland's default


def test_all_known_facts_decide_without_questions() -> None:
    d = decide({"agency": "fbi", "activity": "detention", "basis": "none",
                "imminent_threat": False})
    assert d["outcome"] == "not_applicable" and d["questions"] == []
    assert rule_ids(d["reasons"]) == ["testland/default"]  # no rule decides: the default reason


def test_prohibition_in_a_lower_layer_wins() -> None:
    # local_police triggers testland's fallback permit; testbase still prohibits the detention
    d = decide({"agency": "local_police", "activity": "detention",
                "basis": "immigration_detainer"})
    assert d["outcome"] == "prohibited"
    assert rule_ids(d["reasons"]) == ["testbase/detainer-detention"]


def test_override_applies_only_while_the_overrider_applies() -> None:
    assert decide({"agency": "fbi", "activity": "patrol", "imminent_threat": True})[
        "outcome"] == "permitted"
    assert decide({"agency": "fbi", "activity": "patrol", "imminent_threat": False})[
        "outcome"] == "prohibited"


def test_fallback_permit_only_when_nothing_else_decides() -> None:
    d = decide({"agency": "local_police", "activity": "patrol", "imminent_threat": False})
    assert d["outcome"] == "permitted"
    assert rule_ids(d["reasons"]) == ["testland/local-help"]


def test_applies_when_switches_off_only_its_own_pack() -> None:
    base = {"agency": "ice", "activity": "patrol", "imminent_threat": False}
    assert decide({**base, "within_jurisdiction": False})["outcome"] == "not_applicable"
    detention = {"agency": "ice", "activity": "detention", "basis": "immigration_detainer",
                 "within_jurisdiction": False}
    d = decide(detention)
    assert d["outcome"] == "prohibited"  # testbase has no applies_when: it still binds
    assert rule_ids(d["obligations"]) == ["testbase/report-immigration-requests"]


def test_obligations_come_whatever_the_outcome() -> None:
    for facts in ({"agency": "ice", "activity": "emergency_response"},
                  {"agency": "ice", "activity": "patrol", "imminent_threat": False},
                  {"agency": "ice"}):
        assert rule_ids(decide(facts)["obligations"]) == ["testbase/report-immigration-requests"]
    assert decide({"agency": "fbi"})["obligations"] == []


def test_rules_change_at_local_midnight() -> None:
    facts = {"agency": "ice", "activity": "patrol", "imminent_threat": False}
    before = decide(facts, at="2025-08-29")
    assert before["outcome"] == "needs_review"
    assert rule_ids(before["reasons"]) == ["testland/old-patrol-review"]
    assert before["reasons"][0]["cites"] == ["CITY.OLD"]
    assert decide(facts, at="2025-08-30")["outcome"] == "prohibited"
    # 04:59 UTC on the 30th is 23:59 on the 29th in Chicago (CDT, -05:00)
    assert decide(facts, at="2025-08-30T04:59:00Z")["outcome"] == "needs_review"
    assert decide(facts, at="2025-08-30T05:00:00+00:00")["outcome"] == "prohibited"
    assert decide(facts, at="2025-08-29T23:59:59-05:00")["outcome"] == "needs_review"
    assert decide(facts, at="2025-08-30T00:00:00-05:00")["outcome"] == "prohibited"


def test_questions_only_for_needs_review_and_in_declaration_order() -> None:
    d = decide({"agency": "ice"})
    assert d["outcome"] == "needs_review"
    assert [q["fact"] for q in d["questions"]] == ["activity"]
    assert d["questions"][0]["options"] == ["detention", "patrol", "emergency_response",
                                            "information_sharing"]
    assert decide({"agency": "ice", "activity": "emergency_response"})["questions"] == []


def test_flips_list_single_changes_that_change_the_outcome() -> None:
    d = decide({"agency": "ice", "activity": "patrol", "imminent_threat": False})
    assert flip_set(d) == {
        ("agency", "local_police", "permitted"),
        ("activity", "detention", "needs_review"),
        ("activity", "emergency_response", "permitted"),
        ("activity", "information_sharing", "needs_review"),
        ("within_jurisdiction", False, "not_applicable"),
        ("imminent_threat", True, "permitted"),
    }
    assert [f["fact"] for f in d["flips"]] == [
        "agency", "activity", "activity", "activity", "within_jurisdiction", "imminent_threat"]
    assert decide({"agency": "ice", "activity": "patrol"}, flips=False)["flips"] == []


def test_appearance_kind_and_fallback() -> None:
    assert decide({"face_covering": "none"}, kind="appearance")["outcome"] == "permitted"
    mask = decide({"face_covering": "medical_mask"}, kind="appearance")
    assert mask["outcome"] == "needs_review"
    assert [q["fact"] for q in mask["questions"]] == ["covering_reason"]
    assert rule_ids(mask["reasons"]) == ["testland/mask-for-concealment"]
    assert decide({"face_covering": "balaclava", "covering_reason": "health"},
                  kind="appearance")["outcome"] == "prohibited"


def test_null_fact_is_unknown() -> None:
    assert decide({"agency": "ice", "activity": "patrol", "imminent_threat": None})[
        "outcome"] == "needs_review"


# ------------------------------------------------------------------ invalid cases


def invalid(case: Any) -> InvalidCase:
    with pytest.raises(InvalidCase) as info:
        DECIDER.decide(case)
    message = str(info.value)
    assert "\n" not in message
    return info.value


GOOD = {"jurisdiction": "testland", "at": "2025-10-04", "kind": "assistance", "facts": {}}


def test_case_must_be_an_object_with_the_required_fields() -> None:
    assert invalid([1, 2]).field == "case"
    err = invalid({"jurisdiction": "testland", "kind": "assistance"})
    assert err.field == "at" and "missing at" in str(err)


def test_unknown_jurisdiction_lists_the_packs() -> None:
    err = invalid({**GOOD, "jurisdiction": "gotham"})
    assert err.field == "jurisdiction" and err.allowed == ["testbase", "testland"]
    assert '"gotham"' in str(err)


def test_unknown_kind_lists_the_kinds() -> None:
    err = invalid({**GOOD, "kind": "parking"})
    assert err.field == "kind" and err.allowed == ["appearance", "assistance"]
    assert invalid({**GOOD, "kind": ["assistance"]}).field == "kind"


def test_unknown_fact_lists_the_facts() -> None:
    err = invalid({**GOOD, "facts": {"agencyy": "ice"}})
    assert err.fact == "agencyy"
    assert 'unknown fact "agencyy"' in str(err) and "agency, activity, basis" in str(err)


def test_value_outside_the_domain() -> None:
    err = invalid({**GOOD, "facts": {"agency": "icee"}})
    assert err.fact == "agency" and err.allowed == ["ice", "cbp", "fbi", "local_police"]
    assert str(err) == (
        '"icee" is not a value of fact \'agency\' (allowed: ice, cbp, fbi, local_police)'
    )


def test_wrong_types_bool_versus_string() -> None:
    err = invalid({**GOOD, "facts": {"imminent_threat": "true"}})
    assert err.fact == "imminent_threat" and "use true or false" in str(err)
    assert err.allowed == [True, False]
    assert invalid({**GOOD, "facts": {"imminent_threat": 1}}).fact == "imminent_threat"
    err = invalid({**GOOD, "facts": {"agency": True}})
    assert err.fact == "agency" and "takes a string value" in str(err)
    assert invalid({**GOOD, "facts": {"agency": ["ice"]}}).fact == "agency"


def test_facts_must_be_an_object() -> None:
    assert invalid({**GOOD, "facts": ["agency", "ice"]}).field == "facts"
    assert invalid({**GOOD, "facts": "agency=ice"}).field == "facts"


@pytest.mark.parametrize("at", ["2025-13-01", "2025-02-30", "yesterday", "2025-10-04T25:00:00Z",
                                "2021-W01-1", "20251004"])
def test_bad_dates(at: str) -> None:
    err = invalid({**GOOD, "at": at})
    assert err.field == "at" and f'"{at}"' in str(err)


def test_moment_without_offset_and_non_string_at() -> None:
    assert "no UTC offset" in str(invalid({**GOOD, "at": "2025-10-04T10:30:00"}))
    assert invalid({**GOOD, "at": 20251004}).field == "at"


def test_moment_before_coverage_names_at_and_the_coverage() -> None:
    err = invalid({**GOOD, "at": "2021-08-01"})
    assert err.field == "at"
    assert "outside the coverage of pack 'testland' (from 2021-08-02)" in str(err)
    assert invalid({**GOOD, "at": "2021-08-02T04:59:00Z"}).field == "at"  # 23:59 local, Aug 1
    assert DECIDER.decide({**GOOD, "at": "2021-08-02"})["outcome"] == "needs_review"


def test_invalid_case_changes_nothing() -> None:
    facts = {"agency": "ice", "activity": "patrol"}
    before = decide(facts)
    invalid({**GOOD, "facts": {"agency": "ice", "activity": "patrol", "basis": "bogus"}})
    assert decide(facts) == before


# ------------------------------------------------------------------ default packs, catalog


@pytest.fixture
def fixture_packs() -> Iterator[None]:
    rules.use_packs_dir(FIXTURES)
    yield
    rules.use_packs_dir(None)


def test_module_decide_uses_the_process_packs_dir(fixture_packs: None) -> None:
    case = {**GOOD, "facts": {"agency": "ice", "activity": "emergency_response"}}
    assert brightline.decide(case)["outcome"] == "permitted"
    assert rules.available_packs() == ["testbase", "testland"]


def test_pack_catalog_lists_kinds_and_facts() -> None:
    catalog = rules.pack_catalog("testland", FIXTURES)
    assert catalog["jurisdiction"] == "testland" and catalog["version"] == "2.0"
    assert catalog["covers"] == {"from": "2021-08-02", "until": None}
    assert catalog["timezone"] == "America/Chicago"
    facts = catalog["kinds"]["assistance"]["facts"]
    assert facts[0] == {"name": "agency", "type": "enum",
                        "values": ["ice", "cbp", "fbi", "local_police"], "default": None,
                        "description": "Reworded description.",
                        "question": "Which agency is asking?"}
    wj = next(f for f in facts if f["name"] == "within_jurisdiction")
    assert wj["type"] == "bool" and wj["default"] is True and wj["values"] == [True, False]


def test_rules_in_force_and_law_keys() -> None:
    from datetime import date

    before = {r["id"] for r in rules.rules_in_force("testland", date(2025, 8, 29), FIXTURES)}
    after = {r["id"] for r in rules.rules_in_force("testland", date(2025, 8, 30), FIXTURES)}
    assert "testland/old-patrol-review" in before and "testland/joint-patrol" not in before
    assert "testland/joint-patrol" in after and "testland/old-patrol-review" not in after
    assert "testbase/detainer-detention" in after
    row = next(r for r in rules.rules_in_force("testland", date(2025, 9, 1), FIXTURES)
               if r["id"] == "testland/emergency")
    assert row["from"] == "2025-08-30" and row["until"] is None and row["pack"] == "testland"
    assert row["effect"] == "permit" and row["cites"] == ["CITY.2"]
    keys = rules.law_keys(FIXTURES)
    assert keys["CITY.1"] == {"text": "No joint patrols with federal agents.",
                              "instrument": "City Order 1", "from": "2025-08-30", "until": None,
                              "scope": "chicago"}


def test_a_moment_decides_like_its_local_day() -> None:
    import random
    from datetime import datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    rng = random.Random(5)
    chicago = ZoneInfo("America/Chicago")
    facts = {"agency": "ice", "activity": "patrol", "imminent_threat": False}
    boundary = datetime(2025, 8, 30, tzinfo=chicago)
    for _ in range(300):
        moment = boundary + timedelta(minutes=rng.randint(-36 * 60, 36 * 60))
        offset = timezone(timedelta(minutes=rng.choice([-600, -360, -300, 0, 60, 330, 840])))
        shown = moment.astimezone(offset)
        at = shown.isoformat()
        if offset.utcoffset(None) == timedelta(0) and rng.random() < 0.5:
            at = shown.strftime("%Y-%m-%dT%H:%M:%SZ")
        local_day = moment.astimezone(chicago).date().isoformat()
        by_moment = decide(facts, at=at, flips=False)
        by_day = decide(facts, at=local_day, flips=False)
        assert by_moment["reasons"] == by_day["reasons"], at
        assert by_moment["outcome"] == by_day["outcome"], at
