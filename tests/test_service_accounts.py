"""Accounts, passwords and API tokens of the service."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import test_service_support as support
from brightline.errors import AuthError, Forbidden, InvalidRequest, NotFound
from brightline.service import Actor, Service
from brightline.store.tables_app import api_tokens, users
from test_service_support import ADMIN, ANON, OFFICER

service = support.service
sqlite_service = support.sqlite_service


def test_password_login_and_token_round_trip(service: Service) -> None:
    created = service.add_user("jdoe", "correct horse", "officer")
    assert created["role"] == "officer"
    actor = service.authenticate("jdoe", "correct horse")
    assert actor == Actor("jdoe", "officer")
    with pytest.raises(AuthError, match="invalid username or password"):
        service.authenticate("jdoe", "wrong horse!")
    with pytest.raises(AuthError, match="invalid username or password"):
        service.authenticate("nobody", "correct horse")

    token = service.issue_token(actor, "dispatch console")
    assert token.startswith("blt_") and len(token) > 40
    assert service.actor_for_token(token) == actor
    with service.reading() as conn:
        stored = conn.execute(select(api_tokens.c.token_hash)).scalars().all()
        hashes = conn.execute(select(users.c.password_hash)).scalars().all()
    assert token not in stored and all(token[4:] not in h for h in stored)
    assert hashes[0].startswith("$argon2id$") and "correct horse" not in hashes[0]
    with pytest.raises(AuthError):
        service.actor_for_token(token[:-1] + ("A" if token[-1] != "A" else "B"))


def test_bad_account_input_names_the_field_and_changes_nothing(sqlite_service: Service) -> None:
    svc = sqlite_service
    with pytest.raises(InvalidRequest, match="role must be one of officer, supervisor") as err:
        svc.add_user("jdoe", "correct horse", "sheriff")
    assert err.value.details["allowed"] == ["officer", "supervisor", "auditor", "admin"]
    with pytest.raises(InvalidRequest, match="username"):
        svc.add_user("J Doe!", "correct horse", "officer")
    with pytest.raises(InvalidRequest, match="password must be"):
        svc.add_user("jdoe", "short", "officer")
    with svc.reading() as conn:
        assert conn.execute(select(users)).all() == []
    svc.add_user("jdoe", "correct horse", "officer")
    with pytest.raises(InvalidRequest, match="already taken"):
        svc.add_user("jdoe", "another pass", "admin")
    assert svc.get_user("jdoe") == Actor("jdoe", "officer")
    with pytest.raises(NotFound):
        svc.get_user("nobody")


def test_only_admins_manage_accounts(sqlite_service: Service) -> None:
    svc = sqlite_service
    with pytest.raises(Forbidden):
        svc.add_user("eve", "correct horse", "admin", actor=OFFICER)
    with pytest.raises(AuthError):
        svc.list_users(actor=ANON)
    svc.add_user("eve", "correct horse", "auditor", actor=ADMIN)
    assert [u["username"] for u in svc.list_users(actor=ADMIN)] == ["eve"]
    with pytest.raises(AuthError):
        svc.issue_token(ANON, "x")
    with pytest.raises(NotFound):  # a token only for an existing account
        svc.issue_token(Actor("ghost", "officer"), "x")
    with pytest.raises(InvalidRequest, match="label"):
        svc.issue_token(Actor("eve", "auditor"), "")
