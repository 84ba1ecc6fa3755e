"""schemathesis against a running ``brightline serve``, on SQLite and PostgreSQL, with every check
it has (``--checks all``: server errors, status codes, content types, response schemas and
headers, positive and negative data, missing headers, unsupported methods and Allow headers,
use-after-free, resource availability, ignored auth, object-level authorization) and every
phase (the documented examples, coverage, fuzzing, and stateful runs that follow the document's
links). It must report no failure.

The run is sized by ``BRIGHTLINE_SCHEMATHESIS_EXAMPLES`` (examples per operation, default 12)
and a fixed seed, so ``make test`` stays within minutes; set it higher for a deeper hunt.

One setting differs from schemathesis' defaults: positive data may also be answered 422, for
the rules of the contract JSON Schema cannot state, each of which the error names: a moment
outside the pack's coverage or in the future, an id that is not a decision of the right
state, a lookup given none of star, name or unit.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from brightline.service import Actor, Service
from brightline.service.officers import import_roster
from test_roster_support import subset_dir
from test_web_support import DETAINER_CASE, OPEN_CASE, PASSWORD, REPORT, running_server

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("BRIGHTLINE_SCHEMATHESIS_EXAMPLES", "12"))
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = """\
[phases.stateful]
max-steps = 12

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]
"""


def _seed(url: str, roster: Path) -> str:
    """Accounts, a few decisions and a report, the roster subset; the supervisor's token."""
    with Service.open(url) as service:
        service.add_user("supervisor1", PASSWORD, "supervisor")
        token = service.issue_token(service.get_user("supervisor1"), "schemathesis")
        supervisor = Actor("supervisor1", "supervisor")
        for case in (DETAINER_CASE, OPEN_CASE, OPEN_CASE):
            service.decide(case, actor=supervisor)
        service.submit_report(REPORT, client_id=None)
        service.add_user("dispatch7", "correct horse battery", "officer")  # the documented one
        import_roster(service.engine, [roster])
    return token


@pytest.fixture
def server(
    db_url: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """``brightline serve`` on a free port over a seeded database: (base URL, token)."""
    roster = subset_dir(tmp_path_factory)
    with running_server(db_url, tmp_path, lambda: _seed(db_url, roster)) as (base, token):
        yield base, token


def test_schemathesis_finds_no_failure(server: tuple[str, str], tmp_path: Path) -> None:
    base, token = server
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [
        str(SCHEMATHESIS),
        "--no-color",
        "--config-file",
        str(config),
        "run",
        f"{base}/api/v1/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        "16",
        "--workers",
        "1",
        "--header",
        f"Authorization: Bearer {token}",
        "--suppress-health-check",
        "all",
        "--request-timeout",
        "30",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1200, cwd=tmp_path)
    output = done.stdout + done.stderr
    (tmp_path / "schemathesis.txt").write_text(output)
    assert done.returncode == 0, output[-20000:]
    tested = re.search(r"Tested: (\d+)", output)
    assert tested and int(tested.group(1)) >= 22, output[-5000:]
    scenarios = re.search(r"Scenarios: +(\d+)", output)
    assert scenarios and int(scenarios.group(1)) > 0, output[-5000:]  # the links were followed
    print(output[output.find("Examples") :])
