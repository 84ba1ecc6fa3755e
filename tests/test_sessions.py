"""Sessions that end, tokens that expire and can be revoked, and accounts that admins manage.

Each test is a finding of the security probe (issue 14) that failed on the old code: the cookie
carried a never-expiring API token, logout did not end anything, nothing revoked a token or
disabled an account, and no page managed accounts.
"""

from __future__ import annotations

import base64
import io
import json
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select

import test_web_support as support
from brightline.cli import main
from brightline.service import Service
from brightline.store.tables_app import sessions
from test_web_support import DETAINER_CASE, PASSWORD, Web, csrf_of

web = support.web
sqlite_web = support.sqlite_web


def _cookie(w: Web) -> str:
    value = w.client.cookies.get("bl_session")
    assert value, "no session cookie"
    return value


def _payload(cookie: str) -> dict[str, object]:
    """What the signed cookie says (itsdangerous: base64 JSON, then the signature)."""
    cookie = cookie.strip('"')
    compressed = cookie.startswith(".")
    part = cookie.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    parsed = json.loads(zlib.decompress(data) if compressed else data)
    assert isinstance(parsed, dict)
    return parsed


def _use_cookie(w: Web, value: str) -> None:
    w.client.cookies.clear()
    w.client.cookies.set("bl_session", value)


def _logout(w: Web) -> None:
    home = w.client.get("/").text
    out = w.client.post("/logout", data={"csrf_token": csrf_of(home)}, follow_redirects=False)
    assert out.status_code == 303


def test_a_replayed_cookie_after_logout_opens_nothing(web: Web) -> None:
    web.login("supervisor")
    stolen = _cookie(web)
    assert web.client.get("/review").status_code == 200
    _logout(web)
    _use_cookie(web, stolen)  # the old cookie, replayed
    replay = web.client.get("/review", follow_redirects=False)
    assert replay.status_code == 303 and replay.headers["location"].startswith("/login")
    api = web.client.get("/api/v1/reviews")
    assert api.status_code == 401


def test_the_cookie_holds_no_credential(sqlite_web: Web) -> None:
    sqlite_web.login("supervisor")
    payload = _payload(_cookie(sqlite_web))
    assert set(payload) <= {"c", "s", "f"}
    sid = str(payload["s"])
    bearer = {"Authorization": f"Bearer {sid}"}
    assert sqlite_web.client.get("/api/v1/me", headers=bearer).status_code == 401
    with sqlite_web.service.reading() as conn:
        stored = conn.execute(select(sessions.c.sid_hash)).scalars().all()
    assert sid not in stored and len(stored) == 1  # only its hash is kept


def test_sessions_expire_and_go_idle(sqlite_web: Web) -> None:
    svc = sqlite_web.service
    sqlite_web.login("supervisor")
    start = svc.clock()  # after the sign-in, however long it took
    assert sqlite_web.client.get("/review").status_code == 200
    svc.clock = lambda: start + svc.config.session_idle + 5  # no request for too long
    assert sqlite_web.client.get("/review", follow_redirects=False).status_code == 303
    svc.clock = lambda: start
    sqlite_web.login("supervisor")
    for step in range(1, 8):  # busy all day, but the lifetime still ends the session
        moment = start + step * svc.config.session_lifetime / 7 + 1
        svc.clock = lambda moment=moment: moment
        status = sqlite_web.client.get("/review", follow_redirects=False).status_code
        assert status == (200 if step < 7 else 303), step


