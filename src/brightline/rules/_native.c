/* brightline.rules._native: the decision engine's hot path in C.
 *
 * One Program holds the rules in force of one (layered pack, kind, date segment), as the
 * compiler (compiler.py, native_spec) lays them out: facts as slots with one bit per value,
 * conditions as prefix code, overrides, effect groups, reason parts, the value classes that
 * questions and flips probe. Program.decide(case, flips) follows docs/pack-format.md's decision
 * semantics step by step and returns the decision dict, or None when the case is not plainly
 * valid: the Python engine then decides it, or raises the InvalidCase that names the fault.
 *
 * Three-valued logic: F = 0, U = 1, T = 2. AND is min, OR is max, NOT is 2 - v. A rule's applies
 * value is its condition ANDed with NOT(applies) of every rule that overrides it.
 * A case is two bitsets per slot: k (the value's bit when known, else 0) and p (the value's bit
 * when known, else every bit of the domain): a comparison with value set m is T when k & m,
 * U when only p & m, F otherwise. Pure: no state changes between calls.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define MAX_SLOTS 64
#define MAX_RULES 1024

enum { VF = 0, VU = 1, VT = 2 };
enum { OP_CONST = 0, OP_CMP = 1, OP_KNOWN = 2, OP_NOT = 3, OP_ALL = 4, OP_ANY = 5 };
enum { G_PROHIBIT, G_REVIEW, G_PERMIT, G_NA, G_FB_PERMIT, G_FB_NA, G_OBLIGE, G_FIND, N_GROUPS };
enum { PROHIBITED = 0, PERMITTED = 1, NEEDS_REVIEW = 2, NOT_APPLICABLE = 3 };

/* The ladder of step 4: for each step, the groups it tests, whether T is needed (else T or U),
 * and the outcome it gives. Step 9 is the pack's default outcome. */
static const struct {
    unsigned groups;
    int need_t;
    int outcome;
} LADDER[9] = {
    {1u << G_PROHIBIT, 1, PROHIBITED},
    {(1u << G_PROHIBIT) | (1u << G_REVIEW), 0, NEEDS_REVIEW},
    {1u << G_PERMIT, 1, PERMITTED},
    {1u << G_PERMIT, 0, NEEDS_REVIEW},
    {1u << G_NA, 1, NOT_APPLICABLE},
    {1u << G_NA, 0, NEEDS_REVIEW},
    {1u << G_FB_PERMIT, 1, PERMITTED},
    {1u << G_FB_NA, 1, NOT_APPLICABLE},
    {(1u << G_FB_PERMIT) | (1u << G_FB_NA), 0, NEEDS_REVIEW},
};
#define STEP_FALLBACK_NA 7
#define STEP_DEFAULT 9

static PyObject *S_facts, *S_at, *S_outcome, *S_jurisdiction, *S_pack_version, *S_kind;
static PyObject *S_reasons, *S_obligations, *S_findings, *S_questions, *S_flips;
static PyObject *S_rule, *S_cites, *S_text, *S_fact, *S_options, *S_value;

static PyTypeObject ProgramType;

typedef struct {
    PyObject_HEAD
    int nslots, nrules, default_outcome;
    PyObject *header;   /* (jurisdiction, pack_version, kind) */
    PyObject *result_template; /* the decision's keys in order, the header's values filled in */
    PyObject *outcomes; /* the four outcome names */
    PyObject *slot_of;  /* fact name -> int slot */
    PyObject **value_bits; /* per slot: value -> int bit (strings); NULL for booleans */
    uint64_t *bit_true, *bit_false, *base_k, *base_p;
    PyObject **values;    /* per slot: tuple of values by bit position */
    PyObject **question;  /* per slot: (fact, text, options tuple) */
    int64_t *code;        /* every rule's prefix code */
    int64_t *filter;      /* per rule: (slot, mask, test) triples that must hold for T or U */
    Py_ssize_t *filter_at; int *n_filter;
    Py_ssize_t *code_at;  /* rule -> where its code starts */
    int *group, *outcome_rel;
    uint64_t *deps;       /* slots the rule's applies value depends on (overriders included) */
    uint64_t *kdeps;      /* the slots among them read by `known` tests (not monotone) */
    int *prl_rel;         /* a prohibit rule, or one that overrides one (transitively) */
    uint64_t *cmp_conj;   /* slots of the comparisons among the top-level conjuncts: while one
                           * of them is unknown the rule cannot be T */
    int **overriders; int *n_overriders;
    int *topo;            /* evaluation order: every overrider before the rules it overrides */
    PyObject **part;      /* per rule: (cites tuple, {rule, cites: None, text} template) */
    uint64_t **class_bit, **class_mask; int *n_classes;
    uint64_t nonmono;
} Program;

/* ---- evaluation ---------------------------------------------------------------------------- */

static int eval_node(const int64_t *c, Py_ssize_t *pos, const uint64_t *k, const uint64_t *p)
{
    Py_ssize_t i = *pos;
    switch (c[i]) {
    case OP_CONST:
        *pos = i + 2;
        return (int)c[i + 1];
    case OP_CMP: {
        int s = (int)c[i + 1];
        uint64_t m = (uint64_t)c[i + 2];
        int v = (k[s] & m) ? VT : ((p[s] & m) ? VU : VF);
        *pos = i + 5;
        return c[i + 3] ? VT - v : v;
    }
    case OP_KNOWN:
        *pos = i + 3;
        return ((k[c[i + 1]] != 0) == (c[i + 2] != 0)) ? VT : VF;
    case OP_NOT:
        *pos = i + 1;
        return VT - eval_node(c, pos, k, p);
    case OP_ALL: {
        int n = (int)c[i + 1], v = VT;
        Py_ssize_t end = (Py_ssize_t)c[i + 2];
        *pos = i + 3;
        for (int j = 0; j < n; j++) {
            int w = eval_node(c, pos, k, p);
            if (w < v) {
                v = w;
                if (v == VF)
                    break;
            }
        }
        *pos = end;
        return v;
    }
    default: { /* OP_ANY */
        int n = (int)c[i + 1], v = VF;
        Py_ssize_t end = (Py_ssize_t)c[i + 2];
        *pos = i + 3;
        for (int j = 0; j < n; j++) {
            int w = eval_node(c, pos, k, p);
            if (w > v) {
                v = w;
                if (v == VT)
                    break;
            }
        }
        *pos = end;
        return v;
    }
    }
}

