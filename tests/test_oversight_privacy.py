"""A generated report holds no names, no reporters' words, no contact data and no times finer
than the statute asks, in every output format (JSON, each CSV, the data dictionary, HTML)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from brightline.service import oversight_formats as formats
from brightline.service.oversight import period
from oversight_support import NAMES_AND_WORDS, fill
from test_service_support import AUDITOR, open_service

# Where the statute asks for a time of day (TRUST.25(a)(2)(B) and (D)); everywhere else a date
# (WCO.RPT, the decisions trail) or a month (EO 2026-01) is all a report may say.
TIMED_COLUMNS = {"trust": {"bail_posted_at", "disposition_at"}}
TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
SECONDS = re.compile(r"T\d{2}:\d{2}:\d{2}")


def _outputs(doc: dict) -> dict[str, str]:
    out = {
        "json": formats.to_json(doc),
        "dictionary": formats.dictionary_csv(doc),
        "html": formats.to_html(doc),
    }
    for table in doc["tables"]:
        out[f"csv:{table['name']}"] = formats.table_csv(doc, table["name"])
    return out


@pytest.mark.parametrize(
    ("report", "when"),
    [
        ("wco", {"quarter": "2025Q4"}),
        ("trust", {"year": 2025}),
        ("federal-conduct", {"quarter": "2026Q1"}),
        ("decisions", {"start": "2025-01-01", "end": "2026-12-31"}),
    ],
)
def test_no_names_words_contact_or_fine_times_in_any_format(
    report: str, when: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = open_service(f"sqlite:///{tmp_path / 'b.db'}", tmp_path, monkeypatch)
    try:
        fill(service)
        doc = service.oversight_report(report, period(**when), actor=AUDITOR)
    finally:
        service.close()
    assert sum(len(t["rows"]) for t in doc["tables"]) > 0
    for name, text in _outputs(doc).items():
        for word in NAMES_AND_WORDS:
            assert word not in text, (report, name, word)
        assert not SECONDS.search(text), (report, name, SECONDS.search(text))
    allowed = TIMED_COLUMNS.get(report, set())
    for table in doc["tables"]:
        for row in table["rows"]:
            for column, value in row.items():
                if isinstance(value, str) and TIME.search(value):
                    assert column in allowed, (report, table["name"], column, value)
    if report == "trust":
        timed = [r["disposition_at"] for r in doc["tables"][1]["rows"]]
        assert all(
            t is None or re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d", t) for t in timed
        )
