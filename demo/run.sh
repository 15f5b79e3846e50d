#!/usr/bin/env bash
# The demo city: a ledger created, parties registered, statements signed and
# appended (one by one and as a sealed batch), a checkpoint, a proof checked
# offline, a full verification, and tampering caught.
# Usage: demo/run.sh path/to/wasteledger [output-dir]
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
WL=$(realpath "${1:-build/wasteledger}")
OUT=${2:-demo-out}
rm -rf "$OUT"
mkdir -p "$OUT"
cd "$OUT"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*" >&2; "$@"; }
# Keys in the demo are unencrypted so it runs unattended; real parties use a passphrase.
keygen() { "$WL" keygen --no-passphrase --name "$1" --out "$2" 2>/dev/null; }

ORIGIN=xuchang.example/wasteledger
step "1. Keys: the regulator (生态环境局), the ledger operator, and three companies"
REG=$(keygen xcepb xcepb.key)
OPERATOR=$(keygen "$ORIGIN" operator.key)
POWER=$(keygen yuzhou-power yuzhou-power.key)
CARRIER=$(keygen henan-haul henan-haul.key)
CEMENT=$(keygen tianrui-cement tianrui-cement.key)
echo "regulator vkey: $REG"
echo "operator vkey:  $OPERATOR"

step "2. The regulator creates the city's ledger (entry 0, the genesis)"
run "$WL" init --ledger city.ledger --origin "$ORIGIN" --key xcepb.key \
  --regulator-name 许昌市生态环境局
export WASTELEDGER_LEDGER=$PWD/city.ledger

step "3. The regulator registers the parties and their keys"
run "$WL" party add --key xcepb.key --id yuzhou-power --name 禹州市热电有限公司 \
  --uscc 91310110666007217T --role producer --vkey "$POWER"
run "$WL" party add --key xcepb.key --id henan-haul --name 河南危废运输有限公司 --role carrier --vkey "$CARRIER"
run "$WL" party add --key xcepb.key --id tianrui-cement --name 天瑞水泥有限公司 --role receiver --vkey "$CEMENT"
run "$WL" party list

step "4. The power plant signs statements offline and submits them"
cat > statements.jsonl <<'JSONL'
{"kind":"generate","time":"2026-11-02T08:00:00+08:00","body":{"waste":"SW02","mass_g":120000000,"note":"fly ash, unit 1"}}
{"kind":"generate","time":"2026-11-02T08:05:00+08:00","body":{"waste":"900-041-49","mass_g":850000,"note":"waste oil filters"}}
JSONL
run "$WL" sign --key yuzhou-power.key statements.jsonl > signed.jsonl
head -c 300 signed.jsonl; echo " ..."
run "$WL" submit signed.jsonl
echo "(submitting the same file again is safe: each statement answers with its existing seq)"
run "$WL" submit signed.jsonl

step "5. A month of daily generation records, sealed: one signature for 30 statements"
for d in $(seq 1 30); do
  printf '{"kind":"generate","time":"2026-10-%02dT18:00:00+08:00","body":{"waste":"SW02","mass_g":%d}}\n' \
    "$d" $((100000000 + d * 1000))
done > october.jsonl
"$WL" sign --key yuzhou-power.key --seal october.jsonl > october.signed.jsonl
run "$WL" submit --quiet october.signed.jsonl
run "$WL" log --from 4 --limit 5

step "6. The operator signs a checkpoint: size and root hash of the whole log"
run "$WL" checkpoint --key operator.key --out checkpoint.note

step "7. Anyone can prove one entry is in the checkpointed log, offline"
run "$WL" export --from 5 --to 5 > entry5.jsonl
run "$WL" prove inclusion --seq 5 --format json > proof5.json
cat proof5.json
run "$WL" verify-proof inclusion --proof proof5.json --entry entry5.jsonl \
  --checkpoint checkpoint.note --vkey "$OPERATOR"

step "8. The regulator verifies the whole ledger: chain, tree, every signature and seal"
run "$WL" verify --checkpoint checkpoint.note
"$WL" export --out city.jsonl
if command -v node >/dev/null; then
  echo "and an independent verifier written from the format contract alone agrees:"
  run node "$HERE/../tests/interop/verify-export.mjs" city.jsonl \
    --checkpoint checkpoint.note --vkey "$OPERATOR"
fi

step "9. Tampering: someone edits entry 4 directly in the database (12 t of fly ash becomes 1.2 t)"
cp -r city.ledger tampered.ledger
KEY=0x450000000000000004   # 'E' + seq 4 as 8 bytes big-endian (docs/FORMAT.md)
ORIGINAL=$(ldb --db=tampered.ledger --key_hex get "$KEY")
EDITED=${ORIGINAL/\"mass_g\":120000000/\"mass_g\":12000000}
ldb --db=tampered.ledger --key_hex put "$KEY" "$EDITED" >/dev/null
echo "entry 4 now says: ${EDITED:0:160}..."
set +e
run "$WL" verify --ledger tampered.ledger --checkpoint checkpoint.note
rc=$?
set -e
echo "verify exit code: $rc (3 = verification failed)"
[ "$rc" -eq 3 ] || { echo "demo: tampering was NOT caught" >&2; exit 1; }

step "10. Tampering with an export is caught the same way"
sed '5s/"mass_g":120000000/"mass_g":12000000/' city.jsonl > city-edited.jsonl
set +e
run "$WL" verify --export city-edited.jsonl --checkpoint checkpoint.note --vkey "$OPERATOR"
rc=$?
set -e
[ "$rc" -eq 3 ] || { echo "demo: tampering was NOT caught" >&2; exit 1; }

printf '\n\033[1mDemo finished.\033[0m Files are in %s/ (city.ledger, city.jsonl, checkpoint.note).\n' "$OUT"