/* Filter tests: conjuncts of the rule's condition on one slot; when one fails the rule is F.
 * MAY: p & mask (a comparison that may hold); NOT_MUST: !(k & mask) (a negated comparison that
 * may hold); MUST: k & mask (a `known: true` test). */
enum { FT_MAY = 0, FT_NOT_MUST = 1, FT_MUST = 2 };

/* Does one of rule r's filter tests fail (the rule is then F)? Tests on slot skip (-1: none)
 * are left out: the sliced evaluator reads that slot per value class. */
static inline int filter_fails(const Program *P, int r, const uint64_t *k, const uint64_t *p,
                               int skip)
{
    const int64_t *f = P->filter + P->filter_at[r];
    for (int j = 0; j < P->n_filter[r]; j++, f += 3) {
        int s = (int)f[0];
        uint64_t m = (uint64_t)f[1];
        if (s == skip)
            continue;
        if (f[2] == FT_MAY ? !(p[s] & m) : f[2] == FT_NOT_MUST ? (k[s] & m) != 0 : !(k[s] & m))
            return 1;
    }
    return 0;
}

static inline int eval_rule(const Program *P, int r, const uint64_t *k, const uint64_t *p,
                            const uint8_t *val)
{
    if (filter_fails(P, r, k, p, -1))
        return VF;
    Py_ssize_t pos = P->code_at[r];
    int v = eval_node(P->code, &pos, k, p);
    for (int j = 0; j < P->n_overriders[r] && v != VF; j++) {
        int o = VT - val[P->overriders[r][j]];
        if (o < v)
            v = o;
    }
    return v;
}

/* Step 4: the ladder step that decides (0-8, or STEP_DEFAULT). */
static int ladder_step(const Program *P, const uint8_t *val)
{
    unsigned any_t = 0, any_y = 0;
    for (int r = 0; r < P->nrules; r++) {
        if (val[r] == VT)
            any_t |= 1u << P->group[r];
        if (val[r] != VF)
            any_y |= 1u << P->group[r];
    }
    for (int s = 0; s < 9; s++) {
        if ((LADDER[s].need_t ? any_t : any_y) & LADDER[s].groups)
            return s;
    }
    return STEP_DEFAULT;
}

static inline int step_outcome(const Program *P, int step)
{
    return step == STEP_DEFAULT ? P->default_outcome : LADDER[step].outcome;
}

/* Probing one slot for every value class at once. Each class of the slot is one bit of a
 * 64-bit set; a three-valued result becomes two such sets, the classes where it is T (must) and
 * those where it is T or U (may): AND and OR act bitwise, NOT swaps and complements them. A
 * comparison on the probed slot is T exactly for the classes inside its value set; every other
 * comparison has one value for all classes. */
typedef struct {
    uint64_t must, may;
} Sliced;

typedef struct {
    const Program *P;
    const uint64_t *k, *p;
    int s;
    const uint64_t *cls;
    int ncls;
    uint64_t all;
} Probe;

static inline Sliced broadcast(int v, uint64_t all)
{
    Sliced out = {v == VT ? all : 0, v != VF ? all : 0};
    return out;
}

static Sliced eval_sliced(const Probe *q, const int64_t *c, Py_ssize_t *pos)
{
    Py_ssize_t i = *pos;
    switch (c[i]) {
    case OP_CMP:
        if (c[i + 1] == q->s) { /* c[i + 4]: the classes of the slot inside the value set */
            uint64_t in = (uint64_t)c[i + 4];
            *pos = i + 5;
            if (c[i + 3])
                in = ~in & q->all;
            Sliced out = {in, in};
            return out;
        }
        return broadcast(eval_node(c, pos, q->k, q->p), q->all);
    case OP_KNOWN:
        if (c[i + 1] == q->s) { /* every class is a value: the slot is known */
            *pos = i + 3;
            return broadcast(c[i + 2] ? VT : VF, q->all);
        }
        return broadcast(eval_node(c, pos, q->k, q->p), q->all);
    case OP_NOT: {
        *pos = i + 1;
        Sliced v = eval_sliced(q, c, pos);
        Sliced out = {~v.may & q->all, ~v.must & q->all};
        return out;
    }
    case OP_ALL:
    case OP_ANY: {
        int n = (int)c[i + 1], is_all = c[i] == OP_ALL;
        Py_ssize_t end = (Py_ssize_t)c[i + 2];
        Sliced v = is_all ? broadcast(VT, q->all) : broadcast(VF, q->all);
        *pos = i + 3;
        for (int j = 0; j < n; j++) {
            Sliced w = eval_sliced(q, c, pos);
            if (is_all) {
                v.must &= w.must;
                v.may &= w.may;
                if (!v.may)
                    break;
            } else {
                v.must |= w.must;
                v.may |= w.may;
                if (v.must == q->all)
                    break;
            }
        }
        *pos = end;
        return v;
    }
    default:
        return broadcast(eval_node(c, pos, q->k, q->p), q->all);
    }
}

static Sliced eval_rule_sliced(const Probe *q, int r, const Sliced *vals)
{
    const Program *P = q->P;
    if (filter_fails(P, r, q->k, q->p, q->s))
        return broadcast(VF, q->all);
    Py_ssize_t pos = P->code_at[r];
    Sliced v = eval_sliced(q, P->code, &pos);
    for (int j = 0; j < P->n_overriders[r] && v.may; j++) {
        Sliced o = vals[P->overriders[r][j]];
        v.must &= ~o.may;
        v.may &= ~o.must;
    }
    return v;
}

