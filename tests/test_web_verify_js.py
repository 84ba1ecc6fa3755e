"""static/verify.js (the in-page verifier) against the shared vectors, run in Node: all 196
transparency-dev inclusion and consistency files, the RFC 6962 reference tree's proofs, and the
C2SP signed-note vector (valid and tampered)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

VERIFY_JS = Path(__file__).resolve().parents[1] / "src/brightline/web/static/verify.js"

RUNNER = r"""
require(process.argv[2]);
const fs = require("fs"), path = require("path");
const V = globalThis.BrightlineVerify;
const base = process.argv[3];
function walk(d) {
  return fs.readdirSync(d).flatMap((f) => {
    const p = path.join(d, f);
    return fs.statSync(p).isDirectory() ? walk(p) : p.endsWith(".json") ? [p] : [];
  });
}
async function outcome(fn) { try { await fn(); return "ok"; } catch (e) { return "error: " + e.message; } }
(async () => {
  const out = {};
  const tdm = path.join(base, "transparency-dev-merkle");
  for (const f of walk(path.join(tdm, "inclusion"))) {
    const t = JSON.parse(fs.readFileSync(f));
    out[path.relative(base, f)] = [t.wantErr, await outcome(() =>
      V.verifyInclusion(t.leafHash, t.leafIdx, t.treeSize, t.proof || [], t.root))];
  }
  for (const f of walk(path.join(tdm, "consistency"))) {
    const t = JSON.parse(fs.readFileSync(f));
    out[path.relative(base, f)] = [t.wantErr, await outcome(() =>
      V.verifyConsistency(t.size1, t.size2, t.proof || [], t.root1, t.root2))];
  }
  const notes = JSON.parse(fs.readFileSync(path.join(base, "c2sp/signed-note-vectors.json")));
  const v = notes.verifiable[0];
  out["note"] = [false, await outcome(() => V.verifyNote(v.full_note, v.vkey))];
  const bad = v.negative_case.note_text + "\n" + v.negative_case.signature_lines.join("");
  out["tampered note"] = [true, await outcome(() => V.verifyNote(bad, v.vkey))];
  const ref = JSON.parse(fs.readFileSync(path.join(base, "derived/rfc6962-reference-tree.json")));
  for (const [i, hex] of ref.leaf_inputs_hex.entries()) {
    const got = V.bytesToHex(await V.leafHash(V.hexToBytes(hex)));
    out["leaf " + i] = [false, got === ref.node_hashes_by_level[0][i] ? "ok" : "error: " + got];
  }
  for (const t of ref.inclusion_proofs) {
    out[`ref inclusion ${t.leaf_index}/${t.tree_size}`] = [false, await outcome(() =>
      V.verifyInclusion(t.leaf_hash, t.leaf_index, t.tree_size, t.audit_path, t.root))];
  }
  for (const t of ref.consistency_proofs) {
    out[`ref consistency ${t.size1}/${t.size2}`] = [false, await outcome(() =>
      V.verifyConsistency(t.size1, t.size2, t.proof, t.root1, t.root2))];
  }
  console.log(JSON.stringify(out));
})();
"""


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; verify.js is checked in the browser tests instead")
    return node


def test_verify_js_agrees_with_every_vector(shared_dir: Path, tmp_path: Path) -> None:
    script = tmp_path / "run.js"
    script.write_text(RUNNER)
    vectors = shared_dir / "data" / "merkle-vectors"
    done = subprocess.run(
        [_node(), str(script), str(VERIFY_JS), str(vectors)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    results = json.loads(done.stdout)
    assert len(results) == 196 + 2 + 8 + 36 + 36
    wrong = {
        name: got for name, (want_error, got) in results.items() if want_error == (got == "ok")
    }
    assert wrong == {}
    assert sum(got == "ok" for _, got in results.values()) == 12 + 1 + 8 + 36 + 36
