"""End to end in Debian's chromium against `brightline serve`: screen a case, answer its open
question, file a public report and verify its receipt in the page, and role refusals."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_support import PASSWORD, Server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot-decision.png"


def login(page: Any, server: Server, role: str) -> None:
    page.goto(server.url + "/login")
    page.get_by_label("Username").fill(role)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url + "/")


def screen(page: Any, server: Server, facts: dict[str, str], at: str) -> None:
    page.goto(server.url + "/screen?jurisdiction=chicago&kind=assistance")
    page.fill("#at", at)
    for fact, value in facts.items():
        page.select_option(f"#fact-{fact}", value)
    page.get_by_role("button", name="Decide").click()
    page.wait_for_url("**/decisions/*")


def test_screen_a_case_and_see_outcome_and_citations(page: Any, server: Server) -> None:
    login(page, server, "officer")
    screen(
        page,
        server,
        {
            "agency": "cbp",
            "activity": "crowd_control",
            "purpose": "civil_immigration",
            "imminent_threat": "false",
        },
        "2025-10-04T10:30",
    )
    assert page.locator("#outcome-word").inner_text() == "Prohibited"
    assert page.locator("#why ~ .reason .cite-key", has_text="WCO.020(a)(6)").count() >= 1
    assert page.locator("#why ~ .reason blockquote.clause").first.is_visible()
    assert page.get_by_text("This would no longer be prohibited if imminent threat were yes").count() == 1
    if os.environ.get("BRIGHTLINE_SCREENSHOT") or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.set_viewport_size({"width": 1000, "height": 900})
        page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_answer_a_question_and_see_the_new_decision(page: Any, server: Server) -> None:
    login(page, server, "officer")
    screen(page, server, {"agency": "hsi", "activity": "traffic_stop"}, "2025-11-14T19:40")
    assert page.locator("#outcome-word").inner_text() == "Needs review"
    first_url = page.url
    page.select_option("#q-purpose", "civil_immigration")
    page.get_by_role("button", name="Decide again with these answers").click()
    page.wait_for_url(lambda url: url != first_url and "/decisions/" in url)
    assert page.locator("#outcome-word").inner_text() == "Prohibited"
    assert page.get_by_role("link", name="decision").first.get_attribute("href") in first_url


def test_public_report_receipt_verifies_in_the_page(page: Any, server: Server) -> None:
    page.goto(server.url + "/report")
    page.get_by_label("Federal agents (ICE, CBP, Border Patrol, HSI, FBI and others)").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Federal agents' conduct").check()
    page.get_by_label("What happened?").fill("Agents without any visible ID detained a man.")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url("**/reports/*")
    index = page.locator("#receipt-index").inner_text()
    leaf = page.locator("#receipt-leaf").inner_text()
    page.locator("#verify-link").click()
    page.wait_for_url("**/ledger?**")
    page.get_by_role("button", name="Verify inclusion in my browser").click()
    result = page.locator("#inclusion-result")
    result.filter(has_text="✓ Verified").wait_for()
    assert f"entry #{index}" in result.inner_text() and leaf[:16] in result.inner_text()
    page.get_by_role("button", name="Check the signature").click()
    page.locator("#signature-result").filter(has_text="✓ Signature valid").wait_for()
    remembered = page.evaluate("JSON.parse(localStorage.getItem('brightline.checkpoint'))")
    more = {"category": "property_use", "description": "Vans staged in a City parking lot."}
    assert httpx.post(server.url + "/api/v1/reports", json=more).status_code == 201
    page.reload()
    assert page.locator("#old-size").input_value() == str(remembered["size"])
    page.get_by_role("button", name="Verify consistency").click()
    result = page.locator("#consistency-result").filter(has_text="✓ Consistent")
    result.wait_for()
    assert f"tree of {remembered['size']} entries is a prefix" in result.inner_text()


def test_a_tampered_leaf_does_not_verify(page: Any, server: Server) -> None:
    page.goto(server.url + "/ledger?index=0&leaf=" + "00" * 32)
    page.get_by_role("button", name="Verify inclusion in my browser").click()
    page.locator("#inclusion-result").filter(has_text="✗ Not verified").wait_for()


def test_each_role_is_refused_what_it_may_not_do(page: Any, server: Server) -> None:
    page.goto(server.url + "/screen")
    assert page.url.startswith(server.url + "/login")
    for role, path in (("officer", "/review"), ("auditor", "/screen"), ("admin", "/screen")):
        login(page, server, role)
        response = page.goto(server.url + path)
        assert response is not None and response.status == 403
        assert page.get_by_role("heading", name="Not allowed").is_visible()
        page.get_by_role("button", name="Sign out").click()
    login(page, server, "supervisor")
    screen(page, server, {"agency": "ice", "activity": "patrol"}, "2025-11-20T08:00")
    page.goto(server.url + "/review")
    assert page.get_by_role("heading", name="Review queue").is_visible()