/* The outcome for each value class of slot s (out[c]); k, p and val are left as they were. Only
 * the rules whose applies value can change are evaluated again: when s is unknown (a
 * refinement), Kleene logic is monotone, so T and F rules keep their values unless a `known`
 * test reads s; when s is known, every rule that depends on s. With only_prohibit, just the rules
 * that decide whether a prohibit rule is T, and each answer is PROHIBITED or NEEDS_REVIEW. */
static void probe_slot(const Program *P, uint64_t *k, uint64_t *p, const uint8_t *val, int s,
                       int only_prohibit, int *out)
{
    Sliced v2[MAX_RULES];
    int ncls = P->n_classes[s];
    uint64_t all = ncls >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << ncls) - 1);
    uint64_t sbit = (uint64_t)1 << s, old_k = k[s], old_p = p[s];
    const int *wanted = only_prohibit ? P->prl_rel : P->outcome_rel;
    int refine = old_k == 0;
    Probe q = {P, k, p, s, P->class_bit[s], ncls, all};
    for (int r = 0; r < P->nrules; r++)
        v2[r] = broadcast(val[r], all);
    /* comparisons on s are sliced; nothing else may read it: mark it known with no value */
    k[s] = p[s] = 0;
    for (int t = 0; t < P->nrules; t++) {
        int r = P->topo[t];
        if (!wanted[r])
            continue;
        if (refine ? ((val[r] == VU && (P->deps[r] & sbit)) || (P->kdeps[r] & sbit))
                   : (P->deps[r] & sbit) != 0)
            v2[r] = eval_rule_sliced(&q, r, v2);
    }
    k[s] = old_k;
    p[s] = old_p;
    uint64_t any_t[N_GROUPS] = {0}, any_y[N_GROUPS] = {0};
    for (int r = 0; r < P->nrules; r++) {
        any_t[P->group[r]] |= v2[r].must;
        any_y[P->group[r]] |= v2[r].may;
    }
    if (only_prohibit) {
        for (int c = 0; c < ncls; c++)
            out[c] = ((any_t[G_PROHIBIT] >> c) & 1) ? PROHIBITED : NEEDS_REVIEW;
        return;
    }
    uint64_t left = all;
    for (int c = 0; c < ncls; c++)
        out[c] = P->default_outcome;
    for (int st = 0; st < 9 && left; st++) {
        const uint64_t *any = LADDER[st].need_t ? any_t : any_y;
        uint64_t fire = 0;
        for (int g = 0; g < N_GROUPS; g++)
            if ((LADDER[st].groups >> g) & 1)
                fire |= any[g];
        fire &= left;
        left &= ~fire;
        for (int c = 0; fire; c++, fire >>= 1)
            if (fire & 1)
                out[c] = LADDER[st].outcome;
    }
}

/* ---- building the decision ----------------------------------------------------------------- */

/* A reason, obligation or finding: a copy of the rule's template {rule, cites, text} with a
 * fresh cites list (callers may change what they get). */
static PyObject *new_part(PyObject *part)
{
    PyObject *d = PyDict_Copy(PyTuple_GET_ITEM(part, 1));
    if (d == NULL)
        return NULL;
    PyObject *of = PyTuple_GET_ITEM(part, 0);
    Py_ssize_t n = PyTuple_GET_SIZE(of);
    PyObject *cites = PyList_New(n);
    for (Py_ssize_t i = 0; cites != NULL && i < n; i++)
        PyList_SET_ITEM(cites, i, Py_NewRef(PyTuple_GET_ITEM(of, i)));
    if (cites == NULL || PyDict_SetItem(d, S_cites, cites) < 0) {
        Py_XDECREF(cites);
        Py_DECREF(d);
        return NULL;
    }
    Py_DECREF(cites);
    return d;
}

/* Append the parts of the rules with val in {need_t ? T : T or U} and group in groups. */
static int collect(const Program *P, const uint8_t *val, unsigned groups, int need_t,
                   PyObject *out)
{
    for (int r = 0; r < P->nrules; r++) {
        int v = val[r];
        if (!((1u << P->group[r]) & groups) || v == VF || (need_t && v != VT))
            continue;
        PyObject *d = new_part(P->part[r]);
        if (d == NULL || PyList_Append(out, d) < 0) {
            Py_XDECREF(d);
            return -1;
        }
        Py_DECREF(d);
    }
    return 0;
}

/* Can refining the unknown slot s (no `known` test reads it) make a U prohibit rule T? Not when
 * every such rule that depends on s has a top-level comparison on another unknown slot: that
 * comparison stays U, and so does the rule. */
static int can_prohibit(const Program *P, const uint64_t *k, const uint8_t *val, int s)
{
    uint64_t unknown = 0, sbit = (uint64_t)1 << s;
    for (int i = 0; i < P->nslots; i++)
        if (!k[i])
            unknown |= (uint64_t)1 << i;
    unknown &= ~sbit;
    for (int r = 0; r < P->nrules; r++)
        if (P->group[r] == G_PROHIBIT && val[r] == VU && (P->deps[r] & sbit) &&
            !(P->cmp_conj[r] & unknown))
            return 1;
    return 0;
}

/* Step 7. On ladder step 1 (a prohibit U, or a review T or U) the outcome stays needs_review
 * unless a prohibit rule becomes T, or the fact changes every rule that keeps it there (blk, the
 * AND of their dependencies; a T review rule only through `known` tests): elsewhere only the
 * prohibit rules need probing, and only when a U prohibit rule or a `known` test reads the fact. */
