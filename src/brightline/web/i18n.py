"""Languages of the pages: which one a request gets, the gettext catalogs, and the helpers the
templates call.

The public pages speak English, Spanish, Polish, Chinese (Simplified) and Arabic (right to
left): the languages the City's language-access materials name first. A request's language is
``?lang=`` (which is then remembered in the ``lang`` cookie), else that cookie, else the best
match of ``Accept-Language``, else English.

Catalogs are gettext ``.po`` files under ``web/locale/<lang>/LC_MESSAGES/messages.po``, read
with Babel when the module is first used and turned into :class:`gettext.GNUTranslations` in
memory (no compile step: a fresh clone works as it is). Fuzzy and empty entries count as
untranslated and fall back to English. ``python -m brightline.web.i18n extract`` rewrites the
template (``messages.pot``) from the templates and the Python sources; tests fail on any public
string without a translation in every language.
"""

from __future__ import annotations

import gettext as gettext_module
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Language:
    code: str  # what ?lang= and the cookie take
    tag: str  # the BCP 47 tag for <html lang>
    name: str  # the language's own name, for the switcher
    direction: str  # ltr or rtl


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "en", "English", "ltr"),
        Language("es", "es", "Español", "ltr"),
        Language("pl", "pl", "Polski", "ltr"),
        Language("zh", "zh-Hans", "简体中文", "ltr"),
        Language("ar", "ar", "العربية", "rtl"),
    )
}
TRANSLATED = tuple(code for code in LANGUAGES if code != DEFAULT)

# Public templates: every string in them needs a translation in every language. Staff pages
# need at least Spanish (STAFF_LANGUAGES) and fall back to English in the others.
PUBLIC_TEMPLATES = (
    "base.html",
    "_lang.html",
    "index.html",
    "error.html",
    "login.html",
    "report.html",
    "receipt.html",
    "stats.html",
    "ledger.html",
    "officers/lookup.html",
    "officers/officer.html",
)
STAFF_LANGUAGES = ("es",)


def N_(message: str) -> str:
    """Mark a string in Python code for the catalogs; it is translated where it is shown."""
    return message


# ---- choosing the language ----------------------------------------------------------------


def _accepted(header: str) -> list[tuple[float, int, str]]:
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag.strip().lower()))
    return sorted(ranked)


def from_accept_language(header: str | None) -> str | None:
    """The best supported language of an ``Accept-Language`` header, or None."""
    if not header:
        return None
    for _, _, tag in _accepted(header[:500]):
        primary = tag.split("-", 1)[0]
        if primary in LANGUAGES:
            return primary
        if tag == "*":
            return DEFAULT
    return None


def choose(query_lang: str | None, cookie_lang: str | None, accept: str | None) -> str:
    """``?lang=``, then the cookie, then ``Accept-Language``, then English."""
    for candidate in (query_lang, cookie_lang):
        if candidate and candidate.lower() in LANGUAGES:
            return candidate.lower()
    return from_accept_language(accept) or DEFAULT


# ---- catalogs ----------------------------------------------------------------------------


def po_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(code: str) -> gettext_module.NullTranslations:
    """The catalog of ``code`` (English: the identity), compiled from its .po in memory."""
    if code == DEFAULT or code not in LANGUAGES:
        return gettext_module.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path(code).open("rb") as handle:
        catalog = read_po(handle, locale=code if code != "zh" else "zh_Hans")
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext_module.GNUTranslations(buffer)


def gettext(code: str, message: str) -> str:
    return translations(code).gettext(message)


def ngettext(code: str, singular: str, plural: str, n: int) -> str:
    return translations(code).ngettext(singular, plural, n)


# ---- times -------------------------------------------------------------------------------

CITY_TZ = "America/Chicago"
BABEL_LOCALES = {"en": "en_US", "es": "es_US", "pl": "pl_PL", "zh": "zh_Hans_CN", "ar": "ar"}


