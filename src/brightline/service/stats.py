"""Public statistics: counts of decisions and reports by kind, outcome and month (of the
conduct), and of reports by category. Computed from the index tables' non-personal columns only:
no usernames, no reporters' words, no places."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, func, select

from brightline.store.tables_app import decisions as decisions_t
from brightline.store.tables_app import reports as reports_t

if TYPE_CHECKING:
    from brightline.service.core import Service


def public_stats(service: Service) -> dict[str, Any]:
    """``{"decisions": {...}, "reports": {...}}``; each has ``total``, ``by_kind``,
    ``by_outcome``, ``by_month`` and ``rows`` (``{month, kind, outcome, count}``, sorted);
    reports also ``by_category``. A report the pack did not decide counts as outcome
    ``undecided``."""
    return {
        "decisions": _counts(service, decisions_t, ()),
        "reports": _counts(service, reports_t, ("category",)),
    }


def _counts(service: Service, table: Table, extra: tuple[str, ...]) -> dict[str, Any]:
    keys = ("month", "kind", "outcome", *extra)
    columns = [table.c[k] for k in keys]
    with service.reading() as conn:
        grouped = conn.execute(select(*columns, func.count()).group_by(*columns)).all()
    rows = []
    for row in grouped:
        values = dict(zip(keys, row[:-1], strict=True))
        values["outcome"] = values["outcome"] or "undecided"
        rows.append({**values, "count": int(row[-1])})
    rows.sort(key=lambda r: tuple(str(r[k]) for k in keys))
    out: dict[str, Any] = {"total": sum(r["count"] for r in rows)}
    for key in ("kind", "outcome", "month", *extra):
        tally: Counter[str] = Counter()
        for r in rows:
            tally[str(r[key])] += r["count"]
        out[f"by_{key}"] = dict(sorted(tally.items()))
    out["rows"] = rows
    return out