static int add_questions(const Program *P, uint64_t *k, uint64_t *p, const uint8_t *val,
                         int step, uint64_t rel, PyObject *out)
{
    uint64_t blk = ~(uint64_t)0, prl = 0;
    if (step == 1) {
        for (int r = 0; r < P->nrules; r++) {
            if (P->group[r] == G_PROHIBIT && val[r] == VU) {
                blk &= P->deps[r];
                prl |= P->deps[r];
            } else if (P->group[r] == G_REVIEW && val[r] != VF) {
                blk &= val[r] == VT ? P->kdeps[r] : P->deps[r];
            }
        }
    }
    for (int s = 0; s < P->nslots; s++) {
        if (!((rel >> s) & 1) || k[s])
            continue;
        int only_prohibit = !((blk >> s) & 1);
        if (only_prohibit && !(((prl | P->nonmono) >> s) & 1))
            continue;
        if (only_prohibit && !((P->nonmono >> s) & 1) && !can_prohibit(P, k, val, s))
            continue;
        int outcomes[64], settles = 0;
        probe_slot(P, k, p, val, s, only_prohibit, outcomes);
        for (int c = 0; c < P->n_classes[s] && !settles; c++)
            settles = outcomes[c] != NEEDS_REVIEW;
        if (!settles)
            continue;
        PyObject *q = P->question[s];
        PyObject *options = PySequence_List(PyTuple_GET_ITEM(q, 2));
        PyObject *d = options ? PyDict_New() : NULL;
        if (d == NULL || PyDict_SetItem(d, S_fact, PyTuple_GET_ITEM(q, 0)) < 0 ||
            PyDict_SetItem(d, S_text, PyTuple_GET_ITEM(q, 1)) < 0 ||
            PyDict_SetItem(d, S_options, options) < 0 || PyList_Append(out, d) < 0) {
            Py_XDECREF(d);
            Py_XDECREF(options);
            return -1;
        }
        Py_DECREF(d);
        Py_DECREF(options);
    }
    return 0;
}

static int add_flips(const Program *P, uint64_t *k, uint64_t *p, const uint8_t *val, int code,
                     uint64_t rel, PyObject *out)
{
    for (int s = 0; s < P->nslots; s++) {
        uint64_t current = k[s];
        if (P->n_classes[s] == 0 || !(current || ((rel >> s) & 1)))
            continue;
        int by_pos[64], outcomes[64];
        int any = 0;
        for (int b = 0; b < 64; b++)
            by_pos[b] = -1;
        probe_slot(P, k, p, val, s, 0, outcomes);
        for (int c = 0; c < P->n_classes[s]; c++) {
            uint64_t mask = P->class_mask[s][c];
            if (current & mask)
                continue;
            int o = outcomes[c];
            if (o == code)
                continue;
            for (int b = 0; b < 64; b++)
                if ((mask >> b) & 1)
                    by_pos[b] = o;
            any = 1;
        }
        if (!any)
            continue;
        PyObject *fact = PyTuple_GET_ITEM(P->question[s], 0);
        PyObject *values = P->values[s];
        for (int b = 0; b < PyTuple_GET_SIZE(values); b++) {
            if (by_pos[b] < 0)
                continue;
            PyObject *d = PyDict_New();
            if (d == NULL || PyDict_SetItem(d, S_fact, fact) < 0 ||
                PyDict_SetItem(d, S_value, PyTuple_GET_ITEM(values, b)) < 0 ||
                PyDict_SetItem(d, S_outcome, PyTuple_GET_ITEM(P->outcomes, by_pos[b])) < 0 ||
                PyList_Append(out, d) < 0) {
                Py_XDECREF(d);
                return -1;
            }
            Py_DECREF(d);
        }
    }
    return 0;
}

/* Encode the facts into k and p; 0 when any is not plainly valid (the Python engine then
 * explains), 1 when encoded, -1 on a Python error. */
static int encode(const Program *P, PyObject *facts, uint64_t *k, uint64_t *p)
{
    memcpy(k, P->base_k, sizeof(uint64_t) * (size_t)P->nslots);
    memcpy(p, P->base_p, sizeof(uint64_t) * (size_t)P->nslots);
    if (facts == NULL || facts == Py_None)
        return 1;
    if (!PyDict_CheckExact(facts))
        return 0;
    Py_ssize_t pos = 0;
    PyObject *name, *value;
    while (PyDict_Next(facts, &pos, &name, &value)) {
        if (!PyUnicode_CheckExact(name))
            return 0;
        PyObject *slot_obj = PyDict_GetItemWithError(P->slot_of, name);
        if (slot_obj == NULL)
            return PyErr_Occurred() ? -1 : 0;
        int s = (int)PyLong_AsLong(slot_obj);
        if (value == Py_None)
            continue;
        uint64_t bit;
        if (P->value_bits[s] == NULL) {
            if (value == Py_True)
                bit = P->bit_true[s];
            else if (value == Py_False)
                bit = P->bit_false[s];
            else
                return 0;
        } else {
            if (!PyUnicode_CheckExact(value))
                return 0;
            PyObject *b = PyDict_GetItemWithError(P->value_bits[s], value);
            if (b == NULL)
                return PyErr_Occurred() ? -1 : 0;
            bit = (uint64_t)PyLong_AsUnsignedLongLong(b);
        }
        k[s] = p[s] = bit;
    }
    return 1;
}

