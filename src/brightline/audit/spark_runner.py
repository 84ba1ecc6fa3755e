"""Audits on Apache Spark: the same emitted query in Spark SQL's dialect.

The input is a table of the session's catalog, or a Parquet/CSV file or folder (read into a
temporary view); the output a new table (``saveAsTable``) or a Parquet/CSV path. Spark runs in
local mode unless told otherwise: ``--spark-master`` (for example ``spark://host:7077`` or
``yarn``) or ``spark.master`` in ``spark-defaults.conf`` points the same command at a cluster;
settings such as executors and memory come from ``spark-defaults.conf`` or ``--spark-conf
key=value``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from typing import Any

from sqlglot import exp

from brightline.audit import _mapping as m
from brightline.audit._emit import decision_columns
from brightline.errors import InvalidRequest


def category(type_name: str) -> str:
    t = type_name.lower()
    if t == "string" or t.startswith("varchar") or t.startswith("char"):
        return m.TEXT
    if t == "boolean":
        return m.BOOL
    if t == "date":
        return m.DATE
    if t == "timestamp":  # Spark's TIMESTAMP is an instant (local time zone)
        return m.TIMESTAMP
    if t == "timestamp_ntz":
        return m.NAIVE_TIMESTAMP
    if t in ("tinyint", "smallint", "int", "bigint", "float", "double") or t.startswith("decimal"):
        return m.NUMBER
    return m.OTHER


def session(master: str | None = None, conf: Mapping[str, str] | None = None) -> Any:
    """A Spark session (local[*] unless ``master`` says otherwise)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("brightline-audit")
    if master:
        builder = builder.master(master)
    local = master is not None and master.startswith("local")
    if local:
        # a local session talks to itself over loopback only, whatever the host name resolves to
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    defaults = {
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
        # the decision query is one long expression per column: generated Java for a whole
        # stage outgrows the JVM's 64 KB method limit and Spark falls back after trying
        "spark.sql.codegen.wholeStage": "false",
        "spark.sql.shuffle.partitions": "8",
    }
    if local:
        defaults["spark.driver.host"] = "127.0.0.1"
        defaults["spark.driver.bindAddress"] = "127.0.0.1"
    for key, value in defaults.items():
        builder = builder.config(key, value)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class SparkRunner:
    dialect = "spark"

    def __init__(self, spark: Any, source: str, *, at_column: str = "at") -> None:
        self.spark = spark
        self.name = source
        self.view = f"_bl_input_{uuid.uuid4().hex[:8]}"
        self.result_view = f"_bl_result_{uuid.uuid4().hex[:8]}"
        lower = source.lower()
        try:
            if lower.endswith(".parquet") or lower.endswith("/"):
                frame = spark.read.parquet(source)
            elif lower.endswith(".csv"):
                frame = spark.read.option("header", "true").option("inferSchema", "true").csv(
                    source
                )
                if at_column in frame.columns:  # at as text: a bare date keeps its meaning
                    frame = spark.read.option("header", "true").schema(
                        _with_text_at(spark, frame.schema, at_column)
                    ).csv(source)
            else:
                frame = spark.table(source)
        except Exception as exc:  # Spark raises its own analysis errors
            raise InvalidRequest(f"cannot read input {source!r}: {exc}", field="input") from None
        frame.createOrReplaceTempView(self.view)
        self._columns = {f.name: category(f.dataType.simpleString()) for f in frame.schema.fields}
        self.result: Any = None
        self.questions = False

    def columns(self) -> dict[str, str]:
        return dict(self._columns)

    def source(self) -> exp.Expression:
        return exp.to_table(exp.to_identifier(self.view, quoted=True))

    def fetch(self, query: exp.Expression) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.spark.sql(query.sql(dialect="spark")).collect()]

    def materialise(self, query: exp.Expression) -> exp.Expression:
        self.questions = "questions" in query.named_selects
        self.result = self.spark.sql(query.sql(dialect="spark")).cache()
        self.result.createOrReplaceTempView(self.result_view)
        return exp.to_table(exp.to_identifier(self.result_view, quoted=True))

    def write(self, output: str) -> str:
        lower = output.lower()
        if lower.endswith(".parquet"):
            self.result.write.mode("errorifexists").parquet(output)
        elif lower.endswith(".csv"):
            from pyspark.sql import functions as F

            frame = self.result
            for name in decision_columns(self.questions):
                if name != "outcome":
                    frame = frame.withColumn(name, F.to_json(F.col(name)))
            frame.write.mode("errorifexists").option("header", "true").csv(output)
        else:
            if self.spark.catalog.tableExists(output):
                raise InvalidRequest(
                    f"output table {output!r} already exists; name a new table",
                    field="output", got=output,
                )
            self.result.write.saveAsTable(output)
        return output

    def close(self) -> None:
        if self.result is not None:
            self.result.unpersist()
        self.spark.catalog.dropTempView(self.view)
        self.spark.catalog.dropTempView(self.result_view)


def _with_text_at(spark: Any, schema: Any, at_column: str) -> Any:
    from pyspark.sql.types import StringType, StructField, StructType

    return StructType([
        StructField(f.name, StringType(), True) if f.name == at_column else f
        for f in schema.fields
    ])