def test_a_password_change_ends_every_session_and_token(sqlite_web: Web) -> None:
    w = sqlite_web
    headers = w.auth("supervisor")
    w.login("supervisor")
    other_browser = _cookie(w)
    page = w.client.get("/account")
    assert page.status_code == 200
    changed = w.client.post(
        "/account/password",
        data={
            "csrf_token": csrf_of(page.text),
            "old_password": PASSWORD,
            "new_password": "another long password",
            "new_password_again": "another long password",
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text
    _use_cookie(w, other_browser)
    assert w.client.get("/review", follow_redirects=False).status_code == 303
    assert w.client.get("/api/v1/reviews", headers=headers).status_code == 401
    assert w.service.authenticate("supervisor1", "another long password").role == "supervisor"


def test_disabling_an_account_ends_its_sessions_and_tokens_at_once(sqlite_web: Web) -> None:
    w = sqlite_web
    headers = w.auth("officer")
    assert w.client.post("/api/v1/decisions", json=DETAINER_CASE, headers=headers).status_code == 201
    w.login("officer")
    officer_cookie = _cookie(w)
    w.client.cookies.clear()
    w.login("admin")
    page = w.client.get("/admin/accounts")
    assert page.status_code == 200 and 'data-username="officer1"' in page.text
    done = w.client.post(
        "/admin/accounts/officer1/active",
        data={"csrf_token": csrf_of(page.text), "active": "false"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert w.client.post("/api/v1/decisions", json=DETAINER_CASE, headers=headers).status_code == 401
    _use_cookie(w, officer_cookie)
    assert w.client.get("/decisions", follow_redirects=False).status_code == 303
    with pytest.raises(Exception, match="invalid username or password"):
        w.service.authenticate("officer1", PASSWORD)


def test_admins_create_and_re_role_accounts_and_each_change_is_logged(sqlite_web: Web) -> None:
    w = sqlite_web
    w.login("admin")
    page = w.client.get("/admin/accounts")
    made = w.client.post(
        "/admin/accounts",
        data={
            "csrf_token": csrf_of(page.text),
            "username": "newhire",
            "password": "a new hire password",
            "role": "officer",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    page = w.client.get("/admin/accounts")
    assert 'data-username="newhire"' in page.text
    role = w.client.post(
        "/admin/accounts/newhire/role",
        data={"csrf_token": csrf_of(page.text), "role": "supervisor"},
        follow_redirects=False,
    )
    assert role.status_code == 303
    assert w.service.get_user("newhire").role == "supervisor"
    logged = [
        w.service.ledger.entry(i).record
        for i in range(w.service.ledger.size())
        if w.service.ledger.entry(i).kind == "account"
    ]
    newhire = [(r["action"], r["by"]["username"]) for r in logged if r["username"] == "newhire"]
    assert newhire == [("created", "admin1"), ("role_changed", "admin1")]
    assert all("password" not in json.dumps(r) or r["action"] == "password_changed" for r in logged)
    # an admin manages accounts and may not disable or demote themselves
    self_demote = w.client.post(
        "/admin/accounts/admin1/role",
        data={"csrf_token": csrf_of(page.text), "role": "officer"},
    )
    assert self_demote.status_code == 422


def test_account_pages_are_for_admins_only(sqlite_web: Web) -> None:
    w = sqlite_web
    w.login("auditor")
    assert w.client.get("/admin/accounts").status_code == 403
    assert w.client.get("/account").status_code == 200


def test_api_tokens_expire_are_listed_and_revoked(sqlite_web: Web) -> None:
    w = sqlite_web
    w.account("officer")
    issued = w.client.post(
        "/api/v1/tokens",
        json={"username": "officer1", "password": PASSWORD, "label": "console", "lifetime": 600},
    )
    assert issued.status_code == 201, issued.text
    token = issued.json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    listed = w.client.get("/api/v1/tokens", headers=bearer).json()["items"]
    mine = [t for t in listed if t["label"] == "console"]
    assert len(mine) == 1 and mine[0]["state"] == "active" and "token" not in mine[0]
    svc = w.service
    now = svc.clock()
    svc.clock = lambda: now + 601
    w.client.app.state.token_cache.clear()  # expiry is checked on a lookup, not in the cache
    assert w.client.get("/api/v1/me", headers=bearer).status_code == 401
    svc.clock = lambda: now
    assert w.client.get("/api/v1/me", headers=bearer).status_code == 200
    revoked = w.client.delete(f"/api/v1/tokens/{mine[0]['id']}", headers=bearer)
    assert revoked.status_code == 200
    assert w.client.get("/api/v1/me", headers=bearer).status_code == 401
    too_long = w.client.post(
        "/api/v1/tokens",
        json={"username": "officer1", "password": PASSWORD, "lifetime": 10 * 365 * 86400},
    )
    assert too_long.status_code == 422


def test_one_account_cannot_revoke_anothers_token(sqlite_web: Web) -> None:
    w = sqlite_web
    w.auth("officer")
    theirs = w.service.list_tokens(actor=None, username="officer1")[0]["id"]
    refused = w.client.delete(f"/api/v1/tokens/{theirs}", headers=w.auth("officer2"))
    assert refused.status_code == 403
    assert w.client.get("/api/v1/me", headers=w.auth("officer")).status_code == 200


def test_the_console_manages_accounts_and_every_change_is_logged(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(tmp_path))
    db = ["--database", sqlite_url]
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password 1\n"))
    assert main(["user", "add", "dispatch1", "--role", "officer", "--password-stdin", *db]) == 0
    assert main(["user", "token", "dispatch1", "--label", "cad", "--days", "7", *db]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["user", "tokens", "dispatch1", *db]) == 0
    listing = capsys.readouterr().out
    assert "cad" in listing and "active" in listing and token not in listing
    token_id = listing.split("\t", 1)[0]
    assert main(["user", "role", "dispatch1", "supervisor", *db]) == 0
    assert main(["user", "revoke", token_id, *db]) == 0
    assert main(["user", "disable", "dispatch1", *db]) == 0
    assert main(["user", "list", *db]) == 0
    assert "dispatch1\tsupervisor\tdisabled" in capsys.readouterr().out
    assert main(["user", "role", "dispatch1", "sheriff", *db]) == 2
    with Service.open(sqlite_url) as service:
        with pytest.raises(Exception, match="revoked"):
            service.actor_for_token(token)
        actions = [
            service.ledger.entry(i).record["action"]
            for i in range(service.ledger.size())
            if service.ledger.entry(i).kind == "account"
        ]
    assert actions == ["created", "role_changed", "disabled"]
