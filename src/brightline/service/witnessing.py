"""The log's side of witnessing: submit new checkpoints to the witnesses of the policy file
(c2sp.org/tlog-witness add-checkpoint, with a consistency proof from the size each witness holds),
keep what they cosigned, and publish the newest checkpoint whose cosignatures meet the quorum.

``BRIGHTLINE_WITNESS_POLICY`` names a tlog-policy file (c2sp.org/tlog-policy): its ``witness``
lines give each witness's cosignature vkey and submission URL, its ``quorum`` line the rule.
Without it, nothing here runs and ``<prefix>/checkpoint`` serves the log's own signed checkpoint.
With it, a background thread of the service submits the newest checkpoint every
``BRIGHTLINE_WITNESS_INTERVAL`` seconds when the log has grown; every cosigned checkpoint is
stored in ``ledger_witnessed`` with the names of the witnesses that signed it, and receipts name
them. A witness that answers 409 with a size above the log's own has seen a longer log than the
one it is offered now: that is reported loudly (a truncated or forked log), never papered over.
"""

from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from brightline import settings
from brightline.errors import InvalidRequest
from brightline.ledger.witness import (
    AddCheckpoint,
    Policy,
    PolicyWitness,
    add_cosignatures,
    parse_policy,
)
from brightline.store.tables_ledger import ledger_witnessed

if TYPE_CHECKING:
    from brightline.service.core import Service

log = logging.getLogger("brightline.witnessing")
TIMEOUT = 10.0
_policies: dict[tuple[Path, float], Policy] = {}


def policy_in_force() -> Policy | None:
    """The witness policy of the settings (parsed once per file version), or None."""
    path = settings.current().witness_policy
    if path is None:
        return None
    try:
        stamp = path.stat().st_mtime
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidRequest(
            f"BRIGHTLINE_WITNESS_POLICY: cannot read {path}: {exc.strerror}", field="policy"
        ) from exc
    key = (path, stamp)
    if key not in _policies:
        _policies.clear()
        _policies[key] = parse_policy(text)
    return _policies[key]


# --- reading what was cosigned ------------------------------------------------------------------


def _rows(service: Service, *, below: int | None = None) -> list[Any]:
    query = select(ledger_witnessed).order_by(ledger_witnessed.c.size.desc())
    if below is not None:
        query = query.where(ledger_witnessed.c.size > below)
    with service.engine.connect() as conn:
        return list(conn.execute(query.limit(50)))


def _view(row: Any) -> dict[str, Any]:
    names = [n for n in str(row.witnesses).split(",") if n]
    return {"size": int(row.size), "note": str(row.note), "witnesses": names}


def latest_witnessed(service: Service) -> dict[str, Any] | None:
    """The newest cosigned checkpoint that meets the quorum, or None."""
    policy = policy_in_force()
    if policy is None:
        return None
    for row in _rows(service):
        view = _view(row)
        if policy.satisfied(view["witnesses"]):
            return view
    return None


def receipt_part(service: Service, index: int) -> dict[str, Any] | None:
    """For a receipt of entry ``index``: the newest quorum-cosigned checkpoint holding it, the
    witnesses that cosigned it and the entry's inclusion proof at its size; None when no
    witnessed checkpoint holds the entry yet (or no policy is set)."""
    latest = latest_witnessed(service)
    if latest is None or latest["size"] <= index:
        return None
    proof = service.ledger.inclusion_proof(index, latest["size"])
    return {
        "tree_size": latest["size"],
        "checkpoint": latest["note"],
        "witnesses": latest["witnesses"],
        "proof": proof["proof"],
        "root": proof["root"],
    }


# --- submitting ---------------------------------------------------------------------------------