static PyObject *Program_decide(Program *P, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "decide(case, flips) takes two arguments");
        return NULL;
    }
    PyObject *case_ = args[0];
    int want_flips = PyObject_IsTrue(args[1]);
    if (want_flips < 0)
        return NULL;
    if (!PyDict_CheckExact(case_))
        Py_RETURN_NONE;
    PyObject *at = PyDict_GetItemWithError(case_, S_at);
    if (at == NULL) {
        if (PyErr_Occurred())
            return NULL;
        Py_RETURN_NONE;
    }
    PyObject *facts = PyDict_GetItemWithError(case_, S_facts);
    if (facts == NULL && PyErr_Occurred())
        return NULL;

    uint64_t k[MAX_SLOTS], p[MAX_SLOTS];
    int ok = encode(P, facts, k, p);
    if (ok <= 0) {
        if (ok < 0)
            return NULL;
        Py_RETURN_NONE;
    }
    uint8_t val[MAX_RULES];
    for (int t = 0; t < P->nrules; t++) {
        int r = P->topo[t];
        val[r] = (uint8_t)eval_rule(P, r, k, p, val);
    }
    int step = ladder_step(P, val);
    int code = step_outcome(P, step);

    PyObject *reasons = PyList_New(0), *obligations = PyList_New(0);
    PyObject *findings = PyList_New(0), *questions = PyList_New(0), *flips = PyList_New(0);
    PyObject *result = NULL;
    if (!reasons || !obligations || !findings || !questions || !flips)
        goto done;
    if (step != STEP_DEFAULT &&
        collect(P, val, LADDER[step].groups, LADDER[step].need_t, reasons) < 0)
        goto done;
    if (collect(P, val, 1u << G_OBLIGE, 1, obligations) < 0 ||
        collect(P, val, 1u << G_FIND, 1, findings) < 0)
        goto done;

    /* rel: the unknown facts that can change the outcome are among the slots the U rules
     * depend on (Kleene logic is monotone), plus the slots `known` tests read. */
    uint64_t rel = 0;
    if (code == NEEDS_REVIEW) {
        for (int r = 0; r < P->nrules; r++)
            if (P->outcome_rel[r] && val[r] == VU)
                rel |= P->deps[r];
    } else if (step == STEP_FALLBACK_NA) { /* a U fallback permit may still become T */
        for (int r = 0; r < P->nrules; r++)
            if (P->group[r] == G_FB_PERMIT && val[r] != VF)
                rel |= P->deps[r];
    }
    rel |= P->nonmono;
    if (code == NEEDS_REVIEW && add_questions(P, k, p, val, step, rel, questions) < 0)
        goto done;
    if (want_flips && add_flips(P, k, p, val, code, rel, flips) < 0)
        goto done;

    /* a copy of the template (jurisdiction, pack version and kind filled in, keys in order) */
    result = PyDict_Copy(P->result_template);
    if (result == NULL ||
        PyDict_SetItem(result, S_outcome, PyTuple_GET_ITEM(P->outcomes, code)) < 0 ||
        PyDict_SetItem(result, S_at, at) < 0 ||
        PyDict_SetItem(result, S_reasons, reasons) < 0 ||
        PyDict_SetItem(result, S_obligations, obligations) < 0 ||
        PyDict_SetItem(result, S_findings, findings) < 0 ||
        PyDict_SetItem(result, S_questions, questions) < 0 ||
        PyDict_SetItem(result, S_flips, flips) < 0) {
        Py_CLEAR(result);
    }
done:
    Py_XDECREF(reasons);
    Py_XDECREF(obligations);
    Py_XDECREF(findings);
    Py_XDECREF(questions);
    Py_XDECREF(flips);
    return result;
}

/* ---- the hot path from the case to its Program ---------------------------------------------- */

static int digits(const char *t, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (t[i] < '0' || t[i] > '9')
            return 0;
        v = v * 10 + (t[i] - '0');
    }
    *out = v;
    return 1;
}

static int days_in_month(int y, int m)
{
    static const int DAYS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return DAYS[m - 1] + (m == 2 && leap);
}

/* The instant (whole seconds since 1970-01-01T00:00Z, fraction dropped) of a moment written
 * YYYY-MM-DDTHH:MM[:SS[.fff|.ffffff]](Z|+HH:MM|-HH:MM): 1 and *epoch set, or 0 when the text is
 * anything else (the Python engine then parses it, or says what is wrong). Every text accepted
 * here is one that datetime.fromisoformat reads as an aware datetime of the same instant. */
static int moment_epoch(PyObject *at, int64_t *epoch)
{
    Py_ssize_t n;
    const char *t = PyUnicode_AsUTF8AndSize(at, &n);
    if (t == NULL) {
        PyErr_Clear();
        return 0;
    }
    int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 1;
    if (n < 17 || !digits(t, 4, &y) || t[4] != '-' || !digits(t + 5, 2, &mo) || t[7] != '-' ||
        !digits(t + 8, 2, &d) || t[10] != 'T' || !digits(t + 11, 2, &h) || t[13] != ':' ||
        !digits(t + 14, 2, &mi))
        return 0;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59)
        return 0;
    Py_ssize_t i = 16;
    if (i < n && t[i] == ':') {
        if (i + 3 > n || !digits(t + i + 1, 2, &sec) || sec > 59)
            return 0;
        i += 3;
        if (i < n && t[i] == '.') {
            Py_ssize_t j = i + 1;
            while (j < n && t[j] >= '0' && t[j] <= '9')
                j++;
            if (j - i - 1 != 3 && j - i - 1 != 6)
                return 0;
            i = j;
        }
    }
    if (i + 1 == n && t[i] == 'Z')
        ; /* UTC */
    else if (i + 6 == n && (t[i] == '+' || t[i] == '-') && digits(t + i + 1, 2, &oh) &&
             t[i + 3] == ':' && digits(t + i + 4, 2, &om) && oh <= 23 && om <= 59)
        sign = t[i] == '-' ? -1 : 1;
    else
        return 0;
    int64_t yb = y - 1;
    int64_t ordinal = yb * 365 + yb / 4 - yb / 100 + yb / 400 + d; /* date.toordinal() */
    for (int m = 1; m < mo; m++)
        ordinal += days_in_month(y, m);
    *epoch = (ordinal - 719163) * 86400 + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
    return 1;
}

static PyObject *lookup(PyObject *dict, PyObject *key)
{
    if (!PyDict_CheckExact(dict))
        return NULL;
    PyObject *found = PyDict_GetItemWithError(dict, key);
    if (found == NULL)
        PyErr_Clear(); /* an unhashable key: the Python engine says what is wrong */
    return found;
}

