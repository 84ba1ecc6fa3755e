"""The typed contract of the JSON API under ``/api/v1/``: response models, the one error shape
and which statuses each operation answers, request examples, tags, and the case vocabulary.

How an endpoint declares its contract (the pattern every router follows)::

    @router.get(
        "/things/{id}",
        summary="One thing",                      # a human summary, never the function name
        tags=[TAG_THINGS],                        # one tag per concept (see TAGS)
        response_model=Thing,                     # a model of this module; extra keys pass through
        response_model_exclude_unset=True,        # keys the service leaves out stay out
        responses=errors(401, 403, 404),          # the one error shape, each status it really sends
    )

- Response models allow extra keys (``extra="allow"``): a service that adds a field does not
  break the contract; a field that a model requires and the service drops is a server error
  that the contract tests catch.
- The hot path (``POST /decisions``, answered by :mod:`brightline.web.fastpath` for known
  tokens) returns its JSON directly: its model is declared with ``responses={201: {"model": …}}``
  only, so no response is validated twice.
- ``errors(...)`` lists the statuses given; operations with a body get 413 and 422 (in the
  project's shape, never FastAPI's ``HTTPValidationError``), JSON bodies 415 too.

Vocabulary: fields of the case and decision vocabulary carry a marker
(``x-brightline-vocabulary``) that :func:`complete_openapi` replaces by the enum the loaded
packs define when the OpenAPI document is built, so the document cannot drift from the packs.
The request body of ``POST /decisions`` is the generated ``Case`` schema (one variant per kind,
each with its facts and their allowed values).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

VOCABULARY_KEY = "x-brightline-vocabulary"
BODY_KEY = "x-brightline-body"

TAG_DECISIONS = "decisions"
TAG_REVIEWS = "reviews"
TAG_REPORTS = "reports"
TAG_LEDGER = "ledger"
TAG_PACKS = "packs"
TAG_OFFICERS = "officers"
TAG_STATISTICS = "statistics"
TAG_ACCOUNTS = "accounts"
TAG_CUSTODY = "custody"
TAG_OVERSIGHT = "oversight"

TAGS: list[dict[str, str]] = [
    {
        "name": TAG_DECISIONS,
        "description": "Screen a case (cases.md) and get the decision with its reasons, duties, "
        "open questions and a ledger receipt; read decisions back.",
    },
    {
        "name": TAG_REVIEWS,
        "description": "The supervisors' queue of needs_review decisions and their resolution.",
    },
    {
        "name": TAG_REPORTS,
        "description": "Public reports of a concern (no login), each decided by the pack and "
        "answered with a receipt.",
    },
    {
        "name": TAG_LEDGER,
        "description": "The tamper-evident log: signed checkpoints (C2SP signed note, Ed25519), "
        "RFC 9162 inclusion and consistency proofs, public entries.",
    },
    {
        "name": TAG_PACKS,
        "description": "The law as data: packs, their kinds, facts and allowed values, and the "
        "rules in force on a day.",
    },
    {
        "name": TAG_OFFICERS,
        "description": "Is this a CPD officer? Roster lookups and roll-call inspections.",
    },
    {"name": TAG_STATISTICS, "description": "Aggregated public data (no personal data)."},
    {"name": TAG_ACCOUNTS, "description": "API tokens and who the caller is."},
    {
        "name": TAG_CUSTODY,
        "description": "The custody request log (CPD-31.110): detainers and warrants received, "
        "bail, holds, releases and transfers, each disposition decided by the pack.",
    },
    {
        "name": TAG_OVERSIGHT,
        "description": "Oversight: the inbox of residents' reports and their resolution, and the "
        "reports the law requires (WCO, TRUST Act, EO 2026-01), each checkable against the ledger.",
    },
]

# ---- the one error shape -------------------------------------------------------------------

ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "The request is malformed.",
    401: "Sign in first: no credentials, or a bearer token that is wrong, expired or revoked.",
    403: "Signed in, but this role may not do this (the body names the allowed roles).",
    404: "No such thing: the body names what was looked for.",
    405: "The method is not allowed here; the Allow header lists the methods that are.",
    409: "The request conflicts with the current state.",
    413: "The request body is larger than the server's limit (the body gives both sizes).",
    415: "The request body must be JSON (Content-Type: application/json).",
    422: "The input was refused: the message names the field or fact, what was expected and "
    "what came (details.allowed lists the allowed values where there is a list). Nothing "
    "was changed.",
    429: "Too many requests from this client: Retry-After says how many seconds to wait.",
    503: "The database is unavailable; try again.",
}


class ErrorDetail(BaseModel):
    code: str = Field(
        description="machine-readable error code, e.g. invalid_case, not_found, rate_limited"
    )
    message: str = Field(description="what was wrong, what was expected and what came")
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="the data the error is about, e.g. field, fact, allowed, got, retry_after",
    )


class ErrorBody(BaseModel):
    """The one JSON error shape of every refusal under /api/."""

    error: ErrorDetail


RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 0},
    }
}


def errors(*statuses: int, body: bool = False, json_body: bool = False) -> dict[int | str, Any]:
    """The ``responses`` of an operation for the error statuses it answers. ``body``: it takes
    a request body (413 and 422 too); ``json_body``: a JSON one (415 too). An operation with
    parameters lists 422 itself (FastAPI's own ``HTTPValidationError`` is never declared)."""
    wanted = set(statuses)
    if body or json_body:
        wanted.add(422)
    if body or json_body:
        wanted.add(413)
    if json_body:
        wanted.add(415)
    out: dict[int | str, Any] = {}
    for status in sorted(wanted):
        entry: dict[str, Any] = {"model": ErrorBody, "description": ERROR_DESCRIPTIONS[status]}
        if status == 429:
            entry["headers"] = RETRY_AFTER
        out[status] = entry
    return out


# ---- authentication ------------------------------------------------------------------------

SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token from POST /api/v1/tokens: Authorization: Bearer <token>.",
    }
}
SIGNED_IN: dict[str, Any] = {"security": [{"bearerAuth": []}]}
"""``openapi_extra`` of an operation that needs a signed-in caller (401 without one)."""
OPTIONALLY_SIGNED_IN: dict[str, Any] = {"security": [{}, {"bearerAuth": []}]}
"""``openapi_extra`` of an operation anyone may call, that shows more to some roles."""

