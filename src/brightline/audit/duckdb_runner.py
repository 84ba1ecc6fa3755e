"""Audits on DuckDB, embedded (the default): CSV or Parquet files in, Parquet or CSV out."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from sqlglot import exp

from brightline.audit import _mapping as m
from brightline.audit._emit import decision_columns
from brightline.errors import InvalidRequest

FILE_KINDS = (".csv", ".tsv", ".csv.gz", ".tsv.gz", ".parquet")


def category(type_name: str) -> str:
    """A DuckDB column type → the mapping's type category."""
    t = type_name.upper()
    if t in ("VARCHAR", "TEXT", "STRING") or t.startswith("ENUM"):
        return m.TEXT
    if t == "BOOLEAN":
        return m.BOOL
    if t == "DATE":
        return m.DATE
    if t in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        return m.TIMESTAMP
    if t.startswith("TIMESTAMP"):
        return m.NAIVE_TIMESTAMP
    if t in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "DOUBLE", "FLOAT", "REAL",
             "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT") or t.startswith("DECIMAL"):
        return m.NUMBER
    return m.OTHER


def _kind_of(path: str) -> str:
    lower = path.lower()
    for ending in FILE_KINDS:
        if lower.endswith(ending):
            return "parquet" if ending == ".parquet" else "csv"
    raise InvalidRequest(
        f"input {path!r}: give a .csv, .tsv or .parquet file for the duckdb engine",
        field="input", allowed=list(FILE_KINDS), got=path,
    )


class DuckDBRunner:
    dialect = "duckdb"

    def __init__(
        self,
        path: str,
        *,
        at_column: str = "at",
        connection: Any = None,
        progress: bool = False,
        threads: int | None = None,
    ) -> None:
        import duckdb

        self.path = path
        if not Path(path).exists():
            raise InvalidRequest(f"input file {path!r} not found", field="input", got=path)
        self.kind = _kind_of(path)
        self.con = connection if connection is not None else duckdb.connect()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if progress:
            self.con.execute("SET enable_progress_bar = true")
            self.con.execute("SET enable_progress_bar_print = true")
        self.view = f"_bl_input_{uuid.uuid4().hex[:8]}"
        self.result_table = f"_bl_result_{uuid.uuid4().hex[:8]}"
        self._columns = self._open(at_column)
        self.questions = False

    def _reader(self, types: dict[str, str] | None) -> str:
        path = self.path.replace("'", "''")
        if self.kind == "parquet":
            return f"read_parquet('{path}')"
        extra = ""
        if types:
            spec = ", ".join(f"'{k.replace(chr(39), chr(39) * 2)}': '{v}'" for k, v in types.items())
            extra = f", types = {{{spec}}}"
        return f"read_csv('{path}', header = true{extra})"

    def _open(self, at_column: str) -> dict[str, str]:
        import duckdb

        try:
            described = self.con.execute(f"DESCRIBE SELECT * FROM {self._reader(None)}").fetchall()
            types: dict[str, str] | None = None
            if self.kind == "csv":
                # at read as text: a bare date and a moment keep their own meaning; a column
                # the sniffer took for booleans is read as text too, so that only true and
                # false pass unmapped (DuckDB would also read yes, y, t, 1 as true: a guess)
                types = {
                    str(row[0]): "VARCHAR" for row in described
                    if row[0] == at_column or str(row[1]).upper() == "BOOLEAN"
                }
            self.con.execute(f'CREATE TEMP VIEW "{self.view}" AS SELECT * FROM {self._reader(types)}')
            described = self.con.execute(f'DESCRIBE "{self.view}"').fetchall()
        except duckdb.Error as exc:
            raise InvalidRequest(f"cannot read input {self.path!r}: {exc}", field="input") from None
        return {row[0]: category(str(row[1])) for row in described}

    def columns(self) -> dict[str, str]:
        return dict(self._columns)

    def source(self) -> exp.Expression:
        return exp.to_table(exp.to_identifier(self.view, quoted=True))

    def fetch(self, query: exp.Expression) -> list[tuple[Any, ...]]:
        return list(self.con.execute(query.sql(dialect="duckdb")).fetchall())

    def materialise(self, query: exp.Expression) -> exp.Expression:
        self.questions = "questions" in query.named_selects
        self.con.execute(
            f'CREATE TEMP TABLE "{self.result_table}" AS {query.sql(dialect="duckdb")}'
        )
        return exp.to_table(exp.to_identifier(self.result_table, quoted=True))

    def write(self, output: str) -> str:
        lower = output.lower()
        if lower.endswith(".parquet"):
            select, options = f'SELECT * FROM "{self.result_table}"', "FORMAT parquet"
        elif lower.endswith(".csv"):
            # lists as JSON arrays: one cell, unambiguous
            lists = [c for c in decision_columns(self.questions) if c != "outcome"]
            select = f'SELECT * REPLACE ({", ".join(f"to_json({c}) AS {c}" for c in lists)}) ' \
                     f'FROM "{self.result_table}"'
            options = "FORMAT csv, HEADER true"
        else:
            raise InvalidRequest(
                f"output {output!r}: give a .parquet or .csv file for the duckdb engine",
                field="output", allowed=[".parquet", ".csv"], got=output,
            )
        target = Path(output)
        temp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
        try:
            self.con.execute(f"COPY ({select}) TO '{str(temp).replace(chr(39), chr(39) * 2)}' "
                             f"({options})")
            os.replace(temp, target)
        finally:
            if temp.exists():
                temp.unlink()
        return str(target)

    def close(self) -> None:
        self.con.close()
