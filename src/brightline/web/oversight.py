"""Oversight in the web app: the custody request log, the oversight inbox, staff list exports
and the oversight reports — pages (``pages``) and JSON API (``api``), thin over the service.

Lists filter with query parameters, sort with ``sort`` and ``order``, and export the whole
filtered list with ``format=csv`` or ``format=json`` (the page itself shows a hundred rows).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from brightline.errors import InvalidInput, NotFound
from brightline.service import Actor, Service
from brightline.service import custody as custody_rules
from brightline.service import oversight_inbox as inbox_rules
from brightline.service.exports import FORMATS, to_csv
from brightline.service.oversight_formats import cell_text
from brightline.service.validation import choice
from brightline.web import api_models as m
from brightline.web.api import JsonBody, read_json
from brightline.web.api_models import errors
from brightline.web.deps import actor_dep, get_session, service_dep, templates, verify_csrf

templates.env.filters.setdefault("cell", cell_text)  # the report templates' cell format
ServiceDep = Annotated[Service, Depends(service_dep)]
ActorDep = Annotated[Actor, Depends(actor_dep)]
Csrf = Depends(verify_csrf)


api = APIRouter(prefix="/api/v1")
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


Receipt = m.Receipt  # the one receipt model of the API


class CustodyRequestIn(BaseModel):
    """A document received for a person in City custody (or a correction of one)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "received_at": "2026-01-05T14:30",
                    "agency": "ice",
                    "document_type": "immigration_detainer",
                    "case_ref": "RD-JH123456",
                }
            ]
        },
    )

    received_at: str = Field(
        max_length=40, description="date and time received (local time unless an offset is given)"
    )
    agency: str = Field(max_length=40, description="the sending agency (the packs' agencies)")
    document_type: Literal["immigration_detainer", "administrative_warrant", "judicial_warrant"]
    case_ref: str = Field(
        max_length=40, description="internal case reference (at least four digits), never a name"
    )
    jurisdiction: str | None = Field(default=None, max_length=40)
    corrects: str | None = Field(
        default=None, max_length=40, description="the id of the entry this one corrects"
    )