/* decide(table, case, flips): table[jurisdiction][kind] = (by_at, stamps, by_index): the
 * Programs by date string, the instants where the segments start (local midnights, seconds since
 * the epoch, ascending) and the Programs by segment index inside the coverage (all three filled
 * by the Python engine as it compiles and places cases). The decision, or None when the case is
 * not on this path (the Python engine then decides it or says what is wrong). */
static PyObject *native_decide(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "decide(table, case, flips) takes three arguments");
        return NULL;
    }
    PyObject *case_ = args[1];
    if (!PyDict_CheckExact(case_))
        Py_RETURN_NONE;
    PyObject *j = PyDict_GetItemWithError(case_, S_jurisdiction);
    PyObject *kind = j ? PyDict_GetItemWithError(case_, S_kind) : NULL;
    PyObject *at = kind ? PyDict_GetItemWithError(case_, S_at) : NULL;
    if (at == NULL || !PyUnicode_CheckExact(at)) {
        if (PyErr_Occurred())
            return NULL;
        Py_RETURN_NONE;
    }
    PyObject *kinds = lookup(args[0], j);
    PyObject *entry = kinds ? lookup(kinds, kind) : NULL;
    if (entry == NULL || !PyTuple_CheckExact(entry) || PyTuple_GET_SIZE(entry) != 3)
        Py_RETURN_NONE;
    PyObject *prog = lookup(PyTuple_GET_ITEM(entry, 0), at);
    int64_t epoch;
    PyObject *stamps = PyTuple_GET_ITEM(entry, 1);
    if (prog == NULL && PyUnicode_GET_LENGTH(at) > 10 && PyTuple_CheckExact(stamps) &&
        moment_epoch(at, &epoch)) {
        Py_ssize_t lo = 0, hi = PyTuple_GET_SIZE(stamps); /* bisect_right(stamps, epoch) - 1 */
        while (lo < hi) {
            Py_ssize_t mid = (lo + hi) / 2;
            long long stamp = PyLong_AsLongLong(PyTuple_GET_ITEM(stamps, mid));
            if (stamp == -1 && PyErr_Occurred())
                return NULL;
            if (epoch < stamp)
                hi = mid;
            else
                lo = mid + 1;
        }
        if (lo > 0) {
            PyObject *key = PyLong_FromSsize_t(lo - 1);
            if (key == NULL)
                return NULL;
            prog = lookup(PyTuple_GET_ITEM(entry, 2), key);
            Py_DECREF(key);
        }
    }
    if (prog == NULL || !PyObject_TypeCheck(prog, &ProgramType))
        Py_RETURN_NONE;
    PyObject *call[2] = {case_, args[2]};
    return Program_decide((Program *)prog, call, 2);
}

static PyObject *native_moment_epoch(PyObject *module, PyObject *at)
{
    (void)module;
    int64_t epoch;
    if (!PyUnicode_Check(at)) {
        PyErr_SetString(PyExc_TypeError, "moment_epoch takes a str");
        return NULL;
    }
    if (!moment_epoch(at, &epoch))
        Py_RETURN_NONE;
    return PyLong_FromLongLong((long long)epoch);
}

/* ---- construction from the compiler's spec -------------------------------------------------- */

static void *take(Py_ssize_t n, size_t size)
{
    void *mem = PyMem_Calloc((size_t)(n > 0 ? n : 1), size);
    if (mem == NULL)
        PyErr_NoMemory();
    return mem;
}

