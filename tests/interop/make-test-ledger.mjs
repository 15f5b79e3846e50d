#!/usr/bin/env node
// Writes a small, valid wasteledger v1 export (or a deliberately broken variant of it) for the
// self-test of verify-export.mjs. It shares no code with the verifier: its Merkle tree is the
// recursive RFC 6962 definition and its proofs follow RFC 9162 2.1.4.1 (SUBPROOF), so a bug in
// the verifier's streaming tree or proof checker is not mirrored here. Keys come from fixed seeds,
// so the output is byte-for-byte reproducible.
//
// usage: node make-test-ledger.mjs OUTDIR [--variant NAME] [--fill N]
// writes OUTDIR/export.jsonl, checkpoint.note (full size), old-checkpoint.note (size kOldSize),
// consistency.json (old -> full), log.vkey.  --fill N appends N more entries (signed statements,
// with a sealed batch of 100 every 1,000), for the performance check.
// Variants (each has a valid chain, signatures and checkpoint except for the named defect):
//   revoked-key      seq 6 is signed with hauler-1's first key, revoked at seq 5
//   bad-sig          seq 4 carries a signature over a different payload
//   bad-seal-root    the seal at seq 7 names a root that is not the one of seq 8..10
//   seal-actor       seq 9 (sealed) is by another party than the seal's actor
//   bad-checkpoint-root  checkpoint.note is validly signed but names a wrong root
//   bad-checkpoint-sig   checkpoint.note's signature is over other text
//   bad-consistency  consistency.json has one altered hash
//   fork             old-checkpoint.note is validly signed over a root not in this log
//   non-regulator    seq 2 (a party record) is made by hauler-1, not a regulator
//   bad-vkey-id      seq 1 registers a vkey whose key ID does not match its key
//   float            seq 3's body holds the number 1.5
//   unknown-key      seq 4 is signed with a key never registered for plant-1
//   actor-key        seq 4 (by plant-1) is signed with hauler-1's valid key

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const kOrigin = 'wasteledger.example/interop-test';
const kOldSize = 7;

const sha256 = (...parts) => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

// ---- keys: Ed25519 from a fixed seed; vkey per C2SP signed-note
function makeKey(name, label) {
  const seed = sha256(Buffer.from(`wasteledger interop test seed: ${label}`));
  const priv = crypto.createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const pub = crypto.createPublicKey(priv).export({ format: 'der', type: 'spki' }).subarray(-32);
  const id = sha256(Buffer.from(name), Buffer.from([0x0a, 0x01]), pub).subarray(0, 4).toString('hex');
  return {
    name,
    id,
    vkey: `${name}+${id}+${Buffer.concat([Buffer.from([0x01]), pub]).toString('base64')}`,
    sign: (data) => crypto.sign(null, data, priv),
  };
}

