"""`brightline roster import|lookup` on a real-data subset: the printed counts, the reason for
each rejection kind, a second run importing nothing, and a bad lookup exiting 2."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from brightline.cli import main
from test_roster_support import ROSTER_FILE, subset_dir


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BRIGHTLINE_SIGNING_KEY", raising=False)
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_import_prints_counts_and_a_second_run_imports_nothing(
    env: str, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    subset = subset_dir(tmp_path_factory)
    assert main(["roster", "import", str(subset), "--database", env]) == 0
    first = capsys.readouterr().out
    assert "(roster): read " in first and ", rejected 0" in first
    assert "rejected 14 x former_name, e.g. unit_reference.csv line" in first
    assert main(["roster", "import", str(subset), "--database", env]) == 0
    second = capsys.readouterr().out
    assert "total: read" in second and "imported 0," in second.splitlines()[-1]
    assert "profiles newly linked to roster rows: 0" in second
    assert main(["roster", "lookup", "--name", "abbate", "--database", env]) == 0
    assert "ABBATE" in capsys.readouterr().out


def test_rejections_are_printed_with_their_reason(
    env: str,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = gzip.decompress((subset_dir(tmp_path_factory) / ROSTER_FILE).read_bytes()).decode()
    header, *rows = text.splitlines()
    star = header.split(",").index("star1")
    cells = rows[0].split(",")
    cells[star] = "12B"
    broken = tmp_path / "in" / ROSTER_FILE
    broken.parent.mkdir()
    broken.write_bytes(gzip.compress("\n".join([header, ",".join(cells), *rows[1:], ""]).encode()))
    assert main(["roster", "import", str(broken), "--database", env]) == 0
    out = capsys.readouterr().out
    assert f"imported {len(rows) - 1}, unchanged 0, rejected 1" in out
    assert "rejected 1 x bad_star, e.g." in out and "star1: '12B' is not a number" in out


def test_bad_input_exits_2_with_one_line(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["roster", "lookup", "--star", "12x", "--database", env]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "star must be a whole number" in err
    assert main(["roster", "import", "/nonexistent/roster", "--database", env]) == 2
    assert "no such file or directory" in capsys.readouterr().err
