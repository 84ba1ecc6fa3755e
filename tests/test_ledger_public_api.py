"""The ledger package's surface: ``__all__`` names what exists, and the package stays pure (no
database driver, web framework or clock imported by it)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import brightline.ledger as ledger

LEDGER = Path(ledger.__file__).resolve().parent
FORBIDDEN = ("sqlalchemy", "psycopg", "sqlite3", "fastapi", "starlette", "uvicorn", "httpx")
CLOCK = ("time", "datetime")


def test_all_names_exist_once() -> None:
    assert len(ledger.__all__) == len(set(ledger.__all__))
    assert [name for name in ledger.__all__ if not hasattr(ledger, name)] == []


def test_importing_the_ledger_loads_no_driver_or_framework() -> None:
    probe = (
        "import sys, brightline.ledger as l; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_module_of_the_ledger_imports_a_clock() -> None:
    for path in sorted(LEDGER.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                root = name.split(".")[0]
                assert root not in CLOCK + FORBIDDEN, f"{path.name} imports {name}"
