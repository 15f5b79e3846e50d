#!/usr/bin/env bash
# The demo city: a ledger created, parties registered, statements signed and
# appended (one by one and as a sealed batch), waste moving through the city
# (manifests, receipts, utilisation, disposal, a correction), a checkpoint, a proof checked
# offline, a full verification, tampering caught, and the regulator's reports:
# the city's mass balance, its reconciliation findings, its indicators and an
# HTML report; a legacy manifest export imported; and the ledger restored
# from its export as a checkpoint signed it. Event times are set
# relative to today, so the story is always recent; a few anomalies are
# planted for the reconciliation to find.
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
# Dates in the city's timezone (+08:00), N days ago: day N -> 2026-11-23, at N HH:MM -> RFC 3339.
day() { date -u -d "@$(($(date +%s) + 8 * 3600 - $1 * 86400))" +%Y-%m-%d; }
at() { echo "$(day "$1")T$2:00+08:00"; }

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
  --uscc 91411081MA44RD3K79 --role producer --vkey "$POWER"
run "$WL" party add --key xcepb.key --id henan-haul --name 河南危废运输有限公司 --role carrier --vkey "$CARRIER"
run "$WL" party add --key xcepb.key --id tianrui-cement --name 天瑞水泥有限公司 --role receiver --vkey "$CEMENT"
run "$WL" party list

step "4. The power plant signs statements offline and submits them"
cat > statements.jsonl <<JSONL
{"kind":"generate","time":"$(at 6 08:00)","body":{"waste":"SW02","mass_g":120000000,"note":"fly ash, unit 1"}}
{"kind":"generate","time":"$(at 6 08:05)","body":{"waste":"900-041-49","mass_g":850000,"note":"waste oil filters"}}
JSONL
run "$WL" sign --key yuzhou-power.key statements.jsonl > signed.jsonl
head -c 300 signed.jsonl; echo " ..."
run "$WL" submit signed.jsonl
echo "(submitting the same file again is safe: each statement answers with its existing seq)"
run "$WL" submit signed.jsonl

step "5. Six days of daily generation records, sealed: one signature for 6 statements"
for d in $(seq 6 -1 1); do
  printf '{"kind":"generate","time":"%s","body":{"waste":"SW02","mass_g":%d}}\n' \
    "$(at "$d" 18:00)" $((100000000 + d * 1000))
done > week.jsonl
"$WL" sign --key yuzhou-power.key --seal week.jsonl > week.signed.jsonl
run "$WL" submit --quiet week.signed.jsonl
run "$WL" log --from 4 --limit 5

step "6. The city's waste moves: permits, a transfer manifest (联单), pickup, receipt, utilisation"
INCIN=$(keygen xuchang-hw xuchang-hw.key)
run "$WL" party add --key xcepb.key --id xuchang-hw --name 许昌危废处置中心 --uscc 91411000MA45C2QJ4A \
  --role receiver,producer --vkey "$INCIN" \
  --permit "豫环许可危废字[2026]12号:utilize,dispose:HW49,HW18:3000t:$(day 400):$(day -400)"
run "$WL" party update --key xcepb.key --id tianrui-cement \
  --permit "许环固废[2026]3号:utilize:SW02:200000t:$(day 400):$(day -400)"
echo "-- the power plant sends 60 t of fly ash to the cement works (manifest number from its USCC: 41 10 = Xuchang)"
run "$WL" dispatch --key yuzhou-power.key --to tianrui-cement --carrier henan-haul --line SW02:60t \
  --time "$(at 5 09:00)"
MF1=$("$WL" manifest list --party tianrui-cement | tail -1 | cut -d' ' -f1)
echo "-- only a carrier named on the manifest may pick it up; a refusal leaves the ledger unchanged:"
set +e
run "$WL" pickup --key xuchang-hw.key --manifest "$MF1"
set -e
run "$WL" pickup --key henan-haul.key --manifest "$MF1" --time "$(at 5 10:00)"
run "$WL" receive --key tianrui-cement.key --manifest "$MF1" --mass 59.62t --reason "weighbridge, moisture loss" \
  --time "$(at 5 15:00)"
