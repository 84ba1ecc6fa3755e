"""`brightline decide` and `brightline pack test|show`: output, exit codes, one-line errors."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from brightline.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "packs"


def copy_fixture_packs(tmp_path: Path) -> Path:
    """A copy of the fixture packs that a test may change."""
    packs = tmp_path / "packs"
    shutil.copytree(FIXTURES, packs)
    return packs
REPO = Path(__file__).resolve().parents[1]
CASE = {"jurisdiction": "testland", "at": "2025-10-04", "kind": "assistance",
        "facts": {"agency": "ice", "activity": "patrol"}}


def run(args: list[str], stdin: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_decide_json_from_stdin(capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(["decide", "--packs", str(FIXTURES)], json.dumps(CASE), capsys,
                         monkeypatch)
    assert code == 0 and err == ""
    decision = json.loads(out)
    assert decision["outcome"] == "needs_review"
    assert decision["questions"][0]["fact"] == "imminent_threat"
    assert decision["flips"]


def test_decide_from_file_without_flips(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "case.json"
    file.write_text(json.dumps(CASE))
    code, out, _ = run(["decide", str(file), "--no-flips", "--packs", str(FIXTURES)], "", capsys,
                       monkeypatch)
    assert code == 0 and json.loads(out)["flips"] == []


def test_decide_text_format(capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(["decide", "-", "--format", "text", "--packs", str(FIXTURES)],
                       json.dumps(CASE), capsys, monkeypatch)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "NEEDS REVIEW"
    # the engine says the patrol rule only may apply (the threat is unknown): "If …" first
    assert (
        "  - If imminent threat is no: No joint patrols with federal agents.  [testland/joint-patrol]"
        in lines
    )
    assert "      CITY.1: No joint patrols with federal agents." in lines  # clause from law.yaml
    assert "Duties:" in lines and "Questions:" in lines
    assert any(line.startswith("  - Is there an immediate threat") and "true, false" in line
               for line in lines)
    assert "  - This would be permitted if imminent threat were yes." in lines
    assert out.index("Why:") < out.index("Duties:") < out.index("Questions:") < out.index(
        "What would change the answer:")


@pytest.mark.parametrize(
    ("stdin", "needle"),
    [
        ("{not json", "case is not valid JSON"),
        (json.dumps({**CASE, "facts": {"agency": "icee"}}),
         '"icee" is not a value of fact \'agency\' (allowed: ice, cbp, fbi, local_police)'),
        (json.dumps({**CASE, "kind": "nope"}), 'kind "nope" is not a kind of pack'),
        (json.dumps({**CASE, "at": "2020-01-01"}), "outside the coverage"),
        (json.dumps({**CASE, "jurisdiction": "atlantis"}), 'jurisdiction "atlantis" has no pack'),
        (json.dumps([CASE]), "a case is a JSON object"),
    ],
)
def test_decide_invalid_case_exits_2_with_one_line(
    stdin: str, needle: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(["decide", "--packs", str(FIXTURES)], stdin, capsys, monkeypatch)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("brightline: ") and needle in err


def test_decide_missing_file_exits_2(capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(["decide", "/nonexistent/case.json"], "", capsys, monkeypatch)
    assert code == 2 and "cannot read case file" in err


def test_decide_broken_pack_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    packs = copy_fixture_packs(tmp_path)
    rules = packs / "testland" / "rules" / "assistance.yaml"
    rules.write_text(rules.read_text().replace("cites: [CITY.1]", "cites: [CITY.9]"))
    code, out, err = run(["decide", "--packs", str(packs)], json.dumps(CASE), capsys, monkeypatch)
    assert code == 1 and out == ""
    assert "packs/testland/rules/assistance.yaml:" in err and "unknown citation 'CITY.9'" in err


def test_decide_as_a_subprocess() -> None:
    env = {**os.environ, "BRIGHTLINE_PACKS_DIR": str(FIXTURES)}
    exe = REPO / ".venv" / "bin" / "brightline"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "brightline"]
    ok = subprocess.run([*command, "decide"], input=json.dumps(CASE), env=env,
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and json.loads(ok.stdout)["outcome"] == "needs_review"
    bad = subprocess.run([*command, "decide"], input=json.dumps({**CASE, "facts": {"x": 1}}),
                         env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith('brightline: unknown fact "x"') and bad.stderr.count("\n") == 1


def write_scenarios(packs: Path, body: str) -> None:
    folder = packs / "testland" / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "patrols.yaml").write_text(body)


SCENARIOS = """\
- name: joint patrol after the order
  at: 2025-10-04
  kind: assistance
  facts: {agency: ice, activity: patrol, imminent_threat: false}
  expect:
    outcome: prohibited
    cites: [CITY.1]
    obligations: [BASE.2]
    questions: []
    flips: [{fact: imminent_threat, value: true, outcome: permitted}]
- name: emergency
  at: 2025-10-04T10:00:00-05:00
  kind: assistance
  facts: {agency: ice, activity: emergency_response}
  expect: {outcome: permitted, cites: [CITY.2], rules: [testland/emergency]}
"""


def test_pack_test_passes_and_lists_unexercised_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    packs = copy_fixture_packs(tmp_path)
    write_scenarios(packs, SCENARIOS)
    code, out, _ = run(["pack", "test", "testland", "--packs-dir", str(packs)], "", capsys,
                       monkeypatch)
    assert code == 0
    assert "testland: 2/2 scenarios pass" in out
    assert "2 passed, 0 failed, 2 scenarios in 1 packs" in out
    assert "exercised by no passing scenario: BASE.1, CITY.3, CITY.OLD" in out


def test_pack_test_shows_the_difference_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    packs = copy_fixture_packs(tmp_path)
    write_scenarios(packs, SCENARIOS.replace("outcome: prohibited\n    cites: [CITY.1]",
                                             "outcome: permitted\n    cites: [CITY.2]"))
    code, out, _ = run(["pack", "test", "--packs-dir", str(packs)], "", capsys, monkeypatch)
    assert code == 1
    assert "FAIL testland/patrols/joint patrol after the order" in out
    assert "outcome: expected permitted, got prohibited" in out
    assert "cites: missing CITY.2; unexpected CITY.1" in out
    assert "1 passed, 1 failed, 2 scenarios in 2 packs" in out


def test_pack_test_reports_a_bad_scenario_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    packs = copy_fixture_packs(tmp_path)
    write_scenarios(packs, SCENARIOS.replace("expect: {outcome: permitted", "expect: {outcome: ok"))
    code, _, err = run(["pack", "test", "testland", "--packs-dir", str(packs)], "", capsys,
                       monkeypatch)
    assert code == 1
    assert "packs/testland/scenarios/patrols.yaml:" in err and "'ok' is not one of" in err


def test_pack_show(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(["pack", "show", "testland", "--at", "2025-08-29", "--kind", "assistance",
                        "--packs-dir", str(FIXTURES)], "", capsys, monkeypatch)
    assert code == 0
    assert "testland/old-patrol-review  [assistance] review  from 2021-08-02 until 2025-08-30" in out
    assert "testland/joint-patrol" not in out
    assert "  cites: CITY.OLD" in out and "testbase/detainer-detention" in out
    code, _, err = run(["pack", "show", "testland", "--at", "someday",
                        "--packs-dir", str(FIXTURES)], "", capsys, monkeypatch)
    assert code == 2 and "--at 'someday' is not a date" in err
    code, _, err = run(["pack", "show", "testland", "--kind", "x", "--packs-dir", str(FIXTURES)],
                       "", capsys, monkeypatch)
    assert code == 2 and "kind 'x' is not a kind" in err
