"""The menu is drawn from the permission table the service enforces: every page a role sees in
its menu opens for it, and no page it may open is missing."""

from __future__ import annotations

import re

import pytest

import test_web_support as support
from brightline.service.actors import ACCOUNT_ROLES, Actor
from brightline.web.deps import MENU, menu_for
from test_web_support import Web

sqlite_web = support.sqlite_web


def test_admin_sees_no_page_it_may_not_open() -> None:
    admin = {item["href"] for item in menu_for(Actor("admin1", "admin"))}
    assert not {"/screen", "/decisions", "/review"} & admin
    auditor = {item["href"] for item in menu_for(Actor("auditor1", "auditor"))}
    assert {"/decisions", "/review"} <= auditor and "/screen" not in auditor
    public = {item["href"] for item in menu_for(Actor.anonymous())}
    assert public == {href for href, _, permission in MENU if permission is None}


@pytest.mark.parametrize("role", ACCOUNT_ROLES)
def test_every_menu_page_opens_for_its_role(sqlite_web: Web, role: str) -> None:
    sqlite_web.login(role)
    home = sqlite_web.client.get("/").text
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', home, re.S)
    assert nav is not None
    links = re.findall(r'href="([^"]+)"', nav.group(1))
    assert links == [item["href"] for item in menu_for(Actor(f"{role}1", role))]
    for href in links:
        reply = sqlite_web.client.get(href, follow_redirects=False)
        assert reply.status_code == 200, (role, href, reply.status_code)
