"""Each user's main task on a 390 x 844 phone, in Spanish and in Arabic, in Debian's chromium:
a resident reports masked agents they cannot identify and gets a receipt in their language, a
resident checks an officer (a misspelled name) and opens the officer's page, a dispatcher
screens a case and finds the open questions at the top, a supervisor resolves it. Every page
visited is checked by axe-core (from the axe-playwright-python package, loaded into the page)
for WCAG 2.1 A/AA violations, colour contrast included, and for sideways scrolling."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import PASSWORD, Server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


@pytest.fixture(scope="module")
def roster(server: Server, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A real-data roster subset (last names starting AB) loaded into the running server."""
    from test_roster_support import write_subset

    shared = Path(__file__).resolve().parents[2].parent / "shared"
    subset = write_subset(shared, tmp_path_factory.mktemp("phone-roster"))
    subprocess.run(
        [sys.executable, "-m", "brightline", "roster", "import", str(subset),
         "--database", server.env["BRIGHTLINE_DATABASE_URL"]],
        env=server.env, check=True, capture_output=True,
    )  # fmt: skip
    time.sleep(5.5)  # the server re-reads the roster at most every 5 s


def _context(browser: Any, viewport: dict[str, int], lang: str) -> Any:
    return browser.new_context(
        viewport=viewport,
        is_mobile=viewport is PHONE,
        has_touch=viewport is PHONE,
        locale={"es": "es-US", "ar": "ar", "en": "en-US"}[lang],
        bypass_csp=True,  # axe is injected by the test, not served by the site
    )


@pytest.fixture
def phone_es(browser: Any) -> Iterator[Any]:
    context = _context(browser, PHONE, "es")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.fixture(params=["es", "ar"])
