"""``brightline.rules`` has a small public surface: ``__all__`` names every public name, every
name in it exists, every module of the package is private (``_x.py``), and outside code reaches
the engine only through the package."""

from __future__ import annotations

import ast
import pkgutil
import types
from pathlib import Path

import brightline.rules as rules

SRC = Path(rules.__file__).resolve().parents[1]


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name, value in vars(rules).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert sorted(rules.__all__) == sorted(public)
    assert len(set(rules.__all__)) == len(rules.__all__)
    for name in rules.__all__:
        assert getattr(rules, name) is not None


def test_every_module_of_the_package_is_private() -> None:
    names = [m.name for m in pkgutil.iter_modules(rules.__path__)]
    assert names, "no modules found"
    assert [n for n in names if not n.startswith("_")] == []


def test_code_outside_the_engine_imports_only_the_package() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        if "rules" in path.relative_to(SRC).parts[:1]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "brightline.rules."
            ):
                offenders.append(f"{path.relative_to(SRC)}: from {node.module} import ...")
            if isinstance(node, ast.Import):
                offenders += [
                    f"{path.relative_to(SRC)}: import {a.name}"
                    for a in node.names
                    if a.name.startswith("brightline.rules.")
                ]
    assert offenders == []


def test_the_engine_imports_no_clock_environment_or_web() -> None:
    banned = ("os", "time", "fastapi", "starlette", "sqlalchemy", "psycopg", "subprocess")
    for path in Path(rules.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mods = [node.module or ""]
            else:
                continue
            for mod in mods:
                assert mod.split(".")[0] not in banned, f"{path.name} imports {mod}"
        source = path.read_text(encoding="utf-8")
        for call in (".now(", ".today(", "st_mtime", "getenv", "environ", "time.time"):
            assert call not in source, f"{path.name} uses {call}"
