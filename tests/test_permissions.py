"""One permission table (service/permissions.py) that the service, the pages, the API and the
menus all read; admin manages accounts and nothing else (issue 14)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import test_web_support as support
from brightline.errors import Forbidden
from brightline.service import Actor
from brightline.service.permissions import PERMISSIONS, ROLES
from brightline.web.deps import MENU, menu_for
from test_officers_web import _payload, site, subset  # noqa: F401
from test_web_support import Web

sqlite_web = support.sqlite_web
SRC = Path(__file__).resolve().parents[1] / "src" / "brightline"
ADMIN = Actor("root", "admin")


def test_admin_manages_accounts_and_nothing_else() -> None:
    held = {name for name, roles in PERMISSIONS.items() if "admin" in roles}
    assert held == {"manage_accounts", "manage_own_account"}
    staff = {"/law", "/ledger", "/officers", "/report", "/stats"}
    shown = [item["href"] for item in menu_for(ADMIN) if item["href"] not in staff]
    assert shown == ["/admin/accounts", "/account"]


def test_admin_records_no_roll_call_and_reads_no_compliance(site: Web) -> None:  # noqa: F811
    svc = site.service
    with pytest.raises(Forbidden):
        svc.record_roll_call(_payload(site), actor=ADMIN)
    with pytest.raises(Forbidden):
        svc.compliance_by_unit(actor=ADMIN)
    with pytest.raises(Forbidden):
        svc.inspection_failures(actor=ADMIN)
    api = site.client.post("/api/v1/inspections", json=_payload(site), headers=site.auth("admin"))
    assert api.status_code == 403
    site.login("admin")
    for path in ("/officers/roll-call", "/officers/compliance", "/screen", "/review"):
        assert site.client.get(path).status_code == 403, path


def test_menus_are_drawn_from_the_table(sqlite_web: Web) -> None:
    for role in ("officer", "supervisor", "auditor", "admin"):
        sqlite_web.client.cookies.clear()
        sqlite_web.login(role)
        nav = sqlite_web.client.get("/").text.split('<nav aria-label="Main">')[1].split("</nav>")[0]
        shown = set(re.findall(r'href="([^"]+)"', nav))
        assert shown == {item["href"] for item in menu_for(Actor(f"{role}1", role))}, role
        for path in shown:  # every page offered opens
            assert sqlite_web.client.get(path).status_code == 200, (role, path)


def test_every_page_of_the_table_names_a_known_permission() -> None:
    for _, _, permission in MENU:
        assert permission is None or permission in PERMISSIONS
    assert all(roles <= set(ROLES[1:]) for roles in PERMISSIONS.values())


def test_no_role_is_tested_outside_the_table() -> None:
    """Who may do what is written once: no other module names roles to grant a right."""
    pattern = re.compile(r"""role\s*(?:==|!=|in|not in)\s*[\("'{\[]|\.role in""")
    offenders = []
    for path in [*SRC.rglob("*.py"), *SRC.rglob("*.html")]:
        rel = path.relative_to(SRC).as_posix()
        if rel in ("service/permissions.py", "service/actors.py"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if pattern.search(line) and "public" not in line:
                offenders.append(f"{rel}: {line.strip()}")
    assert offenders == []