class CustodyEventIn(BaseModel):
    """What happened to the person (or a correction of an earlier event)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"event": "released", "at": "2026-01-06T09:10"},
                {"event": "transferred", "at": "2026-01-06T09:10", "to_agency": "usms"},
            ]
        },
    )

    event: Literal["bail_posted", "held", "released", "transferred", "void"] = Field(
        description="void withdraws the event named by corrects"
    )
    at: str | None = Field(default=None, max_length=40, description="date and time")
    to_agency: str | None = Field(default=None, max_length=40, description="transfers only")
    corrects: str | None = Field(default=None, max_length=40)


class CustodyLogged(m.Open):
    id: str = Field(description="the new entry's id")
    request_id: str
    receipt: Receipt
    entry: dict[str, Any] = Field(description="the ledger record as logged")


class CustodyEventView(m.Open):
    id: str
    request_id: str
    ledger_index: int
    supersedes: str | None
    event: str
    on_date: str
    to_agency: str | None
    outcome: str | None
    at: str | None = None
    decision: dict[str, Any] | None = None


class CustodyRequestView(m.Open):
    id: str
    request_id: str
    ledger_index: int
    supersedes: str | None
    jurisdiction: str
    received_on: str
    agency: str
    document_type: str
    case_ref: str
    status: Literal["open", "held", "released", "transferred"]
    events: list[CustodyEventView]


class CustodyList(m.Open):
    items: list[CustodyRequestView]
    total: int
    limit: int
    offset: int


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
Sort = Annotated[str, Query(max_length=20, description="the column to sort by")]
Order = Annotated[Literal["asc", "desc"], Query()]


@api.post(
    "/custody",
    status_code=201,
    operation_id="log_custody_request",
    summary="Log a detainer or warrant received",
    tags=[m.TAG_CUSTODY],
    dependencies=[JsonBody],
    response_model=CustodyLogged,
    responses=errors(401, 403, 404, json_body=True),
)
def post_custody_request(
    service: ServiceDep, actor: ActorDep, body: Annotated[CustodyRequestIn, Body()]
) -> dict[str, Any]:
    """Log an immigration detainer, administrative warrant or judicial warrant received for a
    person in City custody (officers, supervisors). A correction names the entry it corrects;
    nothing is ever edited. The answer carries the ledger receipt."""
    out = service.log_custody_request(body.model_dump(exclude_none=True), actor=actor)
    return {**out, "entry": out["request"]}


@api.post(
    "/custody/{request_id}/events",
    status_code=201,
    operation_id="log_custody_event",
    summary="Log bail, a hold, a release or a transfer",
    tags=[m.TAG_CUSTODY],
    dependencies=[JsonBody],
    response_model=CustodyLogged,
    responses=errors(401, 403, 404, json_body=True),
)
def post_custody_event(
    service: ServiceDep, actor: ActorDep, request_id: str, body: Annotated[CustodyEventIn, Body()]
) -> dict[str, Any]:
    """Log what became of the person. A hold and a transfer are decided by the pack as requests
    for assistance (a transfer on a detainer alone is prohibited) and the decision is logged
    with the event; a correction names the event it replaces (void withdraws it)."""
    out = service.log_custody_event(request_id, body.model_dump(exclude_none=True), actor=actor)
    return {**out, "entry": out["event"]}


@api.get(
    "/custody",
    operation_id="list_custody_requests",
    summary="List custody requests",
    tags=[m.TAG_CUSTODY],
    response_model=CustodyList,
    response_model_exclude_unset=True,
    responses=errors(401, 403, 422),
)
def list_custody(
    service: ServiceDep,
    actor: ActorDep,
    document_type: Q = None,
    agency: Q = None,
    status: Q = None,
    received_from: Q = None,
    received_to: Q = None,
    case_ref: Q = None,
    sort: Sort = "received_on",
    order: Order = "desc",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    """Custody requests in force with their status; filter, sort (received_on, ledger_index,
    agency, document_type, status) and page. The pages export the same list as CSV or JSON."""
    filters = _custody_query(document_type, agency, status, received_from, received_to, case_ref)
    return service.list_custody_requests(
        actor=actor, filters=filters, sort=sort, order=order, limit=limit, offset=offset
    )


@api.get(
    "/custody/{request_id}",
    operation_id="get_custody_request",
    summary="One custody request",
    tags=[m.TAG_CUSTODY],
    response_model=CustodyRequestView,
    response_model_exclude_unset=True,
    responses=errors(401, 403, 404, 422),
)
def get_custody(service: ServiceDep, actor: ActorDep, request_id: str) -> dict[str, Any]:
    """The entry in force, its events in force with their decisions, and the whole history of
    entries (corrections included)."""
    return service.get_custody_request(request_id, actor=actor)


# ---- custody pages ------------------------------------------------------------------------------


def _all_custody(
    service: Service, actor: Actor, filters: dict[str, Any], sort: str, order: str
) -> list[dict[str, Any]]:
    listing = service.list_custody_requests(
        actor=actor, filters=filters, sort=sort, order=order, everything=True
    )
    items: list[dict[str, Any]] = listing["items"]
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
    from brightline.service import law as rules

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


class ReportResolution(BaseModel):
    """How an auditor resolves a resident's report."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"resolution": "referred", "note": "Sent to COPA with the footage."}]
        },
    )

    resolution: Literal["substantiated", "not_substantiated", "referred", "no_action"]
    note: str = Field(min_length=1, max_length=4000, pattern=r"\S", description="why")


class ReportStatus(m.Open):
    id: str
    ledger_index: int
    category: str
    month: str
    outcome: str
    status: Literal["open", "resolved"]
    resolution: str | None
    resolved_on: str | None


