/* brightline verify.js — check the ledger in the browser, trusting nothing the server says
 * beyond the bytes it sends.
 *
 * RFC 9162 (Certificate Transparency 2.0) Merkle tree verification with WebCrypto SHA-256:
 *   leaf hash = SHA-256(0x00 || data), node hash = SHA-256(0x01 || left || right);
 *   inclusion proofs (section 2.1.3.2) and consistency proofs (section 2.1.4.2).
 * C2SP signed notes (checkpoints): parse the body (origin, size, base64 root) and check an
 * Ed25519 signature against a verifier key "name+keyhash+base64(0x01 || public key)".
 *
 * Works in browsers and in Node >= 20 (globalThis.crypto.subtle). Every check throws an Error
 * saying what failed; it returns normally only when the proof holds.
 */
(function (root) {
  "use strict";

  const HASH_SIZE = 32;
  const subtle = () => root.crypto.subtle;
  const enc = new TextEncoder();

  function hexToBytes(hex) {
    const clean = String(hex).trim().toLowerCase();
    if (clean.length % 2 !== 0 || /[^0-9a-f]/.test(clean)) {
      throw new Error("not a hex string: " + hex);
    }
    const out = new Uint8Array(clean.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
    return out;
  }

  function bytesToHex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function b64ToBytes(text) {
    const bin = atob(String(text).trim());
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function bytesToB64(bytes) {
    let bin = "";
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin);
  }

  /* A hash given as hex or standard base64 (the two forms the API and vectors use). */
  function toHash(value, what) {
    let bytes;
    if (value instanceof Uint8Array) bytes = value;
    else if (/^[0-9a-fA-F]*$/.test(String(value)) && String(value).length === 2 * HASH_SIZE) bytes = hexToBytes(value);
    else bytes = b64ToBytes(value || "");
    if (bytes.length !== HASH_SIZE) {
      throw new Error(what + " must be " + HASH_SIZE + " bytes, got " + bytes.length);
    }
    return bytes;
  }

  function looseBytes(value) {
    if (value instanceof Uint8Array) return value;
    const text = String(value || "");
    return /^[0-9a-fA-F]{64}$/.test(text) ? hexToBytes(text) : b64ToBytes(text);
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }

  async function sha256(bytes) {
    return new Uint8Array(await subtle().digest("SHA-256", bytes));
  }

  const leafHash = (data) => sha256(concat(Uint8Array.of(0), data));
  const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right));

  function equal(a, b) {
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
    return diff === 0;
  }

  const isOdd = (n) => n % 2 === 1;
  const half = (n) => Math.floor(n / 2);

  function checkSize(n, what) {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(what + " must be a whole number >= 0, got " + n);
  }

  /* RFC 9162 2.1.3.2: is the leaf at `index` in the tree of `size` whose root is `rootHash`? */
  async function verifyInclusion(leaf, index, size, proof, rootHash) {
    checkSize(index, "index");
    checkSize(size, "tree size");
    if (index >= size) throw new Error("index " + index + " is not inside a tree of size " + size);
    const path = (proof || []).map((p, i) => toHash(p, "proof hash " + i));
    let r = toHash(leaf, "leaf hash");
    const want = toHash(rootHash, "root");
    let fn = index;
    let sn = size - 1;
    for (const p of path) {
      if (sn === 0) throw new Error("inclusion proof is too long");
      if (isOdd(fn) || fn === sn) {
        r = await nodeHash(p, r);
        if (!isOdd(fn)) {
          while (!isOdd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = half(fn);
      sn = half(sn);
    }
    if (sn !== 0) throw new Error("inclusion proof is too short");
    if (!equal(r, want)) throw new Error("inclusion proof does not lead to the root: computed " + bytesToHex(r));
  }

  /* RFC 9162 2.1.4.2: is the tree of size1 (root1) a prefix of the tree of size2 (root2)? */
  async function verifyConsistency(size1, size2, proof, root1, root2) {
    checkSize(size1, "size1");
    checkSize(size2, "size2");
    if (size1 === 0) throw new Error("consistency from an empty tree is not a proof");
    if (size1 > size2) throw new Error("size1 " + size1 + " is larger than size2 " + size2);
    if (size1 === size2) {
      if ((proof || []).length) throw new Error("trees of equal size need an empty proof");
      if (!equal(looseBytes(root1), looseBytes(root2))) throw new Error("equal sizes but different roots");
      return;
    }
    const first = toHash(root1, "root1");
    const second = toHash(root2, "root2");
    const given = (proof || []).map((p, i) => toHash(p, "proof hash " + i));
    if (!given.length) throw new Error("consistency proof is empty");
    const path = isPowerOfTwo(size1) ? [first, ...given] : given;
    let fn = size1 - 1;
    let sn = size2 - 1;
    while (isOdd(fn)) { fn = half(fn); sn = half(sn); }
    let fr = path[0];
    let sr = path[0];
    for (const c of path.slice(1)) {
      if (sn === 0) throw new Error("consistency proof is too long");
      if (isOdd(fn) || fn === sn) {
        fr = await nodeHash(c, fr);
        sr = await nodeHash(c, sr);
        if (!isOdd(fn)) {
          while (!isOdd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
        }
      } else {
        sr = await nodeHash(sr, c);
      }
      fn = half(fn);
      sn = half(sn);
    }
    if (sn !== 0) throw new Error("consistency proof is too short");
    if (!equal(fr, first)) throw new Error("consistency proof does not lead to the first root");
    if (!equal(sr, second)) throw new Error("consistency proof does not lead to the second root");
  }

  function isPowerOfTwo(n) {
    while (n > 1) { if (isOdd(n)) return false; n = half(n); }
    return n === 1;
  }

  /* A C2SP signed note: the text (up to and including the blank line's newline) and signatures. */
  function parseNote(note) {
    const split = note.lastIndexOf("\n\n");
    if (split < 0) throw new Error("not a signed note: no blank line before the signatures");
    const text = note.slice(0, split + 1);
    const signatures = [];
    for (const line of note.slice(split + 2).split("\n")) {
      if (!line) continue;
      const m = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!m) throw new Error("malformed signature line: " + line);
      const raw = b64ToBytes(m[2]);
      if (raw.length < 5) throw new Error("signature too short for " + m[1]);
      signatures.push({ name: m[1], keyHash: raw.slice(0, 4), sig: raw.slice(4) });
    }
    if (!signatures.length) throw new Error("the note carries no signature");
    return { text, signatures };
  }

  /* The checkpoint body: origin, tree size, base64 root hash, then extension lines. */
  function parseCheckpoint(note) {
    const { text, signatures } = parseNote(note);
    const lines = text.split("\n");
    if (lines.length < 4) throw new Error("a checkpoint needs origin, size and root lines");
    const size = Number(lines[1]);
    if (!/^(0|[1-9][0-9]*)$/.test(lines[1]) || !Number.isSafeInteger(size)) {
      throw new Error("checkpoint size is not a number: " + lines[1]);
    }
    return { origin: lines[0], size, root: toHash(lines[2], "checkpoint root"), text, signatures };
  }

  /* Verify the note's Ed25519 signature by the key `vkey` ("name+hash+base64(0x01||key)"). */
  async function verifyNote(note, vkey) {
    const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(String(vkey).trim());
    if (!m) throw new Error("a verifier key has the form name+hash+key");
    const [, name, hashHex, keyB64] = m;
    const keyBytes = b64ToBytes(keyB64);
    if (keyBytes.length !== 33 || keyBytes[0] !== 1) throw new Error("not an Ed25519 verifier key");
    const keyHash = hexToBytes(hashHex);
    const { text, signatures } = parseNote(note);
    const mine = signatures.filter((s) => s.name === name && equal(s.keyHash, keyHash));
    if (!mine.length) throw new Error("the note has no signature by " + name);
    const key = await subtle().importKey("raw", keyBytes.slice(1), { name: "Ed25519" }, false, ["verify"]);
    for (const s of mine) {
      if (s.sig.length === 64 && (await subtle().verify({ name: "Ed25519" }, key, s.sig, enc.encode(text)))) {
        return text;
      }
    }
    throw new Error("the signature by " + name + " does not verify");
  }

  root.BrightlineVerify = {
    HASH_SIZE, hexToBytes, bytesToHex, b64ToBytes, bytesToB64, toHash, sha256, leafHash, nodeHash,
    verifyInclusion, verifyConsistency, parseNote, parseCheckpoint, verifyNote,
  };
})(typeof window !== "undefined" ? window : globalThis);
