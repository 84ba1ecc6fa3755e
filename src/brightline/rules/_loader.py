"""YAML packs → validated :class:`LayeredPack`. Anything wrong is a PackError with file, line, path.

Order of checks: the JSON Schema shipped in this package (shape), then meaning: layers exist and do
not loop, facts redeclared identically, every fact and value a rule names is declared for its kind,
``in_set`` names exist, citations are keys of ``law.yaml``, dates are real days with from < until,
``overrides`` name rules of the same pack and kind, and overrides form no cycle.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from brightline.errors import PackError
from brightline.rules._conditions import ConditionParser
from brightline.rules._law import load_law
from brightline.rules._model import (
    ALWAYS,
    BOOL_VALUES,
    FALLBACK_EFFECTS,
    Condition,
    Fact,
    FactValue,
    Kind,
    LawKey,
    LayeredPack,
    Pack,
    Rule,
)
from brightline.rules._yamlsource import (
    PathKey,
    Source,
    display_path,
    parse_day,
    read_source,
    validate,
)

SCHEMA = "pack.schema.json"


class PackLoader:
    """Loads packs of one packs folder; each pack once, its layers first."""

    def __init__(self, packs_dir: Path) -> None:
        self.packs_dir = packs_dir
        self.loaded: dict[str, LayeredPack] = {}
        self._law: dict[Path, tuple[Mapping[str, LawKey], str]] = {}

    def load(self, name: str, stack: tuple[str, ...] = ()) -> LayeredPack:
        if name in self.loaded:
            return self.loaded[name]
        if name in stack:
            raise PackError(f"layering cycle: {' -> '.join((*stack, name))}")
        file = self.packs_dir / name / "pack.yaml"
        if not file.is_file():
            known = ", ".join(available(self.packs_dir)) or "none"
            raise PackError(f"no pack {name!r} in {self.packs_dir} (packs: {known})")
        source = read_source(file, display_path(file, self.packs_dir))
        validate(source, SCHEMA)
        layered = self._build(name, source, stack)
        self.loaded[name] = layered
        return layered

    def _build(self, name: str, source: Source, stack: tuple[str, ...]) -> LayeredPack:
        data: dict[str, Any] = source.data
        if data["pack"] != name:
            raise source.error(f"pack is named {data['pack']!r} but its folder is {name!r}", ("pack",))
        lower = [
            self._layer(source, layer, i, (*stack, name))
            for i, layer in enumerate(data.get("layers_over", []))
        ]
        kinds = _merge_kinds(source, lower, data.get("kinds", {}))
        sets = _merge_sets(lower, data.get("sets", {}))
        law, law_sha = self._law_of(self._law_path(source, name))
        header = _Header(source, name, kinds, sets, law)
        rule_sources = self._rule_sources(source, name)
        rules = header.rules(rule_sources)
        _check_overrides(rules)
        digest = _digest(
            [s.sha256 for s, _, _ in rule_sources], law_sha, [layer.digest for layer in lower]
        )
        pack = Pack(
            name=name,
            title=str(data.get("title", name)),
            version=str(data["version"]),
            timezone=_timezone(source, data["timezone"]),
            covers_from=header.covers_from,
            covers_until=header.covers_until,
            layers_over=tuple(data.get("layers_over", [])),
            applies_when=header.guard_condition,
            default_outcome=str(data.get("default_outcome", "not_applicable")),
            sets=sets,
            kinds=MappingProxyType(dict(header.own_kinds)),
            rules=tuple(rules),
            file=source.file,
            digest=digest,
        )
        return _stack(pack, lower, kinds, sets, law)

    def _law_of(self, path: Path) -> tuple[Mapping[str, LawKey], str]:
        if path not in self._law:
            self._law[path] = load_law(path, self.packs_dir)
        return self._law[path]

    def _layer(self, source: Source, layer: str, index: int, stack: tuple[str, ...]) -> LayeredPack:
        try:
            return self.load(layer, stack)
        except PackError as exc:
            if exc.file is None or "layering cycle" in exc.message:
                raise source.error(exc.message, ("layers_over", index)) from exc
            raise

    def _law_path(self, source: Source, name: str) -> Path:
        relative = str(source.data.get("citations", "../law.yaml"))
        path = (self.packs_dir / name / relative).resolve()
        if not path.is_file():
            raise source.error(f"citations file {relative!r} not found", ("citations",))
        return path

    def _rule_sources(self, source: Source, name: str) -> list[tuple[Source, PathKey, list[Any]]]:
        """(source, path prefix, rule list) for the pack's own rules and each included file."""
        out: list[tuple[Source, PathKey, list[Any]]] = [
            (source, ("rules",), source.data.get("rules", []))
        ]
        for i, relative in enumerate(source.data.get("include", [])):
            file = self.packs_dir / name / relative
            if not file.is_file():
                raise source.error(f"included file {relative!r} not found", ("include", i))
            included = read_source(file, display_path(file, self.packs_dir))
            wrapped = Source(
                included.file,
                {"rules": included.data if included.data is not None else []},
                {("rules", *key): line for key, line in included.lines.items()},
                included.sha256,
            )
            validate(wrapped, SCHEMA, "#/$defs/includeFile")
            out.append((wrapped, ("rules",), wrapped.data["rules"]))
        return out


