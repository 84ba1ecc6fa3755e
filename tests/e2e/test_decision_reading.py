"""End to end in Debian's chromium: a needs_review decision page reads as a careful person would
write it - nothing unknown stated as fact, flips grouped in grammatical sentences on one screen,
may-apply items (when the engine marks them) after what is certain, as "If …"."""

from __future__ import annotations

from typing import Any

import pytest
from e2e_support import Server
from test_browser import login, screen

from brightline.service.presentation import FLIP_LIMIT

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]


def test_needs_review_page_for_ice_crowd_control_with_purpose_unknown(page: Any, server: Server) -> None:
    login(page, server, "officer")
    # the example: ICE asks for crowd control, purpose and basis unknown
    screen(page, server, {"agency": "ice", "activity": "crowd_control"}, "2025-10-04T10:30")
    assert page.locator("#outcome-word").inner_text() == "Needs review"

    why = page.locator("#why ~ .reason p:not(.rule-id)")
    texts = [why.nth(i).inner_text() for i in range(why.count())]
    assert texts, "a needs_review decision explains itself"
    for text in texts:
        assert not text.startswith("No.")
        assert "This request serves" not in text
        assert "was presented" not in text

    # may-apply reasons, when present, come after the certain ones and read "If …"
    conditional = page.locator("#why ~ .reason.may-apply")
    for i in range(conditional.count()):
        assert conditional.nth(i).locator("strong.if").inner_text().startswith("If ")

    flips = page.locator("ul.flips > li[data-fact]")
    assert 1 <= flips.count() <= FLIP_LIMIT
    sentences = [flips.nth(i).inner_text() for i in range(flips.count())]
    for sentence in sentences:
        assert "be needs review" not in sentence and "be not applicable" not in sentence
    facts = [flips.nth(i).get_attribute("data-fact") for i in range(flips.count())]
    assert len(facts) == len(set(zip(facts, sentences, strict=True)))
    # the fact a person can answer (the threat) before the facts of the request itself
    if "imminent_threat" in facts and "agency" in facts:
        assert facts.index("imminent_threat") < facts.index("agency")
    more = page.locator("#flips-more")
    if more.count():
        assert more.inner_text().startswith("and ") and more.inner_text().endswith(" more")

    body = page.locator("main").inner_text()
    assert "None" not in body
    # the open question is asked in the page
    assert page.locator("#q-imminent_threat").count() == 1
