"""An oversight report document as JSON, as CSV (one file per table, and a data dictionary),
and as an HTML document with charts and a print stylesheet.

The HTML is one self-contained file (its styles inline, charts as inline SVG with a title, a
description and the numbers written beside the bars, every chart followed by its table), so the
page prints as the document that is sent. Very long tables are cut after ``HTML_ROWS`` rows in
HTML, saying so; CSV and JSON always hold every row.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

from brightline.errors import InvalidRequest
from brightline.service.exports import to_csv

HTML_ROWS = 2000
TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates"


def to_json(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def table_of(document: Mapping[str, Any], name: str | None) -> Mapping[str, Any]:
    tables = document["tables"]
    if name is None:
        return dict(tables[0])
    for table in tables:
        if table["name"] == name:
            return dict(table)
    names = [t["name"] for t in tables]
    raise InvalidRequest(
        f"table must be one of {', '.join(names)} (got {name!r})", field="table", allowed=names
    )


def table_csv(document: Mapping[str, Any], name: str | None = None) -> str:
    table = table_of(document, name)
    return to_csv(table["rows"], [c["name"] for c in table["columns"]])


def dictionary_csv(document: Mapping[str, Any]) -> str:
    """One row per column of every table: what it holds, its type, the clause it answers; then
    the report's own fields (period, ledger size, checkpoint, content hash)."""
    rows = []
    for table in document["tables"]:
        for column in table["columns"]:
            rows.append(
                {
                    "file": f"{table['name']}.csv",
                    "column": column["name"],
                    "type": column["type"],
                    "description": column["description"],
                    "table_title": table["title"],
                    "cites": " ".join(table.get("cites") or []),
                }
            )
    basis = document["basis"]
    for column, value in (
        ("report", document["report"]),
        ("period", f"{document['period']['from']} to {document['period']['to']}"),
        ("ledger_size", basis["ledger_size"]),
        ("ledger_root", basis["root"]),
        ("pack", f"{basis['pack']['name']} {basis['pack']['version']} {basis['pack']['digest']}"),
        (
            "entries",
            f"{document['entries']['count']} entries, sha256 {document['entries']['sha256']}",
        ),
        ("content_hash", document["content_hash"]),
    ):
        rows.append(
            {
                "file": "report.json",
                "column": column,
                "type": "metadata",
                "description": str(value),
                "table_title": document["title"],
                "cites": " ".join(document.get("law") or []),
            }
        )
    return to_csv(rows, ["file", "column", "type", "description", "table_title", "cites"])


def write_files(document: Mapping[str, Any], folder: Path) -> list[Path]:
    """``report.json``, one CSV per table, ``data_dictionary.csv`` and ``report.html``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    files = {
        "report.json": to_json(document),
        "data_dictionary.csv": dictionary_csv(document),
        "report.html": to_html(document),
        **{f"{t['name']}.csv": table_csv(document, t["name"]) for t in document["tables"]},
    }
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# ---- charts -------------------------------------------------------------------------------------


def bars(counts: Mapping[str, int], *, title: str, note: str = "") -> str:
    """A horizontal bar chart as accessible inline SVG: a title, a description listing every
    value, the number written beside each bar; dark bars on white (contrast above 7:1)."""
    items = [(str(k), int(v)) for k, v in counts.items()]
    top = max([v for _, v in items] or [1]) or 1
    row_h, label_w, width = 26, 200, 640
    height = row_h * max(len(items), 1) + 10
    desc = "; ".join(f"{k}: {v}" for k, v in items) or "no data"
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="t-{_id(title)} d-{_id(title)}" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet">'
        f'<title id="t-{_id(title)}">{escape(title)}</title>'
        f'<desc id="d-{_id(title)}">{escape(desc + note)}</desc>'
    ]
    for i, (key, value) in enumerate(items):
        y = 5 + i * row_h
        w = max(2, int((width - label_w - 70) * value / top)) if value else 0
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(key.replace("_", " "))}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w}" height="{row_h - 9}" fill="#0b3d75"/>'
            f'<text x="{label_w + w + 6}" y="{y + 17}">{value}</text>'
        )
    if not items:
        parts.append('<text x="0" y="20">None.</text>')
    parts.append("</svg>")
    return "".join(parts)


def _id(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower())[:60]


def charts(document: Mapping[str, Any]) -> list[dict[str, str]]:
    """The charts of a report: what each shows, as SVG."""
    out = []
    for table in document["tables"]:
        rows = [r for r in table["rows"] if not r.get("certifies_none")]
        if not rows:
            continue
        if "count" in {c["name"] for c in table["columns"]} and "month" in rows[0]:
            tally: Counter[str] = Counter()
            hidden = 0
            for r in rows:
                if r.get("suppressed"):
                    hidden += 1
                else:
                    tally[r["month"]] += int(r["count"] or 0)
            note = f" ({hidden} small counts suppressed, not drawn)" if hidden else ""
            title = f"{table['title']}: counts by month"
            out.append(
                {"title": title, "svg": bars(dict(sorted(tally.items())), title=title, note=note)}
            )
        elif "count" in rows[0]:
            title = f"{table['title']}"
            counts = {
                " / ".join(str(v) for k, v in r.items() if k != "count"): r["count"] for r in rows
            }
            out.append({"title": title, "svg": bars(counts, title=title)})
        else:
            column = next(
                (c for c in ("final_outcome", "disposition", "outcome") if c in rows[0]), None
            )
            if column is None:
                continue
            title = f"{table['title']}: by {column.replace('_', ' ')}"
            counted = Counter(str(r[column]) for r in rows)
            out.append({"title": title, "svg": bars(dict(sorted(counted.items())), title=title)})
    return out


# ---- HTML ---------------------------------------------------------------------------------------


def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape())
    env.filters["cell"] = cell_text
    return env


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return (
        str(value).replace("_", " ") if isinstance(value, str) and " " not in value else str(value)
    )


def html_context(document: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "doc": document,
        "charts": charts(document),
        "max_rows": HTML_ROWS,
        "dictionary": [(t["name"], c) for t in document["tables"] for c in t["columns"]],
    }


def to_html(document: Mapping[str, Any]) -> str:
    """The standalone HTML document (inline styles, print stylesheet)."""
    template = _environment().get_template("oversight/standalone.html")
    return str(template.render(**html_context(document)))
