"""A real server and a real browser for the end-to-end tests.

``server`` starts ``brightline serve`` as a subprocess on a free port with a temporary SQLite
database, after creating one account per role with ``brightline user add``. ``browser`` drives
Debian's chromium (never a downloaded browser) through Playwright.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_support import CHROMIUM, CHROMIUM_ARGS, PASSWORD, ROLES, Server

BRIGHTLINE = [sys.executable, "-m", "brightline"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"brightline serve exited with {proc.returncode}")
        try:
            if httpx.get(url + "/api/v1/ledger/checkpoint", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"brightline serve did not answer at {url} within {timeout} s")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("e2e")
    db = f"sqlite:///{root / 'brightline.db'}"
    env = {
        **os.environ,
        "BRIGHTLINE_DATA_DIR": str(root),
        "BRIGHTLINE_DATABASE_URL": db,
        "BRIGHTLINE_SECRET_KEY": "e2e-secret",
    }
    env.pop("BRIGHTLINE_SIGNING_KEY", None)
    for role in ROLES:
        subprocess.run(
            [*BRIGHTLINE, "user", "add", role, "--role", role, "--password-stdin"],
            input=PASSWORD.encode(),
            env=env,
            check=True,
            capture_output=True,
        )
    port = _free_port()
    log = (root / "server.log").open("wb")
    proc = subprocess.Popen(
        [*BRIGHTLINE, "serve", "--port", str(port), "--database", db],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc)
        yield Server(url, env)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup --with-browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
