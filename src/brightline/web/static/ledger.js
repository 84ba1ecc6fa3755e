/* Wires the ledger page to verify.js: fetch the latest checkpoint and a proof, verify locally. */
(function () {
  "use strict";
  const V = window.BrightlineVerify;
  const $ = (id) => document.getElementById(id);
  /* Messages in the page's language: a JSON block the server wrote in #ledger-text. */
  let TEXT = {};
  function T(key, vars) {
    let text = TEXT[key] || key;
    for (const [name, value] of Object.entries(vars || {})) text = text.split("{" + name + "}").join(String(value));
    return text;
  }

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
    show(out, null, T("checking"));
    try {
      const cp = await getJSON("/api/v1/ledger/checkpoint");
      if (!cp.vkey) throw new Error(T("no_key"));
      await V.verifyNote(cp.note, cp.vkey);
      const parsed = V.parseCheckpoint(cp.note);
      show(out, true, "✓ " + T("signature_ok", { origin: parsed.origin, size: parsed.size }));
    } catch (e) {
      show(out, false, "✗ " + e.message);
    }
  }

  async function checkInclusion(button) {
    const out = $("inclusion-result");
    const index = Number(button.dataset.index);
    show(out, null, T("checking"));
    try {
      const { parsed } = await latest();
      const proof = await getJSON("/api/v1/ledger/proof/inclusion?index=" + index + "&size=" + parsed.size);
      const leaf = button.dataset.leaf || proof.leaf_hash;
      await V.verifyInclusion(leaf, index, parsed.size, proof.proof, parsed.root);
      show(out, true, "✓ " + T("inclusion_ok", { index: index, leaf: leaf.slice(0, 16) + "…", size: parsed.size, n: proof.proof.length }));
    } catch (e) {
      show(out, false, "✗ " + T("inclusion_bad") + " " + e.message);
    }
  }

  async function checkConsistency(ev) {
    ev.preventDefault();
    const out = $("consistency-result");
    show(out, null, T("checking"));
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
      show(out, true, "✓ " + T("consistency_ok", { old: size1, size: parsed.size }));
      localStorage.setItem("brightline.checkpoint", JSON.stringify({ size: parsed.size, root: V.bytesToHex(parsed.root) }));
    } catch (e) {
      show(out, false, "✗ " + T("consistency_bad") + " " + e.message);
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
    try { TEXT = JSON.parse(($("ledger-text") || {}).textContent || "{}"); } catch (e) { TEXT = {}; }
    remembered();
    const inc = $("verify-inclusion");
    if (inc) inc.addEventListener("click", () => checkInclusion(inc));
    const sig = $("check-signature");
    if (sig) sig.addEventListener("click", checkSignature);
    const form = $("consistency-form");
    if (form) form.addEventListener("submit", checkConsistency);
  });
})();
