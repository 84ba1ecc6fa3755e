"""`brightline user add|token` (the accounts the web signs in) and `serve` argument checks."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from brightline.cli import main
from brightline.service import Service


def test_user_add_and_token(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password 1\n"))
    args = ["user", "add", "dispatch1", "--role", "officer", "--password-stdin"]
    assert main([*args, "--database", sqlite_url]) == 0
    assert "added dispatch1 (officer)" in capsys.readouterr().out
    assert main(["user", "token", "dispatch1", "--database", sqlite_url]) == 0
    token = capsys.readouterr().out.strip()
    with Service.open(sqlite_url) as service:
        actor = service.actor_for_token(token)
        assert (actor.username, actor.role) == ("dispatch1", "officer")
        assert service.authenticate("dispatch1", "a long enough password 1").role == "officer"


def test_bad_input_exits_2_with_one_line(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password 1\n"))
    args = ["user", "add", "someone", "--role", "sheriff", "--password-stdin"]
    assert main([*args, "--database", sqlite_url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "role" in err and "officer" in err
    assert main(["serve", "--port", "0", "--database", sqlite_url]) == 2
    assert main(["user", "token", "nobody", "--database", sqlite_url]) == 1


def test_worker_app_factory_opens_and_closes_its_service(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from brightline.web.app import app_from_env

    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BRIGHTLINE_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("BRIGHTLINE_SECRET_KEY", "factory-test")
    app = app_from_env()
    with TestClient(app) as client:
        assert client.get("/api/v1/ledger/checkpoint").json()["size"] == 0
        assert client.get("/").status_code == 200
