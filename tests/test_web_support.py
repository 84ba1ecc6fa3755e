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

ROLES = ("officer", "supervisor", "auditor", "admin")
PASSWORD = "a long enough password 1"

DETAINER_CASE: dict[str, Any] = {
    "jurisdiction": "chicago",
    "at": "2025-10-04T10:30:00-05:00",
    "kind": "assistance",
    "facts": {
        "agency": "ice",
        "activity": "detainer_hold",
        "purpose": "civil_immigration",
        "basis": "immigration_detainer",
    },
}
# The purpose is unknown while an immigration agency asks for a traffic stop: needs_review.
OPEN_CASE: dict[str, Any] = {
    "jurisdiction": "chicago",
    "at": "2025-11-14T19:40:00-06:00",
    "kind": "assistance",
    "facts": {"agency": "hsi", "activity": "traffic_stop"},
}
REPORT = {
    "category": "officer_appearance",
    "description": "An officer in CPD uniform wore a ski mask and no name plate.",
}


@dataclass
class Web:
    service: Service
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def login(self, role: str) -> TestClient:
        """Sign the client's browser session in as the account of ``role``."""
        csrf = csrf_of(self.client.get("/login").text)
        reply = self.client.post(
            "/login",
            data={"username": f"{role}1", "password": PASSWORD, "csrf_token": csrf, "next": "/"},
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
    web = Web(service, TestClient(app, raise_server_exceptions=False))
    for role in ROLES:
        service.add_user(f"{role}1", PASSWORD, role)
        web.tokens[role] = service.issue_token(service.get_user(f"{role}1"), "test")
    service.add_user("officer2", PASSWORD, "officer")
    web.tokens["officer2"] = service.issue_token(service.get_user("officer2"), "test")
    return web


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
