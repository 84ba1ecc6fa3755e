"""Ledger store benchmark: durable appends/s, inclusion-proof latency at scale, start-up time.

    .venv/bin/python benchmarks/bench_ledger.py [--backends sqlite,postgresql] [--threads 1,8,64]
        [--seconds 4] [--sizes 1e6,1e7] [--proof-backends sqlite[,postgresql]] [--proofs 2000]
        [--reload] [--skip-appends] [--skip-proofs] [--cpus 0]

1. Appends: N threads in one process call ``LedgerStore.append`` as fast as they can on a fresh
   database for ``--seconds``; every append returns only once its batch is committed (SQLite WAL
   with synchronous=FULL; PostgreSQL with synchronous_commit on). Prints appends/s, the number of
   batches (one transaction and one signed checkpoint each), and per-append latency.
2. Proofs: a ledger of each ``--sizes`` entries is bulk-loaded directly (records, salts,
   commitments, leaves, every complete node, one signed checkpoint): a SQLite file in
   benchmarks/out/, or a PostgreSQL database ``bl_bench_ledger2_<size>`` loaded with COPY; both are
   kept for the next run with their key (``--reload`` rebuilds them). Then ``inclusion_proof`` for random indices, warm, timed one by one;
   one proof per size is checked with the pure verifier. "Warm": the tree is first brought into
   memory (the SQLite file read through the OS cache; pg_prewarm on the node table and index).
3. Start-up: time to construct a ``LedgerStore`` (read the head, load the right edge) at 1,000
   entries and at each size, and the same including ``LedgerStore.open`` (migration check).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import text

from brightline.ledger.checkpoint import Checkpoint, NoteSigner, open_checkpoint
from brightline.ledger.merkle import leaf_hash, node_hash, verify_inclusion
from brightline.ledger.records import commitment, leaf_data
from brightline.store.db import make_engine, migrate
from brightline.store.ledger import LedgerStore

OUT = Path(__file__).resolve().parent / "out"
PG_ADMIN = os.environ.get(
    "BRIGHTLINE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
ORIGIN = "bench.brightline/ledger"
CHUNK_LEVEL = 16  # bulk load works in aligned chunks of 2**16 leaves
CREATED = "2026-01-01T00:00:00.000000Z"


def decision_record(n: int) -> dict[str, Any]:
    """About the size and shape of what the service logs for one decision."""
    return {
        "type": "decision",
        "n": n,
        "case": {
            "kind": "assistance",
            "at": "2026-03-14T02:10:00-05:00",
            "facts": {
                "activity": "traffic_perimeter",
                "requesting_agency": "ice",
                "purpose": "civil_immigration_enforcement",
                "judicial_warrant": "unknown",
                "within_jurisdiction": True,
            },
        },
        "outcome": "prohibited",
        "rules": ["chicago.eo2025-6.no-perimeter", "illinois.trust.no-civil-assist"],
        "cites": ["EO2025-6.C6", "TRUST.15(a)"],
        "duties": ["document_request"],
        "pack": {"name": "chicago", "version": "2026.1"},
        "actor": {"role": "officer", "username": "officer7"},
    }


# --- appends ------------------------------------------------------------------------------------


def fresh_database(backend: str, workdir: Path) -> tuple[str, Any]:
    """A new empty database URL and a function that drops it."""
    if backend == "sqlite":
        path = workdir / f"append-{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{path}", lambda: None
    import psycopg

    admin = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
    name = f"bl_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name, drop


def run_appends(store: LedgerStore, threads: int, seconds: float) -> dict[str, float]:
    latencies: list[list[float]] = [[] for _ in range(threads)]
    stop = time.perf_counter() + seconds
    start_line = threading.Barrier(threads + 1)

    def worker(t: int) -> None:
        mine = latencies[t]
        record = decision_record(t)
        start_line.wait()
        while True:
            began = time.perf_counter()
            if began >= stop:
                return
            store.append("decision", record)
            mine.append(time.perf_counter() - began)

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for p in pool:
        p.start()
    size0 = store.size()
    start_line.wait()
    began, cpu0 = time.perf_counter(), time.process_time()
    for p in pool:
        p.join()
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu0
    return _summary(store, size0, [x for xs in latencies for x in xs], elapsed, cpu)


def _summary(
    store: LedgerStore, size0: int, latencies: list[float], elapsed: float, cpu: float
) -> dict[str, float]:
    """Appends/s, batches, latency percentiles and CPU per append of one run."""
    flat = sorted(latencies)
    with store.engine.connect() as conn:
        batches = conn.exec_driver_sql(
            f"SELECT count(*) FROM ledger_checkpoints WHERE size > {size0}"
        ).scalar_one()
    return {
        "appends": len(flat),
        "per_s": len(flat) / elapsed,
        "cpu_us": cpu / max(len(flat), 1) * 1e6,
        "batches": batches,
        "p50": flat[len(flat) // 2] * 1e3,
        "p99": flat[int(len(flat) * 0.99)] * 1e3,
    }


def run_append_tasks(store: LedgerStore, tasks: int, seconds: float) -> dict[str, float]:
    """Like :func:`run_appends`, with asyncio tasks on one event loop (as the web service
    appends) instead of threads."""
    import asyncio

    latencies: list[float] = []
    size0 = store.size()

    async def worker(t: int, stop: float) -> None:
        record = decision_record(t)
        while True:
            began = time.perf_counter()
            if began >= stop:
                return
            await store.append_async("decision", record)
            latencies.append(time.perf_counter() - began)

    async def main() -> None:
        stop = time.perf_counter() + seconds
        await asyncio.gather(*(worker(t, stop) for t in range(tasks)))

    began, cpu0 = time.perf_counter(), time.process_time()
    asyncio.run(main())
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu0
    return _summary(store, size0, latencies, elapsed, cpu)


def commit_floor_ms(work: Path, commits: int = 300) -> float:
    """Median wall time of one tiny durable transaction on this disk, for scale."""
    db = sqlite3.connect(work / "floor.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)")
    timings = []
    for k in range(commits):
        began = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (?, ?)", (k, os.urandom(32)))
        db.execute("COMMIT")
        timings.append(time.perf_counter() - began)
    db.close()
    return statistics.median(timings) * 1e3


def bench_appends(backends: list[str], threads: list[int], seconds: float, work: Path) -> None:
    size = len(_canonical_size())
    print(f"\n## Durable appends (group commit), record {size} bytes, {seconds:g} s per run")
    print("CPU µs/append: this process's CPU time per append (PostgreSQL's own CPU not included)")
    print(
        f"reference: one durable SQLite commit (WAL, synchronous=FULL) takes "
        f"{commit_floor_ms(work):.2f} ms here, so 64 appenders cannot exceed 64 per commit"
    )
    print(
        f"{'backend':<11}{'mode':<8}{'appenders':>10}{'appends/s':>11}{'batches':>9}{'mean batch':>12}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'CPU µs/append':>15}"
    )
    runners = {"threads": run_appends, "tasks": run_append_tasks}
    for backend in backends:
        for mode, n in [(m, n) for m in ("threads", "tasks") for n in threads]:
            url, drop = fresh_database(backend, work)
            try:
                store = LedgerStore.open(url)
                store.append("decision", decision_record(-1))  # start the writer
                r = runners[mode](store, n, seconds)
                store.close()
            finally:
                drop()
            print(
                f"{backend:<11}{mode:<8}{n:>10}{r['per_s']:>11,.0f}{r['batches']:>9,}"
                f"{r['appends'] / max(r['batches'], 1):>12.1f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
                f"{r['cpu_us']:>15.1f}",
                flush=True,
            )


def _canonical_size() -> bytes:
    from brightline.store.ledger import encode_record

    return encode_record(decision_record(0))


# --- bulk load ----------------------------------------------------------------------------------


def chunk_nodes(leaves: list[bytes], first: int) -> Iterator[tuple[int, int, bytes]]:
    """Every complete node over ``leaves`` (which start at the aligned index ``first``), the
    leaves themselves first (the store keeps those in ``ledger_entries`` only)."""
    level, row, index0 = 0, leaves, first
    while row:
        for i, digest in enumerate(row):
            yield level, index0 + i, digest
        if len(row) < 2:
            return
        row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)]
        level, index0 = level + 1, index0 // 2


def upper_nodes(roots: list[bytes]) -> Iterator[tuple[int, int, bytes]]:
    """Complete nodes above the chunk level, from the chunk roots (complete chunks only)."""
    level, row = CHUNK_LEVEL, roots
    while len(row) >= 2:
        row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)]
        level += 1
        for i, digest in enumerate(row):
            yield level, i, digest


def ledger_rows(size: int) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[int, int, bytes]]]]:
    """The rows of a ledger of ``size`` entries, chunk by chunk: (entries, nodes)."""
    chunk = 1 << CHUNK_LEVEL
    roots: list[bytes] = []
    for first in range(0, size, chunk):
        count = min(chunk, size - first)
        entries, leaves = make_entries(first, count)
        nodes = [node for node in chunk_nodes(leaves, first) if node[0]]
        if count == chunk:
            roots.append(nodes[-1][2])
        yield entries, nodes
    yield [], list(upper_nodes(roots))


def progress(done: int, size: int, began: float) -> None:
    print(
        f"  loaded {done:,} of {size:,} ({time.perf_counter() - began:.0f} s)",
        file=sys.stderr,
        flush=True,
    )


def load_sqlite(path: Path, size: int) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    began, done = time.perf_counter(), 0
    for n, (entries, nodes) in enumerate(ledger_rows(size)):
        db.executemany(
            "INSERT INTO ledger_entries (idx, kind, commitment, leaf_hash, record, salt, "
            f"redacted, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, '{CREATED}')",
            entries,
        )
        db.executemany("INSERT INTO ledger_nodes (level, idx, hash) VALUES (?, ?, ?)", nodes)
        done += len(entries)
        if n % 16 == 15:
            db.execute("COMMIT")
            db.execute("BEGIN")
            progress(done, size, began)
    db.execute("COMMIT")
    db.close()


def load_postgresql(url: str, size: int) -> None:
    import psycopg

    entry_columns = "idx, kind, commitment, leaf_hash, record, salt, redacted, created_at"
    began, done = time.perf_counter(), 0
    with psycopg.connect(libpq(url)) as conn, conn.cursor() as cur:
        for n, (entries, nodes) in enumerate(ledger_rows(size)):
            with cur.copy(f"COPY ledger_entries ({entry_columns}) FROM STDIN") as copy:
                for row in entries:
                    copy.write_row((*row, False, CREATED))
            with cur.copy("COPY ledger_nodes (level, idx, hash) FROM STDIN") as copy:
                for node in nodes:
                    copy.write_row(node)
            done += len(entries)
            if n % 16 == 15:
                conn.commit()
                progress(done, size, began)
        conn.commit()


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def make_entries(first: int, count: int) -> tuple[list[tuple[Any, ...]], list[bytes]]:
    salts = os.urandom(16 * count)
    rows: list[tuple[Any, ...]] = []
    leaves: list[bytes] = []
    for i in range(count):
        record = f'{{"n":{first + i},"type":"bench"}}'
        salt = salts[16 * i : 16 * i + 16]
        commit = commitment(record.encode(), salt)
        leaf = leaf_hash(leaf_data("bench", commit))
        rows.append((first + i, "bench", commit, leaf, record, salt))
        leaves.append(leaf)
    return rows, leaves


def finish_with_checkpoint(url: str, size: int, signer: NoteSigner) -> None:
    """Set the head and store the signed checkpoint at ``size`` (root from the stored edge)."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE ledger_head SET size = :n WHERE id = 1"), {"n": size})
    store = LedgerStore(engine, signer, origin=ORIGIN)
    root = bytes.fromhex(store.inclusion_proof(0)["root"])  # from the stored right edge
    note = signer.sign(Checkpoint(ORIGIN, size, root).body())
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ledger_checkpoints (size, root, note, created_at, previous) "
                "VALUES (:size, :root, :note, :at, 0)"
            ),
            {"size": size, "root": root, "note": note, "at": CREATED},
        )
    store.close()
    engine.dispose()


