"""Fixtures and helpers shared by the in-process web tests (no tests here).

``Web`` bundles a TestClient over a fresh Service, with one account per role and a bearer header
for each; ``web`` runs on SQLite and PostgreSQL (``db_url``), ``sqlite_web`` on SQLite only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from brightline.service import Service
from brightline.web import create_app
from brightline.web.security import RateLimiter
from test_service_support import DETAINER_CASE, OPEN_CASE  # noqa: F401  (shared with the web tests)

PASSWORD = "a long enough password 1"

REPORT = {
    "category": "officer_appearance",
    "description": "An officer in CPD uniform wore a ski mask and no name plate.",
}


@dataclass
class Web:
    service: Service
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    def account(self, name: str) -> str:
        """The username of the test account ``name`` (a role, or ``officer2``), created on first
        use (password hashing is slow on purpose, so only the accounts a test needs are made)."""
        username = name if name[-1].isdigit() else f"{name}1"
        if name not in self.tokens:
            role = name.rstrip("0123456789")
            self.service.add_user(username, PASSWORD, role)
            self.tokens[name] = self.service.issue_token(self.service.get_user(username), "test")
        return username

    def auth(self, name: str) -> dict[str, str]:
        self.account(name)
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def login(self, role: str) -> TestClient:
        """Sign the client's browser session in as the account of ``role``."""
        username = self.account(role)
        csrf = csrf_of(self.client.get("/login").text)
        reply = self.client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": csrf, "next": "/"},
            follow_redirects=False,
        )
        assert reply.status_code == 303, reply.text
        return self.client


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def make_web(url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch, **app_args: Any) -> Web:
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(data_dir))
    monkeypatch.delenv("BRIGHTLINE_SIGNING_KEY", raising=False)
    service = Service.open(url)
    app_args.setdefault("report_limiter", RateLimiter(limit=1000, window=60.0))
    app = create_app(service, secret="test-secret", **app_args)
    return Web(service, TestClient(app, raise_server_exceptions=False))


@pytest.fixture
def web(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    w = make_web(db_url, tmp_path, monkeypatch)
    with w.client:
        yield w
    w.service.close()


@pytest.fixture
def sqlite_web(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    w = make_web(sqlite_url, tmp_path, monkeypatch)
    with w.client:
        yield w
    w.service.close()
