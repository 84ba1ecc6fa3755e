"""The server-rendered pages in process: forms built from the pack, CSRF on every POST, the
decision page, follow-ups, the review queue, public reports, the law, the ledger, statistics."""

from __future__ import annotations

import re

import test_web_support as support
from brightline.rules import law_keys
from test_web_support import Web, csrf_of

sqlite_web = support.sqlite_web


def _screen(web: Web, facts: dict[str, str], kind: str = "assistance") -> str:
    """Fill the screening form as a browser would; return the decision page's URL."""
    page = web.client.get(f"/screen?jurisdiction=chicago&kind={kind}")
    assert page.status_code == 200
    form = {"csrf_token": csrf_of(page.text), "jurisdiction": "chicago", "kind": kind}
    form["at"] = "2025-10-04T10:30"
    form.update({f"fact.{k}": v for k, v in facts.items()})
    reply = web.client.post("/screen", data=form, follow_redirects=False)
    assert reply.status_code == 303, reply.text
    return reply.headers["location"]


def test_anonymous_is_sent_to_login_and_cannot_post(sqlite_web: Web) -> None:
    reply = sqlite_web.client.get("/screen", follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == "/login?next=/screen"
    csrf = csrf_of(sqlite_web.client.get("/login").text)
    post = sqlite_web.client.post(
        "/screen", data={"csrf_token": csrf, "kind": "assistance", "at": "2025-10-04"}
    )
    assert post.status_code == 401
    assert sqlite_web.client.get("/review", follow_redirects=False).status_code == 303


def test_screening_form_comes_from_the_pack(sqlite_web: Web) -> None:
    sqlite_web.login("officer")
    page = sqlite_web.client.get("/screen?jurisdiction=chicago&kind=assistance").text
    agency = re.search(r'<select id="fact-agency".*?</select>', page, re.S)
    assert agency is not None
    options = re.findall(r'<option value="([^"]*)"', agency.group(0))
    assert options[0] == "" and "ice" in options and "national_guard" in options
    assert '<label for="fact-agency">' in page
    assert 'aria-describedby="help-imminent_threat"' in page


def test_form_without_csrf_token_is_refused(sqlite_web: Web) -> None:
    sqlite_web.login("officer")
    form = {"jurisdiction": "chicago", "kind": "assistance", "at": "2025-10-04T10:30"}
    for data in (form, {**form, "csrf_token": "forged"}):
        reply = sqlite_web.client.post("/screen", data=data)
        assert reply.status_code == 403
        assert "csrf_token" in reply.text
    assert sqlite_web.client.post("/logout", data={}).status_code == 403
    assert (
        sqlite_web.client.post("/report", data={"category": "federal_conduct"}).status_code == 403
    )
    listed = sqlite_web.client.get("/api/v1/decisions", headers=sqlite_web.auth("supervisor"))
    assert listed.json()["total"] == 0


def test_decision_page_shows_outcome_reasons_clauses_and_receipt(sqlite_web: Web) -> None:
    sqlite_web.login("officer")
    facts = {
        "agency": "ice",
        "activity": "detainer_hold",
        "purpose": "civil_immigration",
        "basis": "immigration_detainer",
        "imminent_threat": "false",
    }
    page = sqlite_web.client.get(_screen(sqlite_web, facts)).text
    assert 'data-outcome="prohibited"' in page
    assert page.index("Prohibited") < page.index("Why")
    trust = law_keys()["TRUST.15(g)"]["text"]
    assert "TRUST.15(g)" in page and trust[:40].replace("'", "&#39;") in page
    assert "Verify this receipt in the ledger" in page
    assert "This would no longer be prohibited if" in page  # flips, phrased from the outcome


def test_follow_up_form_re_decides_and_links(sqlite_web: Web) -> None:
    sqlite_web.login("officer")
    first_url = _screen(sqlite_web, {"agency": "hsi", "activity": "traffic_stop"})
    first = sqlite_web.client.get(first_url).text
    assert 'data-outcome="needs_review"' in first and 'name="fact.purpose"' in first
    reply = sqlite_web.client.post(
        first_url + "/follow-up",
        data={"csrf_token": csrf_of(first), "fact.purpose": "civil_immigration"},
        follow_redirects=False,
    )
    assert reply.status_code == 303
    second = sqlite_web.client.get(reply.headers["location"]).text
    assert 'data-outcome="prohibited"' in second
    assert f'href="{first_url}"' in second
    assert reply.headers["location"] in sqlite_web.client.get(first_url).text


def test_review_queue_by_role(sqlite_web: Web) -> None:
    sqlite_web.login("officer")
    decision_url = _screen(sqlite_web, {"agency": "hsi", "activity": "traffic_stop"})
    assert sqlite_web.client.get("/review").status_code == 403
    sqlite_web.login("auditor")
    audit = sqlite_web.client.get("/review").text
    assert decision_url in audit and "Resolve and log" not in audit
    sqlite_web.login("supervisor")
    queue = sqlite_web.client.get("/review").text
    decision_id = decision_url.rsplit("/", 1)[1]
    reply = sqlite_web.client.post(
        f"/review/{decision_id}",
        data={"csrf_token": csrf_of(queue), "outcome": "prohibited", "note": "no warrant"},
        follow_redirects=False,
    )
    assert reply.status_code == 303
    after = sqlite_web.client.get("/review").text
    assert "resolved and logged" in after and "The queue is empty" in after
    resolved = sqlite_web.client.get(decision_url).text
    assert "Resolved by a supervisor" in resolved and 'id="screened-as"' in resolved


def test_public_report_gives_a_receipt_page(sqlite_web: Web) -> None:
    first = sqlite_web.client.get("/report").text
    assert 'value="unknown"' in first and 'value="officer_appearance"' not in first
    form = sqlite_web.client.get("/report?who=cpd").text
    assert 'value="officer_appearance"' in form
    reply = sqlite_web.client.post(
        "/report",
        data={
            "csrf_token": csrf_of(form),
            "category": "officer_appearance",
            "description": "A CPD officer with a balaclava and no star.",
            "occurred_at": "2025-10-04T10:30",
            "contact": "someone@example.org",
        },
        follow_redirects=False,
    )
    assert reply.status_code == 303, reply.text
    receipt = sqlite_web.client.get(reply.headers["location"]).text
    assert 'id="receipt-index"' in receipt and "Verify it in the ledger" in receipt
    assert "someone@example.org" not in receipt and "and no star" not in receipt
    invalid = sqlite_web.client.post(
        "/report",
        data={"csrf_token": csrf_of(form), "category": "officer_appearance", "description": ""},
    )
    assert invalid.status_code == 422 and "description" in invalid.text


def test_law_ledger_and_stats_pages(sqlite_web: Web) -> None:
    law = sqlite_web.client.get("/law?pack=chicago&at=2025-10-10&since=2025-08-01")
    assert law.status_code == 200
    assert "EO2025-6.C5" in law.text and "Came into force" in law.text
    assert "Cases whose outcome changes" in law.text
    assert "test case" in law.text
    sqlite_web.client.post("/api/v1/reports", json=support.REPORT)
    ledger = sqlite_web.client.get("/ledger?index=0")
    assert ledger.status_code == 200 and 'id="verify-inclusion"' in ledger.text
    assert "/static/verify.js" in ledger.text
    assert "script-src 'self'" in ledger.headers["content-security-policy"]
    assert ledger.headers["x-frame-options"] == "DENY"
    missing = sqlite_web.client.get("/ledger?index=99")
    assert missing.status_code == 200 and "beyond the ledger" in missing.text
    stats = sqlite_web.client.get("/stats")
    assert stats.status_code == 200 and "<svg" in stats.text
    nowhere = sqlite_web.client.get("/decisions/d-00000000000000000000", follow_redirects=False)
    assert nowhere.status_code == 303


def test_login_errors_and_logout(sqlite_web: Web) -> None:
    sqlite_web.account("officer")
    page = sqlite_web.client.get("/login")
    bad = sqlite_web.client.post(
        "/login",
        data={"csrf_token": csrf_of(page.text), "username": "officer1", "password": "nope nope"},
    )
    assert bad.status_code == 401 and 'role="alert"' in bad.text
    sqlite_web.login("officer")
    home = sqlite_web.client.get("/").text
    assert "officer1" in home and "Screen a case" in home
    out = sqlite_web.client.post(
        "/logout", data={"csrf_token": csrf_of(home)}, follow_redirects=False
    )
    assert out.status_code == 303
    assert "Sign in" in sqlite_web.client.get("/").text


def test_invalid_case_keeps_the_form_and_says_why(sqlite_web: Web) -> None:
    sqlite_web.login("officer")
    page = sqlite_web.client.get("/screen?jurisdiction=chicago&kind=assistance")
    form = {
        "csrf_token": csrf_of(page.text),
        "jurisdiction": "chicago",
        "kind": "assistance",
        "at": "2019-01-01T10:00",
        "fact.agency": "ice",
    }
    reply = sqlite_web.client.post("/screen", data=form)
    assert reply.status_code == 422
    assert 'id="screen-error"' in reply.text and "2021-08-02" in reply.text
    assert '<option value="ice" selected>' in reply.text


def test_redacted_decision_page(sqlite_web: Web) -> None:
    made = sqlite_web.client.post(
        "/api/v1/decisions", json=support.OPEN_CASE, headers=sqlite_web.auth("officer")
    ).json()
    sqlite_web.service.ledger.redact(made["receipt"]["index"], reason="test", actor="auditor1")
    sqlite_web.login("officer")
    page = sqlite_web.client.get(f"/decisions/{made['id']}")
    assert page.status_code == 200 and 'data-outcome="redacted"' in page.text
    reply = sqlite_web.client.post(
        f"/decisions/{made['id']}/follow-up",
        data={"csrf_token": csrf_of(page.text), "fact.purpose": "criminal"},
    )
    assert reply.status_code == 422 and "redacted" in reply.text


def test_login_never_redirects_off_site() -> None:
    from brightline.web.pages import _safe_next

    assert _safe_next("/decisions/d-1?x=1") == "/decisions/d-1?x=1"
    for target in ("//evil.example", "/\\evil.example", "https://evil.example", "javascript:x"):
        assert _safe_next(target) == "/"