def _digest(files: list[str], law: str, layers: list[str]) -> str:
    """SHA-256 over the pack's own files (pack.yaml, then its includes), its law.yaml and its
    layers' digests, nearest first: equal digests, equal rules."""
    text = "\n".join(["brightline-pack-v1", *files, f"law {law}", *(f"layer {d}" for d in layers)])
    return "sha256:" + hashlib.sha256(text.encode("ascii")).hexdigest()


def available(packs_dir: Path) -> list[str]:
    if not packs_dir.is_dir():
        return []
    return sorted(p.name for p in packs_dir.iterdir() if (p / "pack.yaml").is_file())


def _timezone(source: Source, name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise source.error(f"unknown timezone {name!r} (an IANA name such as America/Chicago)",
                           ("timezone",)) from None
    return name


def _fact(source: Source, name: str, node: Mapping[str, Any], path: PathKey) -> Fact:
    kind = node["type"]
    if kind == "bool":
        if "values" in node:
            raise source.error("a bool fact has no values (they are true and false)", (*path, "values"))
        values: tuple[FactValue, ...] = BOOL_VALUES
    else:
        if "values" not in node:
            raise source.error("an enum fact needs values", path)
        values = tuple(str(v) for v in node["values"])
    default = node.get("default")
    if default is not None and (default not in values or isinstance(default, bool) != (kind == "bool")):
        raise source.error(
            f"default {default!r} is not a value of fact {name!r}", (*path, "default")
        )
    labels, translations = _wording(source, name, node, values, path)
    return Fact(
        name=name,
        type=kind,
        values=values,
        default=default,
        description=str(node.get("description", "")),
        question=str(node.get("question", "")),
        labels=labels,
        translations=translations,
    )


def _wording(
    source: Source, name: str, node: Mapping[str, Any], values: tuple[FactValue, ...], path: PathKey
) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """A fact's value labels and translations, checked: labels name values of the fact, and each
    translation has a question and a label for every value the English labels name."""
    names = {str(v).lower() if isinstance(v, bool) else str(v) for v in values}
    labels = {str(k): str(v) for k, v in (node.get("labels") or {}).items()}
    for value in labels:
        if value not in names:
            raise source.error(
                f"label for {value!r}, which is not a value of fact {name!r} "
                f"(values: {', '.join(sorted(names))})",
                (*path, "labels", value),
            )
    translations: dict[str, dict[str, Any]] = {}
    for code, entry in (node.get("translations") or {}).items():
        where = (*path, "translations", code)
        if not entry.get("question"):
            raise source.error(f"the {code} translation of fact {name!r} has no question", where)
        theirs = {str(k): str(v) for k, v in (entry.get("labels") or {}).items()}
        missing = sorted(set(labels) - set(theirs))
        extra = sorted(set(theirs) - set(labels))
        if missing or extra:
            raise source.error(
                f"the {code} translation of fact {name!r} must label the same values as the "
                f"English labels: missing {missing or 'none'}, not in the English {extra or 'none'}",
                (*where, "labels"),
            )
        translations[str(code)] = {"question": str(entry["question"]), "labels": theirs}
    return labels, translations


def _merge_kinds(
    source: Source, lower: list[LayeredPack], own: Mapping[str, Any]
) -> dict[str, Kind]:
    """Kinds of every layer below (farthest first), then this pack's additions and rewordings."""
    kinds: dict[str, Kind] = {}
    for layered in reversed(lower):
        for kind in layered.kinds.values():
            kinds[kind.name] = _merge_kind(kinds.get(kind.name), kind, source, None)
    for name, node in own.items():
        facts = tuple(
            _fact(source, fname, fnode, ("kinds", name, "facts", fname))
            for fname, fnode in (node.get("facts") or {}).items()
        )
        kind = Kind(name, str(node.get("description", "")), facts)
        kinds[name] = _merge_kind(kinds.get(name), kind, source, ("kinds", name, "facts"))
    return kinds


def _merge_kind(base: Kind | None, upper: Kind, source: Source, path: PathKey | None) -> Kind:
    if base is None:
        return upper
    facts = list(base.facts)
    for fact in upper.facts:
        old = base.fact(fact.name)
        if old is None:
            facts.append(fact)
            continue
        if not old.same_domain(fact):
            where = (*path, fact.name) if path else ("layers_over",)
            raise source.error(
                f"fact {fact.name!r} of kind {upper.name!r} redeclared differently "
                f"(type, values and default must match the lower layer)",
                where,
            )
        facts[facts.index(old)] = Fact(
            old.name, old.type, old.values, old.default,
            fact.description or old.description, fact.question or old.question,
            fact.labels or old.labels, {**old.translations, **fact.translations},
        )
    return Kind(upper.name, upper.description or base.description, tuple(facts))


def _merge_sets(lower: list[LayeredPack], own: Mapping[str, list[str]]) -> dict[str, frozenset[str]]:
    sets: dict[str, frozenset[str]] = {}
    for layered in reversed(lower):
        sets.update(layered.sets)
    sets.update({name: frozenset(values) for name, values in own.items()})
    return sets


class _Header:
    """What a pack's rules are checked against: its merged kinds, sets, law and guard."""

    def __init__(
        self,
        source: Source,
        name: str,
        kinds: dict[str, Kind],
        sets: dict[str, frozenset[str]],
        law: Mapping[str, LawKey],
    ) -> None:
        self.source = source
        self.name = name
        self.kinds = kinds
        self.sets = sets
        self.law = law
        data = source.data
        self.own_kinds = {k: kinds[k] for k in data.get("kinds", {})}
        self.covers_from = parse_day(source, data["covers"]["from"], ("covers", "from"))
        until = data["covers"].get("until")
        self.covers_until = parse_day(source, until, ("covers", "until")) if until else None
        if self.covers_until is not None and self.covers_until <= self.covers_from:
            raise source.error("covers.until must be after covers.from", ("covers", "until"))
        self.guard_node = data.get("applies_when")
        self.guard_condition: Condition | None = None
        self._guards: dict[str, Condition] = {}

    def guard(self, kind: Kind) -> Condition | None:
        if self.guard_node is None:
            return None
        if kind.name not in self._guards:
            parser = ConditionParser(self.source, kind, self.sets)
            self._guards[kind.name] = parser.parse(self.guard_node, ("applies_when",))
            self.guard_condition = self._guards[kind.name]
        return self._guards[kind.name]

    def rules(self, sources: list[tuple[Source, PathKey, list[Any]]]) -> list[Rule]:
        rules: list[Rule] = []
        seen: dict[str, str] = {}
        for source, prefix, nodes in sources:
            for i, node in enumerate(nodes):
                path = (*prefix, i)
                rule = self._rule(source, node, path)
                if rule.local_id in seen:
                    raise source.error(
                        f"duplicate rule id {rule.local_id!r} (first at {seen[rule.local_id]})",
                        (*path, "id"),
                    )
                seen[rule.local_id] = f"{source.file}:{source.line(path)}"
                rules.append(rule)
        # urgent duties (summon EMS, render aid) come first among obligations: rule order is
        # output order, so a pack's urgent rules are listed before its others (stable otherwise)
        rules.sort(key=lambda r: not r.urgent)
        ids = {r.id: r for r in rules}
        for source, prefix, nodes in sources:
            for i, node in enumerate(nodes):
                self._check_override_targets(source, node, (*prefix, i), ids)
        return rules

    def _rule(self, source: Source, node: dict[str, Any], path: PathKey) -> Rule:
        kind = self.kinds.get(node["kind"])
        if kind is None:
            raise source.error(
                f"unknown kind {node['kind']!r} (kinds: {', '.join(sorted(self.kinds))})",
                (*path, "kind"),
            )
        when = node.get("when")
        condition = ALWAYS if when is None else ConditionParser(source, kind, self.sets).parse(
            when, (*path, "when")
        )
        start = parse_day(source, node["from"], (*path, "from")) if "from" in node else None
        end = parse_day(source, node["until"], (*path, "until")) if "until" in node else None
        start = start or self.covers_from
        if end is not None and end <= start:
            raise source.error(
                f"until ({end}) must be after from ({start})", (*path, "until")
            )
        for j, cite in enumerate(node["cites"]):
            if cite not in self.law:
                raise source.error(
                    f"unknown citation {cite!r} (not a key of law.yaml{_near(cite, self.law)})",
                    (*path, "cites", j),
                )
        fallback = bool(node.get("fallback", False))
        if fallback and node["effect"] not in FALLBACK_EFFECTS:
            raise source.error(
                f"fallback is for {' and '.join(FALLBACK_EFFECTS)} rules, not {node['effect']}",
                (*path, "fallback"),
            )
        urgent = bool(node.get("urgent", False))
        if urgent and node["effect"] != "oblige":
            raise source.error(
                f"urgent is for oblige rules (duties), not {node['effect']}", (*path, "urgent")
            )
        return Rule(
            id=f"{self.name}/{node['id']}",
            local_id=str(node["id"]),
            pack=self.name,
            kind=kind.name,
            effect=str(node["effect"]),
            when=condition,
            valid_from=start,
            valid_until=end,
            cites=tuple(node["cites"]),
            text=str(node["text"]).strip(),
            overrides=tuple(f"{self.name}/{o}" for o in node.get("overrides", [])),
            fallback=fallback,
            note=str(node.get("note", "")).strip(),
            guard=self.guard(kind) if node.get("guarded", True) else None,
            urgent=urgent,
            file=source.file,
            line=source.line(path) or 0,
        )

    def _check_override_targets(
        self, source: Source, node: dict[str, Any], path: PathKey, ids: dict[str, Rule]
    ) -> None:
        for j, target in enumerate(node.get("overrides", [])):
            rule = ids.get(f"{self.name}/{target}")
            where = (*path, "overrides", j)
            if rule is None:
                raise source.error(
                    f"overrides {target!r}, which is not a rule of pack {self.name!r} "
                    "(overrides may only name rules of the same pack)",
                    where,
                )
            if rule.kind != node["kind"]:
                raise source.error(
                    f"overrides {target!r} of kind {rule.kind!r}; only rules of the same kind "
                    f"({node['kind']!r}) can be overridden",
                    where,
                )


def _near(cite: str, law: Mapping[str, LawKey]) -> str:
    import difflib

    close = difflib.get_close_matches(cite, list(law), n=3, cutoff=0.75)
    return f"; did you mean {', '.join(close)}?" if close else ""


def _check_overrides(rules: list[Rule]) -> None:
    """Overrides must form a DAG; a cycle names the rules on it."""
    by_id = {r.id: r for r in rules}
    state: dict[str, int] = {}

    def visit(rule: Rule, trail: tuple[str, ...]) -> None:
        if state.get(rule.id) == 2:
            return
        if state.get(rule.id) == 1:
            cycle = (*trail[trail.index(rule.id):], rule.id)
            raise PackError(
                f"override cycle: {' -> '.join(cycle)}", file=rule.file, line=rule.line,
                path="overrides",
            )
        state[rule.id] = 1
        for target in rule.overrides:
            visit(by_id[target], (*trail, rule.id))
        state[rule.id] = 2

    for rule in rules:
        visit(rule, ())


def _stack(
    pack: Pack,
    lower: list[LayeredPack],
    kinds: dict[str, Kind],
    sets: dict[str, frozenset[str]],
    law: Mapping[str, LawKey],
) -> LayeredPack:
    layers: list[Pack] = [pack]
    for layered in lower:
        for layer in layered.layers:
            if all(layer.name != seen.name for seen in layers):
                layers.append(layer)
    rules = tuple(rule for layer in layers for rule in layer.rules)
    return LayeredPack(
        name=pack.name,
        top=pack,
        layers=tuple(layers),
        kinds=MappingProxyType(kinds),
        sets=MappingProxyType(sets),
        rules=rules,
        law=law,
    )