class Cached:
    """A bulk-loaded ledger of one size on one backend, kept between runs with its key."""

    def __init__(self, backend: str, size: int) -> None:
        self.backend, self.size = backend, size
        stem = f"ledger-{size}" if backend == "sqlite" else f"pg2-ledger-{size}"
        self.key_file = OUT / f"{stem}.key"
        self.path = OUT / f"{stem}.db"
        self.pg_name = f"bl_bench_ledger2_{size}"  # 2: the schema with the checkpoint chain
        if backend == "sqlite":
            self.url = f"sqlite:///{self.path}"
        else:
            self.url = PG_ADMIN.rsplit("/", 1)[0] + "/" + self.pg_name

    def exists(self) -> bool:
        if not self.key_file.exists():
            return False
        if self.backend == "sqlite":
            return self.path.exists()
        return bool(self._admin(f"SELECT 1 FROM pg_database WHERE datname = '{self.pg_name}'"))

    def _admin(self, sql: str) -> Any:
        import psycopg

        with psycopg.connect(libpq(PG_ADMIN), autocommit=True) as conn:
            return conn.execute(sql).fetchone() if sql.startswith("SELECT") else conn.execute(sql)

    def load(self, reload: bool) -> tuple[NoteSigner, float | None]:
        if self.exists() and not reload:
            return NoteSigner.from_skey(self.key_file.read_text().strip()), None
        OUT.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        if self.backend == "sqlite":
            for stale in OUT.glob(f"{self.path.name}*"):
                stale.unlink()
            migrate(self.url)
            load_sqlite(self.path, self.size)
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.pg_name}"')
            migrate(self.url)
            load_postgresql(self.url, self.size)
        signer = NoteSigner.generate(ORIGIN)
        finish_with_checkpoint(self.url, self.size, signer)
        self.key_file.write_text(signer.skey + "\n")
        return signer, time.perf_counter() - began

    def warm(self) -> None:
        """Bring the tree into memory, as on a serving machine: read the SQLite file through the
        OS cache, or pg_prewarm the node table and its index (a full scan if pg_prewarm is not
        installed)."""
        if self.backend == "sqlite":
            with open(self.path, "rb") as f:
                while f.read(1 << 24):
                    pass
            return
        import psycopg

        with psycopg.connect(libpq(self.url), autocommit=True) as conn:
            try:
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
                conn.execute("SELECT pg_prewarm('ledger_nodes'), pg_prewarm('pk_ledger_nodes')")
            except psycopg.Error:
                conn.execute("SELECT sum(length(hash)) FROM ledger_nodes")

    def megabytes(self) -> float:
        if self.backend == "sqlite":
            return self.path.stat().st_size / 1e6
        row = self._admin(f"SELECT pg_database_size('{self.pg_name}')")
        return float(row[0]) / 1e6