ID_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"


# ---- vocabulary markers --------------------------------------------------------------------


def vocabulary(name: str) -> dict[str, Any]:
    """``json_schema_extra`` for a field whose allowed values come from the packs: ``name`` is
    one of jurisdiction, kind, fact, outcome."""
    return {VOCABULARY_KEY: name}


OUTCOMES = ("prohibited", "permitted", "needs_review", "not_applicable")
Outcome = Literal["prohibited", "permitted", "needs_review", "not_applicable"]
ReviewOutcome = Literal["prohibited", "permitted", "not_applicable"]
Role = Literal["public", "officer", "supervisor", "auditor", "admin"]


class Open(BaseModel):
    """A response object: the listed fields are promised; more may be added (never removed or
    renamed within /api/v1/)."""

    model_config = ConfigDict(extra="allow")


# ---- decisions -----------------------------------------------------------------------------


class Condition(Open):
    fact: str = Field(json_schema_extra=vocabulary("fact"))
    values: list[Any] = Field(description="the values of the fact under which it would apply")


class Reason(Open):
    rule: str = Field(description="the rule's id, <pack>/<rule> (<pack>/default: no rule decides)")
    cites: list[str] = Field(description="keys of law.md, exactly as written there")
    text: str = Field(description="the rule's explanation in plain words")
    status: Literal["applies", "may_apply"] | None = Field(
        default=None,
        description="applies: its conditions hold on the known facts; may_apply: it turns on "
        "unknown facts (then `if` names them)",
    )
    if_: list[Condition] | None = Field(
        default=None, alias="if", description="the unknown facts and values under which it applies"
    )


