"""Several processes on one database, and processes killed with SIGKILL mid-append.

A child process (``APPENDER`` below) appends from a few threads and writes one line per
acknowledged append: ``<index> <token>``. The tests check that the log stays one line whatever
the processes do, and that every acknowledged append survives ``kill -9`` at a random moment.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from brightline.store.ledger import LedgerStore

APPENDER = r"""
import os, sys, threading
from brightline.store.ledger import LedgerStore

url, prefix, threads, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
store = LedgerStore.open(url)

def work(t):
    n = 0
    while count == 0 or n < count:
        token = f"{prefix}-{t}-{n}"
        receipt = store.append("fault.test", {"token": token})
        os.write(1, f"{receipt.index} {token}\n".encode())
        n += 1

workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
store.close()
"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """One data dir (so one signing key) for the test process and its children."""
    monkeypatch.setenv("BRIGHTLINE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BRIGHTLINE_SIGNING_KEY", raising=False)
    monkeypatch.delenv("BRIGHTLINE_LOG_ORIGIN", raising=False)
    return dict(os.environ)


def spawn(
    url: str, prefix: str, threads: int, count: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", APPENDER, url, prefix, str(threads), str(count)],
        stdout=subprocess.PIPE,
        env=env,
    )


def acknowledged(output: bytes) -> dict[str, int]:
    """token -> index for every complete line (a line cut by the kill is not an ack)."""
    acks: dict[str, int] = {}
    for line in output.split(b"\n")[:-1]:
        index, token = line.decode().split(" ")
        assert token not in acks
        acks[token] = int(index)
    return acks


def check_one_line(store: LedgerStore, acks: dict[str, int]) -> None:
    """The log verifies, every acknowledged append is where its receipt said, and no record
    appears twice."""
    report = store.verify()
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT idx, record FROM ledger_entries ORDER BY idx")).all()
    assert [r.idx for r in rows] == list(range(report["size"]))
    logged = [json.loads(r.record)["token"] for r in rows]
    assert len(logged) == len(set(logged)), "an append was logged twice"
    for token, index in acks.items():
        assert logged[index] == token, f"acknowledged {token} at {index}, found {logged[index]}"


def test_processes_appending_at_once_make_one_linear_log(db_url: str, env: dict[str, str]) -> None:
    LedgerStore.open(db_url).close()  # migrate and create the key before the race
    children = [spawn(db_url, f"p{n}", 4, 30, env) for n in range(4)]
    acks: dict[str, int] = {}
    for child in children:
        out, _ = child.communicate(timeout=120)
        assert child.returncode == 0
        acks.update(acknowledged(out))
    assert len(acks) == 4 * 4 * 30
    assert sorted(acks.values()) == list(range(480))
    store = LedgerStore.open(db_url)
    try:
        assert store.size() == 480
        check_one_line(store, acks)
    finally:
        store.close()


def _kill_at_random(child: subprocess.Popen[bytes], rng: random.Random) -> bytes:
    """Kill -9 the child at a random moment: half the time anywhere from start-up on, else a
    random while after its first acknowledged append. Returns everything it wrote."""
    assert child.stdout is not None
    if rng.random() < 0.5:
        select.select([child.stdout], [], [], 30)
    time.sleep(rng.uniform(0.0, 0.25))
    os.kill(child.pid, signal.SIGKILL)
    out = child.stdout.read()
    child.wait()
    return out


@pytest.mark.slow
def test_kill_9_never_loses_an_acknowledged_append(db_url: str, env: dict[str, str]) -> None:
    LedgerStore.open(db_url).close()
    seed = os.getpid() ^ int(time.time())
    print(f"kill -9 schedule: random.Random({seed})")  # shown when the test fails
    rng = random.Random(seed)
    acks: dict[str, int] = {}
    for round_ in range(20):
        child = spawn(db_url, f"k{round_}", 3, 0, env)
        acks.update(acknowledged(_kill_at_random(child, rng)))
    assert acks, "no append was acknowledged in 20 rounds"
    store = LedgerStore.open(db_url)
    try:
        check_one_line(store, acks)
        survivor = store.append("fault.test", {"token": "after"})
        assert survivor.index == store.size() - 1
        assert store.verify()["size"] == survivor.index + 1
    finally:
        store.close()