def witness_now(service: Service, policy: Policy | None = None) -> dict[str, Any]:
    """Submit the newest checkpoint to every witness of the policy that has a URL; store what
    they cosigned. Returns ``{"size", "cosigned_by", "quorum", "refused": {name: why}}``."""
    policy = policy or policy_in_force()
    if policy is None:
        raise InvalidRequest("no witness policy is set (BRIGHTLINE_WITNESS_POLICY)")
    latest = service.ledger.latest_checkpoint()
    size, note = int(latest["size"]), str(latest["note"])
    cosigned: list[str] = []
    refused: dict[str, str] = {}
    if size == 0:
        return {"size": 0, "cosigned_by": [], "quorum": policy.satisfied([]), "refused": {}}
    for name, witness in policy.witnesses.items():
        if not witness.url:
            continue
        try:
            lines = _submit(service, witness, note, size)
            note = add_cosignatures(note, lines, [witness.verifier])
            witness.verifier.verify(note)
            cosigned.append(name)
        except Exception as exc:  # one witness down must not stop the others
            refused[name] = f"{type(exc).__name__}: {exc}"
            log.warning("witness %s did not cosign size %d: %s", name, size, exc)
    if cosigned:
        _store(service, size, note, cosigned)
    return {
        "size": size,
        "cosigned_by": cosigned,
        "quorum": policy.satisfied(cosigned),
        "refused": refused,
    }


class WitnessTruncation(InvalidRequest):
    """A witness holds a larger tree than the log now has: the log lost entries (or forked)."""

    code = "witness_holds_larger_tree"


def _submit(service: Service, witness: PolicyWitness, note: str, size: int) -> str:
    old = _held_by(service, witness.name)
    for _ in range(2):
        if old > size:
            raise WitnessTruncation(
                f"witness {witness.name} cosigned a tree of {old} entries, but this log has "
                f"{size}: the log was truncated or rolled back",
                witness=witness.name,
                held=old,
                size=size,
            )
        proof = (
            [bytes.fromhex(h) for h in service.ledger.consistency_proof(old, size)["proof"]]
            if 0 < old < size
            else []
        )
        status, body = _post(witness, AddCheckpoint(old, tuple(proof), note).encode())
        if status == 200:
            return body
        if status == 409 and body.strip().isdigit():
            old = int(body.strip())  # the witness says what it holds: prove from there
            continue
        raise InvalidRequest(f"witness {witness.name} answered {status}: {body.strip()[:200]}")
    raise InvalidRequest(f"witness {witness.name} kept answering 409")


def _post(witness: PolicyWitness, body: bytes) -> tuple[int, str]:
    url = str(witness.url).rstrip("/") + "/add-checkpoint"
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "text/plain; charset=utf-8")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return int(answer.status), answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode("utf-8", "replace")


def _held_by(service: Service, name: str) -> int:
    """The largest size ``name`` is known to have cosigned for this log (0 if none)."""
    for row in _rows(service):
        if name in str(row.witnesses).split(","):
            return int(row.size)
    return 0


def _store(service: Service, size: int, note: str, names: list[str]) -> None:
    now = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    with service.writing() as conn:
        existing = conn.execute(
            select(ledger_witnessed.c.witnesses).where(ledger_witnessed.c.size == size)
        ).scalar()
        if existing is None:
            conn.execute(
                insert(ledger_witnessed).values(
                    size=size, note=note, witnesses=",".join(names), created_at=now
                )
            )
            return
        merged = sorted(set(str(existing).split(",")) | set(names))
        conn.execute(
            ledger_witnessed.update()
            .where(ledger_witnessed.c.size == size)
            .values(note=note, witnesses=",".join(merged))
        )


# --- the background submitter -------------------------------------------------------------------


class Submitter:
    """A daemon thread that witnesses the newest checkpoint whenever the log has grown."""

    def __init__(self, service: Service, policy: Policy, interval: float) -> None:
        self.service = service
        self.policy = policy
        self.interval = interval
        self._stop = threading.Event()
        self._done = 0
        self._thread = threading.Thread(target=self._run, name="ledger-witnessing", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                size = self.service.ledger.size()
                if size > self._done:
                    result = witness_now(self.service, self.policy)
                    if result["cosigned_by"]:
                        self._done = size
            except Exception as exc:  # keep trying; the service goes on without witnesses
                log.warning("witnessing failed: %s", exc)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=TIMEOUT + 1)


def start(service: Service) -> Submitter | None:
    """Start the background submitter when a witness policy is set."""
    policy = policy_in_force()
    if policy is None or not any(w.url for w in policy.witnesses.values()):
        return None
    return Submitter(service, policy, settings.current().witness_interval)