RECV=$("$WL" manifest show "$MF1" --format json | sed 's/.*"receive_seq":\([0-9]*\).*/\1/')
run "$WL" utilize --key tianrui-cement.key --method R5 --input "#$RECV/1:59.62t" --product 水泥熟料掺合料:59.62t \
  --time "$(at 4 08:00)"

step "7. Hazardous waste: part refused and returned, the rest incinerated, its fly ash a new lot"
run "$WL" dispatch --key yuzhou-power.key --to xuchang-hw --carrier henan-haul --line 900-041-49:850kg \
  --time "$(at 4 09:00)"
MF2=$("$WL" manifest list --party xuchang-hw | tail -1 | cut -d' ' -f1)
run "$WL" pickup --key henan-haul.key --manifest "$MF2" --time "$(at 4 10:00)"
run "$WL" receive --key xuchang-hw.key --manifest "$MF2" --line 1:800kg:50kg --reason "one drum leaking, returned" \
  --time "$(at 4 16:00)"
run "$WL" manifest show "$MF2"
RECV=$("$WL" manifest show "$MF2" --format json | sed 's/.*"receive_seq":\([0-9]*\).*/\1/')
run "$WL" dispose --key xuchang-hw.key --method D10 --input "#$RECV/1:800kg" --output 772-002-18:48kg:FA-2026-11 \
  --time "$(at 3 08:00)"
echo "-- a weighing error is corrected by a compensating entry; the original stays in the log"
FA=$("$WL" generate --key xuchang-hw.key --waste 772-002-18 --mass 1.2t --time "$(at 3 20:00)")
echo "$FA"
run "$WL" correct --key xuchang-hw.key --seq "$(echo "$FA" | sed 's/seq \([0-9]*\):.*/\1/')" --mass 1.02t \
  --reason "ticket 1106-3 misread"
run "$WL" stock
run "$WL" lots --party yuzhou-power --waste 900-041-49
echo "-- two things a regulator should notice later: a transfer entered 12 days after the fact and"
echo "   never confirmed by the receiver, and a receipt 2 t short with no reason given"
"$WL" generate --key yuzhou-power.key --waste 900-041-49 --mass 200kg --lot HW-OLD-7 --time "$(at 12 08:00)"
run "$WL" dispatch --key yuzhou-power.key --to xuchang-hw --carrier henan-haul --line 900-041-49:200kg:HW-OLD-7 \
  --time "$(at 12 09:00)"
run "$WL" dispatch --key yuzhou-power.key --to tianrui-cement --carrier henan-haul --line SW02:30t \
  --time "$(at 2 09:00)"
MF3=$("$WL" manifest list --party tianrui-cement | tail -1 | cut -d' ' -f1)
run "$WL" pickup --key henan-haul.key --manifest "$MF3" --time "$(at 2 10:00)"
run "$WL" receive --key tianrui-cement.key --manifest "$MF3" --mass 28t --time "$(at 2 15:00)"

step "8. The operator signs a checkpoint: size and root hash of the whole log"
run "$WL" checkpoint --key operator.key --out checkpoint.note

step "9. Anyone can prove one entry is in the checkpointed log, offline"
run "$WL" export --from 5 --to 5 > entry5.jsonl
run "$WL" prove inclusion --seq 5 --format json > proof5.json
cat proof5.json
run "$WL" verify-proof inclusion --proof proof5.json --entry entry5.jsonl \
  --checkpoint checkpoint.note --vkey "$OPERATOR"

step "10. The regulator verifies the whole ledger: chain, tree, every signature and seal"
run "$WL" verify --checkpoint checkpoint.note --deep
"$WL" export --out city.jsonl
if command -v node >/dev/null; then
  echo "and an independent verifier written from the format contract alone agrees:"
  run node "$HERE/../tests/interop/verify-export.mjs" city.jsonl \
    --checkpoint checkpoint.note --vkey "$OPERATOR"
fi

step "11. Tampering: someone edits entry 4 directly in the database (12 t of fly ash becomes 1.2 t)"
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

