#!/usr/bin/env bash
# Import benchmark (issue 5): the same generated CSV of N hazardous-waste
# manifest rows (default 1,000,000) loaded by `sqlite3 .import` into a table
# (no validation, hashing or signing: the baseline) and imported by
# `wasteledger import --profile cn-hw-manifest --create-parties` into a fresh
# ledger (mapping, checks, a seal per 4,096 rows, synced atomic batches).
#
#   bench/import_bench.sh WASTELEDGER_BINARY
#
# When bench/import_floor_bench is built next to the binary (BUILD/bench/),
# it then loads the same file the cheapest way ledger format v1 allows (see
# that program), on one thread and on two, for the floor: what the format
# alone costs on this machine, as ratios to sqlite3's rate in the same run.
#
# Environment: WL_BENCH_IMPORT_ROWS (default 1000000), WL_BENCH_TMP (scratch
# directory, default $TMPDIR or /tmp), WL_BENCH_KEEP=1 (keep it).
# Prints "RESULT name value" lines (bench/run.sh turns them into a table) and
# a one-line summary on stderr. It then exports the imported ledger and
# times `wasteledger restore` of that export (a diagnostic: no target).
set -euo pipefail
bin=${1:?usage: $0 WASTELEDGER_BINARY}
rows=${WL_BENCH_IMPORT_ROWS:-1000000}
scratch=$(mktemp -d "${WL_BENCH_TMP:-${TMPDIR:-/tmp}}/wl-import-bench-XXXXXX")
if [[ "${WL_BENCH_KEEP:-0}" != 1 ]]; then trap 'rm -rf "$scratch"' EXIT; fi
command -v sqlite3 >/dev/null || { echo "$0: sqlite3 is missing (apt-get install sqlite3)" >&2; exit 2; }

# 50 producers, 10 receivers, 5 codes; three years of manifest numbers
# (year, Xuchang 4110, serial); kilograms with decimals; two date styles.
awk -v n="$rows" 'BEGIN {
  srand(7)
  split("900-249-08 900-006-09 900-300-34 772-002-18 900-041-49", code, " ")
  split("废矿物油 废乳化液 废酸 焚烧飞灰 废包装物", name, " ")
  print "联单编号,产生单位,统一社会信用代码,运输单位,接受单位,经营许可证编号,废物名称,废物代码,危险特性,形态,包装方式,转移量(千克),接受量(千克),转移日期,接收日期,利用处置方式"
  for (i = 0; i < n; i++) {
    year = 2021 + int(i / 999999); serial = i % 999999 + 1
    p = int(rand() * 50); r = int(rand() * 10); c = int(rand() * 5) + 1
    kg = int(rand() * 3000000) / 100; month = int(rand() * 12) + 1; day = int(rand() * 28) + 1
    printf "%d4110%06d,许昌市第%d化工有限公司,91411000MA45A%04dX,许昌危运物流有限公司,许昌市第%d环保科技有限公司,HW41100%02d,%s,%s,T,液态,桶装,%.2f,%.2f,%d-%02d-%02d,%d/%d/%d,%s\n", \
      year, serial, p, p, r, r, name[c], code[c], kg, kg, year, month, day, year, month, day + (day < 28), (c % 2 ? "R9" : "D10")
  }
}' >"$scratch/manifests.csv"
mb=$(du -m "$scratch/manifests.csv" | cut -f1)

now() { date +%s.%N; }
t0=$(now)
sqlite3 "$scratch/baseline.db" ".import --csv $scratch/manifests.csv manifests"
t1=$(now)
sqlite_rows=$(sqlite3 "$scratch/baseline.db" "select count(*) from manifests")

export WASTELEDGER_PASSPHRASE=bench
"$bin" keygen --name bureau --out "$scratch/bureau.key" --no-passphrase >/dev/null 2>&1
"$bin" init --ledger "$scratch/city.ledger" --origin bench.example/import --key "$scratch/bureau.key" \
  --regulator-id bureau --regulator-name Bureau >/dev/null
