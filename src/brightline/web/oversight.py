"""Oversight in the web app: the custody request log, the oversight inbox, staff list exports
and the oversight reports — pages (``pages``) and JSON API (``api``), thin over the service.

Lists filter with query parameters, sort with ``sort`` and ``order``, and export the whole
filtered list with ``format=csv`` or ``format=json`` (the page itself shows a hundred rows).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from brightline.errors import InvalidInput, NotFound
from brightline.service import Actor, Service
from brightline.service import custody as custody_rules
from brightline.service import oversight_inbox as inbox_rules
from brightline.service.exports import FORMATS, to_csv
from brightline.service.validation import choice
from brightline.web.api import ErrorBody, JsonBody
from brightline.web.deps import actor_dep, get_session, service_dep, templates, verify_csrf

ServiceDep = Annotated[Service, Depends(service_dep)]
ActorDep = Annotated[Actor, Depends(actor_dep)]
Csrf = Depends(verify_csrf)


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody} for status in statuses}


api = APIRouter(
    prefix="/api/v1", tags=["oversight"], responses=_errors(401, 403, 404, 413, 422, 429)
)
pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status)


def see_other(url: str) -> Response:
    from fastapi.responses import RedirectResponse

    return RedirectResponse(url, status_code=303)


def export(items: list[dict[str, Any]], columns: tuple[str, ...], fmt: str, name: str) -> Response:
    """A whole list as CSV or JSON, offered as a download."""
    if fmt == "csv":
        return PlainTextResponse(
            to_csv(items, columns),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return JSONResponse(
        {"items": items, "total": len(items)},
        headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
    )


def _format(value: str | None) -> str:
    return choice("format", value or "html", FORMATS)


# ---- API models ---------------------------------------------------------------------------------


class Receipt(BaseModel):
    index: int = Field(description="the entry's ledger index")
    leaf_hash: str
    tree_size: int
    root: str
    checkpoint: str = Field(description="the signed checkpoint (C2SP signed note)")


class CustodyRequestIn(BaseModel):
    received_at: str = Field(max_length=40, examples=["2026-01-05T14:30"])
    agency: str = Field(max_length=40, examples=["ice"])
    document_type: str = Field(
        max_length=40,
        description="immigration_detainer, administrative_warrant or judicial_warrant",
    )
    case_ref: str = Field(max_length=40, description="internal case reference, never a name")
    jurisdiction: str | None = Field(default=None, max_length=40)
    corrects: str | None = Field(default=None, max_length=40, description="entry id it corrects")


class CustodyEventIn(BaseModel):
    event: str = Field(max_length=20, description="bail_posted, held, released, transferred; void")
    at: str | None = Field(default=None, max_length=40, examples=["2026-01-06T09:10"])
    to_agency: str | None = Field(default=None, max_length=40)
    corrects: str | None = Field(default=None, max_length=40)


class CustodyLogged(BaseModel):
    id: str = Field(description="the new entry's id")
    request_id: str
    receipt: Receipt
    entry: dict[str, Any] = Field(description="the ledger record as logged")


class CustodyEventView(BaseModel):
    id: str
    request_id: str
    ledger_index: int
    supersedes: str | None
    event: str
    on_date: str
    to_agency: str | None
    outcome: str | None
    logged_by: str | None
    created_at: str
    at: str | None = None
    decision: dict[str, Any] | None = None


class CustodyRequestView(BaseModel):
    id: str
    request_id: str
    ledger_index: int
    supersedes: str | None
    jurisdiction: str
    received_on: str
    agency: str
    document_type: str
    case_ref: str
    logged_by: str | None
    created_at: str
    status: str
    received_at: str | None = None
    events: list[CustodyEventView] = []
    history: list[dict[str, Any]] = []
    disposition_on: str | None = None
    to_agency: str | None = None


class CustodyList(BaseModel):
    items: list[CustodyRequestView]
    total: int
    limit: int
    offset: int
    sort: str
    order: str


CUSTODY_COLUMNS = (
    "request_id",
    "id",
    "ledger_index",
    "received_on",
    "agency",
    "document_type",
    "case_ref",
    "status",
    "disposition_on",
    "to_agency",
    "logged_by",
)


def _custody_query(
    document_type: str | None,
    agency: str | None,
    status: str | None,
    received_from: str | None,
    received_to: str | None,
    case_ref: str | None,
) -> dict[str, Any]:
    raw = {
        "document_type": document_type,
        "agency": agency,
        "status": status,
        "received_from": received_from,
        "received_to": received_to,
        "case_ref": case_ref,
    }
    return {k: v for k, v in raw.items() if v}


Q = Annotated[str | None, Query(max_length=40)]


@api.post("/custody", status_code=201, dependencies=[JsonBody], response_model=CustodyLogged)
def post_custody_request(
    service: ServiceDep, actor: ActorDep, body: Annotated[CustodyRequestIn, Body()]
) -> dict[str, Any]:
    """Log an immigration detainer or warrant received (officers, supervisors); a correction
    names the entry it corrects."""
    out = service.log_custody_request(body.model_dump(exclude_none=True), actor=actor)
    return {**out, "entry": out["request"]}


@api.post(
    "/custody/{request_id}/events",
    status_code=201,
    dependencies=[JsonBody],
    response_model=CustodyLogged,
)
def post_custody_event(
    service: ServiceDep, actor: ActorDep, request_id: str, body: Annotated[CustodyEventIn, Body()]
) -> dict[str, Any]:
    """Log bail, a hold, a release or a transfer (held and transferred are decided by the
    pack); or correct or void an event."""
    out = service.log_custody_event(request_id, body.model_dump(exclude_none=True), actor=actor)
    return {**out, "entry": out["event"]}


@api.get("/custody", response_model=CustodyList)
def list_custody(
    service: ServiceDep,
    actor: ActorDep,
    document_type: Q = None,
    agency: Q = None,
    status: Q = None,
    received_from: Q = None,
    received_to: Q = None,
    case_ref: Q = None,
    sort: Annotated[str, Query(max_length=20)] = "received_on",
    order: Annotated[str, Query(max_length=4)] = "desc",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    """Custody requests in force with their status (filter, sort, page)."""
    filters = _custody_query(document_type, agency, status, received_from, received_to, case_ref)
    return service.list_custody_requests(
        actor=actor, filters=filters, sort=sort, order=order, limit=limit, offset=offset
    )


@api.get("/custody/{request_id}", response_model=CustodyRequestView)
def get_custody(service: ServiceDep, actor: ActorDep, request_id: str) -> dict[str, Any]:
    """One custody request: the entry in force, its events with decisions, and its history."""
    return service.get_custody_request(request_id, actor=actor)


# ---- custody pages ------------------------------------------------------------------------------


def _all_custody(
    service: Service, actor: Actor, filters: dict[str, Any], sort: str, order: str
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    offset = 0
    while True:
        part = service.list_custody_requests(
            actor=actor, filters=filters, sort=sort, order=order, limit=200, offset=offset
        )
        items.extend(part["items"])
        offset += 200
        if offset >= part["total"]:
            return items


@pages.get("/custody")
def custody_list(
    request: Request,
    service: ServiceDep,
    actor: ActorDep,
    document_type: str | None = None,
    agency: str | None = None,
    status: str | None = None,
    received_from: str | None = None,
    received_to: str | None = None,
    case_ref: str | None = None,
    sort: str = "received_on",
    order: str = "desc",
    format: str | None = None,
) -> Response:
    fmt = _format(format)
    filters = _custody_query(document_type, agency, status, received_from, received_to, case_ref)
    if fmt != "html":
        items = _all_custody(service, actor, filters, sort, order)
        for item in items:
            item.pop("events", None)
        return export(items, CUSTODY_COLUMNS, fmt, "custody-requests")
    listing = service.list_custody_requests(
        actor=actor, filters=filters, sort=sort, order=order, limit=100
    )
    return render(
        request,
        "oversight/custody_list.html",
        listing=listing,
        filters=filters,
        sort=sort,
        order=order,
        document_types=custody_rules.DOCUMENT_TYPES,
        sorts=custody_rules.SORTS,
        query=str(request.url.query),
        can_log=actor.can("log_custody"),
    )


def _form_context(service: Service, **extra: Any) -> dict[str, Any]:
    from brightline import rules

    facts = rules.pack_catalog("chicago")["kinds"]["assistance"]["facts"]
    agencies = next(f["values"] for f in facts if f["name"] == "agency")
    return {
        "document_types": custody_rules.DOCUMENT_TYPES,
        "events": custody_rules.EVENTS,
        "agencies": agencies,
        **extra,
    }


@pages.get("/custody/new")
def custody_form(request: Request, service: ServiceDep, actor: ActorDep) -> Response:
    from brightline.service.actors import require

    require(actor, "log_custody")
    return render(
        request, "oversight/custody_new.html", **_form_context(service, values={}, error=None)
    )


def _form_text(form: Any, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


@pages.post("/custody", dependencies=[Csrf])
async def custody_create(request: Request, service: ServiceDep, actor: ActorDep) -> Response:
    form = await request.form()
    names = ("received_at", "agency", "document_type", "case_ref", "corrects")
    values = {k: _form_text(form, k) for k in names}
    body = {k: v for k, v in values.items() if v}
    try:
        out = await run_in_threadpool(service.log_custody_request, body, actor=actor)
    except InvalidInput as exc:
        if values.get("corrects"):
            raise
        context = _form_context(service, values=values, error=str(exc))
        return render(request, "oversight/custody_new.html", status=422, **context)
    what = "Correction" if values.get("corrects") else "Request"
    get_session(request).set_flash(
        f"{what} logged in the ledger as entry {out['receipt']['index']}."
    )
    return see_other(f"/custody/{out['request_id']}")


@pages.get("/custody/{request_id}")
def custody_detail(
    request: Request, service: ServiceDep, actor: ActorDep, request_id: str
) -> Response:
    item = service.get_custody_request(request_id, actor=actor)
    return render(
        request,
        "oversight/custody_detail.html",
        **_form_context(service, item=item, can_log=actor.can("log_custody"), error=None),
    )


@pages.post("/custody/{request_id}/events", dependencies=[Csrf])
async def custody_event(
    request: Request, service: ServiceDep, actor: ActorDep, request_id: str
) -> Response:
    form = await request.form()
    body = {k: _form_text(form, k) for k in ("event", "at", "to_agency", "corrects")}
    body = {k: v for k, v in body.items() if v}
    try:
        out = await run_in_threadpool(service.log_custody_event, request_id, body, actor=actor)
    except InvalidInput as exc:
        item = await run_in_threadpool(service.get_custody_request, request_id, actor=actor)
        context = _form_context(service, item=item, can_log=True, error=str(exc))
        return render(request, "oversight/custody_detail.html", status=422, **context)
    decision = out["event"].get("decision")
    said = f" The pack decided: {decision['outcome'].replace('_', ' ')}." if decision else ""
    get_session(request).set_flash(
        f"{custody_rules.EVENTS.get(out['event']['event'], 'Correction')} logged in the ledger "
        f"as entry {out['receipt']['index']}.{said}"
    )
    return see_other(f"/custody/{request_id}")


# ---- the oversight inbox ------------------------------------------------------------------------


class Resolution(BaseModel):
    resolution: str = Field(max_length=32, description=", ".join(inbox_rules.RESOLUTIONS))
    note: str = Field(max_length=4000)


class ReportStatus(BaseModel):
    id: str
    ledger_index: int
    category: str
    category_label: str
    month: str
    outcome: str
    status: str = Field(description="open or resolved")
    resolution: str | None
    resolution_label: str | None
    resolved_on: str | None
    resolution_index: int | None = None


class InboxItem(BaseModel):
    id: str
    ledger_index: int
    category: str
    kind: str
    outcome: str
    month: str
    created_on: str
    status: str
    resolution: str | None
    resolution_label: str | None
    resolved_on: str | None
    resolution_index: int | None = None
    decision: dict[str, Any] | None = None


class InboxList(BaseModel):
    items: list[InboxItem]
    total: int
    limit: int
    offset: int
    sort: str
    order: str


class ResolutionLogged(BaseModel):
    id: str
    report_id: str
    report_index: int
    resolution: str
    note: str
    actor: dict[str, Any]
    created_at: str
    receipt: Receipt


def _inbox_query(
    category: str | None,
    outcome: str | None,
    status: str | None,
    month_from: str | None,
    month_to: str | None,
) -> dict[str, Any]:
    raw = {
        "category": category,
        "outcome": outcome,
        "status": status,
        "month_from": month_from,
        "month_to": month_to,
    }
    return {k: v for k, v in raw.items() if v}


@api.get("/oversight/inbox", response_model=InboxList)
def api_inbox(
    service: ServiceDep,
    actor: ActorDep,
    category: Q = None,
    outcome: Q = None,
    status: Q = None,
    month_from: Q = None,
    month_to: Q = None,
    sort: Annotated[str, Query(max_length=20)] = "ledger_index",
    order: Annotated[str, Query(max_length=4)] = "desc",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    """Residents' reports with the pack's decision and their status (auditors)."""
    filters = _inbox_query(category, outcome, status, month_from, month_to)
    return service.report_inbox(
        actor=actor, filters=filters, sort=sort, order=order, limit=limit, offset=offset
    )


@api.post(
    "/reports/{report_id}/resolution",
    status_code=201,
    dependencies=[JsonBody],
    response_model=ResolutionLogged,
)
def api_resolve(
    service: ServiceDep, actor: ActorDep, report_id: str, body: Resolution
) -> dict[str, Any]:
    """Resolve a resident's report (auditors); logged to the ledger."""
    return service.resolve_report(
        report_id, resolution=body.resolution, note=body.note, actor=actor
    )


