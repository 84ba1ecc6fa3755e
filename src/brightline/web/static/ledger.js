/* Wires the ledger page to verify.js: fetch the latest checkpoint and a proof, verify locally. */
(function () {
  "use strict";
  const V = window.BrightlineVerify;
  const $ = (id) => document.getElementById(id);

  function show(el, ok, text) {
    el.hidden = false;
    el.className = "verify-result " + (ok === null ? "busy" : ok ? "ok" : "bad");
    el.textContent = text;
  }

  async function getJSON(url) {
    const res = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await res.json();
    if (!res.ok) throw new Error((body.error && body.error.message) || res.statusText);
    return body;
  }

  /* The latest checkpoint, its signature checked when the page knows the key. */
  async function latest() {
    const cp = await getJSON("/api/v1/ledger/checkpoint");
    const parsed = V.parseCheckpoint(cp.note);
    if (cp.vkey) await V.verifyNote(cp.note, cp.vkey);
    try { localStorage.setItem("brightline.checkpoint", JSON.stringify({ size: parsed.size, root: V.bytesToHex(parsed.root) })); } catch (e) { /* private mode */ }
    return { cp, parsed };
  }

  async function checkSignature() {
    const out = $("signature-result");
    show(out, null, "Checking…");
    try {
      const cp = await getJSON("/api/v1/ledger/checkpoint");
      if (!cp.vkey) throw new Error("the server did not publish a verifier key");
      await V.verifyNote(cp.note, cp.vkey);
      const parsed = V.parseCheckpoint(cp.note);
      show(out, true, "✓ Signature valid: " + parsed.origin + " signed a tree of " + parsed.size + " entries.");
    } catch (e) {
      show(out, false, "✗ " + e.message);
    }
  }

  async function checkInclusion(button) {
    const out = $("inclusion-result");
    const index = Number(button.dataset.index);
    show(out, null, "Checking…");
    try {
      const { parsed } = await latest();
      const proof = await getJSON("/api/v1/ledger/proof/inclusion?index=" + index + "&size=" + parsed.size);
      const leaf = button.dataset.leaf || proof.leaf_hash;
      await V.verifyInclusion(leaf, index, parsed.size, proof.proof, parsed.root);
      show(out, true, "✓ Verified: entry #" + index + " with leaf hash " + leaf.slice(0, 16) + "… is in the signed tree of " + parsed.size + " entries (" + proof.proof.length + " proof hashes checked with SHA-256 in this browser).");
    } catch (e) {
      show(out, false, "✗ Not verified: " + e.message);
    }
  }

  async function checkConsistency(ev) {
    ev.preventDefault();
    const out = $("consistency-result");
    show(out, null, "Checking…");
    const size1 = Number($("old-size").value);
    const root1 = $("old-root").value.trim();
    try {
      const cp = await getJSON("/api/v1/ledger/checkpoint");
      const parsed = V.parseCheckpoint(cp.note);
      if (cp.vkey) await V.verifyNote(cp.note, cp.vkey);
      let proof = [];
      if (size1 !== parsed.size) {
        proof = (await getJSON("/api/v1/ledger/proof/consistency?from=" + size1 + "&to=" + parsed.size)).proof;
      }
      await V.verifyConsistency(size1, parsed.size, proof, root1, parsed.root);
      show(out, true, "✓ Consistent: the tree of " + size1 + " entries is a prefix of today's tree of " + parsed.size + " entries.");
      localStorage.setItem("brightline.checkpoint", JSON.stringify({ size: parsed.size, root: V.bytesToHex(parsed.root) }));
    } catch (e) {
      show(out, false, "✗ Not consistent: " + e.message);
    }
  }

  function remembered() {
    try {
      const saved = JSON.parse(localStorage.getItem("brightline.checkpoint") || "null");
      if (saved && $("old-size") && !$("old-size").value) {
        $("old-size").value = saved.size;
        $("old-root").value = saved.root;
      }
    } catch (e) { /* nothing remembered */ }
  }

  document.addEventListener("DOMContentLoaded", () => {
    remembered();
    const inc = $("verify-inclusion");
    if (inc) inc.addEventListener("click", () => checkInclusion(inc));
    const sig = $("check-signature");
    if (sig) sig.addEventListener("click", checkSignature);
    const form = $("consistency-form");
    if (form) form.addEventListener("submit", checkConsistency);
  });
})();
