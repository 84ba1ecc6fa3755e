"""Names shared by the end-to-end tests and their fixtures (no tests here)."""

from __future__ import annotations

from dataclasses import dataclass

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROLES = ("officer", "supervisor", "auditor", "admin")
PASSWORD = "browser test password"


@dataclass
class Server:
    url: str
    env: dict[str, str]