class InboxItem(m.Open):
    id: str
    ledger_index: int
    category: str
    kind: str
    outcome: str
    month: str
    status: Literal["open", "resolved"]
    resolution: str | None
    decision: dict[str, Any] | None = None


class InboxList(m.Open):
    items: list[InboxItem]
    total: int
    limit: int
    offset: int


class ResolutionLogged(m.Open):
    id: str
    report_id: str
    report_index: int
    resolution: str
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


@api.get(
    "/oversight/inbox",
    operation_id="report_inbox",
    summary="The oversight inbox of residents' reports",
    tags=[m.TAG_OVERSIGHT],
    response_model=InboxList,
    response_model_exclude_unset=True,
    responses=errors(401, 403, 422),
)
def api_inbox(
    service: ServiceDep,
    actor: ActorDep,
    category: Q = None,
    outcome: Q = None,
    status: Q = None,
    month_from: Q = None,
    month_to: Q = None,
    sort: Sort = "ledger_index",
    order: Order = "desc",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    """Residents' reports with the pack's decision and their status (auditors): filter by
    category, outcome, status and month, sort, page."""
    filters = _inbox_query(category, outcome, status, month_from, month_to)
    return service.report_inbox(
        actor=actor, filters=filters, sort=sort, order=order, limit=limit, offset=offset
    )


@api.post(
    "/reports/{report_id}/resolution",
    status_code=201,
    operation_id="resolve_report",
    summary="Resolve a resident's report",
    tags=[m.TAG_OVERSIGHT],
    dependencies=[JsonBody],
    response_model=ResolutionLogged,
    responses=errors(401, 403, 404, json_body=True),
)
def api_resolve(
    service: ServiceDep, actor: ActorDep, report_id: str, body: ReportResolution
) -> dict[str, Any]:
    """Resolve a resident's report (auditors): a resolution and a note, logged to the ledger
    like a review. A report is resolved once."""
    return service.resolve_report(
        report_id, resolution=body.resolution, note=body.note, actor=actor
    )


@api.get(
    "/reports/{report_id}/status",
    operation_id="report_status",
    summary="The status of a report by its receipt number",
    tags=[m.TAG_REPORTS],
    response_model=ReportStatus,
    response_model_exclude_unset=True,
    responses=errors(404, 422),
)
def api_report_status(service: ServiceDep, report_id: str) -> dict[str, Any]:
    """Public: the category, month and pack outcome of a report and whether (how, on which
    day) it was resolved. Nothing the reporter wrote, no note."""
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


# ---- oversight reports --------------------------------------------------------------------------


class ReportOrder(BaseModel):
    """Which report, for which period (one of quarter, year, or from and to)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"report": "trust", "year": 2025},
                {"report": "wco", "quarter": "2026Q1"},
                {"report": "federal-conduct", "from": "2026-01-31", "to": "2026-03-31"},
            ]
        },
        populate_by_name=True,
    )

    report: Literal["wco", "trust", "federal-conduct", "decisions"]
    quarter: str | None = Field(default=None, max_length=10, description="e.g. 2026Q1")
    year: int | None = Field(default=None, ge=2000, le=2999)
    start: str | None = Field(default=None, alias="from", max_length=10)
    end: str | None = Field(default=None, alias="to", max_length=10)
    suppress_below: int | None = Field(default=None, ge=1, le=1000)


class ReportDocument(m.Open):
    format: str
    report: str
    title: str
    period: dict[str, str]
    parameters: dict[str, Any]
    basis: dict[str, Any] = Field(
        description="ledger_size, root, checkpoint (signed note), pack {name, version, digest}"
    )
    figures: dict[str, Any]
    tables: list[dict[str, Any]] = Field(
        description="each {name, title, cites, columns [{name, type, description}], rows}"
    )
    entries: dict[str, Any] = Field(description="count and sha256 of the entries counted")
    content_hash: str


class ProducedReport(m.Open):
    id: str
    ledger_index: int
    report: str
    period_from: str
    period_to: str
    ledger_size: int
    content_hash: str
    created_at: str


class ProducedList(m.Open):
    items: list[ProducedReport]


class VerifyResult(m.Open):
    ok: bool
    problems: list[str] = Field(description="each changed figure, dropped or extra row, named")
    report: str
    period: dict[str, str]
    ledger_size: int


@api.post(
    "/oversight/reports",
    status_code=201,
    operation_id="produce_oversight_report",
    summary="Produce an oversight report",
    tags=[m.TAG_OVERSIGHT],
    dependencies=[JsonBody],
    response_model=ReportDocument,
    responses=errors(401, 403, json_body=True),
)
def api_produce(service: ServiceDep, actor: ActorDep, body: ReportOrder) -> dict[str, Any]:
    """Compute a report from the ledger (supervisors, auditors) and log it as a ledger entry;
    the document's ``logged`` says where. Every row carries the ledger index of its source."""
    from brightline.service.oversight import period

    when = period(quarter=body.quarter, year=body.year, start=body.start, end=body.end)
    return service.oversight_report(
        body.report, when, actor=actor, suppress_below=body.suppress_below
    )


@api.get(
    "/oversight/reports",
    operation_id="list_oversight_reports",
    summary="Oversight reports produced",
    tags=[m.TAG_OVERSIGHT],
    response_model=ProducedList,
    responses=errors(401, 403),
)
def api_produced(service: ServiceDep, actor: ActorDep) -> dict[str, Any]:
    """The reports produced so far, newest first (supervisors, auditors)."""
    return {"items": service.produced_reports(actor=actor)}


@api.get(
    "/oversight/reports/{report_id}",
    operation_id="get_oversight_report",
    summary="One oversight report, recomputed",
    tags=[m.TAG_OVERSIGHT],
    response_model=ReportDocument,
    responses=errors(401, 403, 404, 422),
)
def api_report(service: ServiceDep, actor: ActorDep, report_id: str) -> dict[str, Any]:
    """A produced report, recomputed from the ledger at the size it was produced at (its
    content hash must still equal the logged one). EO 2026-01 reports are public."""
    return service.get_oversight_report(report_id, actor=actor)


@api.post(
    "/oversight/verify",
    operation_id="verify_oversight_report",
    summary="Check a report document against the ledger",
    tags=[m.TAG_OVERSIGHT],
    dependencies=[JsonBody],
    response_model=VerifyResult,
    responses=errors(401, 403, json_body=True),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {"type": "object", "description": "a report document"},
                    "examples": {
                        "forged": {
                            "summary": "a forged EO 2026-01 report: answered ok false, with why",
                            "value": {
                                "format": "brightline-oversight-report/1",
                                "report": "federal-conduct",
                                "period": {"from": "2026-01-01", "to": "2026-03-31"},
                                "parameters": {"suppress_below": 5},
                                "basis": {"ledger_size": 1, "checkpoint": "", "root": ""},
                                "figures": {"violations": {"count": 40}},
                                "tables": [],
                                "entries": {"count": 0, "sha256": ""},
                                "content_hash": "",
                            },
                        }
                    },
                }
            },
            "required": True,
        }
    },
)
async def api_verify(request: Request, service: ServiceDep, actor: ActorDep) -> dict[str, Any]:
    """Recompute the report from the ledger at its size and name every difference (public for
    EO 2026-01 reports; supervisors and auditors for the others)."""
    document = await read_json(request)
    return await run_in_threadpool(service.verify_oversight_report, document, actor=actor)


