#!/usr/bin/env node
// Independent verifier of wasteledger v1 exports (JSONL), written only from the format contract
// (shared/design/ledger-format-v1.md) and the C2SP signed-note / tlog-checkpoint specifications.
// It uses Node's built-in modules only, so a regulator can run it without installing anything.
//
// usage: node verify-export.mjs EXPORT.jsonl [--checkpoint CHECKPOINT.note --vkey VKEY]
//                               [--old-checkpoint OLD.note --consistency-proof PROOF.json]
// exit 0 and "OK: N entries, root <hex>" on stdout; exit 1 and "FAIL: <where>: <what>" (the first
// problem found; <where> is "seq N" for an entry); exit 2 on a usage error.
//
// The export is streamed: memory is O(log n) for the Merkle tree plus the party/key table, and each
// line costs one JSON parse, one re-canonicalisation, two SHA-256 and at most one Ed25519 verify.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';

// A problem found in the input. `where` is "seq N", "checkpoint", "old checkpoint", ...
export class VerifyError extends Error {
  constructor(where, message) {
    super(message);
    this.where = where;
  }
}

function fail(where, message) {
  throw new VerifyError(where, message);
}

// ---------------------------------------------------------------- hashing and RFC 6962 trees

export function sha256(...parts) {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

const kLeafPrefix = Buffer.from([0x00]);
const kNodePrefix = Buffer.from([0x01]);

export const hashLeaf = (data) => sha256(kLeafPrefix, data);
export const hashChildren = (left, right) => sha256(kNodePrefix, left, right);

// Streaming RFC 6962 tree hash: keeps one full-subtree root per set bit of the size.
export class MerkleAccumulator {
  constructor() {
    this.size = 0;
    this.levels = []; // levels[i]: root of a perfect subtree of 2^i leaves, iff bit i of size
  }

  appendLeafHash(hash) {
    let h = hash;
    let level = 0;
    let n = this.size;
    while (n % 2 === 1) {
      h = hashChildren(this.levels[level], h);
      this.levels[level] = undefined;
      level++;
      n = (n - 1) / 2;
    }
    this.levels[level] = h;
    this.size++;
  }

  root() {
    if (this.size === 0) return sha256();
    let root = null;
    for (const h of this.levels) {
      if (h === undefined) continue;
      root = root === null ? h : hashChildren(h, root);
    }
    return root;
  }
}

const isPowerOfTwo = (n) => n > 0 && Number.isInteger(Math.log2(n)) && 2 ** Math.log2(n) === n;

// RFC 9162 section 2.1.4.2. Returns null if the proof holds, else why not.
export function checkConsistency(first, second, firstHash, secondHash, proof) {
  if (first > second) return `old size ${first} is larger than new size ${second}`;
  if (first === second) {
    if (proof.length !== 0) return 'proof between equal sizes must be empty';
    return firstHash.equals(secondHash) ? null : 'roots of equal sizes differ';
  }
  if (first === 0) return proof.length === 0 ? null : 'proof from size 0 must be empty';
  if (proof.length === 0) return 'proof is empty';
  const path = isPowerOfTwo(first) ? [firstHash, ...proof] : proof.slice();
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (sn === 0) return 'proof has too many hashes';
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return 'proof has too few hashes';
  if (!fr.equals(firstHash)) return 'proof does not reproduce the old root';
  if (!sr.equals(secondHash)) return 'proof does not reproduce the new root';
  return null;
}

// ---------------------------------------------------------------- RFC 8785 (JCS), v1 subset

const kLoneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function canonicalString(s) {
  if (kLoneSurrogate.test(s)) throw new Error('string contains a lone UTF-16 surrogate (not valid UTF-8)');
  return JSON.stringify(s); // RFC 8785 3.2.2.2 is JSON.stringify's escaping
}

// JCS text of a parsed JSON value; throws Error for what v1 forbids (non-integers, big numbers).
export function canonicalize(value) {
  switch (typeof value) {
    case 'string':
      return canonicalString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new Error(`number ${value} is not an integer with |n| <= 2^53-1 (v1 allows integers only)`);
      }
      return String(value === 0 ? 0 : value); // -0 serialises as 0
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(canonicalize).join(',')}]`;
      const keys = Object.keys(value).sort(); // default sort compares UTF-16 code units
      return `{${keys.map((k) => `${canonicalString(k)}:${canonicalize(value[k])}`).join(',')}}`;
    }
    default:
      throw new Error(`unexpected JSON value of type ${typeof value}`);
  }
}

// ---------------------------------------------------------------- small format checks

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const kHex64 = /^[0-9a-f]{64}$/;
const kRfc3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/;

// Decodes standard base64 (RFC 4648 section 4, padded) strictly; null if not canonical.
export function strictBase64(s) {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return null;
  const b = Buffer.from(s, 'base64');
  return b.toString('base64') === s ? b : null;
}

export function isRfc3339(s, requireUtc) {
  if (typeof s !== 'string') return false;
  const m = kRfc3339.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return false;
  if (hour > 23 || minute > 59 || second > 60) return false;
  if (m[8] === 'Z') return true;
  if (requireUtc) return false;
  return Number(m[10]) <= 23 && Number(m[11]) <= 59;
}

function checkMembers(where, what, obj, required, optional = []) {
  for (const k of required) {
    if (!Object.prototype.hasOwnProperty.call(obj, k)) fail(where, `${what} has no "${k}"`);
  }
  for (const k of Object.keys(obj)) {
    if (!required.includes(k) && !optional.includes(k)) fail(where, `${what} has unknown member "${k}"`);
  }
}

// ---------------------------------------------------------------- C2SP keys and signed notes

const kSpkiEd25519Prefix = Buffer.from('302a300506032b6570032100', 'hex');

export function ed25519PublicKey(raw32) {
  return crypto.createPublicKey({
    key: Buffer.concat([kSpkiEd25519Prefix, raw32]),
    format: 'der',
    type: 'spki',
  });
}

export function keyIdOf(name, pub) {
  return sha256(Buffer.from(name, 'utf8'), Buffer.from([0x0a, 0x01]), pub).subarray(0, 4);
}

// Key names: non-empty, no "+", no Unicode white space (C2SP signed-note).
const isKeyName = (s) => typeof s === 'string' && s.length > 0 && !/[+\s]/u.test(s);

// Parses "name+hex8(keyID)+base64(0x01||pubkey)"; returns null and sets why on failure.
export function parseVkey(text) {
  const m = typeof text === 'string' ? /^([^+]*)\+([^+]*)\+(.*)$/s.exec(text) : null;
  if (!m) return { error: 'is not name+keyid+key' };
  const [, name, idHex, b64] = m;
  if (!isKeyName(name)) return { error: `has an invalid key name "${name}"` };
  if (!/^[0-9a-f]{8}$/.test(idHex)) return { error: 'key ID is not 8 lowercase hex digits' };
  const raw = strictBase64(b64);
  if (raw === null) return { error: 'key is not canonical base64' };
  if (raw.length !== 33 || raw[0] !== 0x01) return { error: 'key is not 0x01 || 32-byte Ed25519 key' };
  const pub = raw.subarray(1);
  const computed = keyIdOf(name, pub).toString('hex');
  if (computed !== idHex) return { error: `key ID ${idHex} does not match the key (computed ${computed})` };
  let keyObject;
  try {
    keyObject = ed25519PublicKey(pub);
  } catch (e) {
    return { error: `is not a usable Ed25519 key (${e.message})` };
  }
  return { name, idHex, id: Buffer.from(idHex, 'hex'), pub, keyObject };
}

const kControlExceptNewline = /[\u0000-\u0009\u000b-\u001f\u007f]/;

// Verifies a C2SP signed note with one trusted key; returns the signed text (ends with "\n").
export function openNote(where, bytes, vkey) {
  let note;
  try {
    note = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    fail(where, 'note is not valid UTF-8');
  }
  if (kControlExceptNewline.test(note)) fail(where, 'note contains an ASCII control character');
  if (!note.endsWith('\n')) fail(where, 'note does not end with a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) fail(where, 'note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const sigLines = note.slice(split + 2, -1).split('\n');
  let verified = 0;
  for (const line of sigLines) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) fail(where, `malformed signature line "${line}"`);
    const blob = strictBase64(m[2]);
    if (blob === null || blob.length < 5) fail(where, `signature line for "${m[1]}" is not base64(keyid || sig)`);
    if (m[1] !== vkey.name || !blob.subarray(0, 4).equals(vkey.id)) continue; // unknown key: ignore
    const sig = blob.subarray(4);
    if (sig.length !== 64 || !crypto.verify(null, Buffer.from(text, 'utf8'), vkey.keyObject, sig)) {
      fail(where, `signature by ${vkey.name}+${vkey.idHex} does not verify`);
    }
    verified++;
  }
  if (verified === 0) fail(where, `no signature by ${vkey.name}+${vkey.idHex}`);
  return text;
}

// Parses a tlog-checkpoint body: origin, size, base64 root, optional extension lines.
export function parseCheckpoint(where, text) {
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) fail(where, 'checkpoint has fewer than three lines');
  if (lines.some((l) => l.length === 0)) fail(where, 'checkpoint has an empty line');
  const [origin, sizeText, rootText] = lines;
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) fail(where, `tree size "${sizeText}" is not a decimal number`);
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) fail(where, `tree size ${sizeText} is too large`);
  const root = strictBase64(rootText);
  if (root === null || root.length !== 32) fail(where, `root "${rootText}" is not base64 of 32 bytes`);
  return { origin, size, root };
}

function loadCheckpoint(where, path, vkey) {
  const cp = parseCheckpoint(where, openNote(where, readInput(where, path), vkey));
  if (cp.origin !== vkey.name) {
    fail(where, `origin "${cp.origin}" is not the key name "${vkey.name}" of the verifier key`);
  }
  return cp;
}

function loadProof(path) {
  const where = 'consistency proof';
  let proof;
  try {
    proof = JSON.parse(readInput(where, path).toString('utf8'));
  } catch (e) {
    if (e instanceof VerifyError) throw e;
    fail(where, `not JSON (${e.message})`);
  }
  if (!isObject(proof)) fail(where, 'not a JSON object');
  checkMembers(where, 'proof', proof, ['size', 'old_size', 'hashes']);
  for (const k of ['size', 'old_size']) {
    if (!Number.isSafeInteger(proof[k]) || proof[k] < 0) fail(where, `"${k}" is not a size`);
  }
  if (!Array.isArray(proof.hashes) || !proof.hashes.every((h) => typeof h === 'string' && /^[0-9a-fA-F]{64}$/.test(h))) {
    fail(where, '"hashes" is not an array of 64-digit hex hashes');
  }
  return { size: proof.size, oldSize: proof.old_size, hashes: proof.hashes.map((h) => Buffer.from(h, 'hex')) };
}

function readInput(where, path) {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    fail(where, `cannot read ${path}: ${e.message}`);
  }
}

// ---------------------------------------------------------------- the log: parties, keys, seals

const kPayloadPrefix = Buffer.from('wasteledger/statement/v1\n', 'utf8');
const kZeroHash = '0'.repeat(64);
const kUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// Checks entries one at a time, in order, and keeps the key state and the Merkle accumulator.
export class ExportVerifier {
  constructor(snapshotSizes = []) {
    this.count = 0;
    this.prevHex = kZeroHash;
    this.tree = new MerkleAccumulator();
    this.parties = new Map(); // id -> {roles: Set, keys: Map(idHex -> parsed vkey)}
    this.revokedAt = new Map(); // "id+idHex" -> seq of the party record that dropped it
    this.batch = null; // open seal: {by, count, root, actor, next, tree}
    this.origin = null;
    this.snapshotSizes = new Set(snapshotSizes);
    this.snapshots = new Map(); // size -> root
    if (this.snapshotSizes.has(0)) this.snapshots.set(0, this.tree.root());
  }

  addLine(bytes) {
    const seq = this.count;
    const where = `seq ${seq}`;
    let text;
    try {
      text = kUtf8.decode(bytes);
    } catch {
      fail(where, 'line is not valid UTF-8');
    }
    let entry;
    try {
      entry = JSON.parse(text);
    } catch (e) {
      fail(where, `line is not JSON (${e.message})`);
    }
    let canonical;
    try {
      canonical = canonicalize(entry);
    } catch (e) {
      fail(where, e.message);
    }
    if (canonical !== text) {
      const c = Buffer.from(canonical, 'utf8');
      let i = 0;
      while (i < c.length && i < bytes.length && c[i] === bytes[i]) i++;
      fail(where, `line is not canonical JSON (RFC 8785): first difference at byte ${i}`);
    }
    const leaf = hashLeaf(bytes);
    this.checkEntry(where, seq, entry);

    this.prevHex = leaf.toString('hex');
    this.tree.appendLeafHash(leaf);
    this.count++;
    if (this.snapshotSizes.has(this.count)) this.snapshots.set(this.count, this.tree.root());
  }

  checkEntry(where, seq, entry) {
    if (!isObject(entry)) fail(where, 'entry is not a JSON object');
    checkMembers(where, 'entry', entry, ['seq', 'prev', 'logged', 'statement'], ['sig', 'seal']);
    if (entry.seq !== seq) {
      fail(where, `"seq" is ${JSON.stringify(entry.seq)}, expected ${seq} (line missing, added or out of order)`);
    }
    if (typeof entry.prev !== 'string' || !kHex64.test(entry.prev)) fail(where, '"prev" is not 64 lowercase hex digits');
    if (entry.prev !== this.prevHex) {
      fail(where, `"prev" ${entry.prev} is not the leaf hash ${this.prevHex} of the previous entry`);
    }
    if (!isRfc3339(entry.logged, true)) fail(where, `"logged" ${JSON.stringify(entry.logged)} is not an RFC 3339 UTC time ending in Z`);
    const hasSig = Object.prototype.hasOwnProperty.call(entry, 'sig');
    const hasSeal = Object.prototype.hasOwnProperty.call(entry, 'seal');
    if (hasSig === hasSeal) fail(where, 'entry must carry exactly one of "sig" and "seal"');

    const st = entry.statement;
    this.checkStatement(where, seq, st);
    const payload = Buffer.concat([kPayloadPrefix, Buffer.from(canonicalize(st), 'utf8')]);

    if (seq === 0) this.applyGenesis(where, st);
    if (hasSig) {
      if (this.batch) {
        fail(where, `expected sealed entry ${this.batch.next} of ${this.batch.count} for the seal at seq ${this.batch.by}, found "sig"`);
      }
      this.checkSignature(where, st, payload, entry.sig);
    } else {
      this.addSealed(where, seq, st, payload, entry.seal);
    }
    if (st.kind === 'party') this.applyParty(where, seq, st);
    if (st.kind === 'seal') this.openSeal(where, seq, st);
  }

  checkStatement(where, seq, st) {
    if (!isObject(st)) fail(where, '"statement" is not an object');
    checkMembers(where, 'statement', st, ['v', 'kind', 'actor', 'time', 'body'], ['nonce']);
    if (st.v !== 1) fail(where, `statement "v" is ${JSON.stringify(st.v)}, expected 1`);
    if (typeof st.kind !== 'string' || st.kind.length === 0) fail(where, 'statement "kind" is not a non-empty string');
    if (typeof st.actor !== 'string' || st.actor.length === 0) fail(where, 'statement "actor" is not a non-empty string');
    if (!isRfc3339(st.time, false)) fail(where, `statement "time" ${JSON.stringify(st.time)} is not RFC 3339 with an offset`);
    if (!isObject(st.body)) fail(where, 'statement "body" is not an object');
    if ('nonce' in st && typeof st.nonce !== 'string') fail(where, 'statement "nonce" is not a string');
    if (seq === 0 && st.kind !== 'genesis') fail(where, `entry 0 is of kind "${st.kind}", expected "genesis"`);
    if (seq !== 0 && st.kind === 'genesis') fail(where, 'a "genesis" statement after entry 0');
  }

  applyGenesis(where, st) {
    const body = st.body;
    checkMembers(where, 'genesis body', body, ['origin', 'timezone', 'party']);
    if (typeof body.origin !== 'string' || body.origin.length === 0) fail(where, 'genesis "origin" is not a non-empty string');
    if (typeof body.timezone !== 'string' || !/^(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/.test(body.timezone)) {
      fail(where, `genesis "timezone" ${JSON.stringify(body.timezone)} is not an offset like +08:00`);
    }
    if (!isObject(body.party)) fail(where, 'genesis "party" is not an object');
    if (body.party.id !== st.actor) fail(where, `genesis party id ${JSON.stringify(body.party.id)} is not the actor "${st.actor}"`);
    this.origin = body.origin;
    this.setParty(where, 0, body.party, 'genesis party');
    if (!this.parties.get(st.actor).roles.has('regulator')) fail(where, 'genesis party does not have the role "regulator"');
  }

  applyParty(where, seq, st) {
    const actor = this.parties.get(st.actor);
    if (!actor || !actor.roles.has('regulator')) fail(where, `party statement by "${st.actor}", who is not a regulator`);
    this.setParty(where, seq, st.body, 'party body');
  }

  setParty(where, seq, rec, what) {
    if (typeof rec.id !== 'string' || !isKeyName(rec.id)) fail(where, `${what} "id" is not a valid party id / key name`);
    if (!Array.isArray(rec.roles) || !rec.roles.every((r) => typeof r === 'string')) fail(where, `${what} "roles" is not an array of strings`);
    if (!Array.isArray(rec.keys)) fail(where, `${what} "keys" is not an array`);
    const keys = new Map();
    for (const text of rec.keys) {
      const k = parseVkey(text);
      if (k.error) fail(where, `${what} key ${JSON.stringify(text)} ${k.error}`);
      if (k.name !== rec.id) fail(where, `${what} key ${k.name}+${k.idHex} is not named after party "${rec.id}"`);
      keys.set(k.idHex, k);
    }
    const old = this.parties.get(rec.id);
    if (old) {
      for (const idHex of old.keys.keys()) {
        if (!keys.has(idHex)) this.revokedAt.set(`${rec.id}+${idHex}`, seq);
      }
    }
    for (const idHex of keys.keys()) this.revokedAt.delete(`${rec.id}+${idHex}`);
    this.parties.set(rec.id, { roles: new Set(rec.roles), keys });
  }

  checkSignature(where, st, payload, sig) {
    if (!isObject(sig)) fail(where, '"sig" is not an object');
    checkMembers(where, '"sig"', sig, ['key', 'value']);
    const m = typeof sig.key === 'string' ? /^(.*)\+([0-9a-f]{8})$/.exec(sig.key) : null;
    if (!m) fail(where, `sig "key" ${JSON.stringify(sig.key)} is not name+keyid`);
    const [, name, idHex] = m;
    if (name !== st.actor) fail(where, `signed by key name "${name}", but the actor is "${st.actor}"`);
    const party = this.parties.get(name);
    if (!party) fail(where, `actor "${name}" is not a registered party`);
    const key = party.keys.get(idHex);
    if (!key) {
      const revoked = this.revokedAt.get(sig.key);
      if (revoked !== undefined) fail(where, `key ${sig.key} was revoked at seq ${revoked}`);
      fail(where, `key ${sig.key} is not registered for party "${name}"`);
    }
    const value = strictBase64(sig.value);
    if (value === null || value.length !== 64) fail(where, 'sig "value" is not base64 of a 64-byte signature');
    if (!crypto.verify(null, payload, key.keyObject, value)) fail(where, `Ed25519 signature does not verify with key ${sig.key}`);
  }

  openSeal(where, seq, st) {
    const body = st.body;
    if (!Number.isSafeInteger(body.count) || body.count < 1) fail(where, `seal "count" ${JSON.stringify(body.count)} is not a positive integer`);
    if (typeof body.root !== 'string' || !kHex64.test(body.root)) fail(where, 'seal "root" is not 64 lowercase hex digits');
    this.batch = { by: seq, count: body.count, root: body.root, actor: st.actor, next: 0, tree: new MerkleAccumulator() };
  }

  addSealed(where, seq, st, payload, seal) {
    const b = this.batch;
    if (!isObject(seal)) fail(where, '"seal" is not an object');
    checkMembers(where, '"seal"', seal, ['by', 'index']);
    if (!b) fail(where, `sealed by seq ${JSON.stringify(seal.by)}, but no seal batch is open here`);
    if (seal.by !== b.by) fail(where, `"seal.by" is ${JSON.stringify(seal.by)}, expected ${b.by}`);
    if (seal.index !== b.next) fail(where, `"seal.index" is ${JSON.stringify(seal.index)}, expected ${b.next}`);
    if (st.actor !== b.actor) fail(where, `sealed statement by "${st.actor}", but the seal at seq ${b.by} is by "${b.actor}"`);
    if (st.kind === 'seal') fail(where, `a seal inside the batch of the seal at seq ${b.by}`);
    b.tree.appendLeafHash(hashLeaf(sha256(payload)));
    b.next++;
    if (b.next === b.count) {
      const root = b.tree.root().toString('hex');
      if (root !== b.root) {
        fail(`seq ${b.by}`, `seal root ${b.root} does not match the root ${root} of the sealed statements seq ${b.by + 1}..${seq}`);
      }
      this.batch = null;
    }
  }

  finish() {
    if (this.count === 0) fail('seq 0', 'export is empty (no genesis entry)');
    if (this.batch) {
      fail(`seq ${this.batch.by}`, `export ends after ${this.batch.next} of the ${this.batch.count} entries of this seal`);
    }
    return this.tree.root();
  }
}

// Streams the export file line by line (lines end with "\n"; a file must end with one).
function streamLines(path, onLine) {
  let fd;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    fail('export', `cannot read ${path}: ${e.message}`);
  }
  const chunk = Buffer.allocUnsafe(1 << 20);
  let pending = []; // pieces of an unfinished line, copied out of `chunk`
  let index = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const buf = chunk.subarray(0, n);
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(0x0a, start);
        if (nl < 0) break;
        let line = buf.subarray(start, nl);
        if (pending.length) {
          line = Buffer.concat([...pending, line]);
          pending = [];
        }
        if (line.length === 0) fail(`seq ${index}`, 'empty line');
        onLine(line);
        index++;
        start = nl + 1;
      }
      if (start < n) pending.push(Buffer.from(buf.subarray(start)));
    }
  } finally {
    fs.closeSync(fd);
  }
  if (pending.length) fail(`seq ${index}`, 'last line does not end with "\\n" (truncated export?)');
}

// Verifies an export and, optionally, checkpoints and a consistency proof. Returns {count, root}.
export function verifyExport(exportPath, opts = {}) {
  let vkey = null;
  if (opts.vkey !== undefined) {
    const text = fs.existsSync(opts.vkey) ? readInput('vkey', opts.vkey).toString('utf8').trim() : opts.vkey;
    vkey = parseVkey(text);
    if (vkey.error) fail('vkey', `verifier key ${vkey.error}`);
  }
  const checkpoint = opts.checkpoint !== undefined ? loadCheckpoint('checkpoint', opts.checkpoint, vkey) : null;
  const old = opts.oldCheckpoint !== undefined ? loadCheckpoint('old checkpoint', opts.oldCheckpoint, vkey) : null;
  const proof = opts.consistencyProof !== undefined ? loadProof(opts.consistencyProof) : null;

  const sizes = [checkpoint?.size, old?.size, proof?.size].filter((s) => s !== undefined);
  const v = new ExportVerifier(sizes);
  streamLines(exportPath, (line) => v.addLine(line));
  const root = v.finish();
  v.snapshots.set(v.count, root);

  const rootAt = (where, size) => {
    if (size > v.count) fail(where, `tree size ${size} is larger than the export (${v.count} entries)`);
    return v.snapshots.get(size);
  };
  for (const [where, cp] of [['checkpoint', checkpoint], ['old checkpoint', old]]) {
    if (!cp) continue;
    if (cp.origin !== v.origin) fail(where, `origin "${cp.origin}" is not the genesis origin "${v.origin}"`);
    const expected = rootAt(where, cp.size);
    if (where === 'checkpoint' && !cp.root.equals(expected)) {
      fail(where, `root ${cp.root.toString('hex')} is not the root ${expected.toString('hex')} of the first ${cp.size} entries`);
    }
  }
  if (proof) {
    const where = 'consistency proof';
    if (proof.oldSize !== old.size) fail(where, `"old_size" ${proof.oldSize} is not the old checkpoint's size ${old.size}`);
    const newRoot = rootAt(where, proof.size);
    const why = checkConsistency(proof.oldSize, proof.size, old.root, newRoot, proof.hashes);
    if (why) fail(where, `${why} (sizes ${proof.oldSize} -> ${proof.size})`);
    // A valid proof to the export's own root also shows that the export's first old_size entries
    // hash to the old root, so no separate prefix comparison is needed.
  }
  return { count: v.count, root };
}

