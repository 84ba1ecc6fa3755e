"""The JSON API under ``/api/v1/``: a thin adapter over the service.

Access rules and validation live in the service and the engine; here requests are parsed, the
actor is found, and the answer is returned. Every error becomes the one JSON error shape.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from brightline.errors import InvalidRequest
from brightline.service import Actor, Service
from brightline.web.deps import actor_dep, service_dep


class ErrorDetail(BaseModel):
    code: str = Field(description="machine-readable error code, e.g. invalid_case")
    message: str = Field(description="what was wrong and what is allowed")
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorBody(BaseModel):
    error: ErrorDetail


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody} for status in statuses}


async def require_json(request: Request) -> None:
    """POST bodies must be JSON: any other Content-Type is refused with a clear 422."""
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise InvalidRequest(
            f"the request body must be JSON (Content-Type: application/json); got "
            f"'{media or 'none'}'",
            field="content-type",
            allowed=["application/json"],
            got=media or None,
        )


router = APIRouter(prefix="/api/v1", tags=["api"], responses=_errors(401, 403, 413, 422, 429))
ServiceDep = Annotated[Service, Depends(service_dep)]
ActorDep = Annotated[Actor, Depends(actor_dep)]
JsonBody = Depends(require_json)

CASE_EXAMPLE = {
    "jurisdiction": "chicago",
    "at": "2025-10-04T10:30:00-05:00",
    "kind": "assistance",
    "facts": {"agency": "cbp", "activity": "crowd_control", "purpose": "civil_immigration"},
}


@router.post(
    "/decisions",
    status_code=201,
    dependencies=[JsonBody],
    responses={**_errors(404), 201: {"description": "the decision, its id and its receipt"}},
    response_class=JSONResponse,
)
async def post_decision(
    service: ServiceDep,
    actor: ActorDep,
    case: Annotated[dict[str, Any], Body(examples=[CASE_EXAMPLE])],
    follow_up_of: Annotated[str | None, Query(max_length=64)] = None,
) -> JSONResponse:
    """Decide a case (cases.md shape), log it to the ledger; returns the decision and receipt."""
    result = await service.decide_async(case, actor=actor, follow_up_of=follow_up_of)
    return JSONResponse(result, status_code=201)


@router.get("/decisions", responses=_errors(404))
def list_decisions(
    service: ServiceDep,
    actor: ActorDep,
    outcome: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    """Decisions the caller may read (an officer: their own), newest first."""
    return service.list_decisions(actor=actor, outcome=outcome, limit=limit, offset=offset)


@router.get("/decisions/{decision_id}", responses=_errors(404))
def get_decision(service: ServiceDep, actor: ActorDep, decision_id: str) -> dict[str, Any]:
    return service.get_decision(decision_id, actor=actor)


@router.get("/reviews")
def review_queue(service: ServiceDep, actor: ActorDep) -> dict[str, Any]:
    """needs_review decisions not yet resolved (supervisors)."""
    return {"items": service.review_queue(actor=actor)}


class Resolution(BaseModel):
    outcome: str = Field(max_length=32, description="prohibited, permitted or not_applicable")
    note: str = Field(max_length=4000)


@router.post("/reviews/{decision_id}", dependencies=[JsonBody], responses=_errors(404))
def resolve_review(
    service: ServiceDep, actor: ActorDep, decision_id: str, body: Resolution
) -> dict[str, Any]:
    """Resolve a needs_review decision with an outcome and a note (logged to the ledger)."""
    return service.resolve_review(decision_id, outcome=body.outcome, note=body.note, actor=actor)


REPORT_EXAMPLE = {
    "category": "masked_officer",
    "description": "An officer in a CPD uniform wore a ski mask and no name tag.",
    "place": "Near 26th St and Pulaski",
    "when": "2025-10-04T10:30:00-05:00",
}


def client_id(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/reports", status_code=201, dependencies=[JsonBody])
def post_report(
    request: Request,
    service: ServiceDep,
    report: Annotated[dict[str, Any], Body(examples=[REPORT_EXAMPLE])],
) -> dict[str, Any]:
    """File a public report of a concern (no login; rate-limited per client)."""
    client = client_id(request)
    request.app.state.report_limiter.check(client)
    return service.submit_report(report, client_id=client)


@router.get("/reports/{report_id}", responses=_errors(404))
def get_report(service: ServiceDep, actor: ActorDep, report_id: str) -> dict[str, Any]:
    return service.get_report(report_id, actor=actor)


@router.get("/stats")
def public_stats(service: ServiceDep) -> dict[str, Any]:
    """Public statistics: counts by kind, outcome and month (no personal data)."""
    return service.public_stats()


@router.get("/ledger/checkpoint")
def checkpoint(service: ServiceDep) -> dict[str, Any]:
    """The latest signed checkpoint (C2SP signed note) and the log's verifier key."""
    return checkpoint_view(service)


def checkpoint_view(service: Service) -> dict[str, Any]:
    out = dict(service.checkpoint())
    vkey = getattr(service.ledger, "vkey", None)
    if vkey and "vkey" not in out:
        out["vkey"] = str(vkey)
    return out


@router.get("/ledger/proof/inclusion", responses=_errors(404))
def inclusion_proof(
    service: ServiceDep,
    index: Annotated[int, Query(ge=0, le=2**62)],
    size: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> dict[str, Any]:
    """RFC 9162 inclusion proof of entry ``index`` in the tree of ``size`` (default: latest)."""
    return service.inclusion_proof(index, size)


@router.get("/ledger/proof/consistency")
def consistency_proof(
    service: ServiceDep,
    size1: Annotated[int, Query(alias="from", ge=1, le=2**62)],
    size2: Annotated[int, Query(alias="to", ge=1, le=2**62)],
) -> dict[str, Any]:
    """RFC 9162 consistency proof between the trees of sizes ``from`` and ``to``."""
    return service.consistency_proof(size1, size2)


@router.get("/ledger/entries/{index}", responses=_errors(404))
def ledger_entry(
    service: ServiceDep, index: Annotated[int, Path(ge=0, le=2**62)]
) -> dict[str, Any]:
    """The public view of one ledger entry (no personal data)."""
    return service.ledger_entry(index)


@router.get("/packs")
def packs() -> dict[str, Any]:
    from brightline.rules import available_packs

    return {"packs": available_packs()}


@router.get("/packs/{name}", responses=_errors(404))
def pack(name: str) -> dict[str, Any]:
    """The pack's catalog: kinds and their facts, values and questions (for building forms)."""
    from brightline.web.law import catalog

    return catalog(name)


@router.get("/packs/{name}/rules", responses=_errors(404))
def pack_rules(name: str, at: Annotated[date, Query()]) -> dict[str, Any]:
    """The pack's rules in force on a date."""
    from brightline.web.law import rules_on

    return {"pack": name, "at": at.isoformat(), "rules": rules_on(name, at)}


class Credentials(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)
    label: str = Field(default="api", max_length=64)


@router.post("/tokens", status_code=201, dependencies=[JsonBody])
def issue_token(service: ServiceDep, body: Credentials) -> dict[str, Any]:
    """Exchange a username and password for an API token (shown once)."""
    actor = service.authenticate(body.username, body.password)
    token = service.issue_token(actor, body.label)
    return {"token": token, "username": actor.username, "role": actor.role}


@router.get("/me")
def me(actor: ActorDep) -> dict[str, Any]:
    return {"username": actor.username, "role": actor.role}