REPORT_LABELS = {
    "wco": "Welcoming City Ordinance — quarterly (WCO.RPT)",
    "trust": "TRUST Act — annual (TRUST.25(a), (b))",
    "federal-conduct": "EO 2026-01 — public data on federal officers (EO2026-1.C7)",
    "decisions": "Decisions audit trail",
}


@pages.get("/oversight")
def oversight_home(request: Request, service: ServiceDep, actor: ActorDep) -> Response:
    from brightline.service.actors import require

    require(actor, "read_oversight_reports")
    return render(
        request,
        "oversight/index.html",
        labels=REPORT_LABELS,
        produced=service.produced_reports(actor=actor),
        can_produce=actor.can("produce_oversight_reports"),
        error=None,
        values={},
    )


@pages.post("/oversight/reports", dependencies=[Csrf])
async def oversight_produce(request: Request, service: ServiceDep, actor: ActorDep) -> Response:
    from brightline.service.oversight import period

    form = await request.form()
    values = {k: _form_text(form, k) for k in ("report", "quarter", "year", "from", "to")}
    try:
        when = period(
            quarter=values["quarter"] or None,
            year=values["year"] or None,
            start=values["from"] or None,
            end=values["to"] or None,
        )
        document = await run_in_threadpool(
            service.oversight_report,
            choice("report", values["report"], REPORT_LABELS),
            when,
            actor=actor,
        )
    except InvalidInput as exc:
        produced = await run_in_threadpool(service.produced_reports, actor=actor)
        return render(
            request,
            "oversight/index.html",
            status=422,
            labels=REPORT_LABELS,
            produced=produced,
            can_produce=True,
            error=str(exc),
            values=values,
        )
    get_session(request).set_flash(
        f"Report produced and logged in the ledger as entry {document['logged']['ledger_index']}."
    )
    return see_other(f"/oversight/reports/{document['logged']['id']}")