# --- proofs and start-up ------------------------------------------------------------------------


def open_store(url: str, signer: NoteSigner, tile_cache: int = 0) -> tuple[LedgerStore, float]:
    """The store on its own engine, as ``LedgerStore.open`` builds it (no tile cache unless
    asked: every tile timed is read from the database)."""
    from sqlalchemy.pool import QueuePool

    pool: dict[str, Any] = {"poolclass": QueuePool, "pool_size": 2}
    engine = make_engine(url, **(pool if url.startswith("sqlite") else {}))
    with engine.connect() as conn:  # connect once so the timing is the store's own work
        conn.exec_driver_sql("SELECT 1")
    began = time.perf_counter()
    store = LedgerStore(engine, signer, origin=ORIGIN, tile_cache=tile_cache)
    return store, time.perf_counter() - began


def startup_times(url: str, signer: NoteSigner, repeat: int = 9) -> tuple[float, float]:
    """Median seconds to construct the store, and to run LedgerStore.open (with migration check)."""
    constructs, opens = [], []
    os.environ["BRIGHTLINE_SIGNING_KEY"] = signer.skey
    os.environ["BRIGHTLINE_LOG_ORIGIN"] = ORIGIN
    for _ in range(repeat):
        store, seconds = open_store(url, signer)
        store.close()
        constructs.append(seconds)
        began = time.perf_counter()
        LedgerStore.open(url).close()
        opens.append(time.perf_counter() - began)
    return statistics.median(constructs), statistics.median(opens)


