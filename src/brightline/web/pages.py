"""Server-rendered pages: screen a case, decisions, review queue, the law, the ledger, public
reports and statistics, sign in and out.

A thin adapter like the API: forms are parsed into the service's inputs, every POST carries its
CSRF token, and every error is shown as a page (or a login redirect).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from brightline.errors import AuthError, InvalidInput, InvalidRequest, NotFound, RateLimited
from brightline.service import Actor, Service
from brightline.web import i18n, law, views
from brightline.web.api import checkpoint_view
from brightline.web.deps import (
    STATIC_DIR,
    actor_dep,
    client_of,
    get_session,
    require_permission,
    service_dep,
    templates,
    verify_csrf,
)
from brightline.web.i18n import N_
from brightline.web.views import bar_chart, decision_view, month_chart

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
ServiceDep = Annotated[Service, Depends(service_dep)]
ActorDep = Annotated[Actor, Depends(actor_dep)]
Csrf = Depends(verify_csrf)


def render(
    request: Request,
    name: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status, headers=headers)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _text(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name, default)
    return value.strip() if isinstance(value, str) else default


@router.get("/")
def home(request: Request) -> Response:
    return render(request, "index.html")


@router.get("/favicon.ico")
def favicon() -> Response:
    """The site icon where browsers look for it without reading the page."""
    return FileResponse(
        STATIC_DIR / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


# ---- sign in and out ---------------------------------------------------------------------------


def _safe_next(target: str) -> str:
    local = target.startswith("/") and not target.startswith(("//", "/\\"))
    return target if local and "\\" not in target else "/"


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login", dependencies=[Csrf])
async def login(request: Request, service: ServiceDep) -> Response:
    form = await request.form()
    target = _safe_next(_text(form, "next", "/"))
    username = _text(form, "username")
    password = form.get("password")
    try:
        actor = await run_in_threadpool(
            lambda: service.authenticate(
                username,
                password if isinstance(password, str) else "",
                client=client_of(request),
            )
        )
    except RateLimited as exc:
        return render(
            request, "login.html", status=429, next=target, error=str(exc),
            headers={"Retry-After": str(exc.details.get("retry_after", 60))},
        )
    except (AuthError, InvalidRequest) as exc:
        return render(request, "login.html", status=401, next=target, error=str(exc))
    sid = await run_in_threadpool(service.start_session, actor)
    session = get_session(request)
    if session.sid:  # signing in over another session ends that one
        await run_in_threadpool(service.end_session, session.sid)
    session.sign_in(sid)
    session.set_flash(f"Signed in as {actor.username} ({actor.role}).")
    return see_other(target)


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, service: ServiceDep) -> Response:
    session = get_session(request)
    if session.sid:
        service.end_session(session.sid, reason="signed out")
    session.sign_out()
    session.set_flash("Signed out.")
    return see_other("/")


# ---- screening ---------------------------------------------------------------------------------


def _local_now(tz: str) -> str:
    return datetime.now(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")


@router.get("/screen")
def screen_form(
    request: Request,
    actor: Annotated[Actor, Depends(require_permission("decide"))],
    jurisdiction: str = "chicago",
    kind: str | None = None,
    at: str | None = None,
) -> Response:
    packs = law.pack_names()
    cat = law.catalog(jurisdiction if jurisdiction in packs else packs[0])
    kinds = cat.get("kinds", {})
    chosen = kind if kind in kinds else next(iter(kinds), None)
    facts = law.kind_facts(cat, chosen) if chosen else {}
    return render(
        request,
        "screen.html",
        packs=packs,
        catalog=cat,
        kind=chosen,
        facts=facts,
        at=at or _local_now(str(cat.get("timezone", "UTC"))),
        values=prefilled(request.query_params, facts),
        error=None,
    )


def prefilled(params: Any, facts: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Answers given in the address (``fact.agency=ice``), kept when they are values of the
    fact, so that a case's URL reopens its form filled in (to share or bookmark)."""
    values: dict[str, str] = {}
    for name, spec in facts.items():
        raw = str(params.get(f"fact.{name}") or "")
        allowed = ("true", "false") if spec.get("type") == "bool" else tuple(
            str(v) for v in spec.get("values") or ()
        )
        if raw in allowed:
            values[name] = raw
    return values


