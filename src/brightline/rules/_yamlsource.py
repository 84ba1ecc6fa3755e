"""Reading pack YAML with line numbers, and schema validation that names file, line and path.

A :class:`Source` is one parsed file: its data, and the line of every node by its path
(``("rules", 3, "when", "all", 1, "in")``). Its :meth:`Source.error` builds the :class:`PackError`
that says ``file:line: rules[3].when.all[1].in: message``.

Timestamps are not resolved: ``2025-08-30`` stays the string the lawyer wrote, so dates are parsed
in one place (:func:`parse_day`) with one error message.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from brightline.errors import PackError

PathKey = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates and timestamps as strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def display_path(path: Path, packs_dir: Path) -> str:
    """How files are named in errors: relative to the folder holding the packs folder."""
    try:
        return str(path.resolve().relative_to(packs_dir.resolve().parent))
    except ValueError:
        return str(path)


def format_path(path: PathKey) -> str:
    """``("rules", 3, "when")`` → ``rules[3].when``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True)
class Source:
    file: str
    data: Any
    lines: dict[PathKey, int]
    sha256: str = ""  # of the file's text (UTF-8)

    def line(self, path: PathKey) -> int | None:
        for cut in range(len(path), -1, -1):
            found = self.lines.get(path[:cut])
            if found is not None:
                return found
        return None

    def error(self, message: str, path: PathKey = ()) -> PackError:
        return PackError(message, file=self.file, line=self.line(path), path=format_path(path))


def _record_lines(node: yaml.Node, path: PathKey, lines: dict[PathKey, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _record_lines(value_node, (*path, str(key_node.value)), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), lines)


def read_source(path: Path, display: str) -> Source:
    """Parse one YAML file; a syntax error is a PackError with the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackError(f"cannot read: {exc.strerror or exc}", file=display) from exc
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise PackError(f"YAML syntax: {exc.problem or exc}", file=display, line=line) from exc
    finally:
        loader.dispose()
    lines: dict[PathKey, int] = {}
    if node is not None:
        _record_lines(node, (), lines)
    return Source(display, data, lines, hashlib.sha256(text.encode("utf-8")).hexdigest())


@cache
def _schema(name: str) -> dict[str, Any]:
    text = resources.files("brightline.rules").joinpath(name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _validator(name: str, ref: str | None) -> jsonschema.protocols.Validator:
    schema = _schema(name)
    if ref is not None:
        schema = {"$ref": ref, "$defs": schema["$defs"]}
    cls = jsonschema.validators.validator_for(schema)
    validator: jsonschema.protocols.Validator = cls(schema)
    return validator


def validate(source: Source, schema_name: str, ref: str | None = None) -> None:
    """Validate against a shipped JSON Schema; the first error (by position) becomes a PackError."""
    errors = list(_validator(schema_name, ref).iter_errors(source.data))
    if not errors:
        return
    best = min(errors, key=lambda e: (source.line(tuple(e.absolute_path)) or 0, len(e.path)))
    raise source.error(_schema_message(best), tuple(best.absolute_path))


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        schema = error.schema if isinstance(error.schema, dict) else {}
        allowed = sorted(schema.get("properties", {}))
        return f"{error.message} (allowed: {', '.join(allowed)})"
    if error.validator == "enum":
        allowed = error.validator_value if isinstance(error.validator_value, list) else []
        return f"{error.instance!r} is not one of {', '.join(map(str, allowed))}"
    return str(error.message)


def parse_day(source: Source, value: object, path: PathKey) -> date:
    """A local date written ``YYYY-MM-DD``."""
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise source.error(f"bad date {value!r} (expected YYYY-MM-DD)", path) from None
