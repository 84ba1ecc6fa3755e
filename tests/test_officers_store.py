"""The roster store on SQLite and PostgreSQL (a real-data subset: last names starting "AB"):
import, idempotence, rejections reported with reasons, lookups, and the import-if-empty path."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from brightline.errors import InvalidRequest
from brightline.service import Service
from brightline.service.officers import find_officers, import_roster, import_roster_if_empty
from brightline.store.tables_roster import roster_officers, roster_stars, roster_unit_history
from test_roster_support import ROSTER_FILE, subset_dir


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return subset_dir(tmp_path_factory)


@pytest.fixture
def service(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BRIGHTLINE_SIGNING_KEY", raising=False)
    opened = Service.open(db_url)
    yield opened
    opened.close()


def _table_counts(service: Service) -> tuple[int, int, int]:
    with service.reading() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (roster_officers, roster_stars, roster_unit_history)
        )


def test_import_is_idempotent_and_lookups_work(service: Service, subset: Path) -> None:
    first = import_roster(service.engine, [subset])
    roster = next(f for f in first["files"] if f["kind"] == "roster")
    assert roster["imported"] == roster["rows_read"] > 10
    assert first["linked"] >= roster["rows_read"] - 2
    counts = _table_counts(service)
    second = import_roster(service.engine, [subset])
    assert second["totals"]["imported"] == 0 and second["linked"] == 0
    assert _table_counts(service) == counts
    found = find_officers(service, name="Abbate")
    assert found["name_match"] == "exact"
    assert any(p["last_name"] == "ABBATE" and p["active"] for p in found["results"])
    star = found["results"][0]["stars"][0]
    assert found["results"][0]["id"] in {
        p["id"] for p in find_officers(service, star=star)["results"]
    }


def test_a_malformed_row_is_rejected_and_the_rest_imported(
    service: Service, subset: Path, tmp_path: Path
) -> None:
    text = gzip.decompress((subset / ROSTER_FILE).read_bytes()).decode()
    header, first, *rest = text.splitlines()
    columns = header.split(",")
    cells = first.split(",")
    cells[columns.index("status")] = "X"
    broken = tmp_path / ROSTER_FILE
    broken.write_bytes(gzip.compress("\n".join([header, ",".join(cells), *rest, ""]).encode()))
    report = import_roster(service.engine, [broken])
    [item] = report["files"]
    assert (item["rows_read"], item["imported"], item["rejected"]) == (len(rest) + 1, len(rest), 1)
    assert item["rejections"]["bad_status"]["count"] == 1
    assert "line 2" in item["rejections"]["bad_status"]["example"]
    assert "'X' is not Y or N" in item["rejections"]["bad_status"]["example"]


def test_bad_lookups_are_refused_with_the_field_named(service: Service) -> None:
    for query, field in (
        ({"star": "12a"}, "star"),
        ({"unit": "-3"}, "unit"),
        ({"name": "x"}, "name"),
        ({}, "query"),
        ({"name": "Smith", "limit": "0"}, "limit"),
    ):
        with pytest.raises(InvalidRequest) as caught:
            find_officers(service, **query)
        assert caught.value.details["field"] == field


def test_import_if_empty_takes_the_fast_path_once_loaded(service: Service, subset: Path) -> None:
    done = import_roster_if_empty(service, subset)
    assert done["skipped"] is False and done["totals"]["imported"] > 0
    again = import_roster_if_empty(service, subset)
    assert again == {"skipped": True, "officers": _table_counts(service)[0]}


def test_an_empty_roster_says_so(service: Service) -> None:
    found = find_officers(service, star=13001)
    assert found["count"] == 0 and found["roster_size"] == 0
    assert "not been loaded" in found["help"]["summary"]