def proof_latency(store: LedgerStore, size: int, count: int) -> dict[str, float]:
    rng = random.Random(size)
    for _ in range(50):
        store.inclusion_proof(rng.randrange(size))  # warm the cache and the pool
    timings = []
    for _ in range(count):
        index = rng.randrange(size)
        began = time.perf_counter()
        store.inclusion_proof(index)
        timings.append(time.perf_counter() - began)
    proof = store.inclusion_proof(rng.randrange(size))
    cp = open_checkpoint(proof["checkpoint"], store.vkey)
    verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]),
        proof["index"],
        size,
        [bytes.fromhex(h) for h in proof["proof"]],
        cp.root,
    )
    timings.sort()
    return {
        "p50": timings[len(timings) // 2] * 1e3,
        "p99": timings[int(len(timings) * 0.99)] * 1e3,
        "mean": statistics.fmean(timings) * 1e3,
        "hashes": len(proof["proof"]),
    }


def tile_latency(store: LedgerStore, size: int, count: int) -> dict[str, float]:
    """Serving full tiles, uncached: random level-0 tiles (8 KiB of leaf hashes, one range read
    of the entries) and, where the tree has them, random full level-1 tiles (one range read of
    the nodes). Each tile is checked against the level above once."""
    from brightline.ledger.tiles import Tile, split_hashes, subtree_root

    rng = random.Random(size + 1)
    full0 = size // 256
    full1 = size // 65536
    if not full0:
        return {"p50": float("nan"), "p99": float("nan"), "l1_p50": float("nan")}
    for _ in range(20):
        store.tile(Tile(0, rng.randrange(full0)))
    timings, upper = [], []
    for _ in range(count):
        tile = Tile(0, rng.randrange(full0))
        began = time.perf_counter()
        store.tile(tile)
        timings.append(time.perf_counter() - began)
        if full1:
            tile = Tile(1, rng.randrange(full1))
            began = time.perf_counter()
            store.tile(tile)
            upper.append(time.perf_counter() - began)
    if full1:
        n = rng.randrange(full1 * 256)
        above = split_hashes(store.tile(Tile(1, n // 256)), Tile(1, n // 256))[n % 256]
        assert subtree_root(split_hashes(store.tile(Tile(0, n)), Tile(0, n))) == above
    timings.sort()
    upper.sort()
    return {
        "p50": timings[len(timings) // 2] * 1e3,
        "p99": timings[int(len(timings) * 0.99)] * 1e3,
        "l1_p50": upper[len(upper) // 2] * 1e3 if upper else float("nan"),
    }


def bench_proofs(backends: list[str], sizes: list[int], count: int, reload: bool) -> None:
    print("\n## Inclusion proofs, full tiles and start-up (bulk-loaded ledgers)")
    print(
        f"{'backend':<11}{'entries':>12}{'load s':>9}{'proof p50 ms':>14}{'p99 ms':>9}"
        f"{'mean ms':>9}{'hashes':>8}{'tile p50 ms':>13}{'p99 ms':>9}{'L1 p50':>8}"
        f"{'tile/proof':>11}{'start ms':>10}{'open ms':>9}{'MB':>8}"
    )
    for backend in backends:
        for size in [1000, *sizes]:
            target = Cached(backend, size)
            signer, load_s = target.load(reload)
            target.warm()
            store, _ = open_store(target.url, signer)
            lat = proof_latency(store, size, count)
            tiles = tile_latency(store, size, count)
            store.close()
            construct_s, open_s = startup_times(target.url, signer)
            load = "cached" if load_s is None else f"{load_s:.0f}"
            print(
                f"{backend:<11}{size:>12,}{load:>9}{lat['p50']:>14.3f}{lat['p99']:>9.3f}"
                f"{lat['mean']:>9.3f}{lat['hashes']:>8.0f}{tiles['p50']:>13.3f}"
                f"{tiles['p99']:>9.3f}{tiles['l1_p50']:>8.3f}{tiles['p50'] / lat['p50']:>11.2f}"
                f"{construct_s * 1e3:>10.2f}"
                f"{open_s * 1e3:>9.1f}{target.megabytes():>8,.0f}",
                flush=True,
            )
    print(
        "tile = one full level-0 tile (256 leaf hashes) read uncached; L1 = a full level-1 tile; "
        "tile/proof = tile p50 over proof p50\n"
        "start = construct LedgerStore on an open engine (head + right edge); "
        "open = LedgerStore.open incl. the Alembic check"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--threads", default="1,8,64")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--sizes", default="1e6,1e7")
    parser.add_argument("--proof-backends", default="sqlite")
    parser.add_argument("--proofs", type=int, default=2000)
    parser.add_argument("--reload", action="store_true", help="rebuild the cached ledgers")
    parser.add_argument("--skip-appends", action="store_true")
    parser.add_argument("--skip-proofs", action="store_true")
    parser.add_argument(
        "--cpus",
        default="",
        help="run this process (appenders and writer) on these CPUs only, e.g. 0 or 0,1",
    )
    args = parser.parse_args()
    if args.cpus:
        os.sched_setaffinity(0, {int(c) for c in args.cpus.split(",")})
    print(
        f"# bench_ledger  (python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} CPUs, running on CPUs {sorted(os.sched_getaffinity(0))}, "
        f"load average {os.getloadavg()[0]:.2f})"
    )
    with tempfile.TemporaryDirectory(prefix="bl-bench-") as tmp:
        os.environ["BRIGHTLINE_DATA_DIR"] = tmp
        if not args.skip_appends:
            bench_appends(
                args.backends.split(","),
                [int(t) for t in args.threads.split(",")],
                args.seconds,
                Path(tmp),
            )
    if not args.skip_proofs:
        sizes = [int(float(s)) for s in args.sizes.split(",") if s]
        bench_proofs(args.proof_backends.split(","), sizes, args.proofs, args.reload)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
