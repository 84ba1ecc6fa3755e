"""Decisions that say exactly what is known (issue 10's engine parts): status and ``if`` on every
reason, obligation and finding; law changes over time; a default reason that names the moment
and the nearest rules; case validation that names unknown keys and speaks JSON; pack check and
pack diff that count defaults, empty reasons and changed duties."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from brightline.errors import InvalidCase
from brightline.rules import Decider, check_pack, diff_pack, load_pack

PACKS = Path(__file__).resolve().parents[1] / "packs"
DECIDER = Decider(PACKS)
LOT = {
    "owner": "city",
    "property_type": "parking_lot",
    "use": "staging_area",
    "agency": "cbp",
    "purpose": "civil_immigration",
}


def decide(kind: str, at: str, facts: dict[str, Any], **more: Any) -> dict[str, Any]:
    case = {"jurisdiction": "chicago", "at": at, "kind": kind, "facts": facts, **more}
    return DECIDER.decide(case)


def invalid(case: dict[str, Any]) -> InvalidCase:
    with pytest.raises(InvalidCase) as info:
        DECIDER.decide(case)
    return info.value


def test_a_default_explains_itself_with_the_moment_and_the_nearest_rule_in_time() -> None:
    d = decide("property_use", "2025-10-01", LOT)
    assert d["outcome"] == "not_applicable"
    [reason] = d["reasons"]
    assert reason["rule"] == "chicago/default" and reason["status"] == "applies"
    assert reason["cites"] == []  # it rests on no clause; the clauses nearby are named
    assert "2025-10-01" in reason["text"] and "2025-10-06" in reason["text"]
    assert "ICEFZ.C1" in reason["text"]
    assert reason["nearest"][0] == {
        "at": "2025-10-06T00:00:00-05:00",
        "outcome": "prohibited",
        "cites": ["ICEFZ.C1"],
    }


def test_law_changes_name_the_nearest_moments_with_another_outcome() -> None:
    d = decide("property_use", "2025-10-01", LOT)
    assert d["law_changes"] == [
        {
            "at": "2025-10-06T00:00:00-05:00",
            "until": "2025-10-16T00:00:00-05:00",
            "outcome": "prohibited",
            "cites": ["ICEFZ.C1"],
        }
    ]
    later = decide("property_use", "2025-10-20T10:00:00-05:00", LOT)
    assert later["outcome"] == "prohibited"
    assert [(c["at"][:10], c["outcome"]) for c in later["law_changes"]] == [
        ("2021-08-02", "not_applicable")
    ]
    assert later["law_changes"][0]["until"] == "2025-10-06T00:00:00-05:00"


def test_law_changes_are_empty_when_the_law_never_changes_the_answer() -> None:
    d = decide("assistance", "2025-10-04", {"agency": "ice", "activity": "detainer_hold",
                                             "purpose": "civil_immigration",
                                             "basis": "immigration_detainer"})
    assert d["outcome"] == "prohibited" and d["law_changes"] == []


def test_may_apply_items_say_under_which_unknown_facts_they_would_apply() -> None:
    d = decide("assistance", "2025-10-04", {"agency": "ice", "activity": "crowd_control"})
    assert d["outcome"] == "needs_review"
    for item in [*d["reasons"], *d["obligations"], *d["findings"]]:
        assert item["status"] in ("applies", "may_apply")
        if item["status"] == "may_apply":
            assert item["if"], item["rule"]
            for cond in item["if"]:
                assert cond["fact"] in ("purpose", "basis", "imminent_threat", "information",
                                        "written_consent", "inquiry_reason", "existing_agreement")
        else:
            assert "if" not in item
    crowd = next(r for r in d["reasons"] if r["rule"] == "chicago/civil-crowd-or-traffic-control")
    assert {"fact": "purpose", "values": ["civil_immigration"]} in crowd["if"]
    assert {"fact": "imminent_threat", "values": [False]} in crowd["if"]


def test_an_item_that_holds_on_the_known_facts_applies() -> None:
    d = decide("assistance", "2025-10-04", {"agency": "ice", "activity": "detainer_hold",
                                             "purpose": "civil_immigration",
                                             "basis": "immigration_detainer"})
    assert d["reasons"] and all(r["status"] == "applies" for r in d["reasons"])


def test_reasons_are_never_empty_on_random_cases() -> None:
    import random

    pack = load_pack("chicago", PACKS)
    rng = random.Random(10)
    for _ in range(2000):
        kind = rng.choice(list(pack.kinds.values()))
        facts = {f.name: rng.choice(f.values) for f in kind.facts if rng.random() < 0.5}
        day = rng.choice(["2021-08-02", "2025-08-30", "2025-10-10", "2026-02-15"])
        d = decide(kind.name, day, facts)
        assert d["reasons"], (kind.name, day, facts)


@pytest.mark.parametrize("key", ["fatcs", "fact", "when", "Facts"])
def test_an_unknown_top_level_key_is_named(key: str) -> None:
    case = {"jurisdiction": "chicago", "at": "2025-10-04", "kind": "assistance", key: {}}
    err = invalid(case)
    assert f'unknown key "{key}"' in str(err) and err.field == key
    assert "jurisdiction, at, kind and facts" in str(err)


def test_a_misspelled_facts_gets_a_suggestion_and_id_is_allowed() -> None:
    err = invalid({"jurisdiction": "chicago", "at": "2025-10-04", "kind": "assistance",
                   "fatcs": {"agency": "ice"}})
    assert "did you mean facts?" in str(err)
    d = decide("assistance", "2025-10-04", {"agency": "ice"}, id="case-17")
    assert d["outcome"] == "needs_review"


def test_a_compact_date_is_refused_with_a_message_that_says_so() -> None:
    err = invalid({"jurisdiction": "chicago", "at": "20250830", "kind": "assistance",
                   "facts": {}})
    assert err.field == "at"
    assert "compact date" in str(err) and "2025-08-30" in str(err)


def test_messages_speak_json() -> None:
    base = {"jurisdiction": "chicago", "at": "2025-10-04", "kind": "assistance"}
    err = invalid({**base, "facts": {"imminent_threat": "yes"}})
    assert 'use true or false, not "yes"' in str(err)
    err = invalid({**base, "facts": {"agency": 3}})
    assert "not a number 3" in str(err)
    err = invalid({**base, "kind": None})
    assert "kind null" in str(err)
    err = invalid({**base, "at": True, "facts": {}})
    assert "got a boolean true" in str(err)
    for message in (str(invalid({**base, "facts": {"agency": [None]}})),):
        assert "None" not in message and "True" not in message


def test_pack_check_counts_defaults_and_finds_no_decision_without_a_reason() -> None:
    report = check_pack(load_pack("chicago", PACKS))
    assert report["empty_reasons"] == 0
    for kind in report["kinds"].values():
        assert kind["empty_reasons"]["count"] == 0
        assert kind["default_reasons"]["count"] == kind["undecided"]["count"]
    assert report["kinds"]["property_use"]["default_reasons"]["count"] > 0


def test_pack_diff_reports_new_findings_and_duties() -> None:
    pack = load_pack("chicago", PACKS)
    report = diff_pack(pack, date(2025, 12, 8), date(2025, 12, 9), ["federal_conduct"])
    kind = report["kinds"]["federal_conduct"]
    assert kind["duties_changed"] > 0
    bivens = [f for f in kind["findings"] if any(c.startswith("IL-BIVENS") for c in f["cites"])]
    assert bivens and all(f["from"] == "absent" for f in bivens)
    assert all(f["count"] > 0 and f["examples"] for f in bivens)
    later = diff_pack(pack, date(2026, 1, 30), date(2026, 1, 31), ["federal_conduct"])
    assert later["kinds"]["federal_conduct"]["obligations"], "EO 2026-01 duties start then"
