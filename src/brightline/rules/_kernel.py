"""The kernel: a segment's rules evaluated three-valued, all at once, as generated Python.

The kernel holds no decision logic. From a :class:`~brightline.rules.Segment` it generates one
function ``kernel(k, p) -> (M, Y)``: ``M`` the bitset of rules that apply (T), ``Y`` of those that
may apply (T or U), by the reading of the compiled form (``must``/``may`` of each rule's code,
overriders first). What those bitsets mean (the ladder, reasons, questions, flips) is
:mod:`brightline.rules._semantics`.

For probes (questions, flips, ``if``) it also generates, per slot, ``probe(k, p, M, Y) -> (M, Y)``
that recomputes only the rules whose ``deps`` include the slot (their overriders either are among
them or keep their values), so trying a value of one fact costs only the rules it touches; and an
outcome kernel over the rules the outcome reads (for law changes in other segments).

Generated code is built from the compiled form only (slots, masks, bit positions), never from
text a pack supplies.
"""

from __future__ import annotations

from collections.abc import Callable

from brightline.rules._compiled import (
    Code,
    CodeAll,
    CodeAny,
    CodeCmp,
    CodeKnown,
    CodeNot,
    FactCode,
    Segment,
    code_slots,
)

Kernel = Callable[[list[int], list[int]], tuple[int, int]]
Probe = Callable[[list[int], list[int], int, int], tuple[int, int]]
Encoder = Callable[[dict[str, object]], tuple[list[int], list[int]] | None]


def expr(code: Code, must: bool) -> str:
    """Python source of ``must`` (T) or ``may`` (T or U) of a condition over ``k<slot>``/``p<slot>``."""
    if isinstance(code, CodeCmp):
        vec = "k" if must != code.negate else "p"
        test = f"{vec}{code.slot} & {code.mask}"
        return f"not ({test})" if code.negate else f"({test})"
    if isinstance(code, CodeKnown):
        return f"(k{code.slot} != 0)" if code.known else f"(k{code.slot} == 0)"
    if isinstance(code, CodeNot):
        return f"(not {expr(code.item, not must)})"
    if not code.items:
        return "True" if isinstance(code, CodeAll) else "False"
    joiner = " and " if isinstance(code, CodeAll) else " or "
    assert isinstance(code, CodeAll | CodeAny)
    return "(" + joiner.join(expr(item, must) for item in code.items) + ")"


def _body(segment: Segment, keep: int) -> tuple[list[str], int]:
    """The lines computing the rules in ``keep`` (in override order) and the slots they read."""
    lines: list[str] = []
    slots = 0
    for i in segment.order:
        if not keep >> i & 1:
            continue
        rule = segment.rules[i]
        slots |= code_slots(rule.code)
        over = sum(1 << j for j in rule.overriders)
        may = expr(rule.code, False)
        must = expr(rule.code, True)
        if over:
            may, must = f"{may} and not (M & {over})", f"{must} and not (Y & {over})"
        lines += [f"    if {may}:", f"        Y |= {1 << i}", f"        if {must}: M |= {1 << i}"]
    return lines, slots


def _prologue(slots: int, count: int) -> list[str]:
    return [f"    k{s} = k[{s}]; p{s} = p[{s}]" for s in range(count) if slots >> s & 1]


def _build(source: str, name: str) -> Callable[..., tuple[int, int]]:
    namespace: dict[str, object] = {}
    exec(compile(source, f"<brightline:{name}>", "exec"), namespace)  # from the compiled form only
    fn = namespace[name]
    assert callable(fn)
    return fn


def kernel_source(segment: Segment, count: int) -> str:
    """``kernel(k, p)``: every rule of the segment; ``count`` facts."""
    body, slots = _body(segment, (1 << len(segment.rules)) - 1)
    return "\n".join(
        ["def kernel(k, p):", *_prologue(slots, count), "    M = 0; Y = 0", *body,
         "    return M, Y"]
    ) + "\n"


def subset_kernel_source(segment: Segment, count: int, keep: int) -> str:
    """``kernel(k, p)`` over the rules in ``keep`` only (which must hold their overriders)."""
    body, slots = _body(segment, keep)
    return "\n".join(
        ["def kernel(k, p):", *_prologue(slots, count), "    M = 0; Y = 0", *body,
         "    return M, Y"]
    ) + "\n"


def probe_source(segment: Segment, count: int, slot: int) -> str:
    """``probe(k, p, M, Y)``: the rules that depend on ``slot``, recomputed."""
    keep = 0
    for rule in segment.rules:
        if rule.deps >> slot & 1:
            keep |= 1 << rule.index
    body, slots = _body(segment, keep)
    clear = f"    M &= {~keep}; Y &= {~keep}" if keep else "    pass"
    return "\n".join(
        ["def probe(k, p, M, Y):", *_prologue(slots, count), clear, *body, "    return M, Y"]
    ) + "\n"


def build_kernel(segment: Segment, count: int) -> Kernel:
    return _build(kernel_source(segment, count), "kernel")


def build_subset_kernel(segment: Segment, count: int, keep: int) -> Kernel:
    """A kernel over some rules of a segment: ``keep`` must hold the overriders of its rules."""
    return _build(subset_kernel_source(segment, count, keep), "kernel")


def build_probe(segment: Segment, count: int, slot: int) -> Probe:
    return _build(probe_source(segment, count, slot), "probe")


def encoder_source(facts: tuple[FactCode, ...]) -> str:
    """``encode(facts_dict)``: the lists ``k`` and ``p``, or None when anything is off (an unknown
    name, a value outside the domain or of the wrong type): the caller's slow path names it."""
    lines = ["def encode(facts):", "    get = facts.get", "    n = 0"]
    for fact in facts:
        s = fact.slot
        absent = f"k{s} = {fact.absent_k}; p{s} = {fact.absent_p}"
        lines.append(f"    x = get({fact.name!r})")
        if fact.type == "bool":
            lines.append(f"    if x is True: k{s} = p{s} = 1; n += 1")
            lines.append(f"    elif x is False: k{s} = p{s} = 2; n += 1")
            lines.append(f"    elif x is None: {absent}")
        else:
            lines.append(f"    if x is None: {absent}")
            lines.append("    elif x.__class__ is str:")
            lines.append(f"        k{s} = p{s} = B{s}.get(x)")
            lines.append(f"        if k{s} is None: return None")
            lines.append("        n += 1")
        lines.append("    else: return None")
    lines.append("    if n != len(facts): return None")
    ks = ", ".join(f"k{f.slot}" for f in facts)
    ps = ", ".join(f"p{f.slot}" for f in facts)
    lines.append(f"    return [{ks}], [{ps}]")
    return "\n".join(lines) + "\n"


def build_encoder(facts: tuple[FactCode, ...]) -> Encoder:
    namespace: dict[str, object] = {f"B{f.slot}": dict(f.bits) for f in facts}
    exec(compile(encoder_source(facts), "<brightline:encode>", "exec"), namespace)
    fn = namespace["encode"]
    assert callable(fn)
    return fn
