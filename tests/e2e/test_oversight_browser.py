"""End to end in Debian's chromium: an officer logs a detainer and the person's release; a
supervisor produces the TRUST Act report for that year and sees the rows; a year with no
requests shows the certification of none."""

from __future__ import annotations

from typing import Any

import pytest
from e2e_support import PASSWORD, Server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]


def login(page: Any, server: Server, role: str) -> None:
    page.goto(server.url + "/login")
    page.get_by_label("Username").fill(role)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url + "/")


def produce(page: Any, server: Server, year: str) -> None:
    page.goto(server.url + "/oversight")
    page.select_option("#report", "trust")
    page.fill("#year", year)
    page.get_by_role("button", name="Produce and log").click()
    page.wait_for_url("**/oversight/reports/*")


def test_officer_logs_a_detainer_and_its_release_then_the_trust_report_shows_it(
    page: Any, browser: Any, server: Server
) -> None:
    login(page, server, "officer")
    page.get_by_role("link", name="Custody log").click()
    page.get_by_role("link", name="Log a document received").click()
    page.fill("#received_at", "2025-06-03T09:15")
    page.select_option("#agency", "ice")
    page.select_option("#document_type", "immigration_detainer")
    page.fill("#case_ref", "RD-JX771234")
    page.get_by_role("button", name="Log it").click()
    page.wait_for_url("**/custody/cr-*")
    assert page.locator("#custody-status").inner_text() == "open"
    page.select_option("#event", "released")
    page.fill("#event-at", "2025-06-04T16:40")
    page.get_by_role("button", name="Log the event").click()
    page.wait_for_url("**/custody/cr-*")
    assert page.locator("#custody-status").inner_text() == "released"
    assert "Released from City custody logged in the ledger" in page.locator(".flash").inner_text()
    assert page.locator("#custody-events").get_by_text("2025-06-04T16:40").count() == 1

    other = browser.new_context(viewport={"width": 1100, "height": 900})
    tab = other.new_page()
    tab.set_default_timeout(15_000)
    try:
        login(tab, server, "supervisor")
        produce(tab, server, "2025")
        table = tab.locator("#table-detainers_and_warrants")
        row = table.locator("tr", has_text="2025-06-03")
        assert row.count() == 1
        assert "released" in row.inner_text() and "2025-06-04T16:40" in row.inner_text()
        assert "RD-JX771234" not in tab.content()  # no case reference in the report
        assert tab.locator("#report-entry").inner_text().isdigit()
        assert tab.locator("svg.chart title").count() >= 1
    finally:
        other.close()


def test_a_year_without_requests_certifies_none(page: Any, server: Server) -> None:
    login(page, server, "supervisor")
    produce(page, server, "2023")
    for table in ("assistance_requests", "detainers_and_warrants"):
        certification = page.locator(f"#table-{table} tr.certification")
        assert certification.count() == 1
        assert "certifies that it received no" in certification.inner_text()
        assert "2023-01-01 to 2023-12-31" in certification.inner_text()