@pages.get("/oversight/reports/{report_id}")
def oversight_report_page(
    request: Request,
    service: ServiceDep,
    actor: ActorDep,
    report_id: str,
    format: str | None = None,
    table: str | None = None,
) -> Response:
    from brightline.service import oversight_formats as formats

    fmt = choice("format", format or "html", ("html", "json", "csv", "dictionary", "document"))
    document = service.get_oversight_report(report_id, actor=actor)
    stem = f"{document['report']}-{document['period']['label'].replace(' ', '_')}"
    if fmt == "json":
        return PlainTextResponse(
            formats.to_json(document),
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{stem}.json"'},
        )
    if fmt in ("csv", "dictionary"):
        text = (
            formats.table_csv(document, table) if fmt == "csv" else formats.dictionary_csv(document)
        )
        name = (
            f"{stem}-{table or document['tables'][0]['name']}"
            if fmt == "csv"
            else f"{stem}-dictionary"
        )
        return PlainTextResponse(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if fmt == "document":
        return HTMLResponse(formats.to_html(document))
    return render(
        request, "oversight/report.html", **formats.html_context(document), report_id=report_id
    )


@pages.get("/oversight/verify")
def oversight_verify_form(request: Request) -> Response:
    return render(request, "oversight/verify.html", result=None, error=None, text="")


@pages.post("/oversight/verify", dependencies=[Csrf])
async def oversight_verify(request: Request, service: ServiceDep, actor: ActorDep) -> Response:
    import json

    form = await request.form()
    upload = form.get("file")
    raw = _form_text(form, "document")
    if upload is not None and not isinstance(upload, str):
        raw = (await upload.read()).decode("utf-8", "replace") or raw
    try:
        document = json.loads(raw)
        result = await run_in_threadpool(service.verify_oversight_report, document, actor=actor)
    except json.JSONDecodeError as exc:
        return render(
            request,
            "oversight/verify.html",
            status=422,
            result=None,
            error=f"not JSON: {exc}",
            text="",
        )
    except InvalidInput as exc:
        return render(
            request, "oversight/verify.html", status=422, result=None, error=str(exc), text=""
        )
    return render(request, "oversight/verify.html", result=result, error=None, text="")