// ---------------------------------------------------------------- command line

const kUsage = 'usage: node verify-export.mjs EXPORT.jsonl [--checkpoint CHECKPOINT.note --vkey VKEY]\n' +
  '                              [--old-checkpoint OLD.note --consistency-proof PROOF.json]\n' +
  'VKEY is a file holding the verifier key, or the key string itself.';

function parseArgs(argv) {
  const flags = { '--checkpoint': 'checkpoint', '--vkey': 'vkey', '--old-checkpoint': 'oldCheckpoint', '--consistency-proof': 'consistencyProof' };
  const opts = {};
  let exportPath;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return { help: true };
    if (Object.prototype.hasOwnProperty.call(flags, a)) {
      if (i + 1 >= argv.length) return { error: `${a} needs a value` };
      if (opts[flags[a]] !== undefined) return { error: `${a} given twice` };
      opts[flags[a]] = argv[++i];
    } else if (a.startsWith('-')) {
      return { error: `unknown option ${a}` };
    } else if (exportPath === undefined) {
      exportPath = a;
    } else {
      return { error: `unexpected argument ${a}` };
    }
  }
  if (exportPath === undefined) return { error: 'no export file given' };
  if ((opts.checkpoint !== undefined || opts.oldCheckpoint !== undefined) && opts.vkey === undefined) {
    return { error: 'checkpoints need --vkey' };
  }
  if ((opts.oldCheckpoint === undefined) !== (opts.consistencyProof === undefined)) {
    return { error: '--old-checkpoint and --consistency-proof go together' };
  }
  return { exportPath, opts };
}

function main(argv) {
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(`${kUsage}\n`);
    return 0;
  }
  if (args.error) {
    process.stderr.write(`verify-export: ${args.error}\n${kUsage}\n`);
    return 2;
  }
  try {
    const { count, root } = verifyExport(args.exportPath, args.opts);
    process.stdout.write(`OK: ${count} entries, root ${root.toString('hex')}\n`);
    return 0;
  } catch (e) {
    if (e instanceof VerifyError) {
      process.stdout.write(`FAIL: ${e.where}: ${e.message}\n`);
    } else {
      process.stdout.write(`FAIL: internal error in the verifier: ${e && e.stack ? e.stack : e}\n`);
    }
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  process.exitCode = main(process.argv.slice(2));
}
