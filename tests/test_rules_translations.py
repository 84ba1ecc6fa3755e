"""What residents read, in their language, kept in the pack beside the English: value labels
and per-language questions and labels of a fact, checked when the pack loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from brightline.errors import PackError
from brightline.rules import load_pack, pack_catalog

FIXTURES = Path(__file__).parent / "fixtures" / "packs"
FACE = """        question: What covers the face?
"""
WORDED = """        question: What covers the face?
        labels: {none: Nothing, medical_mask: A medical mask, balaclava: A balaclava}
        translations:
          es:
            question: ¿Qué cubre la cara?
            labels: {none: Nada, medical_mask: Una mascarilla médica, balaclava: Un pasamontañas}
"""


@pytest.fixture
def packs(tmp_path: Path) -> Path:
    target = tmp_path / "packs"
    shutil.copytree(FIXTURES, target)
    return target


def _word(packs: Path, text: str) -> Path:
    path = packs / "testland" / "pack.yaml"
    source = path.read_text()
    assert FACE in source
    path.write_text(source.replace(FACE, text, 1))
    return path


def _error(packs: Path) -> PackError:
    with pytest.raises(PackError) as info:
        load_pack("testland", packs)
    return info.value


def test_labels_and_translations_load_and_reach_the_catalog(packs: Path) -> None:
    _word(packs, WORDED)
    fact = load_pack("testland", packs).kinds["appearance"].fact("face_covering")
    assert fact is not None and fact.labels["balaclava"] == "A balaclava"
    assert fact.translations["es"]["question"] == "¿Qué cubre la cara?"
    facts = pack_catalog("testland", packs)["kinds"]["appearance"]["facts"]
    listed = next(f for f in facts if f["name"] == "face_covering")
    assert listed["translations"]["es"]["labels"]["none"] == "Nada"


def test_a_label_for_a_value_the_fact_does_not_have_is_refused(packs: Path) -> None:
    _word(packs, WORDED.replace("balaclava: A balaclava}", "ski_mask: A ski mask}", 1))
    err = _error(packs)
    assert "label for 'ski_mask', which is not a value of fact 'face_covering'" in str(err)
    assert "balaclava" in str(err)  # the allowed values are listed


def test_a_translation_missing_a_label_is_refused(packs: Path) -> None:
    _word(packs, WORDED.replace(", balaclava: Un pasamontañas}", "}"))
    err = _error(packs)
    assert "the es translation of fact 'face_covering' must label the same values" in str(err)
    assert "missing ['balaclava']" in str(err)


def test_a_translation_without_a_question_is_refused(packs: Path) -> None:
    _word(packs, WORDED.replace("            question: ¿Qué cubre la cara?\n", ""))
    err = _error(packs)
    assert "question" in str(err) and "es" in str(err)


def test_the_chicago_pack_translates_what_the_report_form_asks() -> None:
    from brightline.web.i18n import TRANSLATED
    from brightline.web.pages import RESIDENT_FACTS

    catalog = pack_catalog("chicago")
    for kind, names in RESIDENT_FACTS.items():
        facts = {f["name"]: f for f in catalog["kinds"][kind]["facts"]}
        for name in names:
            words = facts[name].get("translations") or {}
            assert set(TRANSLATED) <= set(words), (kind, name)
            if facts[name]["type"] == "enum":
                assert set(facts[name]["labels"]) == set(facts[name]["values"]), (kind, name)
