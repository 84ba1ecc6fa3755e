"""Batch audits: a pack compiled to SQL, run embedded on DuckDB and unchanged on PostgreSQL and
Spark.

Public API::

    load_form(pack, kind, packs_dir=None) -> KindForm   # the engine's compiled form, one kind
    emit_sql(form, dialect=..., questions=...) -> str   # the decision query, for reading
    load_mapping(path) -> MappingSpec                   # a mapping file (columns, codes -> facts)
    run_audit(request, runner) -> dict                  # check, decide, write, summarise
    render_summary(summary) -> str

Runners (I/O, one per engine): ``brightline.audit.duckdb_runner.DuckDBRunner`` (CSV/Parquet),
``brightline.audit.postgres_runner.PostgresRunner`` (a table), ``brightline.audit.spark_runner
.SparkRunner`` (a table or a file, local or on a cluster). The emitter (``_emit``), the form
(``_form``) and the mapping (``_mapping``) are pure and private.
"""

from brightline.audit._audit import (
    ENGINES,
    AuditRequest,
    Progress,
    emit_sql,
    load_form,
    render_summary,
    run_audit,
)
from brightline.audit._form import KindForm
from brightline.audit._mapping import MappingSpec, load_mapping, parse_mapping

__all__ = [
    "ENGINES",
    "AuditRequest",
    "KindForm",
    "MappingSpec",
    "Progress",
    "emit_sql",
    "load_form",
    "load_mapping",
    "parse_mapping",
    "render_summary",
    "run_audit",
]