@api.get("/reports/{report_id}/status", response_model=ReportStatus)
def api_report_status(service: ServiceDep, report_id: str) -> dict[str, Any]:
    """The status of a report, by the number on its receipt (public; nothing private)."""
    return service.report_status(report_id)


@pages.get("/oversight/inbox")
def inbox_page(
    request: Request,
    service: ServiceDep,
    actor: ActorDep,
    category: str | None = None,
    outcome: str | None = None,
    status: str | None = None,
    month_from: str | None = None,
    month_to: str | None = None,
    sort: str = "ledger_index",
    order: str = "desc",
    format: str | None = None,
) -> Response:
    fmt = _format(format)
    filters = _inbox_query(category, outcome, status, month_from, month_to)
    if fmt != "html":
        listing = service.report_inbox(
            actor=actor, filters=filters, sort=sort, order=order, everything=True
        )
        items = listing["items"] if fmt == "json" else inbox_rules.csv_rows(listing["items"])
        return export(items, inbox_rules.CSV_COLUMNS, fmt, "reports-inbox")
    listing = service.report_inbox(actor=actor, filters=filters, sort=sort, order=order, limit=100)
    from brightline.service.reports import CATEGORIES

    return render(
        request,
        "oversight/inbox.html",
        listing=listing,
        filters=filters,
        sort=sort,
        order=order,
        sorts=inbox_rules.SORTS,
        categories=CATEGORIES,
        resolutions=inbox_rules.RESOLUTIONS,
        query=str(request.url.query),
        can_resolve=actor.can("resolve_reports"),
    )


@pages.post("/oversight/inbox/{report_id}", dependencies=[Csrf])
async def inbox_resolve(
    request: Request, service: ServiceDep, actor: ActorDep, report_id: str
) -> Response:
    form = await request.form()
    await run_in_threadpool(
        service.resolve_report,
        report_id,
        resolution=_form_text(form, "resolution"),
        note=_form_text(form, "note"),
        actor=actor,
    )
    get_session(request).set_flash(f"Report {report_id} resolved and logged.")
    return see_other("/oversight/inbox")


@pages.get("/reports/status")
def report_status_page(
    request: Request, service: ServiceDep, number: str | None = None
) -> Response:
    """A resident types the number on their receipt and sees the report's status."""
    found = None
    problem = None
    if number:
        try:
            found = service.report_status(number.strip())
        except (InvalidInput, NotFound) as exc:
            problem = str(exc)
    return render(
        request, "oversight/report_status.html", number=number or "", found=found, problem=problem
    )