class LawChange(Open):
    at: str = Field(description="the moment the law in force gives these facts another outcome")
    until: str | None = Field(
        default=None, description="where that stretch of law ends (null: open)"
    )
    outcome: Outcome
    cites: list[str]


class Question(Open):
    fact: str = Field(json_schema_extra=vocabulary("fact"))
    text: str = Field(description="the question to ask a person")
    options: list[Any] = Field(description="the allowed answers")


class Flip(Open):
    fact: str = Field(json_schema_extra=vocabulary("fact"))
    value: Any = Field(description="the value of the fact that would change the outcome")
    outcome: Outcome


class Decision(Open):
    """A decision of cases.md: the outcome, why, what comes with it, and what is still open."""

    outcome: Outcome
    jurisdiction: str = Field(json_schema_extra=vocabulary("jurisdiction"))
    pack_version: str
    pack_digest: str | None = Field(
        default=None, description="sha256 of the pack's files, law and layers: the exact rules"
    )
    at: str = Field(description="the moment decided (as the case gave it)")
    kind: str = Field(json_schema_extra=vocabulary("kind"))
    reasons: list[Reason]
    obligations: list[Reason] = Field(description="duties that come with the case")
    findings: list[Reason] = Field(description="facts the law attaches weight to")
    questions: list[Question] = Field(description="for needs_review: what would settle it")
    flips: list[Flip] = Field(description="single changes of one fact that change the outcome")
    law_changes: list[LawChange] | None = Field(
        default=None,
        description="the nearest earlier and later moments at which the law in force gives the "
        "same facts another outcome",
    )


class PublicDecision(Open):
    """A decision as the public sees it on a report (without the exact moment)."""

    outcome: Outcome
    jurisdiction: str = Field(json_schema_extra=vocabulary("jurisdiction"))
    kind: str = Field(json_schema_extra=vocabulary("kind"))
    reasons: list[Reason]


class ActorView(Open):
    username: str | None
    role: Role


class Receipt(Open):
    """Where an entry sits in the ledger: its index and leaf hash, and the signed checkpoint of
    the tree that holds it (verify with GET /ledger/proof/inclusion)."""

    index: int = Field(ge=0, description="the entry's index in the ledger")
    leaf_hash: str = Field(description="RFC 9162 leaf hash, hex")
    tree_size: int = Field(ge=1, description="the size of the tree of the checkpoint")
    root: str = Field(description="the root hash of that tree, hex")
    checkpoint: str = Field(description="the signed checkpoint (C2SP signed note)")


class Witnessed(Open):
    """The newest checkpoint a quorum of the log's witnesses cosigned that holds the entry."""

    tree_size: int = Field(ge=1, description="the size of the cosigned tree")
    checkpoint: str = Field(
        description="the checkpoint with the log's signature and the witnesses' cosignatures"
    )
    witnesses: list[str] = Field(description="the policy names of the witnesses that cosigned")
    proof: list[str] = Field(description="the entry's inclusion proof in that tree (hex)")
    root: str = Field(description="the root hash of that tree, hex")


class ReceiptWithProof(Receipt):
    """A receipt against the latest checkpoint, with the inclusion proof (hex hashes)."""

    proof: list[str]
    witnessed: Witnessed | None = Field(
        default=None,
        description="the entry in the newest witness-cosigned checkpoint; null until one holds "
        "it, or when no witness policy is set",
    )


class DecisionCreated(Open):
    id: str = Field(description="the decision's id (d-…)")
    decision: Decision
    receipt: Receipt
    created_at: str
    actor: ActorView
    follow_up_of: str | None = Field(description="the needs_review decision this one answers")


class ReviewView(Open):
    id: str
    outcome: ReviewOutcome
    note: str
    by: str | None
    ledger_index: int
    created_at: str


class DecisionSummary(Open):
    id: str
    ledger_index: int
    jurisdiction: str = Field(json_schema_extra=vocabulary("jurisdiction"))
    kind: str = Field(json_schema_extra=vocabulary("kind"))
    outcome: Outcome
    at: str
    month: str
    created_at: str
    actor: ActorView
    follow_up_of: str | None


