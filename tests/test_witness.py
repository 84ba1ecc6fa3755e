"""Witnessing (c2sp.org/tlog-witness, tlog-cosignature, tlog-policy): the pure judgement with the
spec's status codes, policies and quorums, and a real `brightline witness serve` process on a free
port that the service submits its checkpoints to: it cosigns consistent growth, persists before
answering (a restarted witness still knows what it cosigned), and refuses the truncated and the
forked log."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from brightline.errors import InvalidRequest
from brightline.ledger.checkpoint import Checkpoint, NoteSigner, NoteVerifier, open_checkpoint
from brightline.ledger.merkle import EMPTY_ROOT, CompactRange, leaf_hash
from brightline.ledger.witness import (
    AddCheckpoint,
    CosignatureVerifier,
    Cosigner,
    Held,
    WitnessRefusal,
    judge,
    parse_policy,
)
from brightline.service import Service
from test_ledger_tamper import truncate
from test_service_support import DETAINER_CASE, OFFICER
from tlog_support import serve_app

ORIGIN = "brightline.chicago/ledger"

# --- cosignatures and the judgement -------------------------------------------------------------


def test_cosignature_signs_the_spec_message_and_verifies() -> None:
    log = NoteSigner.generate(ORIGIN)
    witness = Cosigner.generate("witness.example/w1")
    body = Checkpoint(ORIGIN, 3, bytes(range(32))).body()
    note = log.sign(body)
    line = witness.cosign(body, 1_700_000_000)
    assert line.startswith("\u2014 witness.example/w1 ") and line.endswith("\n")
    verifier = CosignatureVerifier(witness.vkey)
    assert verifier.verify(note + line) == 1_700_000_000
    assert Cosigner.from_skey(witness.skey).vkey == witness.vkey
    assert __import__("base64").b64decode(witness.vkey.split("+", 2)[2])[0] == 0x04
    # the signed message is the spec's: header, time line, checkpoint body
    raw = __import__("base64").b64decode(line.split()[-1])
    assert raw[:4] == witness.key_id and int.from_bytes(raw[4:12], "big") == 1_700_000_000
    other = Checkpoint(ORIGIN, 4, bytes(range(32))).body()
    with pytest.raises(Exception, match="does not verify"):
        verifier.verify(log.sign(other) + line)


@dataclass
class Log:
    signer: NoteSigner
    edge: CompactRange

    def grow(self, n: int) -> str:
        for i in range(n):
            self.edge.append(leaf_hash(f"{self.edge.size}-{i}".encode()))
        return self.signer.sign(Checkpoint(ORIGIN, self.edge.size, self.edge.root()).body())


def test_judge_follows_the_spec_status_codes() -> None:
    log = Log(NoteSigner.generate(ORIGIN), CompactRange())
    logs = {ORIGIN: [NoteVerifier(log.signer.vkey)]}
    first = log.grow(4)
    cp4 = judge(AddCheckpoint(0, (), first), logs, None)
    held = Held(cp4.size, cp4.root, first)

    def refused(request: AddCheckpoint, held: Held | None) -> WitnessRefusal:
        with pytest.raises(WitnessRefusal) as caught:
            judge(request, logs, held)
        return caught.value

    stranger = NoteSigner.generate("elsewhere.example/log").sign(
        Checkpoint("elsewhere.example/log", 1, bytes(32)).body()
    )
    assert refused(AddCheckpoint(0, (), stranger), None).status == 404
    forged = NoteSigner.generate(ORIGIN).sign(Checkpoint(ORIGIN, 9, bytes(32)).body())
    assert refused(AddCheckpoint(4, (), forged), held).status == 403
    conflict = refused(AddCheckpoint(2, (), log.grow(0)), held)
    assert conflict.status == 409 and conflict.body == "4\n"
    assert conflict.content_type == "text/x.tlog.size"
    assert refused(AddCheckpoint(5, (), first), held).status == 400  # old size above the new
    second = log.grow(3)
    assert refused(AddCheckpoint(4, (bytes(32),), second), held).status == 422  # bad proof
    fork = log.signer.sign(Checkpoint(ORIGIN, 4, bytes(32)).body())
    assert refused(AddCheckpoint(4, (), fork), held).status == 422  # same size, other root
    empty = log.signer.sign(Checkpoint(ORIGIN, 0, bytes(32)).body())
    assert refused(AddCheckpoint(0, (), empty), None).status == 422
    assert (
        judge(
            AddCheckpoint(0, (), log.signer.sign(Checkpoint(ORIGIN, 0, EMPTY_ROOT).body())),
            logs,
            None,
        ).size
        == 0
    )
    with pytest.raises(WitnessRefusal) as bad:
        AddCheckpoint.parse(b"old 01\n\n" + first.encode())
    assert bad.value.status == 400
    round_trip = AddCheckpoint.parse(AddCheckpoint(4, (bytes(32),), second).encode())
    assert round_trip == AddCheckpoint(4, (bytes(32),), second)


def test_policy_quorums() -> None:
    a, b, c = (Cosigner.generate(f"w.example/{n}") for n in "abc")
    log = NoteSigner.generate(ORIGIN)
    policy = parse_policy(
        f"# two of three\nlog {log.vkey} http://log.example/ledger\n"
        f"witness A {a.vkey} http://a.example\nwitness B {b.vkey}\n\twitness C {c.vkey}\n"
        "group two 2 A B C\ngroup need-a all A two\nquorum need-a\n"
    )
    assert policy.witnesses["A"].url == "http://a.example" and policy.witnesses["B"].url is None
    assert policy.satisfied(["A", "B"]) and not policy.satisfied(["B", "C"])
    assert not policy.satisfied(["A"])
    assert parse_policy("quorum none\n").satisfied([])
    for bad, why in [
        ("", "no quorum line"),
        ("quorum X\n", "not defined"),
        (f"witness A {a.vkey}\nwitness A {b.vkey}\nquorum A\n", "already defined"),
        (f"witness A {a.vkey}\nwitness B {a.vkey}\nquorum A\n", "duplicate witness key"),
        (f"witness A {a.vkey}\ngroup g 2 A\nquorum g\n", "threshold"),
        (f"witness A {log.vkey}\nquorum A\n", "0x04"),
        ("wittness A x\nquorum none\n", "expected"),
    ]:
        with pytest.raises(InvalidRequest, match=why):
            parse_policy(bad)


# --- a real witness process ---------------------------------------------------------------------


@dataclass
class RunningWitness:
    url: str
    vkey: str
    process: subprocess.Popen[str]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def start_witness(tmp_path: Path, log_vkey: str) -> RunningWitness:
    env = {**os.environ, "BRIGHTLINE_DATA_DIR": str(tmp_path / "witness-data")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "brightline",
            "witness",
            "serve",
            "--key",
            str(tmp_path / "w.key"),
            "--name",
            "inspector-general.example/w1",
            "--state",
            str(tmp_path / "w.db"),
            "--log",
            log_vkey,
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    vkey = process.stdout.readline().split()[-1]
    line = process.stdout.readline()
    assert line.startswith("listening on http://"), line
    url = line.split()[-1]
    for _ in range(200):  # until uvicorn answers
        try:
            urllib.request.urlopen(url + "/none/checkpoint", timeout=2)
        except urllib.error.HTTPError:
            break
        except OSError:
            __import__("time").sleep(0.05)
    return RunningWitness(url, vkey, process)


def post(url: str, body: bytes) -> tuple[int, str]:
    request = urllib.request.Request(url + "/add-checkpoint", data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def witnessed(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Service, RunningWitness]]:
    """A service whose policy names one real witness process (quorum: that witness)."""
    signer = NoteSigner.generate(ORIGIN)
    monkeypatch.setenv("BRIGHTLINE_SIGNING_KEY", signer.skey)
    witness = start_witness(tmp_path, signer.vkey)
    policy = tmp_path / "policy.txt"
    policy.write_text(f"log {signer.vkey}\nwitness IG {witness.vkey} {witness.url}\nquorum IG\n")
    monkeypatch.setenv("BRIGHTLINE_WITNESS_POLICY", str(policy))
    monkeypatch.setenv("BRIGHTLINE_WITNESS_INTERVAL", "3600")  # tests submit by hand
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(tmp_path / "var"))
    service = Service.open(sqlite_url)
    try:
        yield service, witness
    finally:
        service.close()
        witness.stop()


def test_the_service_gets_cosignatures_and_publishes_them(
    witnessed: tuple[Service, RunningWitness],
    tmp_path: Path,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service, witness = witnessed
    decided = [service.decide(DETAINER_CASE, actor=OFFICER) for _ in range(3)]
    with serve_app(service) as url:
        with pytest.raises(urllib.error.HTTPError) as none_yet:  # nothing cosigned yet
            urllib.request.urlopen(url + "/checkpoint")
        assert none_yet.value.code == 404
        result = service.witness_now()
        assert result == {"size": 3, "cosigned_by": ["IG"], "quorum": True, "refused": {}}
        published = urllib.request.urlopen(url + "/checkpoint").read().decode()
    assert open_checkpoint(published, service.ledger.vkey).size == 3
    assert CosignatureVerifier(witness.vkey).verify(published) > 1_600_000_000
    receipt = service.get_decision(decided[0]["id"], actor=OFFICER)["receipt"]
    assert receipt["witnessed"]["witnesses"] == ["IG"] and receipt["witnessed"]["tree_size"] == 3
    # the log grows: the next submission carries a consistency proof from size 3
    service.decide(DETAINER_CASE, actor=OFFICER)
    assert service.witness_now()["cosigned_by"] == ["IG"]
    # the witness serves what it cosigned, and kept it across a restart
    origin_hash = hashlib.sha256(ORIGIN.encode()).hexdigest()
    held = urllib.request.urlopen(f"{witness.url}/{origin_hash}/checkpoint").read().decode()
    assert open_checkpoint(held, service.ledger.vkey).size == 4
    witness.stop()
    again = start_witness(tmp_path, service.ledger.vkey)
    try:
        old = open_checkpoint(published, service.ledger.vkey)
        assert old.size == 3
        status, body = post(again.url, AddCheckpoint(0, (), published).encode())
        assert (status, body) == (409, "4\n")  # persisted before it answered, still held
        status, body = post(again.url, AddCheckpoint(4, (), published).encode())
        assert status == 400  # a rollback to size 3: old size above the checkpoint's
    finally:
        again.stop()


def test_the_witness_refuses_a_truncated_then_forked_log(
    witnessed: tuple[Service, RunningWitness],
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service, _ = witnessed
    for _ in range(6):
        service.decide(DETAINER_CASE, actor=OFFICER)
    assert service.witness_now()["quorum"]
    truncate(service, 4)  # the attack of the issue: newest entries, checkpoints, nodes, head
    service.close()
    attacked = Service.open(sqlite_url)
    try:
        result = attacked.witness_now()
        assert result["cosigned_by"] == [] and not result["quorum"]
        assert (
            "witness IG cosigned a tree of 6 entries, but this log has 4" in result["refused"]["IG"]
        )
        for _ in range(5):  # grow past the old size with other entries: a fork
            attacked.decide(DETAINER_CASE, actor=OFFICER)
        result = attacked.witness_now()
        assert not result["quorum"]
        assert (
            "answered 422" in result["refused"]["IG"]
            and "not consistent" in result["refused"]["IG"]
        )
        # what the service publishes is still the last honestly witnessed checkpoint
        assert open_checkpoint(attacked.published_checkpoint(), attacked.ledger.vkey).size == 6
    finally:
        attacked.close()