// ---- RFC 8785 for the plain integer/string/array/object values this generator makes
function jcs(v) {
  if (Array.isArray(v)) return `[${v.map(jcs).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${jcs(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

// ---- RFC 6962 / RFC 9162, by the recursive definitions
const leafHash = (d) => sha256(Buffer.from([0]), d);
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);
const split = (n) => 2 ** Math.floor(Math.log2(n - 1)); // largest power of 2 < n, n > 1

function mth(leaves) {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0];
  const k = split(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

function subproof(m, leaves, complete) {
  const n = leaves.length;
  if (m === n) return complete ? [] : [mth(leaves)];
  const k = split(n);
  if (m <= k) return [...subproof(m, leaves.slice(0, k), complete), mth(leaves.slice(k))];
  return [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}

// ---- the scenario
const keys = {
  R1: makeKey('regulator', 'regulator-1'),
  R2: makeKey('regulator', 'regulator-2'),
  H1: makeKey('hauler-1', 'hauler-1'),
  H2: makeKey('hauler-1', 'hauler-2'),
  P1: makeKey('plant-1', 'plant-1'),
  X: makeKey('plant-1', 'never-registered'),
};
const kLog = makeKey(kOrigin, 'log');

function party(id, name, uscc, roles, keyList, permits = []) {
  return { id, name, uscc, roles, keys: keyList.map((k) => k.vkey), permits };
}

const regulator = party('regulator', '市生态环境局 (City Ecology and Environment Bureau)',
  '11110000000000000X', ['regulator'], [keys.R1]);

function main(argv) {
  const outDir = argv[0];
  let variant = 'none';
  let fill = 0;
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '--variant') variant = argv[++i];
    else if (argv[i] === '--fill') fill = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!outDir) throw new Error('usage: make-test-ledger.mjs OUTDIR [--variant NAME] [--fill N]');
  fs.mkdirSync(outDir, { recursive: true });

  const t0 = Date.UTC(2025, 2, 1, 0, 0, 0);
  const localTime = (i) => {
    // RFC 3339 in +08:00, i minutes after t0
    const d = new Date(t0 + i * 60000 + 8 * 3600000);
    return `${d.toISOString().slice(0, 19)}+08:00`;
  };
  const loggedTime = (i) => `${new Date(t0 + i * 60000 + 30000).toISOString().slice(0, 19)}Z`;

  // Each item: {st, key} (signed) or {seal: [st...], key} (a seal and its batch).
  const items = [];
  const stmt = (kind, actor, body, extra = {}) => ({ v: 1, kind, actor, time: localTime(items.length), body, ...extra });

  const hauler1 = party('hauler-1', '某某环卫运输有限公司', '91110000MA00000001', ['hauler'],
    [variant === 'bad-vkey-id' ? { vkey: keys.H1.vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+') } : keys.H1],
    ['PERMIT-H-001']);
  items.push({ st: stmt('genesis', 'regulator', { origin: kOrigin, timezone: '+08:00', party: regulator }), key: keys.R1 });
  items.push({ st: stmt('party', 'regulator', hauler1), key: keys.R1 });
  items.push(variant === 'non-regulator'
    ? { st: stmt('party', 'hauler-1', party('plant-1', 'Plant', '91110000MA00000002', ['treatment'], [keys.P1])), key: keys.H1 }
    : { st: stmt('party', 'regulator', party('plant-1', 'Plant', '91110000MA00000002', ['treatment'], [keys.P1])), key: keys.R1 });
  items.push({
    st: stmt('transfer', 'hauler-1', {
      manifest: 'M-2025-0001', waste_code: 'HW49 900-041-49', mass_g: variant === 'float' ? 1.5 : 1250000,
      note: 'tab\there, quote " and slash / and emoji \u{1F69B}',
    }),
    key: keys.H1,
  });
  items.push({ st: stmt('receipt', 'plant-1', { manifest: 'M-2025-0001', mass_g: 1248000 }), key: { 'unknown-key': keys.X, 'actor-key': keys.H1 }[variant] ?? keys.P1, badSig: variant === 'bad-sig' });
  items.push({ st: stmt('party', 'regulator', { ...hauler1, keys: [keys.H2.vkey] }), key: keys.R1 });
  items.push({ st: stmt('transfer', 'hauler-1', { manifest: 'M-2025-0002', mass_g: 830000 }), key: variant === 'revoked-key' ? keys.H1 : keys.H2 });
  const weighings = [0, 1, 2].map((j) => stmt('weighing', variant === 'seal-actor' && j === 1 ? 'hauler-1' : 'plant-1',
    { ticket: `W-${j}`, gross_g: 20000000 + j, tare_g: 12000000 }));
  items.push({ seal: weighings, key: keys.P1, badRoot: variant === 'bad-seal-root' });
  items.push({ st: stmt('inspection', 'regulator', { finding: 'none', site: 'plant-1' }, { nonce: 'a1' }), key: keys.R1 });
  items.push({ st: stmt('party', 'regulator', { ...regulator, keys: [keys.R1.vkey, keys.R2.vkey] }), key: keys.R1 });
  items.push({ st: stmt('notice', 'regulator', { text: 'signed with the second regulator key' }), key: keys.R2 });
  for (let i = 0; i < fill;) {
    if (i % 1000 === 999 && fill - i >= 101) {
      const batch = [];
      for (let j = 0; j < 100; j++) batch.push(stmt('weighing', 'plant-1', { ticket: `F-${i}-${j}`, gross_g: 1000 + j, tare_g: 10 }));
      items.push({ seal: batch, key: keys.P1 });
      i += 101;
    } else {
      items.push({ st: stmt('transfer', 'hauler-1', { manifest: `F-${i}`, mass_g: 1000 * i }), key: keys.H2 });
      i++;
    }
  }

  // Turn items into entries.
  const lines = [];
  let prev = '0'.repeat(64);
  const payloadOf = (st) => Buffer.from(`wasteledger/statement/v1\n${jcs(st)}`, 'utf8');
  const append = (st, auth) => {
    const line = jcs({ seq: lines.length, prev, logged: loggedTime(lines.length), statement: st, ...auth });
    lines.push(line);
    prev = leafHash(Buffer.from(line, 'utf8')).toString('hex');
  };
  const sigOf = (st, key, bad) => ({
    key: `${key.name}+${key.id}`,
    value: key.sign(bad ? Buffer.concat([payloadOf(st), Buffer.from('x')]) : payloadOf(st)).toString('base64'),
  });
  for (const it of items) {
    if (it.st) {
      append(it.st, { sig: sigOf(it.st, it.key, it.badSig) });
      continue;
    }
    const stmtLeaves = it.seal.map((st) => leafHash(sha256(payloadOf(st))));
    let root = mth(stmtLeaves);
    if (it.badRoot) root = mth(stmtLeaves.slice(0, 2));
    const sealSt = stmt('seal', it.key.name, {
      count: it.seal.length, root: root.toString('hex'),
      source: { file: 'weighbridge-2025-03.csv', sha256: sha256(Buffer.from('rows')).toString('hex'), rows: it.seal.length },
    });
    const by = lines.length;
    append(sealSt, { sig: sigOf(sealSt, it.key, false) });
    it.seal.forEach((st, index) => append(st, { seal: { by, index } }));
  }

  const leaves = lines.map((l) => leafHash(Buffer.from(l, 'utf8')));
  const note = (size, root, signer = kLog, signedText = null) => {
    const text = `${kOrigin}\n${size}\n${root.toString('base64')}\n`;
    const sig = signer.sign(Buffer.from(signedText ?? text, 'utf8'));
    const blob = Buffer.concat([Buffer.from(signer.id, 'hex'), sig]).toString('base64');
    return `${text}\n\u2014 ${signer.name} ${blob}\n`;
  };
  let root = mth(leaves);
  if (variant === 'bad-checkpoint-root') root = mth(leaves.slice(0, -1));
  const checkpoint = variant === 'bad-checkpoint-sig' ? note(leaves.length, root, kLog, 'other text\n') : note(leaves.length, root);
  const oldRoot = variant === 'fork' ? mth([...leaves.slice(0, kOldSize - 1), leafHash(Buffer.from('forged'))]) : mth(leaves.slice(0, kOldSize));
  const proofHashes = subproof(kOldSize, leaves, true).map((h) => h.toString('hex'));
  if (variant === 'bad-consistency') proofHashes[1] = sha256(Buffer.from('tampered')).toString('hex');

  fs.writeFileSync(path.join(outDir, 'export.jsonl'), lines.map((l) => `${l}\n`).join(''));
  fs.writeFileSync(path.join(outDir, 'checkpoint.note'), checkpoint);
  fs.writeFileSync(path.join(outDir, 'old-checkpoint.note'), note(kOldSize, oldRoot));
  fs.writeFileSync(path.join(outDir, 'consistency.json'),
    `${JSON.stringify({ size: leaves.length, old_size: kOldSize, hashes: proofHashes })}\n`);
  fs.writeFileSync(path.join(outDir, 'log.vkey'), `${kLog.vkey}\n`);
  process.stdout.write(`${outDir}: ${lines.length} entries (variant ${variant})\n`);
}

main(process.argv.slice(2));
