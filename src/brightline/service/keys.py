"""The server's own secrets: the server secret (signs session cookies, keys the hashes of client
addresses) and the key that encrypts reporters' contact details.

Each comes from its setting, else from a file in the data directory created on first start with
mode 0600 (two processes starting at once agree on one file).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from brightline.errors import SettingError
from brightline.settings import Settings

SECRET_FILE = "web-secret.key"
CONTACT_KEY_FILE = "contact.key"


def _key_file(path: Path, make: Callable[[], str]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(make())
        handle.flush()
        os.fsync(handle.fileno())
    return path.read_text(encoding="ascii").strip()


def server_secret(config: Settings) -> str:
    """``BRIGHTLINE_SECRET_KEY``, else ``web-secret.key`` in the data directory."""
    if config.secret_key:
        return config.secret_key
    return _key_file(config.data_path(SECRET_FILE), lambda: secrets.token_urlsafe(48))


def contact_key(config: Settings) -> bytes:
    """``BRIGHTLINE_CONTACT_KEY`` (a Fernet key), else ``contact.key`` in the data directory."""
    from cryptography.fernet import Fernet

    if config.contact_key:
        key = config.contact_key.encode("ascii", "replace")
        try:
            Fernet(key)
        except ValueError:
            raise SettingError(
                "BRIGHTLINE_CONTACT_KEY",
                "a Fernet key: 32 random bytes in URL-safe base64 (44 characters)",
                f"{len(config.contact_key)} characters, not shown",
            ) from None
        return key
    made = _key_file(config.data_path(CONTACT_KEY_FILE), lambda: Fernet.generate_key().decode())
    return made.encode("ascii")
