"""Officers on the web: "Is this a CPD officer?" (page and ``GET /api/v1/officers``), roll-call
inspections for supervisors, failures by unit and watch, and compliance by unit for auditors
(pages, JSON and CSV). A thin adapter over the service's officer methods: every check of input
and of permissions lives there.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.datastructures import FormData

from brightline.errors import InvalidInput, InvalidRequest
from brightline.service import Actor, Service
from brightline.service.officers import COMPLIANCE_COLUMNS, FAILURE_COLUMNS, WATCHES, to_csv
from brightline.web import api_models as m
from brightline.web.api import read_json, require_json
from brightline.web.api_models import errors, json_body
from brightline.web.deps import (
    current_actor,
    get_service,
    require_permission,
    templates,
    verify_csrf,
)

log = logging.getLogger("brightline.web.officers")


@asynccontextmanager
async def _warm_index(app: FastAPI) -> AsyncIterator[None]:
    """Build the roster lookup index at start, so the first lookup does not wait for it."""
    service = getattr(app.state, "service", None)
    if service is not None:
        try:
            service.warm_roster_index()
        except Exception as exc:  # a lookup will raise it again, with the request that needs it
            log.warning("roster index not built at start: %s", exc)
    yield


router = APIRouter(lifespan=_warm_index)
ServiceDep = Annotated[Service, Depends(get_service)]
ActorDep = Annotated[Actor, Depends(current_actor)]
Text = Annotated[str | None, Query(max_length=200)]

ASSIGNMENTS = ("uniform", "casual_dress", "tactical", "plainclothes", "undercover")
COVERINGS = (
    "none",
    "medical_mask",
    "respirator",
    "riot_helmet",
    "balaclava",
    "neck_gaiter",
    "ski_mask",
    "other_opaque",
)
COVERING_REASONS = ("health", "safety_hazard", "weather", "conceal_identity", "other")
CHECK_LABELS = (
    ("star_visible", "star visible"),
    ("name_visible", "name visible"),
    ("uniform_worn", "uniform worn"),
    ("bwc_recording", "camera recording"),
    ("enforcement_activity", "going on enforcement duty"),
)
CHECKS = tuple(check for check, _ in CHECK_LABELS)
_EXAMPLE: dict[str, Any] = {
    "unit": 9,
    "watch": "2",
    "inspected_at": "2025-10-04T06:30:00-05:00",
    "officers": [
        {
            "officer_id": 1,
            "star": None,
            "assignment": "uniform",
            "face_covering": "none",
            "star_visible": True,
            "name_visible": True,
            "uniform_worn": True,
            "enforcement_activity": True,
            "bwc_recording": True,
        }
    ],
}


def _render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status)


def _csv(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _format(value: str | None) -> str:
    if value in (None, "", "json"):
        return "json"
    if value == "csv":
        return "csv"
    raise InvalidRequest(
        f"format must be json or csv, got {value!r}", field="format", allowed=["json", "csv"]
    )


# ---- the public lookup ---------------------------------------------------------------------


@router.get(
    "/api/v1/officers",
    operation_id="find_officers",
    tags=[m.TAG_OFFICERS],
    summary="Is this a CPD officer?",
    response_model=m.OfficerSearch,
    response_model_exclude_unset=True,
    responses=errors(422),
)
def api_officers(
    service: ServiceDep,
    star: Text = None,
    name: Text = None,
    unit: Text = None,
    limit: Text = "50",
    offset: Text = "0",
    rank: Text = None,
    status: Text = None,
) -> Any:
    """Every officer matching all of ``star``, ``name`` and ``unit`` that are given (narrowed
    by ``rank`` and ``status``: active or inactive): name, star numbers, rank, unit, active
    status and appointment year. Never demographics. A star can belong to several officers
    (stars are recycled): all are listed. Names match exactly, by sound (GONZALES finds
    GONZALEZ too), by prefix or with typos, best first. With no match, ``help`` says what that
    can mean and where to report a concern."""
    return service.find_officers(star=star,
        name=name,
        unit=unit,
        limit=limit,
        offset=offset,
        rank=rank,
        status=status,
    )


@router.get(
    "/api/v1/officers/{officer_id}",
    operation_id="get_officer",
    tags=[m.TAG_OFFICERS],
    summary="One officer",
    response_model=m.OfficerDetail,
    response_model_exclude_unset=True,
    responses=errors(404, 422),
)
def api_officer(
    service: ServiceDep,
    officer_id: Annotated[str, Path(pattern=r"^\s*#?[0-9]+\s*$", max_length=20, examples=["1"])],
) -> Any:
    """One officer by id (the ``id`` of a lookup result): the public view, star numbers over
    time and the assignment history."""
    return service.officer_detail(officer_id)


PAGE_SIZE = 25


def _pages(query: dict[str, str], found: dict[str, Any]) -> dict[str, Any] | None:
    """Links to the previous and next pages of a search, keeping its criteria."""
    count, offset, limit = found["count"], found["offset"], found["limit"]
    if count <= limit:
        return None
    base = {k: v for k, v in query.items() if v}

    def href(start: int) -> str:
        return "/officers?" + urlencode({**base, "offset": start})

    return {
        "page": offset // limit + 1,
        "count": (count + limit - 1) // limit,
        "previous": href(max(0, offset - limit)) if offset > 0 else None,
        "next": href(offset + limit) if offset + limit < count else None,
    }


def _suggestions(query: dict[str, str], found: dict[str, Any]) -> list[dict[str, str]]:
    """ "Did you mean" links: the other spellings found, each as a search of its own."""
    typed = query.get("name", "")
    words = typed.replace(",", " ").split()
    out = []
    for spelling in found.get("spellings") or []:
        first = " ".join(words[:-1]) if len(words) > 1 and "," not in typed else ""
        name = f"{first} {spelling.title()}".strip()
        out.append({"name": name, "href": "/officers?" + urlencode({"name": name})})
    return out


@router.get("/officers", response_class=HTMLResponse, include_in_schema=False)
def officers_page(
    request: Request,
    service: ServiceDep,
    star: Text = None,
    name: Text = None,
    unit: Text = None,
    rank: Text = None,
    status: Text = None,
    offset: Text = None,
) -> Response:
    query = {
        "star": star or "",
        "name": name or "",
        "unit": unit or "",
        "rank": rank or "",
        "status": status or "",
    }
    ranks = service.officer_ranks()
    context: dict[str, Any] = {"query": query, "ranks": ranks, "found": None, "error": None}
    if not any(query[k] for k in ("star", "name", "unit")):
        return _render(request, "officers/lookup.html", error_field=None, **context)
    try:
        found = service.find_officers(limit=PAGE_SIZE, offset=offset or "0", **query
        )
    except InvalidInput as exc:
        context["error"] = str(exc)
        field = str(exc.details.get("field") or "")
        return _render(request, "officers/lookup.html", status=422, error_field=field, **context)
    found["pages"] = _pages(query, found)
    found["suggestions"] = _suggestions(query, found)
    context["found"] = found
    return _render(request, "officers/lookup.html", error_field=None, **context)


@router.get("/officers/{officer_id:int}", response_class=HTMLResponse, include_in_schema=False)
def officer_page(request: Request, service: ServiceDep, officer_id: int) -> Response:
    """One officer: status, rank, unit, stars over time, assignment history, and a link to
    report a concern about them."""
    officer = service.officer_detail(officer_id)
    referer = request.headers.get("referer", "")
    back = "/officers"
    if "/officers?" in referer:
        back = "/officers?" + referer.split("/officers?", 1)[1]
    return _render(request, "officers/officer.html", officer=officer, back=back)


# ---- roll-call inspections -----------------------------------------------------------------


@router.post(
    "/api/v1/inspections",
    operation_id="record_roll_call",
    tags=[m.TAG_OFFICERS],
    summary="Record a roll-call inspection",
    status_code=201,
    dependencies=[Depends(require_json)],
    response_class=JSONResponse,
    response_model=None,
    responses={
        201: {"model": m.RollCallRecorded, "description": "Every officer's outcome and receipt."},
        **errors(401, 403, json_body=True),
    },
    openapi_extra={
        **json_body(
            "RollCall", [("roll_call", "One officer checked at a second-watch roll call", _EXAMPLE)]
        ),
        **m.SIGNED_IN,
    },
)
async def api_record_roll_call(
    request: Request, service: ServiceDep, actor: ActorDep
) -> JSONResponse:
    """Record a roll call (supervisors): ``{"unit", "watch", "inspected_at", "officers":
    [{"officer_id", "star"?, appearance facts...}]}``. Each officer is decided by the pack's
    appearance rules and logged to the ledger; the reply carries every outcome and receipt."""
    body = await read_json(request)
    done = service.record_roll_call(body, actor=actor)
    return JSONResponse(done, status_code=201)


CSV = {"text/csv": {"schema": {"type": "string"}}}


@router.get(
    "/api/v1/inspections/failures",
    operation_id="inspection_failures",
    openapi_extra=m.SIGNED_IN,
    tags=[m.TAG_OFFICERS],
    summary="Failed inspections",
    response_model=m.InspectionFailures,
    response_model_exclude_unset=True,
    responses={
        200: {"content": CSV, "description": "JSON, or CSV with format=csv"},
        **errors(401, 403, 422),
    },
)
def api_failures(
    service: ServiceDep,
    actor: ActorDep,
    unit: Text = None,
    watch: Text = None,
    since: Text = None,
    until: Text = None,
    format: Text = None,
) -> Any:
    """Failed inspections by unit and watch (supervisors, auditors); ``format=csv`` for CSV."""
    rows = service.inspection_failures(  # first: who may ask, then what was asked
        actor=actor, unit=unit, watch=watch, since=since, until=until
    )
    kind = _format(format)
    if kind == "csv":
        return _csv(to_csv(rows, FAILURE_COLUMNS), "inspection-failures.csv")
    return {"failures": rows}


@router.get(
    "/api/v1/inspections/compliance",
    operation_id="inspection_compliance",
    openapi_extra=m.SIGNED_IN,
    tags=[m.TAG_OFFICERS],
    summary="Compliance by unit and month",
    response_model=m.ComplianceByUnit,
    response_model_exclude_unset=True,
    responses={
        200: {"content": CSV, "description": "JSON, or CSV with format=csv"},
        **errors(401, 403, 422),
    },
)
def api_compliance(
    service: ServiceDep,
    actor: ActorDep,
    since: Text = None,
    until: Text = None,
    format: Text = None,
) -> Any:
    """Inspections, compliant and failed per unit and month (auditors, supervisors)."""
    rows = service.compliance_by_unit(actor=actor, since=since, until=until)
    kind = _format(format)
    if kind == "csv":
        return _csv(to_csv(rows, COMPLIANCE_COLUMNS), "compliance-by-unit.csv")
    return {"compliance": rows}


def _form_choices() -> dict[str, Any]:
    return {
        "watches": WATCHES,
        "assignments": ASSIGNMENTS,
        "coverings": COVERINGS,
        "covering_reasons": COVERING_REASONS,
        "checks": CHECK_LABELS,
    }


Recorder = Annotated[Actor, Depends(require_permission("record_inspections"))]


@router.get("/officers/roll-call", response_class=HTMLResponse, include_in_schema=False)
def roll_call_form(
    request: Request, service: ServiceDep, actor: Recorder, unit: Text = None
) -> Response:
    """Choose a unit, then check each active officer of it."""
    officers = service.unit_officers(unit, actor=actor) if unit else []
    return _render(
        request,
        "officers/roll_call.html",
        unit=unit or "",
        officers=officers,
        error=None,
        **_form_choices(),
    )


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _officer_entry(form: FormData, n: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"officer_id": _text(form, f"officer_id.{n}")}
    if _text(form, f"star.{n}"):
        entry["star"] = _text(form, f"star.{n}")
    for fact in ("assignment", "face_covering", "covering_reason"):
        if _text(form, f"{fact}.{n}"):
            entry[fact] = _text(form, f"{fact}.{n}")
    for fact in CHECKS:
        entry[fact] = _text(form, f"{fact}.{n}") == "yes"
    return entry


def roll_call_body(form: FormData) -> dict[str, Any]:
    """The roll call as the service takes it, from the form (only officers marked present)."""
    from brightline.web.pages import case_time

    present = [k.split(".", 1)[1] for k in form if k.startswith("present.")]
    raw = _text(form, "inspected_at")
    try:
        moment = case_time(raw, "America/Chicago")
    except InvalidRequest:
        raise InvalidRequest(
            f"inspected_at must be a date and time such as 2025-10-04T06:30 (got {raw!r})",
            field="inspected_at",
        ) from None
    return {
        "unit": _text(form, "unit"),
        "watch": _text(form, "watch"),
        "inspected_at": moment,
        "officers": [_officer_entry(form, n) for n in present],
    }


@router.post(
    "/officers/roll-call",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
async def roll_call_submit(request: Request, service: ServiceDep, actor: Recorder) -> Response:
    form = await request.form()
    try:
        done = service.record_roll_call(roll_call_body(form), actor=actor)
    except InvalidInput as exc:
        unit = _text(form, "unit")
        officers = service.unit_officers(unit, actor=actor) if unit else []
        return _render(
            request,
            "officers/roll_call.html",
            status=422,
            unit=unit,
            officers=officers,
            error=str(exc),
            **_form_choices(),
        )
    return _render(request, "officers/roll_call_done.html", done=done, watches=WATCHES)


@router.get("/officers/inspections/failures", response_class=HTMLResponse, include_in_schema=False)
def failures_page(
    request: Request,
    service: ServiceDep,
    actor: ActorDep,
    unit: Text = None,
    watch: Text = None,
    since: Text = None,
    until: Text = None,
) -> Response:
    query = {"unit": unit or "", "watch": watch or "", "since": since or "", "until": until or ""}
    rows = service.inspection_failures(
        actor=actor, unit=unit, watch=watch, since=since, until=until
    )
    return _render(request, "officers/failures.html", rows=rows, query=query, watches=WATCHES)


@router.get("/officers/compliance", response_class=HTMLResponse, include_in_schema=False)
def compliance_page(
    request: Request,
    service: ServiceDep,
    actor: ActorDep,
    since: Text = None,
    until: Text = None,
) -> Response:
    query = {"since": since or "", "until": until or ""}
    rows = service.compliance_by_unit(actor=actor, **query)
    return _render(request, "officers/compliance.html", rows=rows, query=query)
