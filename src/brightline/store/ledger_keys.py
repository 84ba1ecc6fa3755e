"""The ledger's signing key: from the settings (``BRIGHTLINE_SIGNING_KEY``), else a key file in
the data directory, created on first start (mode 0600, never overwritten)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from brightline import settings
from brightline.ledger.checkpoint import NoteSigner

SIGNING_KEY_FILE = "ledger-signing.key"


def data_dir() -> Path:
    """Where local state lives: BRIGHTLINE_DATA_DIR, else ``var``."""
    return settings.current().data_dir


def load_signer(origin: str) -> NoteSigner:
    """The checkpoint signer: BRIGHTLINE_SIGNING_KEY (a C2SP private key) if set, else the key
    file in the data dir, created on first start (mode 0600, never overwritten)."""
    skey = settings.current().signing_key
    if skey:
        return NoteSigner.from_skey(skey.strip())
    path = data_dir() / SIGNING_KEY_FILE
    if not path.exists():
        _create_key_file(path, NoteSigner.generate(origin).skey)
    return NoteSigner.from_skey(path.read_text(encoding="ascii").strip())


def _create_key_file(path: Path, skey: str) -> None:
    """Write the key to a private temporary file, then link it into place: another process
    starting at the same moment either wins (we read its key) or finds ours complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, (skey + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