class ReviewState(Open):
    follow_ups: list[str] = Field(description="ids of the decisions that followed this one up")
    review: ReviewView | None
    review_status: Literal["open", "resolved", "followed_up"] | None = Field(
        description="for needs_review decisions; null otherwise"
    )


class DecisionListItem(DecisionSummary, ReviewState):
    pass


class DecisionList(Open):
    items: list[DecisionListItem]
    total: int
    limit: int
    offset: int


class DecisionRecord(DecisionSummary, ReviewState):
    """A stored decision with its case, a fresh receipt and its review state."""

    case: dict[str, Any] | None = Field(description="the case as sent (null once redacted)")
    decision: Decision | None = Field(description="null once redacted")
    redacted: bool
    receipt: ReceiptWithProof


# ---- reviews -------------------------------------------------------------------------------


class QueueItem(DecisionSummary):
    questions: list[Question]
    reasons: list[Reason]


class ReviewQueue(Open):
    items: list[QueueItem]


class Resolution(BaseModel):
    """How a supervisor settles a needs_review decision."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"outcome": "prohibited", "note": "ICE asked; no judicial warrant was shown."}
            ]
        },
    )

    outcome: ReviewOutcome = Field(description="the settled outcome")
    note: str = Field(min_length=1, max_length=4000, pattern=r"\S", description="why")


class ReviewResolved(Open):
    id: str
    decision_id: str
    outcome: ReviewOutcome
    note: str
    actor: ActorView
    created_at: str
    receipt: Receipt


# ---- reports -------------------------------------------------------------------------------


class ReportCreated(Open):
    id: str = Field(description="the report's id (r-…): keep it to look the report up")
    receipt: Receipt
    decision: Decision | None = Field(description="the pack's decision on the facts given")
    created_at: str


class ReportPrivate(Open):
    description: str | None
    place: str | None
    occurred_at: str | None
    contact: str | None
    facts: dict[str, Any] | None


class ReportView(Open):
    id: str
    ledger_index: int
    jurisdiction: str = Field(json_schema_extra=vocabulary("jurisdiction"))
    category: str
    kind: str = Field(json_schema_extra=vocabulary("kind"))
    outcome: Outcome | None
    month: str
    created_at: str
    decision: PublicDecision | None
    redacted: bool
    receipt: ReceiptWithProof
    private: ReportPrivate | None = Field(
        default=None, description="auditors only: the reporter's words, place, time, contact"
    )


# ---- statistics ----------------------------------------------------------------------------


class CountRow(Open):
    month: str
    kind: str
    outcome: str
    count: int


class Counts(Open):
    total: int
    by_kind: dict[str, int]
    by_outcome: dict[str, int]
    by_month: dict[str, int]
    rows: list[CountRow]


class ReportCounts(Counts):
    by_category: dict[str, int]


class Statistics(Open):
    decisions: Counts
    reports: ReportCounts


# ---- ledger --------------------------------------------------------------------------------


class Checkpoint(Open):
    size: int = Field(ge=0, description="entries in the tree")
    root: str = Field(description="root hash, hex")
    note: str = Field(description="the signed checkpoint (C2SP signed note)")
    vkey: str = Field(description="the log's verifier key (name+id+key, base64)")


class InclusionProof(Open):
    index: int = Field(ge=0)
    size: int = Field(ge=1)
    leaf_hash: str
    proof: list[str] = Field(description="RFC 9162 audit path, hex, leaf to root")
    root: str
    checkpoint: str = Field(description="the signed checkpoint of the tree of this size")


class ConsistencyProof(Open):
    size1: int = Field(ge=0, description="the size asked as from")
    size2: int = Field(ge=0, description="the size asked as to")
    root1: str
    root2: str
    proof: list[str] = Field(description="RFC 9162 consistency proof, hex")
    checkpoint: str


class LedgerEntry(Open):
    index: int
    kind: str = Field(description="decision, review, report, redaction, inspection, …")
    leaf_hash: str
    commitment: str | None = Field(description="hashes to the leaf; null once redacted")
    redacted: bool
    created_at: str | None
    summary: dict[str, Any] | None = Field(description="non-personal summary of the record")


# ---- packs ---------------------------------------------------------------------------------


class PackList(Open):
    packs: list[str]


class FactView(Open):
    name: str
    type: Literal["bool", "enum"]
    values: list[Any]
    default: Any
    description: str
    question: str


class KindView(Open):
    description: str
    facts: list[FactView]


class Coverage(Open):
    from_: str = Field(alias="from")
    until: str | None


class PackCatalog(Open):
    jurisdiction: str
    version: str
    title: str
    covers: Coverage
    timezone: str
    layers: list[str]
    default_outcome: Outcome
    kinds: dict[str, KindView]


class RuleView(Open):
    id: str
    kind: str
    effect: str
    cites: list[str]
    text: str
    from_: str = Field(alias="from")
    until: str | None
    pack: str


class RulesInForce(Open):
    pack: str
    at: str
    rules: list[RuleView]


# ---- accounts ------------------------------------------------------------------------------


class Credentials(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"username": "dispatch7", "password": "correct horse battery", "label": "cad-7"}
            ]
        }
    )

    username: str = Field(max_length=64)
    password: str = Field(max_length=256)
    label: str = Field(default="api", max_length=64, description="what the token is for")
    lifetime: int | None = Field(
        default=None,
        ge=60,
        le=3 * 365 * 86400,
        description="seconds until the token expires (default and most: the server's "
        "BRIGHTLINE_TOKEN_LIFETIME, 90 days unless configured)",
    )


class TokenIssued(Open):
    token: str = Field(description="the bearer token (shown once)")
    id: int = Field(description="the token's id, for listing and revoking it")
    expires_at: str | None = Field(description="when it stops working (UTC)")
    username: str
    role: Role


class TokenInfo(Open):
    id: int
    username: str
    label: str
    created_at: str
    expires_at: str | None
    revoked_at: str | None
    state: Literal["active", "expired", "revoked"]


class TokenList(Open):
    items: list[TokenInfo]


class TokenRevoked(Open):
    id: int
    username: str
    revoked: bool


class Me(Open):
    username: str | None
    role: Role


# ---- officers ------------------------------------------------------------------------------


class Officer(Open):
    """An officer as anyone may see them: never demographics."""

    id: int
    name: str
    first_name: str
    last_name: str
    stars: list[int] = Field(description="every star number on record (stars are recycled)")
    current_star: int | None
    rank: str | None
    unit: int | None
    unit_description: str
    active: bool
    appointed_year: int | None
    sources: list[str]


class OfficerMatch(Officer):
    star_is_current: bool | None = Field(
        default=None, description="when searched by star: whether it is the officer's current one"
    )


class OfficerQuery(Open):
    star: int | None
    name: str | None
    unit: int | None
    rank: str | None = None
    status: Literal["active", "inactive"] | None = None


class SharedStar(Open):
    star: int
    active_holders: int = Field(description="active officers on record with this star (2 or more)")


class OfficerSearch(Open):
    query: OfficerQuery
    count: int
    limit: int
    offset: int
    name_match: Literal["exact", "sound", "prefix", "close"] | None = Field(
        description="how the name matched: exact spelling (same-sounding names follow it), "
        "only by sound, by prefix, or with typos"
    )
    spellings: list[str] = Field(
        default_factory=list, description="other last names found, most officers first"
    )
    shared_star: SharedStar | None = Field(
        default=None, description="set when two or more active officers hold the star asked for"
    )
    results: list[OfficerMatch]
    help: dict[str, Any] | None = Field(description="what a miss can mean and where to report")
    roster_size: int


class StarRecord(Open):
    star: int
    current: bool
    field: Literal["profile_star", "roster_star"]
    source: str
    others: int = Field(description="other officers on record with this star")


class Assignment(Open):
    unit: int
    unit_description: str
    start_date: str | None
    end_date: str | None


class OfficerDetail(Officer):
    """One officer's page: stars over time and the assignment (unit) history, oldest first."""

    star_history: list[StarRecord]
    unit_history: list[Assignment]


