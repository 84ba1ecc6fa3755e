"""The one settings module: every ``BRIGHTLINE_*`` environment variable brightline reads, checked
once, into one frozen :class:`Settings`.

Entry points (``Service.open``, the web app's worker factory, the command line) call
:func:`current`, which reads the environment the first time and keeps the result for the life of
the process; nothing else in brightline reads ``os.environ``. :func:`from_env` builds a fresh
value from any mapping (tests pass their own). A bad value raises :class:`SettingError`, naming
the variable, the allowed values and what came; nothing starts with a bad setting.

Each setting is documented in the README's configuration table; to add one, add a field here, its
parsing in :func:`from_env` and a row in that table (``tests/test_settings.py`` checks the table
names every variable).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from brightline.errors import SettingError

PREFIX = "BRIGHTLINE_"
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off", "")

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Rate:
    """At most ``count`` events per ``seconds`` (a sliding window)."""

    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}"


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with its default. Read the README's configuration table for the
    meaning of each; the field name is the variable name without ``BRIGHTLINE_``, lower-cased."""

    # storage and keys
    database_url: str | None = None
    data_dir: Path = Path("var")
    signing_key: str | None = None
    log_origin: str = "brightline.chicago/ledger"
    # witnesses of the ledger (c2sp.org/tlog-policy file) and how often to ask them
    witness_policy: Path | None = None
    witness_interval: int = 5
    # the law and the roster
    packs_dir: Path | None = None
    roster_dir: Path | None = None
    # the web: cookies, sessions, tokens, proxies, limits
    secret_key: str | None = None
    secure_cookies: bool = False
    session_lifetime: int = 12 * 3600
    session_idle: int = 2 * 3600
    token_lifetime: int = 90 * 24 * 3600
    trusted_proxies: tuple[IPNetwork, ...] = ()
    body_limit: int = 64 * 1024
    report_rate: Rate = field(default_factory=lambda: Rate(5, 600))
    login_account_rate: Rate = field(default_factory=lambda: Rate(5, 900))
    login_client_rate: Rate = field(default_factory=lambda: Rate(20, 900))
    # reporters' contact details, encrypted at rest
    contact_key: str | None = None
    # oversight: counts of 1 to N-1 in public oversight data are shown as "fewer than N"
    suppress_below: int = 5
    # diagnostics
    debug: bool = False

    def data_path(self, name: str) -> Path:
        """A file in the data directory."""
        return self.data_dir / name


def _raw(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(PREFIX + name)
    return None if value is None else value.strip()


def _text(env: Mapping[str, str], name: str) -> str | None:
    value = _raw(env, name)
    return value or None


def _path(env: Mapping[str, str], name: str) -> Path | None:
    value = _text(env, name)
    return Path(value) if value else None


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = _raw(env, name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise SettingError(PREFIX + name, "one of " + ", ".join((*TRUE, *FALSE[:-1])), value)


def _seconds(env: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    value = _raw(env, name)
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise SettingError(PREFIX + name, f"a whole number from {low} to {high}", value)
    return int(value)


def _rate(env: Mapping[str, str], name: str, default: Rate) -> Rate:
    value = _raw(env, name)
    if not value:
        return default
    count, _, seconds = value.partition("/")
    ok = count.strip().isdigit() and seconds.strip().isdigit()
    if not ok or not 1 <= int(count) <= 1_000_000 or not 1 <= int(seconds) <= 7 * 86400:
        raise SettingError(
            PREFIX + name,
            "COUNT/SECONDS, e.g. 5/600 (COUNT 1 to 1000000, SECONDS 1 to 604800)",
            value,
        )
    return Rate(int(count), int(seconds))


def _networks(env: Mapping[str, str], name: str) -> tuple[IPNetwork, ...]:
    value = _raw(env, name)
    if not value:
        return ()
    networks = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise SettingError(
                PREFIX + name,
                "a comma-separated list of IP addresses or networks, e.g. 127.0.0.1,10.0.0.0/8",
                part,
            ) from None
    return tuple(networks)


def _url(env: Mapping[str, str], name: str) -> str | None:
    value = _text(env, name)
    if value and not value.startswith(("sqlite:", "postgresql:", "postgres:", "postgresql+")):
        raise SettingError(
            PREFIX + name, "a sqlite:///PATH or postgresql://... URL", value.split("://")[0] + "://..."
        )
    return value


def _origin(env: Mapping[str, str], name: str, default: str) -> str:
    value = _text(env, name)
    if value is None:
        return default
    if any(c.isspace() for c in value) or len(value) > 200:
        raise SettingError(PREFIX + name, "one line of at most 200 characters without spaces", value)
    return value


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default: the process environment), every value checked."""
    env = os.environ if env is None else env
    defaults = Settings()
    return Settings(
        database_url=_url(env, "DATABASE_URL"),
        data_dir=_path(env, "DATA_DIR") or defaults.data_dir,
        signing_key=_text(env, "SIGNING_KEY"),
        log_origin=_origin(env, "LOG_ORIGIN", defaults.log_origin),
        witness_policy=_path(env, "WITNESS_POLICY"),
        witness_interval=_seconds(
            env, "WITNESS_INTERVAL", defaults.witness_interval, low=1, high=86400
        ),
        packs_dir=_path(env, "PACKS_DIR"),
        roster_dir=_path(env, "ROSTER_DIR"),
        secret_key=_text(env, "SECRET_KEY"),
        secure_cookies=_flag(env, "SECURE_COOKIES", False),
        session_lifetime=_seconds(
            env, "SESSION_LIFETIME", defaults.session_lifetime, low=60, high=30 * 86400
        ),
        session_idle=_seconds(env, "SESSION_IDLE", defaults.session_idle, low=60, high=30 * 86400),
        token_lifetime=_seconds(
            env, "TOKEN_LIFETIME", defaults.token_lifetime, low=60, high=3 * 365 * 86400
        ),
        trusted_proxies=_networks(env, "TRUSTED_PROXIES"),
        body_limit=_seconds(env, "BODY_LIMIT", defaults.body_limit, low=1024, high=16 * 1024**2),
        report_rate=_rate(env, "REPORT_RATE", defaults.report_rate),
        login_account_rate=_rate(env, "LOGIN_ACCOUNT_RATE", defaults.login_account_rate),
        login_client_rate=_rate(env, "LOGIN_CLIENT_RATE", defaults.login_client_rate),
        contact_key=_text(env, "CONTACT_KEY"),
        suppress_below=_seconds(env, "SUPPRESS_BELOW", defaults.suppress_below, low=1, high=1000),
        debug=_flag(env, "DEBUG", False),
    )


_current: Settings | None = None


def current() -> Settings:
    """The process's settings: read from the environment on first use, then kept."""
    global _current
    if _current is None:
        _current = from_env()
    return _current


def forget() -> None:
    """Drop the kept settings so that the next :func:`current` reads the environment again
    (for tests that change the environment; never needed in a running service)."""
    global _current
    _current = None


__all__ = ["Rate", "SettingError", "Settings", "current", "forget", "from_env"]
