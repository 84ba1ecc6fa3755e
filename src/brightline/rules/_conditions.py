"""Parsing ``when`` / ``applies_when`` trees into condition nodes, checking every fact and value."""

from __future__ import annotations

from collections.abc import Mapping

from brightline.rules._model import All, Any, Cmp, Condition, Fact, FactValue, Kind, Known, Not
from brightline.rules._yamlsource import PathKey, Source

COMPARISONS = ("equals", "in", "in_set", "is", "known")
COMBINATORS = ("all", "any", "not")


def show_values(values: tuple[FactValue, ...]) -> str:
    return ", ".join(_show(v) for v in values)


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ConditionParser:
    """Parses conditions of one kind, with the value sets visible to the pack."""

    def __init__(self, source: Source, kind: Kind, sets: Mapping[str, frozenset[str]]) -> None:
        self.source = source
        self.kind = kind
        self.sets = sets

    def parse(self, node: dict[str, object], path: PathKey) -> Condition:
        if "fact" in node:
            return self._comparison(node, path)
        present = [key for key in COMBINATORS if key in node]
        if len(present) != 1 or len(node) != 1:
            raise self.source.error(
                "a condition is one of {fact: F, equals|in|in_set|is|known: ...}, "
                f"all: [...], any: [...] or not: {{...}} (got keys: {', '.join(node)})",
                path,
            )
        key = present[0]
        if key == "not":
            item = node["not"]
            assert isinstance(item, dict)
            return Not(self.parse(item, (*path, "not")))
        items = node[key]
        assert isinstance(items, list)
        parsed = tuple(self.parse(c, (*path, key, i)) for i, c in enumerate(items))
        return All(parsed) if key == "all" else Any(parsed)

    def _comparison(self, node: dict[str, object], path: PathKey) -> Condition:
        ops = [key for key in node if key != "fact"]
        if len(ops) != 1 or ops[0] not in COMPARISONS:
            raise self.source.error(
                "a comparison is {fact: F, OP: ...} with exactly one OP of "
                f"{', '.join(COMPARISONS)} (got: {', '.join(ops) or 'none'})",
                path,
            )
        op = ops[0]
        name = str(node["fact"])
        fact = self.kind.fact(name)
        if fact is None:
            raise self.source.error(
                f"unknown fact {name!r} for kind {self.kind.name!r} "
                f"(declared: {', '.join(self.kind.fact_names)})",
                (*path, "fact"),
            )
        arg = node[op]
        where = (*path, op)
        if op == "known":
            assert isinstance(arg, bool)
            return Known(name, arg)
        if op == "is":
            if fact.type != "bool":
                raise self.source.error(
                    f"'is' compares booleans; fact {name!r} is an enum: use equals or in", where
                )
            return Cmp(name, frozenset((bool(arg),)))
        if op == "equals":
            return Cmp(name, frozenset((self._value(fact, arg, where),)))
        if op == "in":
            assert isinstance(arg, list)
            return Cmp(name, frozenset(self._value(fact, v, (*where, i)) for i, v in enumerate(arg)))
        return Cmp(name, self._set(fact, str(arg), where))

    def _value(self, fact: Fact, value: object, path: PathKey) -> FactValue:
        wanted = bool if fact.type == "bool" else str
        if not isinstance(value, wanted) or value not in fact.values:
            raise self.source.error(
                f"{_show(value)!r} is not a value of fact {fact.name!r} "
                f"(allowed: {show_values(fact.values)})",
                path,
            )
        return value

    def _set(self, fact: Fact, name: str, path: PathKey) -> frozenset[FactValue]:
        members = self.sets.get(name)
        if members is None:
            raise self.source.error(
                f"unknown value set {name!r} (defined: {', '.join(sorted(self.sets)) or 'none'})",
                path,
            )
        if fact.type != "enum":
            raise self.source.error(f"in_set needs an enum fact; {fact.name!r} is a bool", path)
        outside = [v for v in sorted(members) if v not in fact.values]
        if outside:
            raise self.source.error(
                f"set {name!r} has {', '.join(outside)}, not values of fact {fact.name!r} "
                f"(allowed: {show_values(fact.values)})",
                path,
            )
        return frozenset(members)