def local_time(value: object, code: str, *, seconds: bool = False, tz: str = CITY_TZ) -> str:
    """An ISO 8601 instant (or datetime) in Chicago time, written the way ``code`` writes dates,
    with the zone's abbreviation (CST/CDT); never microseconds. Unparseable text is returned
    as it came."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from babel.dates import format_date, format_time

    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value or "")
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    here = moment.astimezone(ZoneInfo(tz))
    locale = BABEL_LOCALES.get(code, "en_US")
    clock = format_time(here, "HH:mm:ss" if seconds else "HH:mm", locale=locale)
    return f"{format_date(here, 'medium', locale=locale)} {clock} {here.tzname()}"


# ---- the request's language --------------------------------------------------------------


def request_lang(scope: Mapping[str, Any]) -> str:
    state = scope.get("state") or {}
    lang = state.get("lang") if isinstance(state, Mapping) else None
    return lang if isinstance(lang, str) and lang in LANGUAGES else DEFAULT


def _cookie(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    for key, value in headers:
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header is ignored, like a missing one
                continue
            if COOKIE in jar:
                return jar[COOKIE].value
    return None


class LanguageMiddleware:
    """Sets ``scope["state"]["lang"]`` for every request; a ``?lang=`` that names a supported
    language is remembered in a cookie. Pages say which language they are in
    (``Content-Language``) and that they vary by ``Accept-Language`` and ``Cookie``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith(("/api/", "/static/")):
            await self.app(scope, receive, send)
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        asked = query.get("lang", "").lower()
        headers = scope.get("headers") or []
        accept = next((v.decode("latin-1") for k, v in headers if k == b"accept-language"), None)
        lang = choose(asked, _cookie(headers), accept)
        scope.setdefault("state", {})["lang"] = lang
        remember = asked in LANGUAGES

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-language", LANGUAGES[lang].tag.encode()),
                    (b"vary", b"Accept-Language, Cookie"),
                ]
                if remember:
                    extra.append(
                        (
                            b"set-cookie",
                            f"{COOKIE}={lang}; Max-Age={COOKIE_MAX_AGE}; Path=/; SameSite=Lax".encode(),
                        )
                    )
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_language)


def switch_links(path: str, query_string: str, current: str) -> list[dict[str, Any]]:
    """One link per language to the same page (other query parameters kept)."""
    params = [(k, v) for k, v in parse_qsl(query_string) if k != "lang"]
    return [
        {
            "code": lang.code,
            "tag": lang.tag,
            "name": lang.name,
            "href": path + "?" + urlencode([*params, ("lang", lang.code)]),
            "current": lang.code == current,
        }
        for lang in LANGUAGES.values()
    ]


# ---- extraction (developers) -------------------------------------------------------------


def extract(root: Path | None = None) -> Any:
    """A Babel catalog of every message in the templates and the marked Python strings."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    package = root or Path(__file__).resolve().parents[1]
    catalog = Catalog(project="brightline", charset="utf-8")
    method_map = [("web/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {
        "web/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"},
    }
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    for filename, lineno, message, comments, context in extract_from_dir(
        str(package), method_map, options, keywords=keywords, strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def messages_of(templates: Iterable[str]) -> set[str]:
    """The msgids (singular forms) found in the given template names."""
    wanted = {f"web/templates/{t}" for t in templates}
    found: set[str] = set()
    for message in extract():
        if not message.id:
            continue
        if any(location in wanted for location, _ in message.locations):
            found.add(message.id if isinstance(message.id, str) else message.id[0])
    return found


def _main(argv: list[str]) -> int:
    from babel.messages.pofile import read_po, write_po

    if argv[:1] != ["extract"]:
        print("usage: python -m brightline.web.i18n extract")
        return 2
    template = extract()
    pot = LOCALE_DIR / f"{DOMAIN}.pot"
    pot.parent.mkdir(parents=True, exist_ok=True)
    with pot.open("wb") as handle:
        write_po(handle, template, omit_header=False, sort_output=True, include_lineno=False)
    for code in TRANSLATED:
        path = po_path(code)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=code if code != "zh" else "zh_Hans")
        else:
            from babel.messages.catalog import Catalog

            catalog = Catalog(locale=code if code != "zh" else "zh_Hans", project="brightline")
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, sort_output=True, include_lineno=False, ignore_obsolete=True)
    print(f"wrote {pot} and {len(TRANSLATED)} catalogs")
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(_main(sys.argv[1:]))
