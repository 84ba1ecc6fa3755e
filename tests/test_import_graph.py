"""One front door: the web and the command line reach the rules engine, the store and the roster
only through the service (issue 14). The pure ledger package may be used directly (it holds no
state); the service is where everything else is joined."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "brightline"
ADAPTERS = ("web", "cli")
BEHIND_THE_SERVICE = ("brightline.rules", "brightline.store", "brightline.roster")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_web_and_cli_import_no_engine_store_or_roster_module() -> None:
    crossings = []
    for adapter in ADAPTERS:
        for path in sorted((SRC / adapter).rglob("*.py")):
            for name in _imports(path):
                if name.startswith(BEHIND_THE_SERVICE) or name in (
                    "brightline.rules",
                    "brightline.store",
                    "brightline.roster",
                ):
                    crossings.append(f"{path.relative_to(SRC)} imports {name}")
    assert crossings == [], "\n".join(crossings)


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("def f():\n    from brightline.rules import decide\n    return decide\n")
    assert "brightline.rules" in _imports(sample)