class InspectedOfficer(Open):
    id: int
    name: str
    star: int | None
    star_on_record: bool


class Inspection(Open):
    officer: InspectedOfficer
    outcome: Outcome
    compliant: bool
    failures: list[str]
    decision: Decision
    receipt: Receipt


class RollCallRecorded(Open):
    unit: int
    watch: str
    inspected_at: str
    inspections: list[Inspection]
    failed: int


class InspectionFailure(Open):
    unit: int
    watch: str
    inspected_at: str
    officer_id: int
    officer: str
    star: int | None
    outcome: Outcome
    failures: list[str]
    inspector: str
    ledger_index: int


class InspectionFailures(Open):
    failures: list[InspectionFailure]


class UnitCompliance(Open):
    unit: int
    unit_description: str
    period: str
    inspected: int
    compliant: int
    failed: int
    rate: float


class ComplianceByUnit(Open):
    compliance: list[UnitCompliance]


# ---- the generated parts of the document ---------------------------------------------------


def pack_vocabulary() -> dict[str, Any]:
    """The case vocabulary of the loaded packs: jurisdictions, kinds (with the jurisdictions
    that decide each) and per kind its facts (the union over packs, in declaration order)."""
    from brightline.service import law as rules

    jurisdictions = list(rules.available_packs())
    kinds: dict[str, dict[str, Any]] = {}
    for name in jurisdictions:
        catalog = rules.pack_catalog(name)
        for kind, info in catalog["kinds"].items():
            entry = kinds.setdefault(
                kind, {"description": info["description"], "jurisdictions": [], "facts": {}}
            )
            entry["jurisdictions"].append(name)
            for fact in info["facts"]:
                entry["facts"].setdefault(fact["name"], fact)
    facts = sorted({f for k in kinds.values() for f in k["facts"]})
    return {
        "jurisdiction": jurisdictions,
        "kind": sorted(kinds),
        "fact": facts,
        "outcome": list(OUTCOMES),
        "kinds": kinds,
    }


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _fact_schema(fact: Mapping[str, Any]) -> dict[str, Any]:
    """A fact's value: a boolean or one of its strings; null (or leaving it out) is unknown."""
    value: dict[str, Any] = (
        {"type": "boolean"}
        if fact["type"] == "bool"
        else {"type": "string", "enum": list(fact["values"])}
    )
    text = str(fact.get("description") or "")
    if fact.get("default") is not None:
        text = f"{text} Default: {json.dumps(fact['default'])}.".strip()
    schema: dict[str, Any] = {"anyOf": [value, {"type": "null"}]}
    if text:
        schema["description"] = text
    return schema