static int as_u64(PyObject *obj, uint64_t *out)
{
    unsigned long long v = PyLong_AsUnsignedLongLong(obj);
    if (v == (unsigned long long)-1 && PyErr_Occurred())
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static int as_int(PyObject *obj, int lo, int hi, const char *what, int *out)
{
    long v = PyLong_AsLong(obj);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (v < lo || v > hi) {
        PyErr_Format(PyExc_ValueError, "%s %ld is outside %d..%d", what, v, lo, hi);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* spec = (header, outcomes, slot_of, facts, rules, topo, default_outcome, nonmono) with
 *   facts: per slot (value_bits dict or None, bit_true, bit_false, base_k, base_p,
 *          values tuple by bit position, (fact, question text, options), classes ((bit, mask),..))
 *   rules: per rule (code tuple, group, overriders tuple, deps, outcome_rel, (cites, template),
 *          filter triples, kdeps, prl_rel, cmp_conj) */
static int load_facts(Program *P, PyObject *facts)
{
    P->nslots = (int)PyTuple_GET_SIZE(facts);
    if (P->nslots > MAX_SLOTS) {
        PyErr_Format(PyExc_ValueError, "%d facts: at most %d", P->nslots, MAX_SLOTS);
        return -1;
    }
    Py_ssize_t n = P->nslots;
    if (!(P->value_bits = take(n, sizeof(PyObject *))) || !(P->values = take(n, sizeof(PyObject *))) ||
        !(P->question = take(n, sizeof(PyObject *))) || !(P->bit_true = take(n, 8)) ||
        !(P->bit_false = take(n, 8)) || !(P->base_k = take(n, 8)) || !(P->base_p = take(n, 8)) ||
        !(P->class_bit = take(n, sizeof(uint64_t *))) ||
        !(P->class_mask = take(n, sizeof(uint64_t *))) || !(P->n_classes = take(n, sizeof(int))))
        return -1;
    for (Py_ssize_t s = 0; s < n; s++) {
        PyObject *f = PyTuple_GET_ITEM(facts, s);
        if (!PyTuple_Check(f) || PyTuple_GET_SIZE(f) != 8) {
            PyErr_SetString(PyExc_TypeError, "a fact spec is an 8-tuple");
            return -1;
        }
        PyObject *bits = PyTuple_GET_ITEM(f, 0);
        if (bits != Py_None) {
            Py_INCREF(bits);
            P->value_bits[s] = bits;
        }
        if (as_u64(PyTuple_GET_ITEM(f, 1), &P->bit_true[s]) < 0 ||
            as_u64(PyTuple_GET_ITEM(f, 2), &P->bit_false[s]) < 0 ||
            as_u64(PyTuple_GET_ITEM(f, 3), &P->base_k[s]) < 0 ||
            as_u64(PyTuple_GET_ITEM(f, 4), &P->base_p[s]) < 0)
            return -1;
        P->values[s] = Py_NewRef(PyTuple_GET_ITEM(f, 5));
        P->question[s] = Py_NewRef(PyTuple_GET_ITEM(f, 6));
        if (PyTuple_GET_SIZE(P->values[s]) > 63) {
            PyErr_SetString(PyExc_ValueError, "a fact has more than 63 values");
            return -1;
        }
        PyObject *classes = PyTuple_GET_ITEM(f, 7);
        Py_ssize_t nc = PyTuple_GET_SIZE(classes);
        P->n_classes[s] = (int)nc;
        if (!(P->class_bit[s] = take(nc, 8)) || !(P->class_mask[s] = take(nc, 8)))
            return -1;
        for (Py_ssize_t c = 0; c < nc; c++) {
            PyObject *cl = PyTuple_GET_ITEM(classes, c);
            if (as_u64(PyTuple_GET_ITEM(cl, 0), &P->class_bit[s][c]) < 0 ||
                as_u64(PyTuple_GET_ITEM(cl, 1), &P->class_mask[s][c]) < 0)
                return -1;
        }
    }
    return 0;
}

static int load_rules(Program *P, PyObject *rules, PyObject *topo)
{
    Py_ssize_t n = PyTuple_GET_SIZE(rules), total = 0;
    if (n > MAX_RULES || PyTuple_GET_SIZE(topo) != n) {
        PyErr_Format(PyExc_ValueError, "%zd rules (at most %d) and %zd in order", n, MAX_RULES,
                     PyTuple_GET_SIZE(topo));
        return -1;
    }
    P->nrules = (int)n;
    Py_ssize_t total_filter = 0;
    for (Py_ssize_t r = 0; r < n; r++) {
        PyObject *rule = PyTuple_GET_ITEM(rules, r);
        if (!PyTuple_Check(rule) || PyTuple_GET_SIZE(rule) != 10) {
            PyErr_SetString(PyExc_TypeError, "a rule spec is a 10-tuple");
            return -1;
        }
        total += PyTuple_GET_SIZE(PyTuple_GET_ITEM(rule, 0));
        total_filter += PyTuple_GET_SIZE(PyTuple_GET_ITEM(rule, 6));
    }
    if (!(P->filter = take(total_filter, sizeof(int64_t))) ||
        !(P->filter_at = take(n, sizeof(Py_ssize_t))) || !(P->n_filter = take(n, sizeof(int))))
        return -1;
    Py_ssize_t fat = 0;
    if (!(P->code = take(total, sizeof(int64_t))) || !(P->code_at = take(n, sizeof(Py_ssize_t))) ||
        !(P->group = take(n, sizeof(int))) || !(P->outcome_rel = take(n, sizeof(int))) ||
        !(P->deps = take(n, 8)) || !(P->kdeps = take(n, 8)) ||
        !(P->prl_rel = take(n, sizeof(int))) || !(P->cmp_conj = take(n, 8)) || !(P->overriders = take(n, sizeof(int *))) ||
        !(P->n_overriders = take(n, sizeof(int))) || !(P->topo = take(n, sizeof(int))) ||
        !(P->part = take(n, sizeof(PyObject *))))
        return -1;
    Py_ssize_t at = 0;
    for (Py_ssize_t r = 0; r < n; r++) {
        PyObject *rule = PyTuple_GET_ITEM(rules, r);
        if (!PyTuple_Check(rule) || PyTuple_GET_SIZE(rule) != 10) {
            PyErr_SetString(PyExc_TypeError, "a rule spec is a 10-tuple");
            return -1;
        }
        PyObject *code = PyTuple_GET_ITEM(rule, 0);
        P->code_at[r] = at;
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(code); i++) {
            long long v = PyLong_AsLongLong(PyTuple_GET_ITEM(code, i));
            if (v == -1 && PyErr_Occurred())
                return -1;
            P->code[at + i] = (int64_t)v;
        }
        at += PyTuple_GET_SIZE(code);
        PyObject *filter = PyTuple_GET_ITEM(rule, 6);
        P->filter_at[r] = fat;
        P->n_filter[r] = (int)(PyTuple_GET_SIZE(filter) / 3);
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(filter); i++) {
            unsigned long long v = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(filter, i));
            if (v == (unsigned long long)-1 && PyErr_Occurred())
                return -1;
            P->filter[fat + i] = (int64_t)v;
        }
        fat += PyTuple_GET_SIZE(filter);
        PyObject *over = PyTuple_GET_ITEM(rule, 2);
        Py_ssize_t no = PyTuple_GET_SIZE(over);
        P->n_overriders[r] = (int)no;
        if (!(P->overriders[r] = take(no, sizeof(int))))
            return -1;
        for (Py_ssize_t j = 0; j < no; j++)
            if (as_int(PyTuple_GET_ITEM(over, j), 0, (int)n - 1, "overrider", &P->overriders[r][j]) < 0)
                return -1;
        if (as_int(PyTuple_GET_ITEM(rule, 1), 0, N_GROUPS - 1, "group", &P->group[r]) < 0 ||
            as_u64(PyTuple_GET_ITEM(rule, 3), &P->deps[r]) < 0)
            return -1;
        P->outcome_rel[r] = PyObject_IsTrue(PyTuple_GET_ITEM(rule, 4));
        P->prl_rel[r] = PyObject_IsTrue(PyTuple_GET_ITEM(rule, 8));
        if (as_u64(PyTuple_GET_ITEM(rule, 7), &P->kdeps[r]) < 0 ||
            as_u64(PyTuple_GET_ITEM(rule, 9), &P->cmp_conj[r]) < 0)
            return -1;
        P->part[r] = Py_NewRef(PyTuple_GET_ITEM(rule, 5));
    }
    for (Py_ssize_t t = 0; t < n; t++)
        if (as_int(PyTuple_GET_ITEM(topo, t), 0, (int)n - 1, "rule", &P->topo[t]) < 0)
            return -1;
    return 0;
}

