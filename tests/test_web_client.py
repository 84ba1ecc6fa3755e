"""A client generated from the OpenAPI document, used as an integrator would.

openapi-python-client (a dev dependency) generates a Python package from
``/api/v1/openapi.json`` of a running ``brightline serve`` into a temporary folder. With it the
test gets a token, screens a case, fetches its receipt's inclusion proof and the checkpoint, and
verifies them with code of its own: the checkpoint's Ed25519 signature under the published
verifier key (C2SP signed note) and the RFC 9162 audit path from the leaf hash to the
checkpoint's root. That verification is an independent oracle, written here from the
specifications and not shared with brightline's ledger code. Nothing of brightline is imported
to talk to the server: only the generated package.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from brightline.service import Service
from test_web_support import running_server

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("generated_client")]

PACKAGE = "brightline_client"
USERNAME, PASSWORD = "dispatch7", "correct horse battery"


# ---- an integrator's own verification (RFC 9162 section 2.1.3.2, C2SP signed-note) -----------


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes:
    """The root that ``path`` proves for leaf ``index`` of a tree of ``size`` leaves."""
    assert 0 <= index < size
    fn, sn, node = index, size - 1, leaf
    for sibling in path:
        assert sn != 0, "proof longer than the tree is deep"
        if fn % 2 == 1 or fn == sn:
            node = _node(sibling, node)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            node = _node(node, sibling)
        fn, sn = fn >> 1, sn >> 1
    assert sn == 0, "proof shorter than the tree is deep"
    return node


def open_note(note: str, vkey: str) -> tuple[str, int, bytes]:
    """(origin, size, root) of a checkpoint note signed by ``vkey``; raises if the signature
    does not verify."""
    name, key_hash, key = vkey.split("+", 2)
    raw_key = base64.b64decode(key)
    assert raw_key[0] == 0x01, "not an Ed25519 key"
    text, _, signatures = note.partition("\n\n")
    text += "\n"
    expected_id = hashlib.sha256(name.encode() + b"\n" + raw_key).digest()[:4]
    assert expected_id.hex() == key_hash
    for line in signatures.splitlines():
        signer, _, blob = line.removeprefix("\u2014 ").partition(" ")
        raw = base64.b64decode(blob)
        if signer == name and raw[:4] == expected_id:
            Ed25519PublicKey.from_public_bytes(raw_key[1:]).verify(raw[4:], text.encode())
            origin, size, root = text.splitlines()[:3]
            return origin, int(size), base64.b64decode(root)
    raise AssertionError("no signature by the verifier key")


# ---- the generated client --------------------------------------------------------------------


def _seed(url: str) -> None:
    with Service.open(url) as service:
        service.add_user(USERNAME, PASSWORD, "officer")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("client-server")
    url = f"sqlite:///{data / 'brightline.db'}"
    with running_server(url, data, lambda: _seed(url)) as (base, _):
        yield base


@pytest.fixture(scope="module")
def client_package(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The package openapi-python-client generates from the server's document."""
    out = tmp_path_factory.mktemp("generated")
    document = out / "openapi.json"
    document.write_bytes(httpx.get(f"{server}/api/v1/openapi.json").content)
    generator = Path(sys.executable).with_name("openapi-python-client")
    env = {**os.environ, "PATH": f"{generator.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(document),
            "--meta",
            "none",
            "--output-path",
            str(out / PACKAGE),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=out,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _api(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{name}")


def test_screen_a_case_and_verify_its_receipt_with_the_generated_client(
    server: str, client_package: ModuleType
) -> None:
    models = _api(client_package, "models")
    public = client_package.Client(base_url=server, raise_on_unexpected_status=True)

    issued = _api(client_package, "api.accounts.issue_token").sync(
        client=public,
        body=models.Credentials(username=USERNAME, password=PASSWORD, label="cad console 7"),
    )
    assert isinstance(issued, models.TokenIssued), issued
    officer = client_package.AuthenticatedClient(
        base_url=server, token=issued.token, raise_on_unexpected_status=True
    )

    case = models.AssistanceCase(
        jurisdiction=models.AssistanceCaseJurisdiction("chicago"),
        at="2025-10-04T10:30:00-05:00",
        kind=models.AssistanceCaseKind("assistance"),
        facts=models.AssistanceFacts(
            agency=models.AssistanceFactsAgencyType0("ice"),
            activity=models.AssistanceFactsActivityType0("detainer_hold"),
            purpose=models.AssistanceFactsPurposeType0("civil_immigration"),
            basis=models.AssistanceFactsBasisType0("immigration_detainer"),
        ),
    )
    made = _api(client_package, "api.decisions.decide").sync(client=officer, body=case)
    assert isinstance(made, models.DecisionCreated), made
    assert made.decision.outcome.value == "prohibited"
    assert "TRUST.15(g)" in {c for r in made.decision.reasons for c in r.cites}
    receipt = made.receipt

    proof = _api(client_package, "api.ledger.inclusion_proof").sync(
        client=public, index=receipt.index, size=receipt.tree_size
    )
    assert isinstance(proof, models.InclusionProof), proof
    checkpoint = _api(client_package, "api.ledger.checkpoint").sync(client=public)
    assert isinstance(checkpoint, models.Checkpoint), checkpoint

    origin, size, root = open_note(receipt.checkpoint, checkpoint.vkey)
    assert size == receipt.tree_size and root.hex() == receipt.root
    leaf = bytes.fromhex(receipt.leaf_hash)
    path = [bytes.fromhex(h) for h in proof.proof]
    assert root_from_inclusion(receipt.index, size, leaf, path) == root
    assert proof.leaf_hash == receipt.leaf_hash and origin

    # the decision read back through the client, with a fresh receipt that verifies as well
    again = _api(client_package, "api.decisions.get_decision").sync(
        client=officer, decision_id=made.id
    )
    assert isinstance(again, models.DecisionRecord), again
    _, fresh_size, fresh_root = open_note(again.receipt.checkpoint, checkpoint.vkey)
    fresh_path = [bytes.fromhex(h) for h in again.receipt.proof]
    assert root_from_inclusion(receipt.index, fresh_size, leaf, fresh_path) == fresh_root

    # a tampered leaf does not verify
    forged = bytes([leaf[0] ^ 1]) + leaf[1:]
    assert root_from_inclusion(receipt.index, size, forged, path) != root


def test_errors_reach_the_generated_client_in_the_one_shape(
    server: str, client_package: ModuleType
) -> None:
    models = _api(client_package, "models")
    public = client_package.Client(base_url=server)
    anonymous = _api(client_package, "api.decisions.get_decision").sync(
        client=public, decision_id="d-nothing"
    )
    assert isinstance(anonymous, models.ErrorBody), anonymous
    assert anonymous.error.code == "unauthorized"
    beyond = _api(client_package, "api.ledger.inclusion_proof").sync(client=public, index=10**6)
    assert isinstance(beyond, models.ErrorBody) and beyond.error.code == "not_found"
