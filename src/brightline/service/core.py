"""The Service: the one object that joins the rules engine, the app's tables and the ledger.

The web application and the command line are thin adapters over it: every rule of access and
every validation lives here (in the concept modules this class delegates to). Typical use::

    service = Service.open()                 # migrates, opens the ledger, repairs the index
    out = service.decide(case, actor=Actor("jdoe", "officer"))
    out["receipt"]["index"], out["receipt"]["checkpoint"]
    service.close()

Errors: ``InvalidInput`` subclasses for bad input (nothing is changed), ``AuthError`` when a
login is needed, ``Forbidden`` for a role without the right, ``NotFound`` for a missing thing.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Engine

from brightline import settings
from brightline.service import (
    accounts,
    custody,
    decisions,
    keys,
    ledger_views,
    limits,
    oversight_inbox,
    recovery,
    reports,
    reviews,
    stats,
)
from brightline.service.actors import Actor

if TYPE_CHECKING:
    from brightline.rules import Decider


class LedgerLike(Protocol):
    """What the service needs of ``brightline.store.ledger.LedgerStore``."""

    def append(
        self,
        kind: str,
        record: Mapping[str, Any],
        *,
        rows: Sequence[tuple[Table, dict[str, Any]]] = (),
    ) -> Any: ...

    def redact(self, index: int, *, reason: str, actor: str) -> Any: ...

    @property
    def vkey(self) -> str: ...

    def size(self) -> int: ...

    def latest_checkpoint(self) -> dict[str, Any]: ...

    def entry(self, index: int) -> Any: ...

    def inclusion_proof(self, index: int, size: int | None = None) -> dict[str, Any]: ...

    def consistency_proof(self, size1: int, size2: int) -> dict[str, Any]: ...

    def tile(self, tile: Any) -> bytes: ...

    def close(self) -> None: ...


class Service:
    """Decisions, reviews, reports, statistics, accounts and the public ledger views."""

    def __init__(
        self,
        engine: Engine,
        ledger: LedgerLike,
        config: settings.Settings | None = None,
        decider: Decider | None = None,
    ) -> None:
        from brightline.rules import Decider

        self.engine = engine
        self.ledger = ledger
        self.config = config or settings.current()
        # the service's own engine: the packs folder of the settings (or the shipped packs)
        self.decider = decider if decider is not None else Decider(self.config.packs_dir)
        self.review_lock = threading.Lock()
        self.custody_lock = threading.Lock()
        self.witnessing: Any = None  # the witness submitter, when a policy is set
        # Unix seconds; every time the service reads (sessions, tokens, limits) comes from here.
        self.clock: Callable[[], float] = limits.wall_clock
        self._secret: str | None = None
        self._fernet: Any = None

    @classmethod
    def open(cls, url: str | None = None, config: settings.Settings | None = None) -> Service:
        """Migrate the database at ``url`` (default: see ``store.database_url``), open the
        ledger and index any ledger entries the index lacks (crash recovery). ``config``
        defaults to the process's settings (read once from the environment)."""
        from brightline.store import database_url, make_engine
        from brightline.store.ledger import LedgerStore

        config = config or settings.current()
        keys.contact_key(config)  # a bad key stops the start, not the first report
        url = database_url(url)
        ledger = LedgerStore.open(url)  # migrates the whole schema to head
        engine = getattr(ledger, "engine", None) or make_engine(url)
        service = cls(engine, ledger, config)
        service.recover_index()
        from brightline.service import witnessing

        service.witnessing = witnessing.start(service)
        return service

    @property
    def secret(self) -> str:
        """The server secret (see :mod:`brightline.service.keys`)."""
        if self._secret is None:
            self._secret = keys.server_secret(self.config)
        return self._secret

    @property
    def fernet(self) -> Any:
        """The cipher of reporters' contact details."""
        if self._fernet is None:
            from cryptography.fernet import Fernet

            self._fernet = Fernet(keys.contact_key(self.config))
        return self._fernet

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def close(self) -> None:
        if self.witnessing is not None:
            self.witnessing.stop()
            self.witnessing = None
        self.ledger.close()
        self.engine.dispose()

    def __enter__(self) -> Service:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- database helpers -------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction (SQLite: BEGIN IMMEDIATE, so writers queue instead of failing)."""
        options = {"sqlite_begin": "IMMEDIATE"}
        with self.engine.connect().execution_options(**options) as conn, conn.begin():
            yield conn

    # -- decisions --------------------------------------------------------------------------

    def decide(
        self, case: Any, *, actor: Actor, follow_up_of: str | None = None
    ) -> dict[str, Any]:
        return decisions.decide(self, case, actor=actor, follow_up_of=follow_up_of)

    async def decide_async(
        self, case: Any, *, actor: Actor, follow_up_of: str | None = None
    ) -> dict[str, Any]:
        """:meth:`decide` for asyncio callers. A follow-up reads the first decision from the
        database, so it runs in a worker thread; a first decision awaits the ledger inline."""
        if follow_up_of is not None:
            return await asyncio.to_thread(
                decisions.decide, self, case, actor=actor, follow_up_of=follow_up_of
            )
        return await decisions.decide_async(self, case, actor=actor)

    def get_decision(self, decision_id: str, *, actor: Actor) -> dict[str, Any]:
        return decisions.get_decision(self, decision_id, actor=actor)

    def list_decisions(
        self,
        *,
        actor: Actor,
        outcome: str | None = None,
        limit: int = 50,
        offset: int = 0,
        **query: Any,
    ) -> dict[str, Any]:
        """See ``decisions.list_decisions`` (filters kind, month_from, month_to; sort, order)."""
        return decisions.list_decisions(
            self, actor=actor, outcome=outcome, limit=limit, offset=offset, **query
        )

    # -- reviews ----------------------------------------------------------------------------

    def review_queue(self, *, actor: Actor) -> list[dict[str, Any]]:
        return reviews.review_queue(self, actor=actor)

    def resolve_review(
        self, decision_id: str, *, outcome: str, note: str, actor: Actor
    ) -> dict[str, Any]:
        return reviews.resolve_review(self, decision_id, outcome=outcome, note=note, actor=actor)

    # -- public reports ---------------------------------------------------------------------

    def submit_report(self, report: Any, *, client_id: str | None) -> dict[str, Any]:
        return reports.submit_report(self, report, client_id=client_id)

    def get_report(self, report_id: str, *, actor: Actor) -> dict[str, Any]:
        return reports.get_report(self, report_id, actor=actor)

    def list_reports(self, *, actor: Actor, limit: int = 50, offset: int = 0) -> dict[str, Any]:
        return reports.list_reports(self, actor=actor, limit=limit, offset=offset)

    def redact_report(
        self, report_id: str, *, reason: str, actor: Actor | None
    ) -> dict[str, Any]:
        return reports.redact_report(self, report_id, reason=reason, actor=actor)

    def delete_contact(
        self, report_id: str, *, reason: str, actor: Actor | None
    ) -> dict[str, Any]:
        return reports.delete_contact(self, report_id, reason=reason, actor=actor)

    def report_categories(self) -> list[dict[str, str]]:
        return reports.categories()

    # -- custody request log ---------------------------------------------------------------

    def log_custody_request(self, body: Any, *, actor: Actor) -> dict[str, Any]:
        return custody.log_request(self, body, actor=actor)

    def log_custody_event(self, request_id: str, body: Any, *, actor: Actor) -> dict[str, Any]:
        return custody.log_event(self, request_id, body, actor=actor)

    def get_custody_request(self, request_id: str, *, actor: Actor) -> dict[str, Any]:
        return custody.get_request(self, request_id, actor=actor)

    def list_custody_requests(self, *, actor: Actor, **query: Any) -> dict[str, Any]:
        return custody.list_requests(self, actor=actor, **query)

    # -- the oversight inbox ----------------------------------------------------------------

    def report_inbox(self, *, actor: Actor, **query: Any) -> dict[str, Any]:
        return oversight_inbox.inbox(self, actor=actor, **query)

    def resolve_report(
        self, report_id: str, *, resolution: str, note: str, actor: Actor
    ) -> dict[str, Any]:
        return oversight_inbox.resolve_report(
            self, report_id, resolution=resolution, note=note, actor=actor
        )

    def report_status(self, report_id: str) -> dict[str, Any]:
        return oversight_inbox.public_status(self, report_id)

    # -- oversight reports ------------------------------------------------------------------

    def oversight_report(
        self,
        report: str,
        period: dict[str, str],
        *,
        actor: Actor,
        log: bool = True,
        suppress_below: int | None = None,
    ) -> dict[str, Any]:
        """Produce (and by default log) an oversight report; see ``service.oversight``."""
        from brightline.service import oversight

        if log:
            return oversight.produce(
                self, report, period, actor=actor, suppress_below=suppress_below
            )
        if report not in oversight.PUBLIC_REPORTS:
            from brightline.service.actors import require

            require(actor, "read_oversight_reports")
        params = oversight.parameters_for(report, suppress_below)
        return oversight.compute(self, report, period, parameters=params)

    def produced_reports(self, *, actor: Actor) -> list[dict[str, Any]]:
        from brightline.service import oversight

        return oversight.list_produced(self, actor=actor)

    def get_oversight_report(self, report_id: str, *, actor: Actor) -> dict[str, Any]:
        from brightline.service import oversight

        return oversight.reproduce(self, report_id, actor=actor)

    def verify_oversight_report(self, document: Any, *, actor: Actor) -> dict[str, Any]:
        from brightline.service import oversight_verify

        return oversight_verify.verify(self, document, actor=actor)

    # -- officers: the roster lookup and roll-call inspections -------------------------------

    def find_officers(self, **query: Any) -> dict[str, Any]:
        """See :func:`brightline.service.officers.find_officers`."""
        from brightline.service import officers

        return officers.find_officers(self, **query)

    def get_officer(self, officer_id: Any) -> dict[str, Any]:
        from brightline.service import officers

        return officers.get_officer(self, officer_id)

    def officer_detail(self, officer_id: Any) -> dict[str, Any]:
        from brightline.service import officers

        return officers.officer_detail(self, officer_id)

    def officer_ranks(self) -> list[str]:
        from brightline.service import officers

        return list(officers.officer_ranks(self))

    def unit_officers(self, unit: Any, *, actor: Actor) -> list[dict[str, Any]]:
        from brightline.service import officers

        return officers.unit_officers(self, unit, actor=actor)

    def record_roll_call(self, payload: Any, *, actor: Actor) -> dict[str, Any]:
        from brightline.service import officers

        return officers.record_roll_call(self, payload, actor=actor)

    def inspection_failures(self, *, actor: Actor, **query: Any) -> list[dict[str, Any]]:
        from brightline.service import officers

        return officers.inspection_failures(self, actor=actor, **query)

    def compliance_by_unit(self, *, actor: Actor, **query: Any) -> list[dict[str, Any]]:
        from brightline.service import officers

        return officers.compliance_by_unit(self, actor=actor, **query)

    def warm_roster_index(self) -> None:
        """Build the roster lookup index now, so the first lookup does not wait for it."""
        from brightline.service import officers

        officers.roster_index(self)

    def import_roster(self, paths: Sequence[Any]) -> dict[str, Any]:
        from brightline.service import officers

        return officers.import_roster(self.engine, paths)

    # -- statistics and the public ledger ---------------------------------------------------

    def public_stats(self) -> dict[str, Any]:
        return stats.public_stats(self)

    def checkpoint(self) -> dict[str, Any]:
        return self.ledger.latest_checkpoint()

    def inclusion_proof(self, index: int, size: int | None = None) -> dict[str, Any]:
        return ledger_views.inclusion_proof(self, index, size)

    def consistency_proof(self, size1: int, size2: int) -> dict[str, Any]:
        return ledger_views.consistency_proof(self, size1, size2)

    def ledger_entry(self, index: int) -> dict[str, Any]:
        return ledger_views.public_entry(self, index)

    def ledger_tile(self, path: str) -> tuple[Any, bytes]:
        """A tlog-tiles tile or entry bundle by its path (``tile/...``): ``(Tile, bytes)``."""
        return ledger_views.tile(self, path)

    def witness_now(self) -> dict[str, Any]:
        """Submit the newest checkpoint to the policy's witnesses now (see ``witnessing``)."""
        from brightline.service import witnessing

        return witnessing.witness_now(self)

    def published_checkpoint(self) -> str:
        """The checkpoint served at ``<prefix>/checkpoint`` (cosigned when witnesses are set)."""
        return ledger_views.published_checkpoint(self)

    # -- accounts, sessions and tokens -------------------------------------------------------

    def add_user(
        self, username: str, password: str, role: str, *, actor: Actor | None = None
    ) -> dict[str, Any]:
        return accounts.add_user(self, username, password, role, actor=actor)

    def get_user(self, username: str) -> Actor:
        return accounts.get_user(self, username)

    def list_users(self, *, actor: Actor | None) -> list[dict[str, Any]]:
        return accounts.list_users(self, actor=actor)

    def set_active(
        self, username: str, active: bool, *, actor: Actor | None = None
    ) -> dict[str, Any]:
        return accounts.set_active(self, username, active, actor=actor)

    def set_role(self, username: str, role: str, *, actor: Actor | None = None) -> dict[str, Any]:
        return accounts.set_role(self, username, role, actor=actor)

    def change_password(
        self,
        username: str,
        new_password: str,
        *,
        actor: Actor | None = None,
        old_password: str | None = None,
    ) -> dict[str, Any]:
        return accounts.change_password(
            self, username, new_password, actor=actor, old_password=old_password
        )

    def authenticate(self, username: str, password: str, *, client: str = "") -> Actor:
        return accounts.authenticate(self, username, password, client=client)

    def start_session(self, actor: Actor) -> str:
        return accounts.start_session(self, actor)

    def actor_for_session(self, sid: str) -> Actor:
        return accounts.actor_for_session(self, sid)

    def end_session(self, sid: str, *, reason: str = "signed out") -> None:
        accounts.end_session(self, sid, reason=reason)

    def issue_token(self, actor: Actor, label: str, *, lifetime: int | None = None) -> str:
        return accounts.issue_token(self, actor, label, lifetime=lifetime)

    def actor_for_token(self, token: str) -> Actor:
        return accounts.actor_for_token(self, token)

    def list_tokens(
        self, *, actor: Actor | None, username: str | None = None
    ) -> list[dict[str, Any]]:
        return accounts.list_tokens(self, actor=actor, username=username)

    def revoke_token(self, token_id: Any, *, actor: Actor | None) -> dict[str, Any]:
        return accounts.revoke_token(self, token_id, actor=actor)

    # -- maintenance ------------------------------------------------------------------------

    def recover_index(self) -> dict[str, int]:
        return recovery.recover_index(self)

    def seed_demo(self, *, roster: bool = True) -> dict[str, Any]:
        """Demo accounts and data (idempotent); see ``brightline.service.demo``."""
        from brightline.service import demo

        return demo.seed_demo(self, roster=roster)