step "12. Tampering with an export is caught the same way"
sed '5s/"mass_g":120000000/"mass_g":12000000/' city.jsonl > city-edited.jsonl
set +e
run "$WL" verify --export city-edited.jsonl --checkpoint checkpoint.note --vkey "$OPERATOR"
rc=$?
set -e
[ "$rc" -eq 3 ] || { echo "demo: tampering was NOT caught" >&2; exit 1; }

step "13. The regulator's reports: the city's mass balance, reconciliation findings and indicators"
FROM=$(day 30)
TO=$(day 0)
YEAR=${TO:0:4}
run "$WL" report balance --from "$FROM" --to "$TO"
run "$WL" report balance --from "$FROM" --to "$TO" --lang en --unit kg --waste HW49
echo "-- the findings: exit code 0 lists them; --fail-on makes a script fail when one is serious"
run "$WL" report reconcile --from "$FROM" --to "$TO"
set +e
"$WL" report reconcile --from "$FROM" --to "$TO" --fail-on serious --format json > findings.json
rc=$?
set -e
echo "report reconcile --fail-on serious: exit code $rc (5 = a finding reached that severity)"
[ "$rc" -eq 5 ] || { echo "demo: the planted anomalies were NOT found" >&2; exit 1; }
run "$WL" report indicators --year "$YEAR"
run "$WL" report balance --from "$FROM" --to "$TO" --format html --out city-balance.html
run "$WL" report indicators --year "$YEAR" --format html --out "city-indicators-$YEAR.html"
echo "-- where did the power plant's waste oil filters go? every gram, hop by hop"
run "$WL" report trace --lot "#5"
run "$WL" report flows --from "$FROM" --to "$TO" --format html --out city-flows.html
run "$WL" report balance --from "$FROM" --to "$TO" --format xlsx --out city-balance.xlsx

step "14. Legacy data: the bureau imports 2023's manifest export (GB18030, a messy spreadsheet)"
LEGACY=$HERE/../tests/cli/data/legacy-manifests-gb18030.csv
echo "-- a dry run first: every row read and checked, nothing written"
set +e
run "$WL" import --key xcepb.key --profile cn-hw-manifest --create-parties --max-errors 10 --dry-run "$LEGACY"
echo "-- then for real: good rows sealed in one batch, bad rows to a file (exit code 5: some refused)"
run "$WL" import --key xcepb.key --profile cn-hw-manifest --create-parties --max-errors 10 \
  --errors refused-rows.csv "$LEGACY"
rc=$?
echo "-- importing the same file again adds nothing: every good row is a duplicate"
"$WL" import --key xcepb.key --profile cn-hw-manifest --create-parties --max-errors 10 "$LEGACY" 2>/dev/null
set -e
[ "$rc" -eq 5 ] || { echo "demo: the import did not refuse exactly the bad rows" >&2; exit 1; }
run cat refused-rows.csv
echo "-- 2023's balance: 11.4005 t transferred and 10.8905 t received, as the file's own 合计 row says"
run "$WL" report balance --from 2023-01-01 --to 2023-12-31 --lang en
run "$WL" report reconcile --from 2023-01-01 --to 2023-12-31 --lang en
run "$WL" verify --deep

step "15. The export is the backup: the ledger restored as the checkpoint of step 8 signed it"
"$WL" export --out city-now.jsonl
run "$WL" restore --export city-now.jsonl --ledger city-at-checkpoint.ledger \
  --checkpoint checkpoint.note --vkey "$OPERATOR"
echo "-- the copy is the ledger before the 2023 import: every report on it is the report as of then"
run "$WL" report balance --ledger city-at-checkpoint.ledger --from 2023-01-01 --to 2023-12-31 --lang en

printf '\n\033[1mDemo finished.\033[0m Files are in %s/: city.ledger, city.jsonl, checkpoint.note,\n' "$OUT"
printf 'and the reports city-balance.html, city-indicators-%s.html, city-flows.html (open them in a browser)\nand city-balance.xlsx.\n' "$YEAR"
