"""Pages in the residents' languages: the catalogs are complete for every public string, the
language is chosen by ``?lang=``, the cookie and ``Accept-Language``, ``<html lang dir>`` says
which it is, and no English is left on a public page rendered in another language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from brightline.service.officers import roster_index
from brightline.web import i18n
from test_roster_support import subset_dir
from test_web_support import Web, csrf_of, web_with_roster

PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}")


def _catalog(code: str) -> dict[str, object]:
    with i18n.po_path(code).open("rb") as handle:
        catalog = read_po(handle)
    return {
        (m.id if isinstance(m.id, str) else m.id[0]): m
        for m in catalog
        if m.id and not m.fuzzy and (m.string if isinstance(m.string, str) else all(m.string))
    }


def _python_messages() -> set[str]:
    found = set()
    for message in i18n.extract():
        if message.id and any(path.endswith(".py") for path, _ in message.locations):
            found.add(message.id if isinstance(message.id, str) else message.id[0])
    return found


@pytest.mark.parametrize("code", i18n.TRANSLATED)
def test_every_public_string_is_translated(code: str) -> None:
    public = i18n.messages_of(i18n.PUBLIC_TEMPLATES) | _python_messages()
    assert len(public) > 150
    done = _catalog(code)
    missing = sorted(public - set(done))
    assert not missing, f"{len(missing)} public strings without a {code} translation: {missing[:8]}"
    for msgid in public:
        string = done[msgid].string  # type: ignore[attr-defined]
        forms = [string] if isinstance(string, str) else list(string)
        for form in forms:
            if not isinstance(done[msgid].id, str):  # type: ignore[attr-defined]
                continue  # plural forms may leave the number out (Arabic's dual)
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(msgid)), (code, msgid)


def test_staff_pages_are_translated_into_spanish() -> None:
    staff = {t.name for t in (i18n.LOCALE_DIR.parent / "templates").rglob("*.html")}
    staff_templates = [
        str(p.relative_to(i18n.LOCALE_DIR.parent / "templates"))
        for p in (i18n.LOCALE_DIR.parent / "templates").rglob("*.html")
    ]
    assert staff
    messages = i18n.messages_of(staff_templates)
    for code in i18n.STAFF_LANGUAGES:
        missing = sorted(messages - set(_catalog(code)))
        assert not missing, f"staff strings without {code}: {missing[:8]}"


def test_catalogs_follow_the_templates() -> None:
    """Every string of the templates is in the .pot (run ``python -m brightline.web.i18n
    extract`` after changing a template)."""
    with (i18n.LOCALE_DIR / "messages.pot").open("rb") as handle:
        pot = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    current = {m.id if isinstance(m.id, str) else m.id[0] for m in i18n.extract() if m.id}
    assert current == pot


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9", "zh"),
        ("fr-FR, pl;q=0.5", "pl"),
        ("ar-SA", "ar"),
        ("de-DE,fr;q=0.8", None),
        ("es;q=0, pl;q=0.3", "pl"),
        ("", None),
    ],
)
def test_accept_language(header: str, expected: str | None) -> None:
    assert i18n.from_accept_language(header) == expected


def test_query_beats_cookie_beats_header() -> None:
    assert i18n.choose("ar", "es", "pl") == "ar"
    assert i18n.choose("xx", "es", "pl") == "es"
    assert i18n.choose(None, None, "pl-PL") == "pl"
    assert i18n.choose(None, "klingon", None) == "en"


def test_times_are_chicago_local_to_the_minute() -> None:
    shown = i18n.local_time("2025-10-04T15:30:12.123456+00:00", "en")
    assert "10:30" in shown and "CDT" in shown and "12" not in shown.split("10:30")[1]
    assert "Oct" in shown and "2025" in shown
    winter = i18n.local_time("2026-01-15T18:05:00Z", "es")
    assert "12:05" in winter and "CST" in winter and "ene" in winter
    assert i18n.local_time("not a time", "pl") == "not a time"


# ---- the pages ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return subset_dir(tmp_path_factory)


@pytest.fixture
def site(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, subset: Path
) -> Iterator[Web]:
    yield from web_with_roster(sqlite_url, tmp_path, monkeypatch, subset)


def test_language_from_header_query_and_cookie(site: Web) -> None:
    page = site.client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert '<html lang="es" dir="ltr">' in page.text and "Presentar una denuncia" in page.text
    assert page.headers["content-language"] == "es"
    assert "Accept-Language" in page.headers["vary"]
    arabic = site.client.get("/officers?lang=ar")
    assert '<html lang="ar" dir="rtl">' in arabic.text
    assert "lang=ar" in arabic.headers["set-cookie"]
    # remembered: the next page without ?lang= and with an English browser stays Arabic
    again = site.client.get("/stats", headers={"Accept-Language": "en"})
    assert '<html lang="ar" dir="rtl">' in again.text
    chinese = site.client.get("/ledger?lang=zh")
    assert '<html lang="zh-Hans" dir="ltr">' in chinese.text
    switch = re.findall(r'<a href="([^"]+)" lang="([^"]+)" hreflang', chinese.text)
    assert ("/ledger?lang=es", "es") in switch and len(switch) == 4


def test_api_is_not_touched_by_the_language(site: Web) -> None:
    reply = site.client.get("/api/v1/ledger/checkpoint?lang=es")
    assert reply.status_code == 200
    assert "content-language" not in reply.headers and "set-cookie" not in reply.headers


class _Visible(HTMLParser):
    """The text a reader sees, without scripts, styles, machine data (code, .mono, hashes),
    and parts marked as English on purpose (the law's own words)."""

    SKIP = {"script", "style", "code", "pre", "title"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        attr = dict(attrs)
        hidden = (
            tag in self.SKIP
            or attr.get("lang") == "en"
            or "mono" in (attr.get("class") or "").split()
            or (self.stack and self.stack[-1])
        )
        self.stack.append(bool(hidden))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.words.extend(re.findall(r"\b[a-z]{3,}\b", data))


# Lower-case Latin words that may stay in a Chinese page: the product's name, file names and
# units of data, not sentences.
ALLOWED = {"brightline", "verify", "api", "json", "lang", "proof", "inclusion", "consistency"}


def _english_left(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    return sorted({w for w in parser.words if w not in ALLOWED})


def test_no_english_left_on_public_pages_in_chinese(site: Web) -> None:
    person = next(p for p in roster_index(site.service).people.values() if p.active and p.stars)
    client = site.client
    client.get("/?lang=zh")
    report_form = client.get("/report?who=unknown")
    reply = client.post(
        "/report",
        data={
            "csrf_token": csrf_of(report_form.text),
            "who": "unknown",
            "category": "unidentified",
            "fact.face_covering": "balaclava",
            "fact.plate": "out_of_state",
            "description": "蒙面人员",
        },
        follow_redirects=False,
    )
    assert reply.status_code == 303, reply.text
    pages = [
        "/",
        "/officers",
        f"/officers?name={person.last_name}",
        f"/officers?star={person.star_numbers()[0]}",
        "/officers?name=Qqqqqq",
        f"/officers/{person.id}",
        "/report",
        "/report?who=unknown",
        "/report?who=cpd",
        "/report?who=federal",
        "/report?who=other_police",
        reply.headers["location"],
        "/stats",
        "/ledger",
        "/ledger?index=0",
        "/login",
        "/no-such-page",
    ]
    for path in pages:
        page = client.get(path)
        assert page.status_code in (200, 404), (path, page.status_code)
        assert '<html lang="zh-Hans"' in page.text, path
        left = _english_left(page.text)
        assert not left, f"{path}: English left on the Chinese page: {left}"


def test_report_questions_come_from_the_pack_in_the_residents_language(site: Web) -> None:
    page = site.client.get("/report?who=unknown&lang=es").text
    assert "¿Qué placa tenía su vehículo" in page
    assert "Una placa de otro estado" in page and "Un pasamontañas" in page
    arabic = site.client.get("/report?who=cpd&lang=ar").text
    assert "هل نجمة الضابط (رقم الشارة) ظاهرة للناس؟" in arabic
