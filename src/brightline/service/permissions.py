"""The one permission table: who may do what, and which pages each role may open.

Every access check in brightline reads this table: the service (``actors.require``), the pages
and the API (through the service, and ``web.deps.require_permission`` for pages that only show),
the menus (``web.deps.menu_for`` shows a page only to whom its permission allows) and the
command line. A new right is a new key here, never a role test
written elsewhere.

Roles: ``public`` (anonymous), ``officer`` screens cases and reads their own decisions;
``supervisor`` screens, reads every decision, resolves the review queue and records roll-call
inspections; ``auditor`` reads everything (decisions, the queue, inspections, compliance, reports
with their private part) and deletes or redacts reporters' data on request; ``admin`` manages
accounts and nothing else.
"""

from __future__ import annotations

ROLES = ("public", "officer", "supervisor", "auditor", "admin")
ACCOUNT_ROLES = ROLES[1:]

PERMISSIONS: dict[str, frozenset[str]] = {
    "decide": frozenset({"officer", "supervisor"}),
    "read_own_decisions": frozenset({"officer", "supervisor", "auditor"}),
    "read_all_decisions": frozenset({"supervisor", "auditor"}),
    "read_review_queue": frozenset({"supervisor", "auditor"}),
    "resolve_review": frozenset({"supervisor"}),
    "record_inspections": frozenset({"supervisor"}),
    "read_inspections": frozenset({"supervisor", "auditor"}),
    "read_compliance": frozenset({"supervisor", "auditor"}),
    "read_reports": frozenset({"auditor"}),
    "redact_reports": frozenset({"auditor"}),
    "manage_accounts": frozenset({"admin"}),
    # oversight (service/custody.py, service/oversight*.py)
    "log_custody": frozenset({"officer", "supervisor"}),
    "read_custody": frozenset({"officer", "supervisor", "auditor"}),
    "resolve_reports": frozenset({"auditor"}),
    "produce_oversight_reports": frozenset({"supervisor", "auditor"}),
    "read_oversight_reports": frozenset({"supervisor", "auditor"}),
    # every signed-in account: its own password and API tokens
    "manage_own_account": frozenset({"officer", "supervisor", "auditor", "admin"}),
}


def allowed(role: str, permission: str) -> bool:
    """May ``role`` do ``permission``? (KeyError for a permission not in the table.)"""
    return role in PERMISSIONS[permission]


def permissions_of(role: str) -> list[str]:
    return sorted(name for name, roles in PERMISSIONS.items() if role in roles)