static void Program_dealloc(Program *P)
{
    for (int s = 0; s < P->nslots; s++) {
        if (P->value_bits)
            Py_XDECREF(P->value_bits[s]);
        if (P->values)
            Py_XDECREF(P->values[s]);
        if (P->question)
            Py_XDECREF(P->question[s]);
        if (P->class_bit)
            PyMem_Free(P->class_bit[s]);
        if (P->class_mask)
            PyMem_Free(P->class_mask[s]);
    }
    for (int r = 0; r < P->nrules; r++) {
        if (P->part)
            Py_XDECREF(P->part[r]);
        if (P->overriders)
            PyMem_Free(P->overriders[r]);
    }
    void *blocks[] = {P->value_bits, P->values, P->question, P->bit_true, P->bit_false,
                      P->base_k, P->base_p, P->class_bit, P->class_mask, P->n_classes,
                      P->code, P->code_at, P->group, P->outcome_rel, P->deps, P->overriders,
                      P->n_overriders, P->topo, P->part, P->filter, P->filter_at, P->n_filter, P->kdeps, P->prl_rel, P->cmp_conj};
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
        PyMem_Free(blocks[i]);
    Py_XDECREF(P->header);
    Py_XDECREF(P->result_template);
    Py_XDECREF(P->outcomes);
    Py_XDECREF(P->slot_of);
    Py_TYPE(P)->tp_free((PyObject *)P);
}

static PyObject *Program_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *header, *outcomes, *slot_of, *facts, *rules, *topo, *nonmono;
    int default_outcome;
    if (kwds != NULL && PyDict_GET_SIZE(kwds)) {
        PyErr_SetString(PyExc_TypeError, "Program takes no keyword arguments");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!O!iO!", &PyTuple_Type, &header, &PyTuple_Type,
                          &outcomes, &PyDict_Type, &slot_of, &PyTuple_Type, &facts, &PyTuple_Type,
                          &rules, &PyTuple_Type, &topo, &default_outcome, &PyLong_Type, &nonmono))
        return NULL;
    if (PyTuple_GET_SIZE(header) != 3 || PyTuple_GET_SIZE(outcomes) != 4 || default_outcome < 0 ||
        default_outcome > 3) {
        PyErr_SetString(PyExc_ValueError, "header is 3 names, outcomes 4, default 0..3");
        return NULL;
    }
    Program *P = (Program *)type->tp_alloc(type, 0);
    if (P == NULL)
        return NULL;
    P->header = Py_NewRef(header);
    P->result_template = PyDict_New();
    PyObject *keys[10] = {S_outcome, S_jurisdiction, S_pack_version, S_at, S_kind,
                          S_reasons, S_obligations, S_findings, S_questions, S_flips};
    for (int i = 0; i < 10; i++) {
        PyObject *v = i == 1 ? PyTuple_GET_ITEM(header, 0)
                    : i == 2 ? PyTuple_GET_ITEM(header, 1)
                    : i == 4 ? PyTuple_GET_ITEM(header, 2) : Py_None;
        if (P->result_template == NULL || PyDict_SetItem(P->result_template, keys[i], v) < 0) {
            Py_DECREF(P);
            return NULL;
        }
    }
    P->outcomes = Py_NewRef(outcomes);
    P->slot_of = Py_NewRef(slot_of);
    P->default_outcome = default_outcome;
    if (as_u64(nonmono, &P->nonmono) < 0 || load_facts(P, facts) < 0 ||
        load_rules(P, rules, topo) < 0) {
        Py_DECREF(P);
        return NULL;
    }
    return (PyObject *)P;
}

static PyMethodDef Program_methods[] = {
    {"decide", (PyCFunction)(void (*)(void))Program_decide, METH_FASTCALL,
     "decide(case, flips) -> the decision dict, or None when the case is not plainly valid"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ProgramType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "brightline.rules._native.Program",
    .tp_basicsize = sizeof(Program),
    .tp_dealloc = (destructor)Program_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The rules in force of one kind and date segment, compiled for the C evaluator.",
    .tp_methods = Program_methods,
    .tp_new = Program_new,
};

static PyMethodDef module_methods[] = {
    {"decide", (PyCFunction)(void (*)(void))native_decide, METH_FASTCALL,
     "decide(table, case, flips) -> the decision dict, or None for the Python engine"},
    {"moment_epoch", native_moment_epoch, METH_O,
     "moment_epoch(at) -> whole seconds since the epoch of a plain ISO 8601 moment, or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT, "_native",
    "The decision engine's hot path in C (see brightline.rules.native).", -1, module_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__native(void)
{
    struct { PyObject **slot; const char *text; } names[] = {
        {&S_facts, "facts"}, {&S_at, "at"}, {&S_outcome, "outcome"},
        {&S_jurisdiction, "jurisdiction"}, {&S_pack_version, "pack_version"}, {&S_kind, "kind"},
        {&S_reasons, "reasons"}, {&S_obligations, "obligations"}, {&S_findings, "findings"},
        {&S_questions, "questions"}, {&S_flips, "flips"}, {&S_rule, "rule"}, {&S_cites, "cites"},
        {&S_text, "text"}, {&S_fact, "fact"}, {&S_options, "options"}, {&S_value, "value"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        *names[i].slot = PyUnicode_InternFromString(names[i].text);
        if (*names[i].slot == NULL)
            return NULL;
    }
    if (PyType_Ready(&ProgramType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&native_module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddObjectRef(m, "Program", (PyObject *)&ProgramType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    if (PyModule_AddIntConstant(m, "MAX_SLOTS", MAX_SLOTS) < 0 ||
        PyModule_AddIntConstant(m, "MAX_RULES", MAX_RULES) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
