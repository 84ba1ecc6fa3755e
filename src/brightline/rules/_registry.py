"""Where packs live, and loading each layered pack once per process.

The packs folder is the argument when one is given, else the process default: the folder set by
:func:`use_packs_dir` (the CLI and the service pass their setting once, at start), else
``brightline/_packs`` inside an installed wheel, else ``<repo>/packs``. Settings come as
arguments; no variable of the process is read here.
"""

from __future__ import annotations

import threading
from pathlib import Path

from brightline.errors import PackError
from brightline.rules._law import load_law
from brightline.rules._loader import PackLoader, available
from brightline.rules._model import LawKey, LayeredPack

_LOCK = threading.RLock()
_PACKS: dict[tuple[Path, str], LayeredPack] = {}
_CHOSEN: list[Path] = []


def default_packs_dir() -> Path:
    """The process default packs folder (see the module docstring)."""
    if _CHOSEN:
        return _CHOSEN[0]
    bundled = Path(__file__).resolve().parents[1] / "_packs"
    if bundled.is_dir():
        return bundled
    return Path(__file__).resolve().parents[3] / "packs"


def use_packs_dir(folder: Path | str | None) -> None:
    """Make ``folder`` the process default packs folder (None: back to the bundled packs) and
    forget every pack loaded before (see :func:`brightline.rules.reset`)."""
    from brightline.rules._engine import reset

    with _LOCK:
        _CHOSEN.clear()
        if folder is not None:
            _CHOSEN.append(Path(folder))
    reset()


def resolve_packs_dir(explicit: Path | str | None = None) -> Path:
    """``explicit`` as a path, else the process default."""
    return Path(explicit) if explicit is not None else default_packs_dir()


def load_pack(name: str, packs_dir: Path | str | None = None) -> LayeredPack:
    """The validated layered pack ``name`` (cached); PackError if it does not validate."""
    folder = resolve_packs_dir(packs_dir).resolve()
    key = (folder, name)
    found = _PACKS.get(key)
    if found is not None:
        return found
    with _LOCK:
        if key not in _PACKS:
            loader = PackLoader(folder)
            pack = loader.load(name)
            for done in loader.loaded.values():
                _PACKS.setdefault((folder, done.name), done)
            _PACKS[key] = pack
        return _PACKS[key]


def available_packs(packs_dir: Path | str | None = None) -> list[str]:
    """Names of the packs in the packs folder (folders holding a pack.yaml)."""
    return available(resolve_packs_dir(packs_dir))


def law_keys(packs_dir: Path | str | None = None) -> dict[str, dict[str, str | None]]:
    """Every citation key of ``law.yaml``: key → text, instrument, from, until, scope."""
    return {key: law.to_dict() for key, law in law_book(packs_dir).items()}


def law_book(packs_dir: Path | str | None = None) -> dict[str, LawKey]:
    """Every citation key of the packs folder's ``law.yaml``."""
    folder = resolve_packs_dir(packs_dir).resolve()
    path = folder / "law.yaml"
    if not path.is_file():
        raise PackError("law.yaml not found", file=str(path))
    return dict(load_law(path, folder)[0])


def clear_cache() -> None:
    """Forget loaded packs (tests and `pack test` after edits)."""
    with _LOCK:
        _PACKS.clear()
