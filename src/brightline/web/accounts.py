"""Account pages: one's own account (password, API tokens), the admins' account management
(create, disable, enable, change role, reset a password, list and revoke tokens), and the
auditors' actions on a reporter's data (delete the contact details, redact the report).

A thin adapter: every check of permissions and input is the service's; every POST carries its
CSRF token; every change is logged in the ledger by the service.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from brightline.errors import InvalidInput
from brightline.service import ACCOUNT_ROLES, Actor, Service
from brightline.web.deps import (
    forget_tokens,
    get_session,
    require_permission,
    service_dep,
    templates,
    verify_csrf,
)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
ServiceDep = Annotated[Service, Depends(service_dep)]
Own = Annotated[Actor, Depends(require_permission("manage_own_account"))]
Admin = Annotated[Actor, Depends(require_permission("manage_accounts"))]
Auditor = Annotated[Actor, Depends(require_permission("redact_reports"))]
Csrf = Depends(verify_csrf)


def _render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _back(request: Request, url: str, notice: str) -> RedirectResponse:
    get_session(request).set_flash(notice)
    return RedirectResponse(url, status_code=303)


# ---- one's own account ---------------------------------------------------------------------


def _account_page(
    request: Request,
    service: Service,
    actor: Actor,
    *,
    status: int = 200,
    error: str | None = None,
    new_token: str | None = None,
) -> Response:
    tokens = service.list_tokens(actor=actor)
    return _render(
        request,
        "account.html",
        status=status,
        tokens=tokens,
        error=error,
        new_token=new_token,
    )


@router.get("/account")
def account(request: Request, service: ServiceDep, actor: Own) -> Response:
    return _account_page(request, service, actor)


@router.post("/account/password", dependencies=[Csrf])
async def change_own_password(request: Request, service: ServiceDep, actor: Own) -> Response:
    form = await request.form()
    new, again = _text(form, "new_password"), _text(form, "new_password_again")
    if new != again:
        return _account_page(
            request, service, actor, status=422, error="the two new passwords differ"
        )
    try:
        await run_in_threadpool(
            lambda: service.change_password(
                str(actor.username), new, actor=actor, old_password=_text(form, "old_password")
            )
        )
    except InvalidInput as exc:
        return _account_page(request, service, actor, status=422, error=str(exc))
    forget_tokens(request)
    session = get_session(request)
    session.sign_out()  # the change ended every session, this one too
    session.set_flash(
        "Password changed: every session and API token of the account has ended. Sign in again."
    )
    return RedirectResponse("/login", status_code=303)


@router.post("/account/tokens", dependencies=[Csrf])
async def new_token(request: Request, service: ServiceDep, actor: Own) -> Response:
    form = await request.form()
    days = _text(form, "days").strip()
    try:
        lifetime = int(days) * 86400 if days else None
    except ValueError:
        return _account_page(
            request, service, actor, status=422, error="days must be a whole number"
        )
    try:
        token = await run_in_threadpool(
            lambda: service.issue_token(actor, _text(form, "label"), lifetime=lifetime)
        )
    except InvalidInput as exc:
        return _account_page(request, service, actor, status=422, error=str(exc))
    return _account_page(request, service, actor, status=201, new_token=token)


@router.post("/account/tokens/{token_id}/revoke", dependencies=[Csrf])
def revoke_own_token(request: Request, service: ServiceDep, actor: Own, token_id: int) -> Response:
    service.revoke_token(token_id, actor=actor)
    forget_tokens(request)
    return _back(request, "/account", f"Token {token_id} revoked.")


# ---- admins: accounts ----------------------------------------------------------------------


def _accounts_page(
    request: Request, service: Service, actor: Actor, *, status: int = 200, error: str | None = None
) -> Response:
    return _render(
        request,
        "admin_accounts.html",
        status=status,
        users=service.list_users(actor=actor),
        roles=ACCOUNT_ROLES,
        error=error,
    )


@router.get("/admin/accounts")
def accounts(request: Request, service: ServiceDep, actor: Admin) -> Response:
    return _accounts_page(request, service, actor)


@router.post("/admin/accounts", dependencies=[Csrf])
async def create_account(request: Request, service: ServiceDep, actor: Admin) -> Response:
    form = await request.form()
    try:
        made = await run_in_threadpool(
            lambda: service.add_user(
                _text(form, "username").strip(),
                _text(form, "password"),
                _text(form, "role"),
                actor=actor,
            )
        )
    except InvalidInput as exc:
        return _accounts_page(request, service, actor, status=422, error=str(exc))
    return _back(
        request,
        "/admin/accounts",
        f"Account {made['username']} ({made['role']}) created and logged.",
    )


@router.post("/admin/accounts/{username}/active", dependencies=[Csrf])
async def set_active(
    request: Request, service: ServiceDep, actor: Admin, username: str
) -> Response:
    form = await request.form()
    active = _text(form, "active") == "true"
    try:
        await run_in_threadpool(lambda: service.set_active(username, active, actor=actor))
    except InvalidInput as exc:
        return _accounts_page(request, service, actor, status=422, error=str(exc))
    forget_tokens(request)
    state = "enabled" if active else "disabled: its sessions and tokens have ended"
    return _back(request, "/admin/accounts", f"Account {username} {state}.")


@router.post("/admin/accounts/{username}/role", dependencies=[Csrf])
async def set_role(request: Request, service: ServiceDep, actor: Admin, username: str) -> Response:
    form = await request.form()
    try:
        done = await run_in_threadpool(
            lambda: service.set_role(username, _text(form, "role"), actor=actor)
        )
    except InvalidInput as exc:
        return _accounts_page(request, service, actor, status=422, error=str(exc))
    forget_tokens(request)
    return _back(request, "/admin/accounts", f"Account {username} is now {done['role']}.")


@router.post("/admin/accounts/{username}/password", dependencies=[Csrf])
async def reset_password(
    request: Request, service: ServiceDep, actor: Admin, username: str
) -> Response:
    form = await request.form()
    try:
        await run_in_threadpool(
            lambda: service.change_password(username, _text(form, "password"), actor=actor)
        )
    except InvalidInput as exc:
        return _accounts_page(request, service, actor, status=422, error=str(exc))
    forget_tokens(request)
    return _back(
        request, "/admin/accounts", f"Password of {username} reset; its sessions and tokens ended."
    )


@router.get("/admin/accounts/{username}/tokens")
def account_tokens(request: Request, service: ServiceDep, actor: Admin, username: str) -> Response:
    tokens = service.list_tokens(actor=actor, username=username)
    return _render(request, "admin_tokens.html", username=username, tokens=tokens)


@router.post("/admin/tokens/{token_id}/revoke", dependencies=[Csrf])
async def revoke_token(
    request: Request, service: ServiceDep, actor: Admin, token_id: int
) -> Response:
    done = await run_in_threadpool(lambda: service.revoke_token(token_id, actor=actor))
    forget_tokens(request)
    return _back(
        request, f"/admin/accounts/{done['username']}/tokens", f"Token {token_id} revoked."
    )


# ---- auditors: a reporter's data -----------------------------------------------------------


@router.post("/reports/{report_id}/contact/delete", dependencies=[Csrf])
async def delete_contact(
    request: Request, service: ServiceDep, actor: Auditor, report_id: str
) -> Response:
    form = await request.form()
    await run_in_threadpool(
        lambda: service.delete_contact(report_id, reason=_text(form, "reason"), actor=actor)
    )
    return _back(
        request, f"/reports/{report_id}", "Contact details deleted; the deletion is logged."
    )


@router.post("/reports/{report_id}/redact", dependencies=[Csrf])
async def redact_report(
    request: Request, service: ServiceDep, actor: Auditor, report_id: str
) -> Response:
    form = await request.form()
    await run_in_threadpool(
        lambda: service.redact_report(report_id, reason=_text(form, "reason"), actor=actor)
    )
    return _back(
        request,
        f"/reports/{report_id}",
        "The report's record was redacted; the redaction is logged.",
    )
