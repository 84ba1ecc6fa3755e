"""Build hook: compiles the decision engine's C accelerator (``brightline.rules._native``).

Hatchling builds pure-Python wheels; this hook compiles ``src/brightline/rules/_native.c`` with
setuptools' ``build_ext`` (the compiler and flags CPython was built with). For an editable install
the module is written next to its source; for a wheel it is added to the wheel, which is then
tagged for this interpreter and platform. ``BRIGHTLINE_NO_NATIVE=1`` skips it, and a failed
compile (no compiler, no headers) only warns: the engine then runs on its generated Python
evaluators alone (same answers, slower); under CI a test fails when the module is missing.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MODULE = "brightline.rules._native"
SOURCE = "src/brightline/rules/_native.c"


def compile_native(root: Path, out_dir: Path) -> Path:
    """Compile the extension into ``out_dir`` (laid out by package) and return the file."""
    from setuptools import Distribution, Extension

    ext = Extension(MODULE, sources=[SOURCE], extra_compile_args=["-O2", "-std=c11"])
    dist = Distribution({"name": "brightline-native", "ext_modules": [ext]})
    dist.script_name = "hatch_build.py"
    cmd = dist.get_command_obj("build_ext")
    cmd.build_lib = str(out_dir)  # type: ignore[attr-defined]
    cmd.build_temp = str(out_dir / "tmp")  # type: ignore[attr-defined]
    cwd = os.getcwd()
    os.chdir(root)
    try:
        cmd.ensure_finalized()
        cmd.run()
    finally:
        os.chdir(cwd)
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    built = out_dir / "brightline" / "rules" / f"_native{suffix}"
    if not built.exists():
        raise RuntimeError(f"compiling {SOURCE} produced no {built}")
    return built


class NativeBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get("BRIGHTLINE_NO_NATIVE") == "1":
            return
        root = Path(self.root)
        out = Path(tempfile.mkdtemp(prefix="brightline-native-"))
        try:
            built = compile_native(root, out)
        except Exception as exc:  # no compiler or headers: install the Python engine alone
            print(
                f"brightline: the C evaluator was not built ({exc}); decisions use the generated "
                "Python evaluators (same answers, slower)",
                file=sys.stderr,
            )
            return
        if version == "editable":
            target = root / "src" / "brightline" / "rules" / built.name
            target.write_bytes(built.read_bytes())
            return
        build_data["force_include"][str(built)] = f"brightline/rules/{built.name}"
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
