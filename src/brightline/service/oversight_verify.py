"""Checking an oversight report document against the ledger (``brightline oversight verify``).

The document says which report, which period and which ledger size it was computed at. The
check recomputes it from the ledger at that size and compares: the content hash, the ledger
entry that logged it, the signed checkpoint, every figure, every row of every table (rows are
matched by the ledger index of their source entry, or by their keys in aggregated tables) and
the commitment to the set of entries counted. Each difference is named: a changed figure, a
changed cell, a dropped row, an extra row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from brightline.errors import BrightlineError, InvalidRequest, LedgerCorrupt
from brightline.service import oversight
from brightline.service.actors import Actor, require
from brightline.service.validation import choice

if TYPE_CHECKING:
    from brightline.service.core import Service

VALUE_COLUMNS = ("count", "suppressed", "shown_as", "ledger_indexes")


def verify(service: Service, document: Any, *, actor: Actor) -> dict[str, Any]:
    """``{"ok", "problems": [...], "report", "period", "ledger_size", "checked"}``. Raises
    ``InvalidRequest`` when the document is not a report document at all. The answer quotes
    the ledger's figures, so only public reports may be checked by anyone; the others need
    ``read_oversight_reports``."""
    report, period, size, params = _claims(document)
    if report not in oversight.PUBLIC_REPORTS:
        require(actor, "read_oversight_reports")
    problems: list[str] = []
    if oversight.content_hash(document) != document.get("content_hash"):
        problems.append(
            "content_hash: the document's content does not hash to its content_hash (it was "
            "changed after it was produced)"
        )
    problems += _logged(service, document)
    problems += _checkpoint(service, document, size)
    checked = {"figures": 0, "rows": 0}
    try:
        fresh = oversight.compute(service, report, period, size=size, parameters=params)
    except LedgerCorrupt as exc:
        problems.append(f"the ledger cannot back this report: {exc}")
    except BrightlineError as exc:
        problems.append(f"the report cannot be recomputed: {exc}")
    else:
        problems += _figures(document.get("figures"), fresh["figures"], checked)
        problems += _tables(document.get("tables"), fresh["tables"], checked)
        problems += _entries(document.get("entries"), fresh["entries"])
        if (document.get("basis") or {}).get("root") != fresh["basis"]["root"]:
            problems.append(
                f"basis.root: the report says {(document.get('basis') or {}).get('root')!r}, "
                f"the ledger's root at size {size} is {fresh['basis']['root']}"
            )
    return {
        "ok": not problems,
        "problems": problems,
        "report": report,
        "period": period,
        "ledger_size": size,
        "checked": checked,
    }


def _claims(document: Any) -> tuple[str, dict[str, str], int, dict[str, Any]]:
    if not isinstance(document, Mapping) or document.get("format") != oversight.FORMAT:
        raise InvalidRequest(
            f'not an oversight report document (expected "format": "{oversight.FORMAT}")',
            field="format",
        )
    report = choice("report", document.get("report"), oversight.REPORTS)
    raw = document.get("period")
    if not isinstance(raw, Mapping):
        raise InvalidRequest("period must be an object with from and to", field="period")
    period = oversight.period(start=raw.get("from"), end=raw.get("to"))
    period["label"] = str(raw.get("label") or period["label"])
    basis = document.get("basis")
    size = basis.get("ledger_size") if isinstance(basis, Mapping) else None
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise InvalidRequest("basis.ledger_size must be a positive whole number", field="basis")
    params = document.get("parameters") or {}
    if not isinstance(params, Mapping):
        raise InvalidRequest("parameters must be an object", field="parameters")
    return report, period, size, dict(params)


def _logged(service: Service, document: Mapping[str, Any]) -> list[str]:
    """The ledger entry the document says logged it records the same content hash, report,
    period, size and pack."""
    from brightline.service import entries

    logged = document.get("logged")
    if not isinstance(logged, Mapping) or not isinstance(logged.get("ledger_index"), int):
        return []
    at = int(logged["ledger_index"])
    try:
        record = entries.load_record(service, at, oversight.KIND)
    except BrightlineError:
        return [f"logged: ledger entry {at} is not an oversight report entry"]
    if record is None:
        return [f"logged: ledger entry {at} was redacted"]
    problems = []
    claims = {
        "content_hash": document.get("content_hash"),
        "report": document.get("report"),
        "period": document.get("period"),
        "ledger_size": (document.get("basis") or {}).get("ledger_size"),
        "pack": (document.get("basis") or {}).get("pack"),
        "entries": document.get("entries"),
    }
    for name, claim in claims.items():
        if record.get(name) != claim:
            problems.append(
                f"logged: ledger entry {at} records {name} {record.get(name)!r}, the document "
                f"says {claim!r}"
            )
    return problems


def _checkpoint(service: Service, document: Mapping[str, Any], size: int) -> list[str]:
    from brightline.ledger.checkpoint import open_checkpoint

    note = (document.get("basis") or {}).get("checkpoint")
    try:
        checkpoint = open_checkpoint(str(note), service.ledger.vkey)
    except Exception as exc:  # any failure to open it means it does not verify
        return [f"basis.checkpoint: not a checkpoint signed by this ledger's key ({exc})"]
    if checkpoint.size != size:
        return [f"basis.checkpoint: signs tree size {checkpoint.size}, the report claims {size}"]
    try:
        root = service.ledger.inclusion_proof(0, size)["root"]
    except BrightlineError as exc:
        return [f"basis.ledger_size: the ledger has no tree of size {size} ({exc})"]
    if checkpoint.root.hex() != root:
        return [f"basis.checkpoint: signs root {checkpoint.root.hex()}, the ledger's is {root}"]
    return []


def _shown(value: Any) -> Any:
    if isinstance(value, Mapping) and "shown_as" in value:
        return value["shown_as"]
    return value


def _figures(claimed: Any, fresh: Mapping[str, Any], checked: dict[str, int]) -> list[str]:
    claimed = claimed if isinstance(claimed, Mapping) else {}
    problems = []
    for name, value in fresh.items():
        checked["figures"] += 1
        if name not in claimed:
            problems.append(
                f"figure {name}: missing from the report; the ledger gives {_shown(value)}"
            )
        elif claimed[name] != value:
            problems.append(
                f"figure {name}: the report says {_shown(claimed[name])}, the ledger gives "
                f"{_shown(value)}"
            )
    for name in claimed:
        if name not in fresh:
            problems.append(f"figure {name}: in the report but not a figure of this report")
    return problems


def _key(row: Mapping[str, Any], columns: list[str]) -> tuple[Any, ...]:
    if row.get("certifies_none") is True:
        return ("certifies none",)
    if row.get("ledger_index") is not None:
        return ("ledger index", row["ledger_index"])
    return tuple(row.get(c) for c in columns if c not in VALUE_COLUMNS)


def _described(key: tuple[Any, ...], columns: list[str]) -> str:
    if key[0] == "certifies none":
        return "certifying none"
    if key[0] == "ledger index":
        return f"from ledger entry {key[1]}"
    names = [c for c in columns if c not in VALUE_COLUMNS]
    return "(" + ", ".join(f"{n}={v}" for n, v in zip(names, key, strict=False)) + ")"


def _tables(claimed: Any, fresh: list[dict[str, Any]], checked: dict[str, int]) -> list[str]:
    claimed_tables = {
        t.get("name"): t
        for t in (claimed if isinstance(claimed, list) else [])
        if isinstance(t, Mapping)
    }
    problems = []
    for table in fresh:
        name = table["name"]
        columns = [c["name"] for c in table["columns"]]
        mine = claimed_tables.pop(name, None)
        if mine is None:
            problems.append(f"table {name}: missing from the report")
            continue
        rows = [r for r in mine.get("rows") or [] if isinstance(r, Mapping)]
        have = {_key(r, columns): r for r in rows}
        want = {_key(r, columns): r for r in table["rows"]}
        if len(have) != len(rows):
            problems.append(f"table {name}: the report repeats a row")
        for key, row in want.items():
            checked["rows"] += 1
            label = _described(key, columns)
            if key not in have:
                problems.append(
                    f"table {name}: row {label} is in the ledger but missing from the report (dropped)"
                )
                continue
            for column in columns:
                if have[key].get(column) != row.get(column):
                    problems.append(
                        f"table {name}: row {label}: {column} says {have[key].get(column)!r}, "
                        f"the ledger gives {row.get(column)!r}"
                    )
        for key in have:
            if key not in want:
                problems.append(
                    f"table {name}: row {_described(key, columns)} is in the report but not in "
                    "the ledger (extra)"
                )
    for name in claimed_tables:
        problems.append(f"table {name}: in the report but not a table of this report")
    return problems


def _entries(claimed: Any, fresh: Mapping[str, Any]) -> list[str]:
    if claimed == fresh:
        return []
    count = claimed.get("count") if isinstance(claimed, Mapping) else None
    return [
        f"entries: the report commits to {count} entries ({_sha(claimed)}), the ledger gives "
        f"{fresh['count']} ({fresh['sha256'][:16]}…)"
    ]


def _sha(claimed: Any) -> str:
    value = claimed.get("sha256") if isinstance(claimed, Mapping) else None
    return f"{str(value)[:16]}…" if value else "no digest"