def case_url(case: dict[str, Any]) -> str:
    """The screening form's address with this case's answers filled in."""
    from urllib.parse import urlencode

    at = str(case.get("at") or "")
    params: list[tuple[str, str]] = [
        ("jurisdiction", str(case.get("jurisdiction") or "chicago")),
        ("kind", str(case.get("kind") or "")),
    ]
    try:
        moment = datetime.fromisoformat(at)
        tz = str(law.catalog(params[0][1]).get("timezone", "America/Chicago"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(ZoneInfo(tz))
        params.append(("at", moment.strftime("%Y-%m-%dT%H:%M")))
    except ValueError:
        pass
    for name, value in (case.get("facts") or {}).items():
        text = "true" if value is True else "false" if value is False else str(value)
        params.append((f"fact.{name}", text))
    return "/screen?" + urlencode(params)


def _fact_value(spec: dict[str, Any], raw: str) -> Any:
    if spec.get("type") == "bool":
        if raw not in ("true", "false"):
            raise InvalidRequest("a yes/no fact must be true, false or unknown", got=raw)
        return raw == "true"
    return raw


def facts_from_form(form: FormData, facts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The answered facts of a form: field ``fact.<name>``; empty means unknown (left out)."""
    out: dict[str, Any] = {}
    for name, spec in facts.items():
        raw = _text(form, f"fact.{name}")
        if raw:
            out[name] = _fact_value(spec, raw)
    return out


def case_time(raw: str, tz: str) -> str:
    """A form's local date-time (or date) as ISO 8601 with the pack's offset on that day."""
    if not raw:
        raise InvalidRequest("say when it happens or happened (date and time)", field="at")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidRequest(
            f"'{raw}' is not a date and time (use YYYY-MM-DDTHH:MM)", field="at", got=raw
        ) from exc
    if len(raw) == 10:
        return date.fromisoformat(raw).isoformat()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return moment.isoformat()


@router.post("/screen", dependencies=[Csrf])
async def screen(request: Request, service: ServiceDep, actor: ActorDep) -> Response:
    form = await request.form()
    jurisdiction = law.check_pack(_text(form, "jurisdiction", "chicago"))
    cat = law.catalog(jurisdiction)
    kind = _text(form, "kind")
    kinds = cat.get("kinds", {})
    if kind not in kinds:
        raise InvalidRequest(
            f"unknown kind '{kind}'; allowed: " + ", ".join(kinds),
            field="kind",
            allowed=list(kinds),
        )
    facts = law.kind_facts(cat, kind)
    try:
        case = {
            "jurisdiction": jurisdiction,
            "at": case_time(_text(form, "at"), str(cat.get("timezone", "UTC"))),
            "kind": kind,
            "facts": facts_from_form(form, facts),
        }
        result = await run_in_threadpool(service.decide, case, actor=actor)
    except InvalidInput as exc:
        return render(
            request,
            "screen.html",
            status=422,
            packs=law.pack_names(),
            catalog=cat,
            kind=kind,
            facts=facts,
            at=_text(form, "at"),
            values={name: _text(form, f"fact.{name}") for name in facts},
            error=str(exc),
        )
    return see_other(f"/decisions/{result['id']}")


# ---- decisions ---------------------------------------------------------------------------------


DECISION_COLUMNS = (
    "id",
    "ledger_index",
    "jurisdiction",
    "kind",
    "outcome",
    "at",
    "month",
    "follow_up_of",
    "review_status",
    "created_at",
)


@router.get("/decisions")
def decisions(
    request: Request,
    service: ServiceDep,
    actor: ActorDep,
    outcome: str | None = None,
    kind: str | None = None,
    month_from: str | None = None,
    month_to: str | None = None,
    sort: str = "ledger_index",
    order: str = "desc",
    format: str | None = None,
) -> Response:
    """The staff list of decisions: filter, sort, and export the whole list (CSV or JSON)."""
    from brightline.service.exports import FORMATS
    from brightline.service.validation import choice
    from brightline.web.oversight import export

    fmt = choice("format", format or "html", FORMATS)
    query: dict[str, Any] = {
        "outcome": outcome or None,
        "kind": kind or None,
        "month_from": month_from or None,
        "month_to": month_to or None,
        "sort": sort,
        "order": order,
    }
    if fmt != "html":
        items: list[dict[str, Any]] = []
        while True:
            part = service.list_decisions(actor=actor, limit=200, offset=len(items), **query)
            items.extend(part["items"])
            if len(items) >= part["total"] or not part["items"]:
                break
        return export(items, DECISION_COLUMNS, fmt, "decisions")
    page = service.list_decisions(actor=actor, limit=100, **query)
    return render(
        request,
        "decisions.html",
        items=page["items"],
        total=page["total"],
        outcome=outcome or "",
        filters={k: v for k, v in query.items() if v and k not in ("sort", "order")},
        sort=sort,
        order=order,
        sorts=("ledger_index", "at", "kind", "outcome"),
        kinds=("assistance", "appearance", "federal_conduct", "property_use"),
        query=str(request.url.query),
    )


@router.get("/decisions/{decision_id}")
def decision_page(
    request: Request, service: ServiceDep, actor: ActorDep, decision_id: str
) -> Response:
    record = service.get_decision(decision_id, actor=actor)
    view = decision_view(record, actor.role)
    view["case_url"] = case_url(record["case"]) if record.get("case") else None
    return render(request, "decision.html", **view)


@router.post("/decisions/{decision_id}/follow-up", dependencies=[Csrf])
async def follow_up(
    request: Request, service: ServiceDep, actor: ActorDep, decision_id: str
) -> Response:
    record = await run_in_threadpool(service.get_decision, decision_id, actor=actor)
    if not record.get("case"):
        raise InvalidRequest(f"decision {decision_id} was redacted; screen the case anew")
    case = dict(record["case"])
    cat = law.catalog(case["jurisdiction"])
    declared = law.kind_facts(cat, case["kind"])
    form = await request.form()
    answers = facts_from_form(form, declared)
    if not answers:
        raise InvalidRequest("answer at least one question to decide again")
    case["facts"] = {**case.get("facts", {}), **answers}
    result = await run_in_threadpool(service.decide, case, actor=actor, follow_up_of=decision_id)
    return see_other(f"/decisions/{result['id']}")


# ---- review queue ------------------------------------------------------------------------------


@router.get("/review")
def review_queue(
    request: Request,
    service: ServiceDep,
    actor: Annotated[Actor, Depends(require_permission("read_review_queue"))],
) -> Response:
    return _review_page(request, service, actor)


def _review_page(
    request: Request,
    service: Service,
    actor: Actor,
    failed: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    items = service.review_queue(actor=actor)
    return render(
        request,
        "review.html",
        status=status,
        items=items,
        can_resolve=actor.can("resolve_review"),
        failed=failed,
    )


@router.post("/review/{decision_id}", dependencies=[Csrf])
async def resolve(
    request: Request, service: ServiceDep, actor: ActorDep, decision_id: str
) -> Response:
    form = await request.form()
    outcome, note = _text(form, "outcome"), _text(form, "note")
    try:
        await run_in_threadpool(
            service.resolve_review, decision_id, outcome=outcome, note=note, actor=actor
        )
    except InvalidInput as exc:  # shown next to the field, with what was typed kept
        failed = {
            "id": decision_id,
            "outcome": outcome,
            "note": note,
            "field": field_of(exc),
            "error": field_error(request, exc),
        }
        return _review_page(request, service, actor, failed=failed, status=422)
    get_session(request).set_flash(f"Decision {decision_id} resolved and logged.")
    return see_other("/review")


# ---- the law -----------------------------------------------------------------------------------


def _date(raw: str | None, field: str, default: date) -> date:
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidRequest(
            f"{field} must be a date YYYY-MM-DD; got '{raw}'", field=field
        ) from exc


def _law_dates(catalog: dict[str, Any], at: str | None, since: str | None) -> tuple[
    date, date | None, dict[str, str]
]:
    """The day to show and the earlier day to compare with, and the problems with them by
    field: a date that is not a date, outside the pack's coverage, or a comparison whose
    earlier date is not earlier."""
    problems: dict[str, str] = {}
    covers = catalog.get("covers") or {}
    first = date.fromisoformat(str(covers.get("from"))) if covers.get("from") else None
    last = date.fromisoformat(str(covers["until"])) if covers.get("until") else None
    span = f"{first.isoformat() if first else '…'} to {last.isoformat() if last else 'today'}"

    def read(raw: str | None, field: str, label: str) -> date | None:
        if not raw:
            return None
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            problems[field] = f"{label} must be a date YYYY-MM-DD; got '{raw[:40]}'"
            return None
        if (first and day < first) or (last and day > last):
            problems[field] = (
                f"{label} {day.isoformat()} is outside what this pack covers ({span}); "
                "its rules say nothing about that day"
            )
            return None
        return day

    when = read(at, "at", "the date") or date.today()
    earlier = read(since, "since", "the earlier date")
    if earlier is not None and earlier > when:
        problems["since"] = (
            f"the earlier date ({earlier.isoformat()}) comes after the date shown "
            f"({when.isoformat()}); swap them to see what changed"
        )
        earlier = None
    return when, earlier, problems


def _rule_matches(rule: dict[str, Any], query: str) -> bool:
    """A rule matches when every word of the query is in its id, text, note, citations or
    clause texts (case ignored)."""
    parts = [str(rule.get("id", "")), str(rule.get("text", "")), str(rule.get("note") or "")]
    for clause in rule.get("clauses") or []:
        parts += [str(clause.get("key", "")), str(clause.get("text", ""))]
    haystack = " ".join(parts).lower()
    return all(word in haystack for word in query.lower().split())


@router.get("/law")
def law_page(
    request: Request,
    pack: str = "chicago",
    at: str | None = None,
    since: str | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    name = law.check_pack(pack)
    catalog = law.catalog(name)
    when, earlier, problems = _law_dates(catalog, at, since)
    rules = law.rules_on(name, when) if "at" not in problems else []
    table = law.clauses()
    diff = law.changes(name, earlier, when) if earlier is not None else None
    outcomes = law.outcome_changes(name, earlier, when) if earlier is not None else None
    for rule in rules:
        rule["clauses"] = [{"key": k, **table.get(k, {})} for k in rule.get("cites") or []]
        rule["scenarios"] = law.scenarios_for(rule, name)
    query = (q or "").strip()
    if query:
        rules = [r for r in rules if _rule_matches(r, query)]
    return render(
        request,
        "law.html",
        q=query,
        matches=len(rules),
        status=422 if problems else 200,
        packs=law.pack_names(),
        pack=name,
        catalog=catalog,
        at=at if "at" in problems else when.isoformat(),
        since=since or "",
        kinds=law.by_kind(rules),
        diff=diff,
        outcomes=outcomes,
        problems=problems,
    )


# ---- ledger ------------------------------------------------------------------------------------


@router.get("/ledger")
def ledger_page(
    request: Request, service: ServiceDep, index: str | None = None, leaf: str | None = None
) -> Response:
    entry = None
    problem = None
    if index:
        try:
            entry = service.ledger_entry(int(index))
        except ValueError:
            problem = f"'{index}' is not an entry number"
        except (NotFound, InvalidRequest) as exc:
            problem = str(exc)
    return render(
        request,
        "ledger.html",
        checkpoint=checkpoint_view(service),
        index=index or "",
        leaf=leaf or "",
        entry=entry,
        problem=problem,
    )


# ---- public reports and statistics -------------------------------------------------------------


REPORT_FIELDS = ("category", "description", "place", "occurred_at", "contact")

# "Who were they?" comes first; the categories offered follow the answer.
WHO_CHOICES = (
    ("unknown", N_("I don't know who they were")),
    ("federal", N_("Federal agents (ICE, CBP, Border Patrol, HSI, FBI and others)")),
    ("cpd", N_("Chicago Police (CPD)")),
    ("other_police", N_("Another police force (state, county, suburban, campus or transit)")),
)
CATEGORIES_BY_WHO: dict[str, tuple[str, ...]] = {
    "unknown": ("unidentified", "property_use"),
    "federal": ("federal_conduct", "property_use"),
    "cpd": ("officer_appearance", "immigration_assistance"),
    "other_police": ("other_police",),
}
# The facts a resident is asked about, per pack kind (each with the pack's own question and
# labels in the resident's language); everything else stays unknown.
RESIDENT_FACTS: dict[str, tuple[str, ...]] = {
    "federal_conduct": ("face_covering", "id_visible", "plate", "injuries"),
    "appearance": ("face_covering", "star_visible", "name_visible"),
}


YES, NO = N_("Yes"), N_("No")


def _who(raw: str | None) -> str:
    return raw if raw in CATEGORIES_BY_WHO else ""


def _categories(service: Service, who: str) -> list[dict[str, str]]:
    wanted = CATEGORIES_BY_WHO.get(who, ())
    known = {c["category"]: c for c in service.report_categories()}
    return [
        {"value": name, "label": known[name]["label"], "kind": known[name]["kind"]}
        for name in wanted
        if name in known
    ]


def resident_questions(kinds: list[str], lang: str) -> list[dict[str, Any]]:
    """The pack's questions for residents about ``kinds``, in ``lang``, with plain labels."""
    cat = law.catalog("chicago")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for kind in kinds:
        declared = law.kind_facts(cat, kind)
        for name in RESIDENT_FACTS.get(kind, ()):
            spec = declared.get(name)
            if spec is None or name in seen:
                continue
            seen.add(name)
            out.append(resident_question(name, spec, lang))
    return out


def resident_question(name: str, spec: dict[str, Any], lang: str) -> dict[str, Any]:
    words = (spec.get("translations") or {}).get(lang) or {}
    labels = words.get("labels") or spec.get("labels") or {}
    if spec.get("type") == "bool":
        options = [
            {"value": "true", "label": i18n.gettext(lang, YES)},
            {"value": "false", "label": i18n.gettext(lang, NO)},
        ]
    else:
        options = [
            {"value": str(v), "label": labels.get(str(v), views.humanize(str(v)))}
            for v in spec.get("values") or []
        ]
    return {"name": name, "question": words.get("question") or spec.get("question"), "options": options}


def _about_officer(service: Service, raw: str | None) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        return service.get_officer(raw)
    except (NotFound, InvalidRequest):
        return None


def _report_page(
    request: Request,
    service: Service,
    *,
    who: str,
    values: dict[str, str],
    officer: str | None = None,
    error: str | None = None,
    error_field: str | None = None,
    status: int = 200,
) -> Response:
    lang = i18n.request_lang(request.scope)
    categories = _categories(service, who)
    kinds = list(dict.fromkeys(c["kind"] for c in categories))
    return render(
        request,
        "report.html",
        status=status,
        who=who,
        who_choices=[{"value": v, "label": label} for v, label in WHO_CHOICES],
        categories=categories,
        questions=resident_questions(kinds, lang) if who else [],
        about_officer=_about_officer(service, officer),
        values=values,
        error=error,
        error_field=error_field,
    )


@router.get("/report")
def report_form(
    request: Request, service: ServiceDep, who: str | None = None, officer: str | None = None
) -> Response:
    return _report_page(request, service, who=_who(who), values={}, officer=officer)


def report_body(values: dict[str, str], facts: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report as the service takes it; a local date-time gets Chicago's offset."""
    body: dict[str, Any] = {k: v for k, v in values.items() if v and k in REPORT_FIELDS}
    if "occurred_at" in body:
        tz = str(law.catalog("chicago").get("timezone", "America/Chicago"))
        body["occurred_at"] = case_time(body["occurred_at"], tz)
    if facts:
        body["facts"] = facts
    return body


def _report_facts(form: FormData) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    names = {n for kind in RESIDENT_FACTS.values() for n in kind}
    for name in sorted(names):
        raw = _text(form, f"fact.{name}")
        if raw:
            facts[name] = {"true": True, "false": False}.get(raw, raw)
    return facts


@router.post("/report", dependencies=[Csrf])
async def report(request: Request, service: ServiceDep) -> Response:
    form = await request.form()
    who = _who(_text(form, "who")) or "unknown"
    values = {k: _text(form, k) for k in REPORT_FIELDS}
    facts = _report_facts(form)
    values.update({f"fact.{k}": _text(form, f"fact.{k}") for k in facts})
    officer = _text(form, "officer") or None
    client = client_of(request)
    try:
        body = report_body(values, facts)
        kinds = {c["category"]: c["kind"] for c in service.report_categories()}
        kind = kinds.get(str(body.get("category", "")))
        if kind is not None:  # only the facts of the category's kind
            declared = law.kind_facts(law.catalog("chicago"), kind)
            body["facts"] = {k: v for k, v in facts.items() if k in declared}
        if officer and (person := _about_officer(service, officer)):
            name = f"{person['name']} (officer id {person['id']})"
            body["description"] = f"[About: {name}] " + str(body.get("description", ""))
        result = await run_in_threadpool(service.submit_report, body, client_id=client)
    except InvalidInput as exc:
        field = field_of(exc)
        return _report_page(
            request,
            service,
            who=who,
            values=values,
            officer=officer,
            error=field_error(request, exc),
            error_field=field if field in (*REPORT_FIELDS, *(f"facts.{n}" for n in facts)) else None,
            status=422,
        )
    return see_other(f"/reports/{result['id']}")


def field_error(request: Request, exc: InvalidInput) -> str:
    """An error for the page's language: a translated sentence for the field, then the
    service's own words (English) when the page is in another language."""
    lang = i18n.request_lang(request.scope)
    field = field_of(exc)
    lead = FIELD_ERRORS.get(field.split(".", 1)[0])
    if lead is None or lang == i18n.DEFAULT:
        return str(exc)
    return f"{i18n.gettext(lang, lead)} ({exc})"


def field_of(exc: InvalidInput) -> str:
    """The form field an error is about (``facts.<name>`` for a fact), or ""."""
    if exc.details.get("fact"):
        return f"facts.{exc.details['fact']}"
    return str(exc.details.get("field") or "")


FIELD_ERRORS = {
    "description": N_("Please say what happened."),
    "occurred_at": N_("Please give a date and time in the past, or leave it empty."),
    "place": N_("Please shorten the place."),
    "contact": N_("Please shorten how to reach you."),
    "category": N_("Please choose what the report is about."),
    "facts": N_("Please check this answer."),
    "at": N_("Please give a date and time."),
    "note": N_("Please write a note that says why."),
    "outcome": N_("Please choose a resolution."),
}


@router.get("/reports/{report_id}")
def report_receipt(
    request: Request, service: ServiceDep, actor: ActorDep, report_id: str
) -> Response:
    """The reporter's receipt page (public view of the report; auditors see the private part)."""
    report = service.get_report(report_id, actor=actor)
    return render(request, "receipt.html", report=report, receipt=report["receipt"])


@router.get("/stats")
def stats(request: Request, service: ServiceDep) -> Response:
    data = service.public_stats()
    return render(request, "stats.html", stats=data, bar_chart=bar_chart, month_chart=month_chart)