t2=$(now)
# Peak memory (maximum resident set) when GNU time is installed (package "time").
measure=()
if [[ -x /usr/bin/time ]]; then measure=(/usr/bin/time -f %M -o "$scratch/maxrss_kb"); fi
"${measure[@]}" "$bin" import --ledger "$scratch/city.ledger" --key "$scratch/bureau.key" --profile cn-hw-manifest \
  --create-parties --format json "$scratch/manifests.csv" >"$scratch/summary.json"
t3=$(now)
# The ledger rebuilt from its export (`restore`: verify, then every entry
# appended again under the rules and compared byte for byte), into a new
# directory; its root must be the imported ledger's.
"$bin" export --ledger "$scratch/city.ledger" --out "$scratch/city.jsonl"
t4=$(now)
"$bin" restore --quiet --export "$scratch/city.jsonl" --ledger "$scratch/restored.ledger" >"$scratch/restore.out"
t5=$(now)
root_of() { "$bin" verify --quiet --ledger "$1" | awk 'NR == 1 { print $NF }'; }
if [[ "$(root_of "$scratch/city.ledger")" != "$(root_of "$scratch/restored.ledger")" ]]; then
  echo "$0: the restored ledger's root differs from the imported one's" >&2
  exit 1
fi
entries=$(wc -l <"$scratch/city.jsonl")
rm -rf "$scratch/restored.ledger" "$scratch/city.jsonl"

floor_bin=$(dirname "$bin")/bench/import_floor_bench
floor_rate=""
floor2_rate=""
if [[ -x "$floor_bin" ]]; then
  floor_out=$("$floor_bin" "$scratch/manifests.csv" 2>/dev/null) || { echo "$0: $floor_bin failed" >&2; exit 1; }
  floor_rate=$(awk '$2 == "floor_rate" { print $3 }' <<<"$floor_out")
  floor2_rate=$(awk '$2 == "floor2_rate" { print $3 }' <<<"$floor_out")
else
  echo "$0: $floor_bin is not built: no floor figure" >&2
fi
imported=$(grep -o '"records":[0-9]*' "$scratch/summary.json" | head -1 | cut -d: -f2)
if [[ "$imported" != "$rows" || "$sqlite_rows" != "$rows" ]]; then
  echo "$0: expected $rows rows, sqlite3 has $sqlite_rows and wasteledger imported $imported" >&2
  exit 1
fi
awk -v n="$rows" -v mb="$mb" -v s="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
  -v w="$(awk -v a="$t2" -v b="$t3" 'BEGIN { print b - a }')" \
  -v maxrss="$(cat "$scratch/maxrss_kb" 2>/dev/null || true)" -v floor="$floor_rate" -v floor2="$floor2_rate" \
  -v entries="$entries" -v r="$(awk -v a="$t4" -v b="$t5" 'BEGIN { print b - a }')" 'BEGIN {
  printf "RESULT rows %d\nRESULT csv_mb %d\nRESULT sqlite_seconds %.2f\nRESULT sqlite_rate %.0f\n", n, mb, s, n / s
  printf "RESULT import_seconds %.2f\nRESULT import_rate %.0f\nRESULT ratio %.3f\n", w, n / w, (n / w) / (n / s)
  if (maxrss != "") printf "RESULT import_peak_mb %.0f\n", maxrss / 1024
  printf "RESULT restore_entries %d\nRESULT restore_seconds %.2f\nRESULT restore_rate %.0f\n", entries, r, entries / r
  printf "RESULT restore_ratio %.3f\nRESULT restore_vs_import %.2f\n", (entries / r) / (n / s), r / w
  if (floor != "") printf "RESULT floor_rate %.0f\nRESULT floor_ratio %.3f\n", floor, floor / (n / s)
  if (floor2 != "") printf "RESULT floor2_rate %.0f\nRESULT floor2_ratio %.3f\n", floor2, floor2 / (n / s)
  printf "import %d rows (%d MB): sqlite3 .import %.1f s (%.0f rows/s), wasteledger import %.1f s (%.0f rows/s) = %.3fx\n", \
    n, mb, s, n / s, w, n / w, (n / w) / (n / s) > "/dev/stderr"
  if (floor != "") printf "format floor (import_floor_bench) %.0f rows/s = %.3fx on one thread, %.0f rows/s = %.3fx on two\n", floor, floor / (n / s), floor2, floor2 / (n / s) > "/dev/stderr"
}'
