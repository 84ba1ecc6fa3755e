"""Rate limits shared by every worker process: events are rows of ``rate_events`` in the
database, so two workers (or two servers on one database) count together.

What is limited (a client address, an account name) is never stored: only its keyed hash
(HMAC-SHA256 under the server secret, so the 2^32 IPv4 addresses cannot be tried one by one
without the secret), and only for the limit's window: each check deletes the bucket's events
older than the window.

The limits in force (``brightline.settings``): public reports ``BRIGHTLINE_REPORT_RATE`` per
client (default 5 in 600 s); failed sign-ins ``BRIGHTLINE_LOGIN_ACCOUNT_RATE`` per account
(5 in 900 s) and ``BRIGHTLINE_LOGIN_CLIENT_RATE`` per client (20 in 900 s).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, func, insert, select

from brightline.errors import RateLimited
from brightline.settings import Rate
from brightline.store.tables_app import rate_events

if TYPE_CHECKING:
    from brightline.service.core import Service

Clock = Callable[[], float]


def keyed_hash(service: Service, bucket: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` under the server secret, separate per bucket."""
    key = service.secret.encode("utf-8")
    return hmac.new(key, f"{bucket}\x00{value}".encode(), hashlib.sha256).hexdigest()


def _count(conn: Connection, bucket: str, key: str, since: float) -> tuple[int, float | None]:
    row = conn.execute(
        select(func.count(), func.min(rate_events.c.at)).where(
            rate_events.c.bucket == bucket,
            rate_events.c.key_hash == key,
            rate_events.c.at > since,
        )
    ).one()
    return int(row[0] or 0), (float(row[1]) if row[1] is not None else None)


def _forget_old(conn: Connection, bucket: str, since: float) -> None:
    conn.execute(
        delete(rate_events).where(rate_events.c.bucket == bucket, rate_events.c.at <= since)
    )


def _refusal(message: str, rate: Rate, oldest: float | None, now: float) -> RateLimited:
    retry = rate.seconds if oldest is None else max(1, math.ceil(oldest + rate.seconds - now))
    return RateLimited(
        f"{message}: at most {rate.count} per {rate.seconds} s; try again in {retry} s",
        limit=rate.count,
        window_seconds=rate.seconds,
        retry_after=retry,
    )


def take(service: Service, bucket: str, value: str, rate: Rate, *, message: str) -> None:
    """Count one event for ``value`` in ``bucket``, or raise :class:`RateLimited` (nothing
    counted) when ``rate`` is used up."""
    now = service.clock()
    since = now - rate.seconds
    key = keyed_hash(service, bucket, value)
    with service.writing() as conn:
        _forget_old(conn, bucket, since)
        count, oldest = _count(conn, bucket, key, since)
        if count >= rate.count:
            raise _refusal(message, rate, oldest, now)
        conn.execute(insert(rate_events).values(bucket=bucket, key_hash=key, at=now))


def check(service: Service, bucket: str, value: str, rate: Rate, *, message: str) -> None:
    """Raise :class:`RateLimited` when ``rate`` is used up for ``value``; count nothing."""
    now = service.clock()
    since = now - rate.seconds
    with service.reading() as conn:
        count, oldest = _count(conn, bucket, keyed_hash(service, bucket, value), since)
    if count >= rate.count:
        raise _refusal(message, rate, oldest, now)


def add(service: Service, bucket: str, value: str, rate: Rate) -> None:
    """Count one event without checking (e.g. a failed sign-in)."""
    now = service.clock()
    with service.writing() as conn:
        _forget_old(conn, bucket, now - rate.seconds)
        conn.execute(
            insert(rate_events).values(
                bucket=bucket, key_hash=keyed_hash(service, bucket, value), at=now
            )
        )


def clear(service: Service, bucket: str, value: str) -> None:
    """Forget every event of ``value`` in ``bucket`` (e.g. after a good sign-in)."""
    key = keyed_hash(service, bucket, value)
    with service.writing() as conn:
        conn.execute(
            delete(rate_events).where(rate_events.c.bucket == bucket, rate_events.c.key_hash == key)
        )


def wall_clock() -> float:
    return time.time()
