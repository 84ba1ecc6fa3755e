"""Fixtures and helpers shared by the in-process web tests (no tests here).

``Web`` bundles a TestClient over a fresh Service, with one account per role and a bearer header
for each; ``web`` runs on SQLite and PostgreSQL (``db_url``), ``sqlite_web`` on SQLite only.
"""

from __future__ import annotations

import dataclasses
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from brightline import settings
from brightline.service import Service
from brightline.web import create_app
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


def make_web(
    url: str,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    config: dict[str, Any] | None = None,
    **app_args: Any,
) -> Web:
    """A Web over a fresh service. ``config`` overrides settings (field: value); the rate
    limits default to generous ones so that tests are not limited by accident."""
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(data_dir))
    monkeypatch.delenv("BRIGHTLINE_SIGNING_KEY", raising=False)
    generous = settings.Rate(10_000, 60)
    overrides = {
        "data_dir": data_dir,
        "report_rate": generous,
        "login_account_rate": generous,
        "login_client_rate": generous,
        **(config or {}),
    }
    service = Service.open(url, dataclasses.replace(settings.from_env(), **overrides))
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(
    url: str, data_dir: Path, seed: Callable[[], Any] = lambda: None
) -> Iterator[tuple[str, Any]]:
    """``brightline serve`` (one uvicorn process) on a free port over the database ``url``,
    after ``seed()`` ran with the same settings: yields (base URL, what ``seed`` returned)."""
    env = {
        **os.environ,
        "BRIGHTLINE_DATABASE_URL": url,
        "BRIGHTLINE_DATA_DIR": str(data_dir),
        "BRIGHTLINE_SECRET_KEY": "test-server-secret",
    }
    env.pop("BRIGHTLINE_SIGNING_KEY", None)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIGHTLINE_DATA_DIR", str(data_dir))
        mp.delenv("BRIGHTLINE_SIGNING_KEY", raising=False)
        settings.forget()  # read again, with this data folder
        try:
            seeded = seed()
        finally:
            settings.forget()
    port = free_port()
    log_path = data_dir / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "brightline",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/api/v1/stats", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("server did not start: " + log_path.read_text())
                time.sleep(0.2)
            yield base, seeded
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def web_with_roster(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, roster: Path
) -> Iterator[Web]:
    """A site on a new SQLite file with the roster folder ``roster`` imported; closed after."""
    from brightline.service.officers import import_roster

    w = make_web(sqlite_url, tmp_path, monkeypatch)
    import_roster(w.service.engine, [roster])
    with w.client:
        yield w
    w.service.close()
