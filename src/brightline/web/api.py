"""The JSON API under ``/api/v1/``: a thin adapter over the service.

Access rules and validation live in the service and the engine; here requests are parsed, the
actor is found, and the answer is returned. Every error becomes the one JSON error shape. Each
operation declares its typed response and the error statuses it really answers (see
:mod:`brightline.web.api_models` for the pattern).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from brightline.errors import InvalidRequest, UnsupportedMediaType
from brightline.service import Actor, Service
from brightline.service import law as law_service
from brightline.web import api_models as m
from brightline.web.api_models import errors, json_body
from brightline.web.deps import actor_dep, client_of, forget_tokens, service_dep
from brightline.web.security import nested_too_deeply

# kept importable from here for older imports
ErrorDetail = m.ErrorDetail
ErrorBody = m.ErrorBody


async def require_json(request: Request) -> None:
    """JSON endpoints take only JSON: any other Content-Type is refused with 415."""
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise UnsupportedMediaType(
            f"the request body must be JSON (Content-Type: application/json); got "
            f"'{media or 'none'}'",
            field="content-type",
            allowed=["application/json"],
            got=media or None,
        )


async def read_json(request: Request) -> Any:
    """The request body as JSON, for handlers that validate the body in the service: bytes
    that are not JSON are the same 422 as anywhere else, never a server error."""
    try:
        return await request.json()
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        raise InvalidRequest("the request body is not valid JSON", field="body") from None
    except RecursionError:
        raise nested_too_deeply() from None


router = APIRouter(prefix="/api/v1")
ServiceDep = Annotated[Service, Depends(service_dep)]
ActorDep = Annotated[Actor, Depends(actor_dep)]
JsonBody = Depends(require_json)
DecisionId = Annotated[
    str,
    Path(description="a decision id (d-…)", pattern=m.ID_PATTERN, examples=["d-0123456789abcdef"]),
]

# Examples of every request body, in the packs' own vocabulary; tests send each of them.
CASE_EXAMPLES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "assistance",
        "CBP asks for crowd control for a civil immigration operation",
        {
            "jurisdiction": "chicago",
            "at": "2025-10-04T10:30:00-05:00",
            "kind": "assistance",
            "facts": {
                "agency": "cbp",
                "activity": "crowd_control",
                "purpose": "civil_immigration",
                "imminent_threat": False,
            },
        },
    ),
    (
        "assistance_open",
        "ICE asks to hold a person; the purpose is not known yet (needs_review)",
        {
            "jurisdiction": "chicago",
            "at": "2025-11-12",
            "kind": "assistance",
            "facts": {"agency": "ice", "activity": "detention"},
        },
    ),
    (
        "appearance",
        "A CPD member in uniform wears a ski mask against the cold",
        {
            "jurisdiction": "chicago",
            "at": "2025-12-01T07:00:00-06:00",
            "kind": "appearance",
            "facts": {
                "officer_type": "local",
                "assignment": "uniform",
                "face_covering": "ski_mask",
                "covering_reason": "weather",
                "star_visible": True,
                "name_visible": True,
                "uniform_worn": True,
            },
        },
    ),
    (
        "federal_conduct",
        "Masked federal agents without visible ID, camera off",
        {
            "jurisdiction": "chicago",
            "at": "2026-02-10T16:45:00-06:00",
            "kind": "federal_conduct",
            "facts": {
                "agency": "ice",
                "civil_immigration_enforcement": True,
                "face_covering": "balaclava",
                "covering_reason": "conceal_identity",
                "id_visible": False,
                "bwc_recording": False,
                "plate": "out_of_state",
                "alleged_violation": "none",
                "injuries": False,
            },
        },
    ),
    (
        "property_use",
        "A City parking lot used as a staging area by ICE",
        {
            "jurisdiction": "chicago",
            "at": "2025-10-20T09:00:00-05:00",
            "kind": "property_use",
            "facts": {
                "owner": "city",
                "property_type": "parking_lot",
                "use": "staging_area",
                "agency": "ice",
                "purpose": "civil_immigration",
            },
        },
    ),
]

REPORT_EXAMPLES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "officer_appearance",
        "A masked CPD officer without a name plate",
        {
            "category": "officer_appearance",
            "description": "An officer in a CPD uniform wore a ski mask and no name plate.",
            "place": "Near 26th St and Pulaski",
            "occurred_at": "2025-10-04T10:30:00-05:00",
            "facts": {
                "assignment": "uniform",
                "face_covering": "ski_mask",
                "name_visible": False,
            },
        },
    ),
    (
        "immigration_assistance",
        "CPD cars blocking a street for an immigration arrest",
        {
            "category": "immigration_assistance",
            "description": "Two CPD cars closed the street while agents in ICE vests made an arrest.",
            "place": "W 47th St",
            "occurred_at": "2025-10-18",
            "facts": {"agency": "ice", "activity": "traffic_perimeter"},
        },
    ),
    (
        "property_use",
        "A City lot used as a staging area",
        {
            "category": "property_use",
            "description": "Unmarked vans and agents gathered in the City lot every morning.",
            "occurred_at": "2025-10-21T07:15:00-05:00",
            "facts": {"owner": "city", "property_type": "parking_lot", "use": "staging_area"},
        },
    ),
    (
        "federal_conduct",
        "Masked federal agents without ID",
        {
            "category": "federal_conduct",
            "description": "Agents in balaclavas without any name or badge detained a man.",
            "contact": "call 312-555-0100 after 6pm",
            "facts": {"face_covering": "balaclava", "id_visible": False},
        },
    ),
]


def _links(**targets: tuple[str, dict[str, str]]) -> dict[str, Any]:
    """OpenAPI links of a response: name -> (operationId, parameters)."""
    return {
        name: {"operationId": operation, "parameters": parameters}
        for name, (operation, parameters) in targets.items()
    }


RECEIPT_LINKS = {
    "InclusionProof": (
        "inclusion_proof",
        {"index": "$response.body#/receipt/index", "size": "$response.body#/receipt/tree_size"},
    ),
    "LedgerEntry": ("ledger_entry", {"index": "$response.body#/receipt/index"}),
}


# ---- decisions -----------------------------------------------------------------------------


@router.post(
    "/decisions",
    status_code=201,
    operation_id="decide",
    summary="Decide a case",
    tags=[m.TAG_DECISIONS],
    dependencies=[JsonBody],
    response_class=JSONResponse,
    response_model=None,
    responses={
        201: {
            "model": m.DecisionCreated,
            "description": "The decision, its id and its ledger receipt.",
            "links": _links(
                GetDecision=("get_decision", {"decision_id": "$response.body#/id"}),
                ResolveReview=("resolve_review", {"decision_id": "$response.body#/id"}),
                FollowUp=("decide", {"follow_up_of": "$response.body#/id"}),
                **RECEIPT_LINKS,
            ),
        },
        **errors(401, 403, 404, json_body=True),
    },
    openapi_extra={**json_body("Case", CASE_EXAMPLES), **m.SIGNED_IN},
)
async def post_decision(
    service: ServiceDep,
    actor: ActorDep,
    case: Annotated[dict[str, Any], Body()],
    follow_up_of: Annotated[
        str | None,
        Query(
            max_length=64,
            description="the id of a needs_review decision this case answers (same "
            "jurisdiction and kind, more facts)",
        ),
    ] = None,
) -> JSONResponse:
    """Decide a case (the cases.md shape) and log it to the ledger. Officers and supervisors.

    The answer carries the decision (outcome, reasons with their citations, obligations,
    findings, open questions and flips) and a receipt: the entry's ledger index and leaf hash
    and the signed checkpoint of a tree that holds it. An invalid case is refused with 422
    naming the field or fact and the allowed values; nothing is logged then."""
    result = await service.decide_async(case, actor=actor, follow_up_of=follow_up_of)
    return JSONResponse(result, status_code=201)


@router.get(
    "/decisions",
    operation_id="list_decisions",
    openapi_extra=m.SIGNED_IN,
    summary="List decisions",
    tags=[m.TAG_DECISIONS],
    response_model=m.DecisionList,
    response_model_exclude_unset=True,
    responses=errors(401, 403, 422),
)
def list_decisions(
    service: ServiceDep,
    actor: ActorDep,
    outcome: Annotated[m.Outcome | None, Query(description="only this outcome")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> Any:
    """Decisions the caller may read (an officer: their own; supervisors and auditors: all),
    newest first, with their review state."""
    return service.list_decisions(actor=actor, outcome=outcome, limit=limit, offset=offset)


@router.get(
    "/decisions/{decision_id}",
    operation_id="get_decision",
    openapi_extra=m.SIGNED_IN,
    summary="One decision with a fresh receipt",
    tags=[m.TAG_DECISIONS],
    response_model=m.DecisionRecord,
    response_model_exclude_unset=True,
    responses=errors(401, 403, 404, 422),
)
def get_decision(service: ServiceDep, actor: ActorDep, decision_id: DecisionId) -> Any:
    """The decision with its case, its follow-ups and review, and a receipt against the latest
    checkpoint that includes the inclusion proof."""
    return service.get_decision(decision_id, actor=actor)


# ---- reviews -------------------------------------------------------------------------------


@router.get(
    "/reviews",
    operation_id="review_queue",
    openapi_extra=m.SIGNED_IN,
    summary="The review queue",
    tags=[m.TAG_REVIEWS],
    response_model=m.ReviewQueue,
    response_model_exclude_unset=True,
    responses=errors(401, 403),
)
def review_queue(service: ServiceDep, actor: ActorDep) -> Any:
    """needs_review decisions not yet resolved nor followed up, oldest first, each with its
    open questions (supervisors and auditors)."""
    return {"items": service.review_queue(actor=actor)}


@router.post(
    "/reviews/{decision_id}",
    operation_id="resolve_review",
    openapi_extra=m.SIGNED_IN,
    summary="Resolve a needs_review decision",
    tags=[m.TAG_REVIEWS],
    dependencies=[JsonBody],
    response_model=m.ReviewResolved,
    response_model_exclude_unset=True,
    responses={
        200: {"links": _links(**RECEIPT_LINKS)},
        **errors(401, 403, 404, json_body=True),
    },
)
def resolve_review(
    service: ServiceDep, actor: ActorDep, decision_id: DecisionId, body: m.Resolution
) -> Any:
    """Settle a needs_review decision with an outcome and a note (supervisors); the
    resolution is logged to the ledger and answered with its receipt. A decision already
    resolved, followed up, or not needs_review is refused with 422."""
    return service.resolve_review(decision_id, outcome=body.outcome, note=body.note, actor=actor)


# ---- reports -------------------------------------------------------------------------------


@router.post(
    "/reports",
    status_code=201,
    operation_id="submit_report",
    summary="Report a concern",
    tags=[m.TAG_REPORTS],
    dependencies=[JsonBody],
    response_model=m.ReportCreated,
    response_model_exclude_unset=True,
    responses={
        201: {
            "description": "The report's id, the pack's decision and the ledger receipt.",
            "links": _links(
                GetReport=("get_report", {"report_id": "$response.body#/id"}), **RECEIPT_LINKS
            ),
        },
        **errors(429, json_body=True),
    },
    openapi_extra=json_body("Report", REPORT_EXAMPLES),
)
def post_report(
    request: Request, service: ServiceDep, report: Annotated[dict[str, Any], Body()]
) -> Any:
    """File a public report (no login; at most BRIGHTLINE_REPORT_RATE per client, default 5
    in 10 minutes). The pack decides it on the facts given; the reporter's words, place and
    time are kept for auditors only, the contact details apart and encrypted. Keep the id and
    receipt: anyone with the id can look the report up."""
    return service.submit_report(report, client_id=client_of(request))


@router.get(
    "/reports/{report_id}",
    operation_id="get_report",
    openapi_extra=m.OPTIONALLY_SIGNED_IN,
    summary="One report",
    tags=[m.TAG_REPORTS],
    response_model=m.ReportView,
    response_model_exclude_unset=True,
    responses=errors(401, 404, 422),
)
def get_report(
    service: ServiceDep,
    actor: ActorDep,
    report_id: Annotated[
        str,
        Path(
            description="a report id (r-…)", pattern=m.ID_PATTERN, examples=["r-0123456789abcdef"]
        ),
    ],
) -> Any:
    """The public view (category, outcome, month, the pack's decision, a fresh receipt);
    auditors also see the private fields."""
    return service.get_report(report_id, actor=actor)


# ---- statistics ----------------------------------------------------------------------------


@router.get(
    "/stats",
    operation_id="public_stats",
    summary="Public statistics",
    tags=[m.TAG_STATISTICS],
    response_model=m.Statistics,
    response_model_exclude_unset=True,
    responses=errors(),
)
def public_stats(service: ServiceDep) -> Any:
    """Counts of decisions and reports by kind, outcome and month (of the conduct), and of
    reports by category. No personal data."""
    return service.public_stats()


# ---- ledger --------------------------------------------------------------------------------


@router.get(
    "/ledger/checkpoint",
    operation_id="checkpoint",
    summary="The latest signed checkpoint",
    tags=[m.TAG_LEDGER],
    response_model=m.Checkpoint,
    response_model_exclude_unset=True,
    responses={
        200: {
            "links": _links(ConsistencyProof=("consistency_proof", {"to": "$response.body#/size"}))
        },
        **errors(),
    },
)
def checkpoint(service: ServiceDep) -> Any:
    """The newest signed checkpoint (C2SP signed note: origin, size, root; Ed25519) and the
    log's verifier key, to check it and every receipt."""
    return checkpoint_view(service)


def checkpoint_view(service: Service) -> dict[str, Any]:
    out = dict(service.checkpoint())
    vkey = getattr(service.ledger, "vkey", None)
    if vkey and "vkey" not in out:
        out["vkey"] = str(vkey)
    return out


@router.get(
    "/ledger/proof/inclusion",
    operation_id="inclusion_proof",
    summary="Inclusion proof of an entry",
    tags=[m.TAG_LEDGER],
    response_model=m.InclusionProof,
    response_model_exclude_unset=True,
    responses=errors(404, 422),
)
def inclusion_proof(
    service: ServiceDep,
    index: Annotated[int, Query(ge=0, le=2**62, description="the entry's index")],
    size: Annotated[
        int | None, Query(ge=1, le=2**62, description="tree size (default: the latest)")
    ] = None,
) -> Any:
    """RFC 9162 inclusion proof of entry ``index`` in the tree of ``size`` entries, with that
    tree's root and signed checkpoint. Hash the leaf up the path: it must give the root."""
    return service.inclusion_proof(index, size)


@router.get(
    "/ledger/proof/consistency",
    operation_id="consistency_proof",
    summary="Consistency proof between two tree sizes",
    tags=[m.TAG_LEDGER],
    response_model=m.ConsistencyProof,
    response_model_exclude_unset=True,
    responses=errors(404, 422),
)
def consistency_proof(
    service: ServiceDep,
    size1: Annotated[int, Query(alias="from", ge=1, le=2**62, description="the older tree size")],
    size2: Annotated[int, Query(alias="to", ge=1, le=2**62, description="the newer tree size")],
) -> Any:
    """RFC 9162 proof that the tree of ``from`` entries is a prefix of the tree of ``to``
    entries (``from`` ≤ ``to`` ≤ the log's size)."""
    return service.consistency_proof(size1, size2)


@router.get(
    "/ledger/entries/{index}",
    operation_id="ledger_entry",
    summary="One public ledger entry",
    tags=[m.TAG_LEDGER],
    response_model=m.LedgerEntry,
    response_model_exclude_unset=True,
    responses=errors(404, 422),
)
def ledger_entry(service: ServiceDep, index: Annotated[int, Path(ge=0, le=2**62)]) -> Any:
    """The public view of one ledger entry: kind, leaf hash, the commitment that hashes to it
    (while the record is kept) and a summary without personal data."""
    return service.ledger_entry(index)


# ---- packs ---------------------------------------------------------------------------------


@router.get(
    "/packs",
    operation_id="list_packs",
    summary="The jurisdictions with a pack",
    tags=[m.TAG_PACKS],
    response_model=m.PackList,
    responses=errors(),
)
def packs() -> Any:
    """The jurisdictions whose packs this server loaded (the values of a case's
    ``jurisdiction``)."""
    return {"packs": law_service.pack_names()}


PackName = Annotated[
    str, Path(description="a jurisdiction, e.g. chicago", max_length=64, examples=["chicago"])
]


@router.get(
    "/packs/{name}",
    operation_id="pack_catalog",
    summary="A pack's kinds, facts and values",
    tags=[m.TAG_PACKS],
    response_model=m.PackCatalog,
    response_model_exclude_unset=True,
    responses=errors(404, 422),
)
def pack(name: PackName) -> Any:
    """The pack's catalog: coverage, layers, and per kind its facts with their allowed values
    and the question to ask (for building forms)."""
    from brightline.web.law import catalog

    return catalog(name)


@router.get(
    "/packs/{name}/rules",
    operation_id="pack_rules",
    summary="A pack's rules in force on a day",
    tags=[m.TAG_PACKS],
    response_model=m.RulesInForce,
    response_model_exclude_unset=True,
    responses=errors(404, 422),
)
def pack_rules(
    name: PackName,
    at: Annotated[
        str,
        Query(
            description="the day, YYYY-MM-DD",
            pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            json_schema_extra={"format": "date"},
            examples=["2025-10-04"],
        ),
    ],
) -> Any:
    """Every rule of the layered pack in force on the local day ``at``."""
    from brightline.web.law import rules_on

    try:
        day = date.fromisoformat(at)
    except ValueError:
        raise InvalidRequest(
            f"at must be a day YYYY-MM-DD, got {at!r}", field="at", got=at
        ) from None
    return {"pack": name, "at": day.isoformat(), "rules": rules_on(name, day)}


# ---- accounts ------------------------------------------------------------------------------


@router.post(
    "/tokens",
    status_code=201,
    operation_id="issue_token",
    summary="Get an API token",
    tags=[m.TAG_ACCOUNTS],
    dependencies=[JsonBody],
    response_model=m.TokenIssued,
    responses=errors(401, 429, json_body=True),
)
def issue_token(request: Request, service: ServiceDep, body: m.Credentials) -> Any:
    """Exchange a username and password for an API token (shown once); send it as
    ``Authorization: Bearer <token>``. It expires after ``lifetime`` seconds (at most, and by
    default, BRIGHTLINE_TOKEN_LIFETIME). Failed attempts are throttled per account and per
    client (BRIGHTLINE_LOGIN_ACCOUNT_RATE, BRIGHTLINE_LOGIN_CLIENT_RATE)."""
    actor = service.authenticate(body.username, body.password, client=client_of(request))
    token = service.issue_token(actor, body.label, lifetime=body.lifetime)
    listed = service.list_tokens(actor=actor)[0]
    return {
        "token": token,
        "id": listed["id"],
        "expires_at": listed["expires_at"],
        "username": actor.username,
        "role": actor.role,
    }


@router.get(
    "/tokens",
    operation_id="list_tokens",
    summary="My API tokens",
    tags=[m.TAG_ACCOUNTS],
    response_model=m.TokenList,
    responses=errors(401, 403),
)
def list_tokens(service: ServiceDep, actor: ActorDep) -> Any:
    """The caller's own API tokens: label, dates and state (never the token itself)."""
    return {"items": service.list_tokens(actor=actor)}


@router.delete(
    "/tokens/{token_id}",
    operation_id="revoke_token",
    summary="Revoke an API token",
    tags=[m.TAG_ACCOUNTS],
    response_model=m.TokenRevoked,
    responses=errors(401, 403, 404, 422),
)
def revoke_token(
    request: Request,
    service: ServiceDep,
    actor: ActorDep,
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> Any:
    """Revoke one of the caller's tokens (an admin: anyone's). It stops working at once."""
    done = service.revoke_token(token_id, actor=actor)
    forget_tokens(request)
    return done


@router.get(
    "/me",
    operation_id="me",
    openapi_extra=m.OPTIONALLY_SIGNED_IN,
    summary="Who is asking",
    tags=[m.TAG_ACCOUNTS],
    response_model=m.Me,
    responses=errors(401),
)
def me(actor: ActorDep) -> Any:
    """The caller's username and role (``public`` when anonymous)."""
    return {"username": actor.username, "role": actor.role}
