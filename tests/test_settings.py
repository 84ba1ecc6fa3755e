"""The one settings module: defaults, every variable checked with a clear error, and every
variable documented in the README's configuration table."""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from pathlib import Path

import pytest

from brightline import settings
from brightline.errors import SettingError

README = Path(__file__).resolve().parents[1] / "README.md"
SRC = Path(__file__).resolve().parents[1] / "src" / "brightline"


def test_defaults_without_any_variable() -> None:
    config = settings.from_env({})
    assert config == settings.Settings()
    assert config.data_dir == Path("var") and config.database_url is None
    assert config.trusted_proxies == () and config.secure_cookies is False
    assert config.report_rate == settings.Rate(5, 600)


def test_values_are_parsed() -> None:
    config = settings.from_env(
        {
            "BRIGHTLINE_DATA_DIR": "/srv/bl",
            "BRIGHTLINE_SECURE_COOKIES": "yes",
            "BRIGHTLINE_DEBUG": "1",
            "BRIGHTLINE_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8",
            "BRIGHTLINE_REPORT_RATE": "3/60",
            "BRIGHTLINE_SESSION_LIFETIME": "3600",
            "BRIGHTLINE_DATABASE_URL": "postgresql://u@h/db",
        }
    )
    assert config.data_dir == Path("/srv/bl") and config.secure_cookies and config.debug
    assert config.trusted_proxies == (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.0.0.0/8"),
    )
    assert config.report_rate == settings.Rate(3, 60) and config.session_lifetime == 3600


@pytest.mark.parametrize(
    ("variable", "value", "allowed"),
    [
        ("BRIGHTLINE_SECURE_COOKIES", "maybe", "one of 1, true, yes, on, 0, false, no, off"),
        ("BRIGHTLINE_DEBUG", "2", "one of 1, true"),
        ("BRIGHTLINE_TRUSTED_PROXIES", "10.0.0.0/8,proxy.local", "IP addresses or networks"),
        ("BRIGHTLINE_REPORT_RATE", "five", "COUNT/SECONDS"),
        ("BRIGHTLINE_REPORT_RATE", "0/60", "COUNT/SECONDS"),
        ("BRIGHTLINE_SESSION_LIFETIME", "-5", "a whole number from 60"),
        ("BRIGHTLINE_TOKEN_LIFETIME", "10", "a whole number from 60"),
        ("BRIGHTLINE_BODY_LIMIT", "1e6", "a whole number from 1024"),
        ("BRIGHTLINE_DATABASE_URL", "mysql://x", "sqlite:///PATH or postgresql://"),
        ("BRIGHTLINE_LOG_ORIGIN", "two words", "without spaces"),
    ],
)
def test_a_bad_value_names_the_variable_and_the_allowed_values(
    variable: str, value: str, allowed: str
) -> None:
    with pytest.raises(SettingError) as err:
        settings.from_env({variable: value})
    message = str(err.value)
    assert message.startswith(f"{variable} must be ") and allowed in message
    assert err.value.details["variable"] == variable


def test_current_reads_once_until_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIGHTLINE_LOG_ORIGIN", "first.example/log")
    assert settings.current().log_origin == "first.example/log"
    monkeypatch.setenv("BRIGHTLINE_LOG_ORIGIN", "second.example/log")
    assert settings.current().log_origin == "first.example/log"
    settings.forget()
    assert settings.current().log_origin == "second.example/log"


def _documented() -> set[str]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Configuration") :].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(BRIGHTLINE_[A-Z_]+)`", table, re.M))


def test_every_setting_is_in_the_readme_table() -> None:
    fields = {f"BRIGHTLINE_{f.name.upper()}" for f in dataclasses.fields(settings.Settings)}
    assert fields == _documented()


def test_nothing_but_the_settings_module_reads_the_environment_outside_the_engine() -> None:
    """rules/ is left to the engine's owner; everything else asks brightline.settings."""
    readers = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel == "settings.py" or rel.startswith("rules/"):
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"os\.environ(?:\.get)?\(|os\.getenv\(|os\.environ\[", text):
            readers.append(rel)
    assert readers == [] or readers == ["cli/serve.py"], readers
