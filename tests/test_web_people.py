"""Pages as the people who use them read them: the decision leads with its outcome (or its
resolution) as the page's heading, times are Chicago time to the minute, an error is shown next
to its field with the form kept, and the law page refuses dates it cannot speak about."""

from __future__ import annotations

import re

import test_web_support as support
from test_web_support import Web, csrf_of

sqlite_web = support.sqlite_web

RAW_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)")


def _open_decision(web: Web) -> str:
    made = web.client.post(
        "/api/v1/decisions", json=support.OPEN_CASE, headers=web.auth("officer")
    ).json()
    return str(made["id"])


def test_decision_page_heading_questions_first_and_local_times(sqlite_web: Web) -> None:
    decision_id = _open_decision(sqlite_web)
    sqlite_web.login("supervisor")
    page = sqlite_web.client.get(f"/decisions/{decision_id}").text
    heading = re.search(r'<h1 class="word" id="outcome-word"[^>]*>([^<]+)</h1>', page)
    assert heading and heading.group(1) == "Needs review"
    assert page.index('id="questions"') < page.index('id="why"')  # open questions on top
    assert not RAW_UTC.search(page.split('id="receipt"')[0])
    assert re.search(r"\d\d:\d\d C[DS]T", page)


def test_a_resolved_decision_leads_with_its_resolution(sqlite_web: Web) -> None:
    decision_id = _open_decision(sqlite_web)
    sqlite_web.login("supervisor")
    queue = sqlite_web.client.get("/review").text
    empty = sqlite_web.client.post(
        f"/review/{decision_id}",
        data={"csrf_token": csrf_of(queue), "outcome": "permitted", "note": ""},
    )
    assert empty.status_code == 422
    form = re.search(rf'<form[^>]+id="resolve-{decision_id}".*?</form>', empty.text, re.S)
    assert form is not None, "the form is kept on the queue page"
    assert f'id="note-error-{decision_id}"' in form.group(0)
    assert '<option value="permitted" selected>' in form.group(0)
    done = sqlite_web.client.post(
        f"/review/{decision_id}",
        data={"csrf_token": csrf_of(queue), "outcome": "prohibited", "note": "Civil purpose."},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = sqlite_web.client.get(f"/decisions/{decision_id}").text
    assert page.index('id="resolution"') < page.index('id="screened-as"')
    heading = re.search(r'<h1 class="word" id="outcome-word" data-outcome="([a-z_]+)"', page)
    assert heading and heading.group(1) == "prohibited"
    assert "Civil purpose." in page and 'id="questions"' not in page


def test_law_page_refuses_dates_it_cannot_speak_about(sqlite_web: Web) -> None:
    before = sqlite_web.client.get("/law?pack=chicago&at=2020-01-01")
    assert before.status_code == 422
    assert "outside what this pack covers (2021-08-02" in before.text
    assert 'id="law-at-error"' in before.text and 'class="law-kind"' not in before.text
    reversed_ = sqlite_web.client.get("/law?pack=chicago&at=2025-08-01&since=2025-10-10")
    assert reversed_.status_code == 422 and "comes after the date shown" in reversed_.text
    assert "Came into force" not in reversed_.text
    found = sqlite_web.client.get("/law?pack=chicago&at=2025-10-10&q=EO2025-6.C5")
    assert found.status_code == 200 and 'id="law-matches"' in found.text
    kinds = re.findall(r'<details class="law-kind" id="kind-([a-z_]+)" open>', found.text)
    assert kinds and "assistance" in kinds
    assert "Source note" in found.text and "one weak source" in found.text
    clause = re.search(r'<blockquote class="clause">([^<]*)', found.text)
    assert clause and "weak source" not in clause.group(1)


def test_pages_are_compressed_and_have_an_icon(sqlite_web: Web) -> None:
    page = sqlite_web.client.get("/ledger", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("content-encoding") == "gzip"
    api = sqlite_web.client.get("/api/v1/stats", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in api.headers
    icon = sqlite_web.client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg")
    assert '<link rel="stylesheet" href="/static/print.css" media="print">' in page.text


def test_a_case_has_an_address_that_reopens_it_filled_in(sqlite_web: Web) -> None:
    decision_id = _open_decision(sqlite_web)
    sqlite_web.login("officer")
    page = sqlite_web.client.get(f"/decisions/{decision_id}").text
    link = re.search(r'<a href="([^"]+)" id="case-url">', page)
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    assert url.startswith("/screen?") and "fact.agency=" in url
    form = sqlite_web.client.get(url).text
    agency = support.OPEN_CASE["facts"]["agency"]
    assert f'<option value="{agency}" selected>' in form
    odd = sqlite_web.client.get("/screen?kind=assistance&fact.agency=martians").text
    agency_select = re.search(r'<select id="fact-agency".*?</select>', odd, re.S)
    assert agency_select and "selected" not in agency_select.group(0)  # not a value: dropped
