#!/usr/bin/env bash
# Self-test of verify-export.mjs: known-answer vectors for its building blocks, then a generated
# ledger that it must accept, and broken copies of it that it must reject with the right message
# (the right seq and the right reason). Exits non-zero if any case goes the wrong way.
# usage: tests/interop/selftest.sh [--no-perf]      (NODE=/path/to/node to pick a node binary)
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
NODE=${NODE:-node}
VERIFY="$HERE/verify-export.mjs"
GEN="$HERE/make-test-ledger.mjs"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PERF=1
[[ "${1:-}" == "--no-perf" ]] && PERF=0

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok     $1"; }
bad() { failed=$((failed + 1)); echo "FAILED $1"; shift; printf '       %s\n' "$@"; }

# run ARGS...: sets OUT (stdout), ERR (stderr) and RC.
run() {
  OUT=$("$NODE" "$VERIFY" "$@" 2>"$TMP/stderr")
  RC=$?
  ERR=$(cat "$TMP/stderr")
}

# expect_ok NAME ARGS...: exit 0, "OK: ..." on stdout, nothing on stderr.
expect_ok() {
  local name=$1
  shift
  run "$@"
  if [[ $RC -eq 0 && "$OUT" == "OK: "* && -z "$ERR" ]]; then ok "$name"; else bad "$name" "rc=$RC out=$OUT err=$ERR"; fi
}

# expect_fail NAME PREFIX ARGS...: exit 1 and stdout is one line starting with PREFIX.
expect_fail() {
  local name=$1 want=$2
  shift 2
  run "$@"
  if [[ $RC -eq 1 && "$OUT" == "$want"* && "$OUT" != *$'\n'* && -z "$ERR" ]]; then
    ok "$name"
  else
    bad "$name" "want rc=1 and: $want" "got  rc=$RC and: $OUT" "stderr: $ERR"
  fi
}

# edit DST JS: runs JS on L (the lines of the good export, read as latin1 so bytes survive); JS
# returns an array of lines (written with "\n" after each) or a string (written as is); jcs(value)
# re-serialises an edited entry canonically (ASCII lines only).
edit() {
  "$NODE" -e '
    const fs = require("fs");
    const [src, dst, js] = process.argv.slice(1);
    const L = fs.readFileSync(src, "latin1").split("\n");
    L.pop();
    const jcs = (v) => Array.isArray(v) ? `[${v.map(jcs).join(",")}]`
      : v !== null && typeof v === "object" ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${jcs(v[k])}`).join(",")}}`
      : JSON.stringify(v);
    const r = new Function("L", "jcs", js)(L, jcs);
    fs.writeFileSync(dst, Array.isArray(r) ? r.map((l) => l + "\n").join("") : r, "latin1");
  ' "$G/export.jsonl" "$1" "$2"
}