def case_schemas(vocab: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``Case`` (one variant per kind, chosen by ``kind``) and each kind's ``Facts…`` object."""
    schemas: dict[str, dict[str, Any]] = {}
    variants: list[dict[str, Any]] = []
    mapping: dict[str, str] = {}
    for kind, info in vocab["kinds"].items():
        facts_name = f"{_camel(kind)}Facts"
        case_name = f"{_camel(kind)}Case"
        schemas[facts_name] = {
            "title": facts_name,
            "type": "object",
            "description": f"The facts of a {kind} case. A fact left out (or null) is unknown; "
            "an unknown fact that could change the outcome gives needs_review with a question.",
            "properties": {name: _fact_schema(f) for name, f in info["facts"].items()},
            "additionalProperties": False,
        }
        schemas[case_name] = {
            "title": case_name,
            "type": "object",
            "description": info["description"],
            "properties": {
                "jurisdiction": {
                    "type": "string",
                    "enum": list(info["jurisdictions"]),
                    "description": "which pack decides",
                },
                "at": {
                    "type": "string",
                    "minLength": 10,
                    "maxLength": 64,
                    "description": "when the conduct happens or happened: ISO 8601 with offset "
                    "(2025-10-04T10:30:00-05:00) or a bare date (that day, local time of the "
                    "jurisdiction). It must lie within the pack's coverage (GET /packs/{name}).",
                    "examples": ["2025-10-04T10:30:00-05:00", "2025-10-04"],
                },
                "kind": {"type": "string", "enum": [kind]},
                "facts": {"$ref": f"#/components/schemas/{facts_name}"},
                "id": {"type": "string", "maxLength": 64, "description": "your own reference"},
            },
            "required": ["jurisdiction", "at", "kind", "facts"],
            "additionalProperties": False,
        }
        variants.append({"$ref": f"#/components/schemas/{case_name}"})
        mapping[kind] = f"#/components/schemas/{case_name}"
    schemas["Case"] = {
        "title": "Case",
        "description": "A case of cases.md: which pack decides (jurisdiction), when (at), which "
        "question (kind) and the facts known.",
        "oneOf": variants,
        "discriminator": {"propertyName": "kind", "mapping": mapping},
    }
    return schemas


def report_schemas(vocab: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``Report``: one variant per report category, whose facts are those of its pack kind."""
    from brightline.service.reports import CATEGORIES, MAX_DESCRIPTION, MAX_SHORT

    schemas: dict[str, dict[str, Any]] = {}
    variants: list[dict[str, Any]] = []
    mapping: dict[str, str] = {}
    text = {"type": "string", "pattern": r"\S"}
    optional_text = {"anyOf": [{"type": "string", "maxLength": MAX_SHORT}, {"type": "null"}]}
    for category, (kind, label) in CATEGORIES.items():
        name = f"{_camel(category)}Report"
        facts: dict[str, Any] = {"type": "object", "maxProperties": 40}
        if kind in vocab["kinds"]:
            facts = {
                "anyOf": [{"$ref": f"#/components/schemas/{_camel(kind)}Facts"}, {"type": "null"}]
            }
        schemas[name] = {
            "title": name,
            "type": "object",
            "description": f"{label}. Decided by the pack's {kind} rules on the facts given.",
            "properties": {
                "category": {"type": "string", "enum": [category]},
                "description": {
                    **text,
                    "maxLength": MAX_DESCRIPTION,
                    "description": "what happened, in your words (seen by auditors only)",
                },
                "place": {**optional_text, "description": "where (auditors only)"},
                "occurred_at": {
                    "anyOf": [{"type": "string", "maxLength": 40}, {"type": "null"}],
                    "description": "when: ISO 8601 date or date-time, not in the future "
                    "(default: now)",
                },
                "contact": {**optional_text, "description": "how to reach you (auditors only)"},
                "jurisdiction": {
                    "anyOf": [
                        {"type": "string", "enum": list(vocab["jurisdiction"])},
                        {"type": "null"},
                    ],
                    "description": "which pack decides (default chicago)",
                },
                "facts": facts,
            },
            "required": ["category", "description"],
            "additionalProperties": False,
        }
        variants.append({"$ref": f"#/components/schemas/{name}"})
        mapping[category] = f"#/components/schemas/{name}"
    schemas["Report"] = {
        "title": "Report",
        "description": "A public report of a concern; the category says which pack kind decides it.",
        "oneOf": variants,
        "discriminator": {"propertyName": "category", "mapping": mapping},
    }
    return schemas


def roll_call_schemas(vocab: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``RollCall`` and ``OfficerCheck``: a supervisor's roll call with each officer's
    appearance facts (their allowed values from the appearance kind of the packs)."""
    from brightline.service.officers import roll_call_shape

    shape = roll_call_shape()
    facts = vocab["kinds"].get("appearance", {}).get("facts", {})
    check: dict[str, Any] = {
        "officer_id": {"type": "integer", "minimum": 1, "maximum": 10**9},
        "star": {
            "anyOf": [{"type": "integer", "minimum": 1, "maximum": 10**7}, {"type": "null"}],
            "description": "the star number shown (checked against the roster)",
        },
    }
    for name in shape["facts"]:
        if name in facts:
            check[name] = _fact_schema(facts[name])
    return {
        "OfficerCheck": {
            "title": "OfficerCheck",
            "type": "object",
            "properties": check,
            "required": ["officer_id"],
            "additionalProperties": False,
        },
        "RollCall": {
            "title": "RollCall",
            "type": "object",
            "description": "One unit's roll call at one watch: each officer is decided by the "
            "pack's appearance rules as a CPD member and logged to the ledger.",
            "properties": {
                "unit": {"type": "integer", "minimum": 0, "maximum": 9999},
                "watch": {"type": "string", "enum": list(shape["watches"])},
                "inspected_at": {
                    "type": "string",
                    "description": "ISO 8601 date-time with offset, not in the future",
                },
                "jurisdiction": {"type": "string", "enum": list(vocab["jurisdiction"])},
                "officers": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": shape["max_officers"],
                    "items": {"$ref": "#/components/schemas/OfficerCheck"},
                },
            },
            "required": ["unit", "watch", "inspected_at", "officers"],
        },
    }


VOCABULARY_SCHEMAS = {
    "jurisdiction": ("Jurisdiction", "A jurisdiction with a loaded pack."),
    "kind": ("Kind", "A kind of question a pack decides (cases.md)."),
    "fact": ("FactName", "The name of a fact of some kind of some loaded pack."),
    "outcome": ("Outcome", "The outcome of a decision (cases.md)."),
}


def vocabulary_schemas(vocab: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """One named enum per vocabulary (Jurisdiction, Kind, FactName, Outcome), so a generated
    client gets one type for each instead of one per field."""
    return {
        title: {"title": title, "type": "string", "enum": list(vocab[key]), "description": text}
        for key, (title, text) in VOCABULARY_SCHEMAS.items()
    }


def _fill_markers(node: Any, vocab: Mapping[str, Any]) -> None:
    if isinstance(node, dict):
        name = node.pop(VOCABULARY_KEY, None)
        if name is not None:
            description = node.get("description")
            node.clear()
            node["$ref"] = f"#/components/schemas/{VOCABULARY_SCHEMAS[name][0]}"
            if description:
                node["description"] = description
        for value in node.values():
            _fill_markers(value, vocab)
    elif isinstance(node, list):
        for value in node:
            _fill_markers(value, vocab)


def _drop_fastapi_validation(document: dict[str, Any]) -> None:
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)


def complete_openapi(document: dict[str, Any], vocab: Mapping[str, Any] | None = None) -> None:
    """Fill the pack vocabulary into ``document`` (in place): the markers become enums, request
    bodies marked ``x-brightline-body`` get their generated schema."""
    vocab = vocab if vocab is not None else pack_vocabulary()
    components = document.setdefault("components", {}).setdefault("schemas", {})
    components.update(case_schemas(vocab))
    components.update(vocabulary_schemas(vocab))
    components.update(report_schemas(vocab))
    components.update(roll_call_schemas(vocab))
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            body_name = operation.pop(BODY_KEY, None)
            if body_name is not None:
                content = operation["requestBody"]["content"]["application/json"]
                content["schema"] = {"$ref": f"#/components/schemas/{body_name}"}
    document["components"]["securitySchemes"] = SECURITY_SCHEMES
    _fill_markers(document, vocab)
    _drop_fastapi_validation(document)
    document["tags"] = TAGS


def json_body(schema: str, examples: Iterable[tuple[str, str, Any]]) -> dict[str, Any]:
    """``openapi_extra`` for an operation whose JSON body the service validates itself:
    ``schema`` names a generated or declared component; ``examples`` are (name, summary,
    value) triples shown in the document and sent by the contract tests."""
    return {
        BODY_KEY: schema,
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "examples": {
                        name: {"summary": summary, "value": value}
                        for name, summary, value in examples
                    }
                }
            },
        },
    }
