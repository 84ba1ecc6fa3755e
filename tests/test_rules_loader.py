"""Loading packs: a pack that does not validate does not load, and the error names file, line, path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from brightline.errors import PackError
from brightline.rules import load_pack
from brightline.rules._model import All, Any, Cmp, Known, Not

FIXTURES = Path(__file__).parent / "fixtures" / "packs"


@pytest.fixture
def packs(tmp_path: Path) -> Path:
    """A private copy of the fixture packs, to break one file per test."""
    target = tmp_path / "packs"
    shutil.copytree(FIXTURES, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def load_error(packs: Path, name: str = "testland") -> PackError:
    with pytest.raises(PackError) as info:
        load_pack(name, packs)
    return info.value


def test_fixture_packs_load_into_the_model() -> None:
    pack = load_pack("testland", FIXTURES)
    assert [layer.name for layer in pack.layers] == ["testland", "testbase"]
    assert pack.version == "2.0"
    kind = pack.kinds["assistance"]
    assert kind.fact_names == ("agency", "activity", "basis", "within_jurisdiction", "imminent_threat")
    agency = kind.fact("agency")
    assert agency is not None and agency.question == "Which agency is asking?"  # reworded above
    rules = {r.id: r for r in pack.rules}
    emergency = rules["testland/emergency"]
    assert emergency.overrides == ("testland/joint-patrol",)
    assert emergency.valid_from.isoformat() == "2025-08-30"
    assert emergency.file == "packs/testland/rules/assistance.yaml" and emergency.line > 1
    assert isinstance(emergency.when, Any)
    info = rules["testland/immigration-info"].when
    assert isinstance(info, All) and isinstance(info.items[2], Not)
    assert info.items[1] == Cmp("agency", frozenset({"ice", "cbp"}))  # in_set expanded
    assert rules["testland/joint-patrol"].guard == Cmp("within_jurisdiction", frozenset({True}))
    assert rules["testbase/detainer-detention"].guard is None  # testbase has no applies_when
    assert rules["testland/old-patrol-review"].valid_until is not None
    assert Known("x").known is True


def test_citation_typo_names_file_line_path(packs: Path) -> None:
    file = packs / "testland" / "rules" / "assistance.yaml"
    edit(file, "cites: [CITY.1]", "cites: [CITY.l]")
    err = load_error(packs)
    assert err.file == "packs/testland/rules/assistance.yaml"
    assert err.line == line_of(file, "CITY.l")
    assert err.path == "rules[0].cites[0]"
    assert "unknown citation 'CITY.l'" in str(err)
    assert "did you mean" in str(err) and "CITY.1" in str(err)
    assert str(err).startswith(f"packs/testland/rules/assistance.yaml:{err.line}: rules[0].cites[0]")


def test_unknown_value_lists_the_allowed_values(packs: Path) -> None:
    file = packs / "testland" / "rules" / "assistance.yaml"
    edit(file, "in: [ice, cbp, fbi]", "in: [ice, icee, fbi]")
    err = load_error(packs)
    assert err.line == line_of(file, "icee")
    assert err.path == "rules[0].when.all[1].in[1]"
    assert "'icee' is not a value of fact 'agency' (allowed: ice, cbp, fbi, local_police)" in str(err)


def test_override_cycle_is_an_error(packs: Path) -> None:
    file = packs / "testland" / "rules" / "assistance.yaml"
    edit(file, "  text: No joint patrols with federal agents.",
         "  text: No joint patrols with federal agents.\n  overrides: [emergency]")
    err = load_error(packs)
    assert "override cycle" in str(err)
    assert "testland/joint-patrol" in str(err) and "testland/emergency" in str(err)
    assert err.file == "packs/testland/rules/assistance.yaml" and err.line


def test_bad_date_is_an_error(packs: Path) -> None:
    file = packs / "testland" / "rules" / "assistance.yaml"
    edit(file, "from: 2025-08-30", "from: 2025-02-30")
    err = load_error(packs)
    assert err.line == line_of(file, "2025-02-30")
    assert err.path == "rules[0].from"
    assert "bad date '2025-02-30'" in str(err)


def test_from_must_precede_until(packs: Path) -> None:
    file = packs / "testland" / "rules" / "assistance.yaml"
    edit(file, "until: 2025-08-30", "from: 2025-09-01\n  until: 2025-08-30")
    err = load_error(packs)
    assert err.path == "rules[1].until" and "must be after from" in str(err)


def test_unknown_fact_and_set_and_kind(packs: Path) -> None:
    file = packs / "testland" / "rules" / "assistance.yaml"
    edit(file, "{fact: imminent_threat, is: true}", "{fact: imminent, is: true}")
    err = load_error(packs)
    assert "unknown fact 'imminent' for kind 'assistance'" in str(err)
    assert err.path == "rules[2].when.any[1].all[1].fact"
    shutil.copy(FIXTURES / "testland" / "rules" / "assistance.yaml", file)
    edit(file, "in_set: immigration_agencies", "in_set: immigration_agency")
    assert "unknown value set 'immigration_agency'" in str(load_error(packs))
    shutil.copy(FIXTURES / "testland" / "rules" / "assistance.yaml", file)
    edit(file, "kind: assistance", "kind: assistence")
    assert "unknown kind 'assistence'" in str(load_error(packs))


def test_is_needs_a_boolean_fact(packs: Path) -> None:
    file = packs / "testland" / "rules" / "assistance.yaml"
    edit(file, "{fact: activity, equals: patrol}", "{fact: activity, is: true}")
    assert "'is' compares booleans" in str(load_error(packs))


def test_overrides_are_limited_to_the_own_pack_and_kind(packs: Path) -> None:
    file = packs / "testland" / "rules" / "assistance.yaml"
    edit(file, "overrides: [joint-patrol]", "overrides: [detainer-detention]")
    err = load_error(packs)
    assert "not a rule of pack 'testland'" in str(err)
    assert err.path == "rules[2].overrides[0]"
    shutil.copy(FIXTURES / "testland" / "rules" / "assistance.yaml", file)
    edit(file, "overrides: [joint-patrol]", "overrides: [no-balaclava]")
    assert "only rules of the same kind" in str(load_error(packs))


def test_schema_errors_name_the_key(packs: Path) -> None:
    file = packs / "testland" / "pack.yaml"
    edit(file, "default_outcome: not_applicable", "default_outcome: maybe")
    err = load_error(packs)
    assert err.line == line_of(file, "default_outcome") and err.path == "default_outcome"
    assert "'maybe' is not one of" in str(err)
    shutil.copy(FIXTURES / "testland" / "pack.yaml", file)
    rules = packs / "testland" / "rules" / "assistance.yaml"
    edit(rules, "  effect: prohibit\n  from: 2025-08-30", "  effect: prohibit\n  form: 2025-08-30")
    err = load_error(packs)
    assert err.path == "rules[0]" and "'form' was unexpected" in str(err)
    edit(rules, "form:", "from:")
    edit(rules, "effect: review", "effect: revue")
    assert load_error(packs).path == "rules[1].effect"


def test_fact_redeclared_differently(packs: Path) -> None:
    edit(packs / "testland" / "pack.yaml", "values: [ice, cbp, fbi, local_police]",
         "values: [ice, cbp, fbi]")
    err = load_error(packs)
    assert "fact 'agency' of kind 'assistance' redeclared differently" in str(err)
    assert err.path == "kinds.assistance.facts.agency"


def test_layering_cycle_and_missing_layer(packs: Path) -> None:
    edit(packs / "testbase" / "pack.yaml", "default_outcome: permitted",
         "default_outcome: permitted\nlayers_over: [testland]")
    assert "layering cycle: testland -> testbase -> testland" in str(load_error(packs))
    shutil.copy(FIXTURES / "testbase" / "pack.yaml", packs / "testbase" / "pack.yaml")
    edit(packs / "testland" / "pack.yaml", "layers_over: [testbase]", "layers_over: [nowhere]")
    err = load_error(packs)
    assert "no pack 'nowhere'" in str(err) and err.path == "layers_over[0]"


def test_duplicate_rule_id_and_bad_yaml(packs: Path) -> None:
    file = packs / "testland" / "rules" / "assistance.yaml"
    edit(file, "- id: old-patrol-review", "- id: joint-patrol")
    assert "duplicate rule id 'joint-patrol'" in str(load_error(packs))
    file.write_text("- id: [unclosed\n")
    err = load_error(packs)
    assert "YAML syntax" in str(err) and err.file == "packs/testland/rules/assistance.yaml"


def test_pack_name_must_match_its_folder(packs: Path) -> None:
    edit(packs / "testland" / "pack.yaml", "pack: testland", "pack: elsewhere")
    assert "folder is 'testland'" in str(load_error(packs))


def test_fallback_only_on_permit_or_not_applicable(packs: Path) -> None:
    file = packs / "testland" / "rules" / "assistance.yaml"
    edit(file, "  text: No joint patrols with federal agents.",
         "  text: No joint patrols with federal agents.\n  fallback: true")
    assert "fallback is for permit and not_applicable rules" in str(load_error(packs))


def test_law_yaml_errors_name_the_key(packs: Path) -> None:
    law = packs / "law.yaml"
    edit(law, "    scope: illinois\n    text: No detention", "    scope: ohio\n    text: No detention")
    err = load_error(packs)
    assert err.file == "packs/law.yaml" and err.path == "keys.BASE.1.scope"
    assert "'ohio' is not one of illinois, cook_county, chicago, general, california" in str(err)
    shutil.copy(FIXTURES / "law.yaml", law)
    edit(law, "from: 2025-08-30\n    scope: chicago\n    text: No joint",
         "from: 2025-08-32\n    scope: chicago\n    text: No joint")
    assert "bad date '2025-08-32'" in str(load_error(packs))


def test_included_file_must_be_a_list_of_rules(packs: Path) -> None:
    file = packs / "testland" / "rules" / "assistance.yaml"
    file.write_text("id: not-a-list\n")
    err = load_error(packs)
    assert err.file == "packs/testland/rules/assistance.yaml" and err.path == "rules"
    assert "is not of type 'array'" in str(err)
    edit(packs / "testland" / "pack.yaml", "include: [rules/assistance.yaml]",
         "include: [rules/missing.yaml]")
    err = load_error(packs)
    assert "included file 'rules/missing.yaml' not found" in str(err)
    assert err.path == "include[0]"


def test_a_pack_that_does_not_validate_never_loads(packs: Path) -> None:
    from brightline.errors import InvalidCase
    from brightline.rules import Decider

    edit(packs / "testland" / "rules" / "assistance.yaml", "cites: [CITY.1]", "cites: [NOPE]")
    decider = Decider(packs)
    case = {"jurisdiction": "testland", "at": "2025-10-04", "kind": "assistance", "facts": {}}
    with pytest.raises(PackError):
        decider.decide(case)
    with pytest.raises(PackError):  # still not loaded on a second try: no half-built pack
        decider.decide(case)
    assert not isinstance(PackError("x"), InvalidCase)
