"""Audits on PostgreSQL: a table in, a table out, the same emitted query in PostgreSQL's dialect.

The input is ``[schema.]table``; the output, when asked, a new table created in one transaction
with the decision (nothing is left behind when anything fails). The scratch result is a
temporary table of the session.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlglot import exp

from brightline.audit import _mapping as m
from brightline.errors import InvalidRequest

_NUMBERS = ("smallint", "integer", "bigint", "numeric", "real", "double precision", "decimal")


def category(data_type: str) -> str:
    t = data_type.lower()
    if t in ("text", "character varying", "character", "name", "user-defined"):
        return m.TEXT
    if t == "boolean":
        return m.BOOL
    if t == "date":
        return m.DATE
    if t == "timestamp with time zone":
        return m.TIMESTAMP
    if t == "timestamp without time zone":
        return m.NAIVE_TIMESTAMP
    if t in _NUMBERS:
        return m.NUMBER
    return m.OTHER


def _split(name: str) -> tuple[str | None, str]:
    parts = name.split(".")
    if len(parts) == 1:
        return None, parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    raise InvalidRequest(f"table {name!r}: give table or schema.table", field="input", got=name)


def _table(name: str) -> exp.Table:
    schema, table = _split(name)
    return exp.Table(
        this=exp.to_identifier(table, quoted=True),
        db=exp.to_identifier(schema, quoted=True) if schema else None,
    )


def libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


class PostgresRunner:
    dialect = "postgres"

    def __init__(self, url: str, table: str) -> None:
        import psycopg

        self.table = table
        try:
            self.conn = psycopg.connect(libpq_url(url))
        except psycopg.Error as exc:
            raise InvalidRequest(f"cannot connect to PostgreSQL: {exc}", field="database") from None
        self.result_table = f"_bl_result_{uuid.uuid4().hex[:8]}"
        # JIT would compile the long decision expressions for longer than they take to run
        self.conn.execute("SET jit = off")
        schema, name = _split(table)
        rows = self.conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = %s AND (%s::text IS NULL AND table_schema = ANY(current_schemas(false)) "
            "OR table_schema = %s) ORDER BY ordinal_position",
            (name, schema, schema),
        ).fetchall()
        if not rows:
            raise InvalidRequest(f"table {table!r} not found in the database", field="input",
                                 got=table)
        self._columns = {str(r[0]): category(str(r[1])) for r in rows}
        self.conn.commit()
        self.questions = False

    def columns(self) -> dict[str, str]:
        return dict(self._columns)

    def source(self) -> exp.Expression:
        return _table(self.table)

    def fetch(self, query: exp.Expression) -> list[tuple[Any, ...]]:
        rows = self.conn.execute(query.sql(dialect="postgres")).fetchall()
        self.conn.commit()
        return list(rows)

    def materialise(self, query: exp.Expression) -> exp.Expression:
        self.conn.execute(
            f'CREATE TEMP TABLE "{self.result_table}" AS {query.sql(dialect="postgres")}'
        )
        self.conn.commit()
        return exp.to_table(exp.to_identifier(self.result_table, quoted=True))

    def write(self, output: str) -> str:
        import psycopg

        target = _table(output).sql(dialect="postgres")
        try:
            with self.conn.transaction():
                self.conn.execute(f'CREATE TABLE {target} AS SELECT * FROM "{self.result_table}"')
        except psycopg.errors.DuplicateTable:
            raise InvalidRequest(
                f"output table {output!r} already exists; name a new table", field="output",
                got=output,
            ) from None
        return output

    def close(self) -> None:
        self.conn.close()