def phone(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    context = _context(browser, PHONE, request.param)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.lang = request.param
    yield tab
    context.close()


def check_page(page: Any, lang: str | None = None) -> None:
    """The page is in ``lang`` (and right to left in Arabic), does not scroll sideways, and axe
    finds no WCAG 2.1 A/AA violation."""
    if lang:
        assert page.locator("html").get_attribute("lang") == {"zh": "zh-Hans"}.get(lang, lang)
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} scrolls sideways: {width} px wide on {viewport} px"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    found = page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
          return r.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""",
        WCAG,
    )
    assert found == [], f"axe on {page.url}: {found}"


def sign_in(page: Any, server: Server, role: str) -> None:
    page.goto(server.url + "/login")
    page.fill("#username", role)
    page.fill("#password", PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(server.url + "/")


WORDS = {
    "es": {
        "unknown": "No sé quiénes eran",
        "next": "Siguiente",
        "plate": "¿Qué placa tenía su vehículo",
        "other_state": "Una placa de otro estado",
        "what": "¿Qué pasó?",
        "send": "Enviar denuncia",
        "recorded": "Su denuncia quedó registrada",
        "look": "Buscar",
        "name": "Nombre",
        "report_officer": "Presentar una denuncia sobre este agente",
        "history": "Historial de destinos",
    },
    "ar": {
        "unknown": "لا أعرف من كانوا",
        "next": "التالي",
        "plate": "ما لوحة الترخيص التي كانت على سيارتهم",
        "other_state": "لوحة من ولاية أخرى",
        "what": "ماذا حدث؟",
        "send": "إرسال البلاغ",
        "recorded": "تم تسجيل بلاغك",
        "look": "بحث",
        "name": "الاسم",
        "report_officer": "الإبلاغ عن مخالفة بشأن هذا الضابط",
        "history": "سجل التكليفات",
    },
}


def test_resident_reports_masked_agents_they_cannot_identify(phone: Any, server: Server) -> None:
    words = WORDS[phone.lang]
    phone.goto(server.url + "/")  # the language comes from the browser (Accept-Language)
    check_page(phone, phone.lang)
    phone.goto(server.url + "/report")
    check_page(phone, phone.lang)
    phone.get_by_label(words["unknown"]).check()
    phone.get_by_role("button", name=words["next"]).click()
    check_page(phone, phone.lang)
    # the CPD uniform rules are not among the choices for people nobody could identify
    assert phone.locator("input[value=officer_appearance]").count() == 0
    phone.get_by_label(words["plate"]).select_option("out_of_state")
    assert words["other_state"] in phone.locator("#fact-plate").inner_text()
    phone.get_by_label(words["what"]).fill("Agentes enmascarados, placa de Indiana.")
    phone.get_by_role("button", name=words["send"]).click()
    phone.wait_for_url("**/reports/*")
    assert phone.get_by_role("heading", name=words["recorded"]).is_visible()
    assert phone.locator("#status-link a").count() == 1
    check_page(phone, phone.lang)


def test_resident_checks_an_officer_with_a_misspelled_name(
    phone: Any, server: Server, roster: None
) -> None:
    words = WORDS[phone.lang]
    phone.goto(server.url + "/officers")
    check_page(phone, phone.lang)
    phone.get_by_label(words["name"], exact=True).fill("Abot")
    phone.get_by_role("button", name=words["look"]).click()
    phone.wait_for_url("**/officers?**")
    check_page(phone, phone.lang)
    first = phone.locator("ul.people .person-name a").first
    assert "ABBOT" in first.inner_text()
    first.click()
    phone.wait_for_url("**/officers/*")
    assert phone.get_by_role("heading", name=words["history"]).is_visible()
    check_page(phone, phone.lang)
    phone.get_by_role("link", name=words["report_officer"]).click()
    phone.wait_for_url("**/report?**")
    assert phone.locator("#who-cpd").is_checked()
    check_page(phone, phone.lang)


def test_dispatcher_sees_the_open_questions_first_and_a_supervisor_resolves(
    phone: Any, server: Server
) -> None:
    sign_in(phone, server, "officer")
    phone.goto(server.url + "/screen?jurisdiction=chicago&kind=assistance")
    check_page(phone, phone.lang)
    phone.fill("#at", "2025-11-20T08:00")
    phone.select_option("#fact-agency", "ice")
    phone.select_option("#fact-activity", "crowd_control")
    phone.locator("#screen-form button[type=submit]").click()
    phone.wait_for_url("**/decisions/*")
    check_page(phone, phone.lang)
    heading = phone.locator("h1#outcome-word")
    assert heading.get_attribute("data-outcome") == "needs_review"
    questions = phone.locator("#questions").bounding_box()
    assert questions is not None and questions["y"] < 2 * PHONE["height"]
    decision_url = phone.url
    phone.locator("form.inline button[type=submit]").click()  # sign out
    sign_in(phone, server, "supervisor")
    phone.goto(server.url + "/review")
    check_page(phone, phone.lang)
    decision_id = decision_url.rsplit("/", 1)[1]
    phone.select_option(f"#outcome-{decision_id}", "prohibited")
    phone.fill(f"#note-{decision_id}", "Crowd control for ICE: civil immigration purpose.")
    phone.locator(f"#resolve-{decision_id} button[type=submit]").click()
    phone.wait_for_url("**/review")
    phone.goto(decision_url)
    assert phone.locator("h1#outcome-word").get_attribute("data-outcome") == "prohibited"
    assert phone.locator("#resolution").is_visible()
    check_page(phone, phone.lang)


PUBLIC_PAGES = ("/", "/officers", "/report", "/report?who=federal", "/stats", "/ledger",
                "/ledger?index=0", "/login", "/law", "/no-such-page")  # fmt: skip


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("role", ["public", "officer", "supervisor", "auditor", "admin"])
def test_axe_finds_nothing_on_any_page_of_any_role(
    browser: Any, server: Server, viewport: dict[str, int], role: str
) -> None:
    from brightline.service.actors import Actor
    from brightline.web.deps import menu_for

    context = _context(browser, viewport, "en")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        if role != "public":
            sign_in(page, server, role)
        menu = [item["href"] for item in menu_for(Actor(role if role != "public" else None, role))]
        for path in dict.fromkeys([*PUBLIC_PAGES, *menu]):
            page.goto(server.url + path)
            check_page(page)
    finally:
        context.close()