echo "== known-answer vectors and randomised checks of the building blocks"
KAT=$(cat <<'EOF'
const v = await import(process.env.VERIFY_MJS);
let n = 0;
const fails = [];
const check = (name, cond) => { n++; if (!cond) fails.push(name); };
const hex = (b) => Buffer.from(b).toString('hex');
const H = (s) => Buffer.from(s, 'hex');

// RFC 6962 test set (transparency-dev/merkle testonly, certificate-transparency merkle_tree_test.cc)
const inputs = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(H);
const roots = ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'];
const acc = new v.MerkleAccumulator();
check('root of size 0', hex(acc.root()) === roots[0]);
inputs.forEach((d, i) => { acc.appendLeafHash(v.hashLeaf(d)); check(`root of size ${i + 1}`, hex(acc.root()) === roots[i + 1]); });
check('HashLeaf(L123456)', hex(v.hashLeaf(Buffer.from('L123456'))) === '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56');
check('HashChildren(N123,N456)', hex(v.hashChildren(Buffer.from('N123'), Buffer.from('N456'))) === 'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb');

// RFC 9162 consistency proofs (transparency-dev/merkle testdata/consistency)
const cons = [[1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [6, 7, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']]];
for (const [m, s, p] of cons) {
  const proof = p.map(H);
  check(`consistency ${m}->${s}`, v.checkConsistency(m, s, H(roots[m]), H(roots[s]), proof) === null);
  for (let i = 0; i < proof.length; i++) {
    const t = proof.map((b) => Buffer.from(b));
    t[i][0] ^= 1;
    check(`consistency ${m}->${s} with hash ${i} altered fails`, v.checkConsistency(m, s, H(roots[m]), H(roots[s]), t) !== null);
  }
  if (proof.length) {
    check(`consistency ${m}->${s} without its last hash fails`, v.checkConsistency(m, s, H(roots[m]), H(roots[s]), proof.slice(0, -1)) !== null);
    check(`consistency ${m}->${s} with an extra hash fails`, v.checkConsistency(m, s, H(roots[m]), H(roots[s]), [...proof, proof[0]]) !== null);
  }
  if (s > m) check(`consistency ${m}->${s} against the wrong new root fails`, v.checkConsistency(m, s, H(roots[m]), H(roots[s - 1]), proof) !== null);
}

// Randomised: streaming tree and proof checker against the recursive RFC 6962/9162 definitions.
let seed = 20250301;
const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed; };
const split = (n) => 2 ** Math.floor(Math.log2(n - 1));
const mth = (l) => l.length === 0 ? v.sha256() : l.length === 1 ? l[0] : v.hashChildren(mth(l.slice(0, split(l.length))), mth(l.slice(split(l.length))));
const sub = (m, l, b) => { if (m === l.length) return b ? [] : [mth(l)]; const k = split(l.length);
  return m <= k ? [...sub(m, l.slice(0, k), b), mth(l.slice(k))] : [...sub(m - k, l.slice(k), false), mth(l.slice(0, k))]; };
const leaves = [];
const a2 = new v.MerkleAccumulator();
let treeOk = true;
for (let i = 0; i < 300; i++) {
  leaves.push(v.hashLeaf(Buffer.from(String(rand()))));
  a2.appendLeafHash(leaves[i]);
  if (!a2.root().equals(mth(leaves))) treeOk = false;
}
check('streaming root == recursive root for sizes 1..300', treeOk);
let proofsOk = true;
let tamperOk = true;
for (let s = 1; s <= 70; s++) {
  for (let m = 1; m <= s; m++) {
    const l = leaves.slice(0, s);
    const p = sub(m, l, true);
    if (v.checkConsistency(m, s, mth(l.slice(0, m)), mth(l), p) !== null) proofsOk = false;
    if (p.length) {
      const t = p.map((b) => Buffer.from(b));
      t[rand() % t.length][rand() % 32] ^= 1 << (rand() % 8);
      if (v.checkConsistency(m, s, mth(l.slice(0, m)), mth(l), t) === null) tamperOk = false;
    }
    if (m < s && v.checkConsistency(m, s, mth(l.slice(0, m - 1).concat([leaves[299]])), mth(l), p) === null) tamperOk = false;
  }
}
check('consistency proofs for all 1 <= m <= s <= 70 verify', proofsOk);
check('consistency proofs with one flipped bit or a forked old tree fail', tamperOk);

// C2SP signed-note vectors A and B, and key IDs.
const A = v.parseVkey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
check('vector A vkey parses', !A.error && hex(A.pub) === 'e932791ae6e7a840a46164c904786426d5e7821dd8b29a00d61cae72afdd4da4');
const noteA = 'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
check('vector A note opens', v.openNote('A', Buffer.from(noteA), A) === 'This is an example message.\n');
const throwsVerify = (f) => { try { f(); return false; } catch (e) { return e instanceof v.VerifyError; } };
check('vector A with altered text fails', throwsVerify(() => v.openNote('A', Buffer.from(noteA.replace('example', 'Example')), A)));
const B = v.parseVkey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
const textB = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const sigB = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const sigE = '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
check('vector B note opens', v.openNote('B', Buffer.from(`${textB}\n${sigB}`), B) === textB);
check('vector B: one known + one unknown signature opens', v.openNote('B', Buffer.from(`${textB}\n${sigE}${sigB}`), B) === textB);
check('vector B: only an unknown signature fails', throwsVerify(() => v.openNote('B', Buffer.from(`${textB}\n${sigE}`), B)));
const E = v.parseVkey('EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop');
check('vector B: second key verifies its own line', v.openNote('B', Buffer.from(`${textB}\n${sigB}${sigE}`), E) === textB);
check('vkey with a wrong-length key is rejected', !!v.parseVkey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==').error);
check('vkey with unknown algorithm 0x65 is rejected', !!v.parseVkey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW').error);
check('vkey with a wrong key ID is rejected', !!v.parseVkey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW').error);
check('witness-network vkey 1 parses', !v.parseVkey('log.example.org+0a72cd63+AV2yLmzeBL9B3zFJNqal0JuqxiFve0m/eqmT1+KkLVeC').error);
check('witness-network vkey 2 parses', !v.parseVkey('example.org/log+b0201859+Aawb3XxZM7k072GrHtogNwVl3F5b5SbqFs83YYw+Yjbq').error);
check('type 0x04 cosigner vkey is not an Ed25519 note key', !!v.parseVkey('remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2').error);
const cp = v.parseCheckpoint('cp', 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n');
check('checkpoint body parses', cp.origin === 'example.com/behind-the-sofa' && cp.size === 20852163 && cp.root.length === 32);
check('checkpoint size with a leading zero fails', throwsVerify(() => v.parseCheckpoint('cp', 'o\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n')));

// RFC 8785: 3.2.3 key sorting by UTF-16 code units, 3.2.2 string escaping; v1 integer rule.
const sorted = v.canonicalize(JSON.parse('{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}'));
check('RFC 8785 3.2.3 sorting', sorted === '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}');
const esc = v.canonicalize(JSON.parse('{"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}'));
check('RFC 8785 3.2.2 strings and literals', esc === '{"literals":[null,true,false],"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
const rejects = (x) => { try { v.canonicalize(x); return false; } catch { return true; } };
check('1.5 is rejected', rejects(1.5));
check('2^53 is rejected', rejects(2 ** 53));
check('2^53-1 is accepted', v.canonicalize(2 ** 53 - 1) === '9007199254740991');
check('a lone surrogate is rejected', rejects({ a: '\ud800' }));
check('-0 serialises as 0', v.canonicalize(-0) === '0');

// RFC 3339
check('RFC 3339 UTC accepted', v.isRfc3339('2025-02-28T23:59:60.5Z', true));
check('RFC 3339 offset accepted', v.isRfc3339('2024-02-29T08:00:00+08:00', false));
check('offset refused where UTC is required', !v.isRfc3339('2025-03-01T08:00:00+08:00', true));
check('Feb 29 of a common year refused', !v.isRfc3339('2025-02-29T00:00:00Z', true));
check('missing offset refused', !v.isRfc3339('2025-03-01T08:00:00', false));
check('space separator refused', !v.isRfc3339('2025-03-01 08:00:00Z', false));

if (fails.length) { console.log(`${fails.length} of ${n} checks failed:\n  ${fails.join('\n  ')}`); process.exit(1); }
console.log(`${n} checks`);
EOF
)
if KOUT=$(VERIFY_MJS="$VERIFY" "$NODE" --input-type=module -e "$KAT" 2>&1); then ok "building blocks ($KOUT)"; else bad "building blocks" "$KOUT"; fi

echo "== generated ledger"
G="$TMP/good"
"$NODE" "$GEN" "$G" >/dev/null || { echo "generator failed"; exit 1; }
CP=(--checkpoint "$G/checkpoint.note" --vkey "$G/log.vkey")
CONS=(--old-checkpoint "$G/old-checkpoint.note" --consistency-proof "$G/consistency.json")
expect_ok "valid export" "$G/export.jsonl"
expect_ok "valid export + checkpoint + consistency proof" "$G/export.jsonl" "${CP[@]}" "${CONS[@]}"
[[ "$OUT" == "OK: 14 entries, root "* ]] && ok "reports 14 entries" || bad "reports 14 entries" "$OUT"
ROOT_B64=$(sed -n 3p "$G/checkpoint.note")
ROOT_HEX=$("$NODE" -e 'process.stdout.write(Buffer.from(process.argv[1], "base64").toString("hex"))' "$ROOT_B64")
[[ "$OUT" == "OK: 14 entries, root $ROOT_HEX" ]] && ok "reported root is the generator's root" || bad "reported root" "$OUT vs $ROOT_HEX"
expect_ok "checkpoint of an older state (size 7)" "$G/export.jsonl" --checkpoint "$G/old-checkpoint.note" --vkey "$G/log.vkey"
expect_ok "vkey given as a string" "$G/export.jsonl" --checkpoint "$G/checkpoint.note" --vkey "$(cat "$G/log.vkey")"

echo "== edited exports"
X="$TMP/x.jsonl"
edit "$X" 'L[3] = L[3].replace("1250000", "1250001"); return L;'
expect_fail "edited byte in a signed statement" "FAIL: seq 3: Ed25519 signature does not verify with key hauler-1+" "$X"
edit "$X" 'L[3] = L[3].replace("00:03:30Z", "00:03:31Z"); return L;'
expect_fail "edited byte outside the statement (chain)" 'FAIL: seq 4: "prev" ' "$X"
edit "$X" 'L[13] = L[13].replace("00:13:30Z", "00:13:31Z"); return L;'
expect_fail "edited last line (only the checkpoint sees it)" "FAIL: checkpoint: root " "$X" "${CP[@]}"
edit "$X" 'L.splice(4, 1); return L;'
expect_fail "deleted line" 'FAIL: seq 4: "seq" is 5, expected 4' "$X"
edit "$X" '[L[3], L[4]] = [L[4], L[3]]; return L;'
expect_fail "two swapped lines" 'FAIL: seq 3: "seq" is 4, expected 3' "$X"
edit "$X" 'L.splice(0, 1); return L;'
expect_fail "genesis removed" 'FAIL: seq 0: "seq" is 1, expected 0' "$X"
edit "$X" 'return L.slice(0, 7);'
expect_fail "checkpoint newer than the export" "FAIL: checkpoint: tree size 14 is larger than the export (7 entries)" "$X" "${CP[@]}"
edit "$X" 'L[3] = L[3].replace("\"seq\":", "\"seq\": "); return L;'
expect_fail "non-canonical: extra space" "FAIL: seq 3: line is not canonical JSON (RFC 8785): first difference at byte " "$X"
edit "$X" 'const o = JSON.parse(L[4]); L[4] = JSON.stringify({ statement: o.statement, ...o }); return L;'
expect_fail "non-canonical: keys out of order" "FAIL: seq 4: line is not canonical JSON" "$X"
edit "$X" 'L[4] = L[4].replace("1248000", "1.248e6"); return L;'
expect_fail "non-canonical: exponent" "FAIL: seq 4: line is not canonical JSON" "$X"
edit "$X" 'L[4] = L[4].replace("{\"logged\":", "{\"logged\":\"x\",\"logged\":"); return L;'
expect_fail "non-canonical: duplicate key" "FAIL: seq 4: line is not canonical JSON" "$X"
edit "$X" 'L[5] += "\r"; return L;'
expect_fail "CRLF line end" "FAIL: seq 5: line is not canonical JSON" "$X"
edit "$X" 'L[4] = L[4].replace("1248000", "9007199254740993"); return L;'
expect_fail "integer beyond 2^53-1" "FAIL: seq 4: number 9007199254740992 is not an integer" "$X"
edit "$X" 'L[4] = L[4].replace("M-2025", "M-\xff025"); return L;'
expect_fail "invalid UTF-8" "FAIL: seq 4: line is not valid UTF-8" "$X"
edit "$X" 'L[4] = L[4].replace("\"M-2025-0001\"", "\"\\ud800\""); return L;'
expect_fail "lone surrogate" "FAIL: seq 4: string contains a lone UTF-16 surrogate" "$X"
edit "$X" 'L[5] = L[5].replace(/"prev":"([0-9a-f]+)"/, (m, h) => `"prev":"${h.toUpperCase()}"`); return L;'
expect_fail "upper-case prev" 'FAIL: seq 5: "prev" is not 64 lowercase hex digits' "$X"
edit "$X" 'L[5] = L[5].replace("00:05:30Z", "08:05:30+08:00"); return L;'
expect_fail "logged not in UTC" 'FAIL: seq 5: "logged" "2025-03-01T08:05:30+08:00" is not an RFC 3339 UTC time' "$X"
edit "$X" 'L[5] = L[5].slice(0, -1) + ",\"x\":1}"; return L;'
expect_fail "unknown entry member" 'FAIL: seq 5: entry has unknown member "x"' "$X"
edit "$X" 'L.splice(5, 0, ""); return L;'
expect_fail "empty line" "FAIL: seq 5: empty line" "$X"
edit "$X" 'return L.join("\n");'
expect_fail "no final newline" 'FAIL: seq 13: last line does not end with "\n"' "$X"
edit "$X" 'return L.slice(0, 10);'
expect_fail "export cut inside a sealed batch" "FAIL: seq 7: export ends after 2 of the 3 entries of this seal" "$X"
edit "$X" 'L[10] = L[10].replace("20000002", "20000003"); return L;'
expect_fail "edited sealed statement" "FAIL: seq 7: seal root " "$X"
edit "$X" 'L[9] = L[9].replace("\"index\":1", "\"index\":2"); return L;'
expect_fail "wrong seal index" 'FAIL: seq 9: "seal.index" is 2, expected 1' "$X"
edit "$X" 'const e = JSON.parse(L[11]); delete e.sig; e.seal = { by: 7, index: 3 }; L[11] = jcs(e); return L;'
expect_fail "sealed entry beyond the seal count" 'FAIL: seq 11: sealed by seq 7, but no seal batch is open here' "$X"
edit "$X" 'const e = JSON.parse(L[9]); delete e.seal; e.sig = { key: "plant-1+00000000", value: "" }; L[9] = jcs(e); return L;'
expect_fail "signed entry inside a sealed batch" 'FAIL: seq 9: expected sealed entry 1 of 3 for the seal at seq 7, found "sig"' "$X"

echo "== generated broken ledgers"
variant() {
  local name=$1 want=$2
  "$NODE" "$GEN" "$TMP/$name" --variant "$name" >/dev/null || { bad "$name" "generator failed"; return; }
  expect_fail "$name" "$want" "$TMP/$name/export.jsonl" --checkpoint "$TMP/$name/checkpoint.note" \
    --vkey "$TMP/$name/log.vkey" --old-checkpoint "$TMP/$name/old-checkpoint.note" \
    --consistency-proof "$TMP/$name/consistency.json"
}
variant bad-sig "FAIL: seq 4: Ed25519 signature does not verify with key plant-1+"
variant revoked-key "FAIL: seq 6: key hauler-1+70f9667a was revoked at seq 5"
variant unknown-key 'FAIL: seq 4: key plant-1+c37bb305 is not registered for party "plant-1"'
variant actor-key 'FAIL: seq 4: signed by key name "hauler-1", but the actor is "plant-1"'
variant bad-seal-root "FAIL: seq 7: seal root "
variant seal-actor 'FAIL: seq 9: sealed statement by "hauler-1", but the seal at seq 7 is by "plant-1"'
variant non-regulator 'FAIL: seq 2: party statement by "hauler-1", who is not a regulator'
variant bad-vkey-id "FAIL: seq 1: party body key "
variant float "FAIL: seq 3: number 1.5 is not an integer"
variant bad-checkpoint-root "FAIL: checkpoint: root "
variant bad-checkpoint-sig "FAIL: checkpoint: signature by wasteledger.example/interop-test+"
variant bad-consistency "FAIL: consistency proof: proof does not reproduce the new root (sizes 7 -> 14)"
variant fork "FAIL: consistency proof: proof does not reproduce the old root (sizes 7 -> 14)"

echo "== checkpoints, keys and proofs"
REG_VKEY=$(grep -o '"regulator+[0-9a-f]*+[^"]*"' "$G/export.jsonl" | head -1 | tr -d '"')
expect_fail "checkpoint checked with another party's key" "FAIL: checkpoint: no signature by regulator+" \
  "$G/export.jsonl" --checkpoint "$G/checkpoint.note" --vkey "$REG_VKEY"
OTHER_VKEY=$("$NODE" -e '
  const c = require("crypto"); const name = process.argv[1];
  const pub = c.createPublicKey(c.generateKeyPairSync("ed25519").privateKey).export({ format: "der", type: "spki" }).subarray(-32);
  const id = c.createHash("sha256").update(Buffer.from(name)).update(Buffer.from([10, 1])).update(pub).digest().subarray(0, 4).toString("hex");
  process.stdout.write(`${name}+${id}+${Buffer.concat([Buffer.from([1]), pub]).toString("base64")}`);' "$(head -1 "$G/checkpoint.note")")
expect_fail "checkpoint checked with a different key of the same name" "FAIL: checkpoint: no signature by wasteledger.example/interop-test+" \
  "$G/export.jsonl" --checkpoint "$G/checkpoint.note" --vkey "$OTHER_VKEY"
sed 's/"old_size":7/"old_size":6/' "$G/consistency.json" >"$TMP/p.json"
expect_fail "proof for another old size" 'FAIL: consistency proof: "old_size" 6 is not the old checkpoint'"'"'s size 7' \
  "$G/export.jsonl" "${CP[@]}" --old-checkpoint "$G/old-checkpoint.note" --consistency-proof "$TMP/p.json"
"$NODE" -e 'const fs = require("fs"); const p = JSON.parse(fs.readFileSync(process.argv[1])); p.hashes.pop(); fs.writeFileSync(process.argv[2], JSON.stringify(p));' "$G/consistency.json" "$TMP/p.json"
expect_fail "proof missing a hash" "FAIL: consistency proof: proof has too few hashes" \
  "$G/export.jsonl" "${CP[@]}" --old-checkpoint "$G/old-checkpoint.note" --consistency-proof "$TMP/p.json"
tr -d '\n' <"$G/checkpoint.note" >"$TMP/c.note"
expect_fail "checkpoint note without its final newline" "FAIL: checkpoint: note does not end with a newline" \
  "$G/export.jsonl" --checkpoint "$TMP/c.note" --vkey "$G/log.vkey"
expect_fail "missing export file" "FAIL: export: cannot read " "$TMP/nonexistent.jsonl"

echo "== usage"
run
[[ $RC -eq 2 ]] && ok "no arguments: exit 2" || bad "no arguments" "rc=$RC"
run "$G/export.jsonl" --checkpoint "$G/checkpoint.note"
[[ $RC -eq 2 ]] && ok "checkpoint without --vkey: exit 2" || bad "checkpoint without --vkey" "rc=$RC"
run "$G/export.jsonl" --vkey "$G/log.vkey" --old-checkpoint "$G/old-checkpoint.note"
[[ $RC -eq 2 ]] && ok "old checkpoint without a proof: exit 2" || bad "old checkpoint without a proof" "rc=$RC"

if [[ $PERF -eq 1 ]]; then
  echo "== performance: 50,000 entries"
  P="$TMP/perf"
  "$NODE" "$GEN" "$P" --fill 50000 >/dev/null
  start=$(date +%s.%N)
  expect_ok "50,014 entries with checkpoint and proof" "$P/export.jsonl" --checkpoint "$P/checkpoint.note" \
    --vkey "$P/log.vkey" --old-checkpoint "$P/old-checkpoint.note" --consistency-proof "$P/consistency.json"
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  if (($(echo "$secs < 60" | bc))); then ok "verified in ${secs}s (limit 60s)"; else bad "too slow" "${secs}s"; fi
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
