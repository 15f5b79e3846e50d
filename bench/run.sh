#!/usr/bin/env bash
# Runs the benchmarks of issue 2 and prints a Markdown table of the figures,
# each as a ratio to the raw libsodium verify rate measured in the same run.
#
#   bench/run.sh [--large] BUILD_DIR  (BUILD_DIR holds wasteledger and bench/*_bench)
#
# --large also times the balance report at 10 million entries (building that
# ledger takes a long while the first time; it is cached, see WL_BENCH_CACHE).
#
# Environment: WL_BENCH_N (statements for submit/verify, default 100000),
# WL_BENCH_PROOF_ENTRIES (default 1000000), WL_BENCH_PROOFS (1000),
# WL_BENCH_SEAL (10000), WL_BENCH_BATCH (1000), WL_BENCH_PRODUCERS (10),
# WL_BENCH_VERIFY_SECONDS (3), WL_BENCH_TMP (scratch directory, default
# $TMPDIR or /tmp: put it on the disk you care about, since submit syncs),
# WL_BENCH_KEEP=1 (keep the scratch ledgers), WL_BENCH_ONLY (a subset of
# "submit proof report import"; the baseline always runs), WL_BENCH_IMPORT_ROWS (default 1000000), WL_BENCH_REPORT_ENTRIES
# (default 1000000), WL_BENCH_CACHE (where the report ledgers are kept and
# reused, default /tmp/wasteledger-bench).
# The table goes to stdout; progress to stderr.
set -euo pipefail

large=()
if [[ $# -ge 1 && "$1" == "--large" ]]; then
  large=(--large)
  shift
fi
if [[ $# -ne 1 || ! -d "$1" ]]; then
  echo "usage: $0 [--large] BUILD_DIR   (configure with -DWASTELEDGER_BUILD_BENCH=ON and build first)" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
bin="$build/wasteledger"
only=${WL_BENCH_ONLY:-submit proof report import}
progs=(verify_bench)
for part in submit proof report; do
  if [[ " $only " == *" $part "* ]]; then progs+=("${part}_bench"); fi
done
for prog in "${progs[@]}"; do
  if [[ ! -x "$build/bench/$prog" ]]; then
    echo "$0: $build/bench/$prog is missing: cmake --build $1 --target $prog" >&2
    exit 2
  fi
done
if [[ ! -x "$bin" ]]; then
  echo "$0: $bin is missing (configure with -DWASTELEDGER_BUILD_CLI=ON): skipping the binary figures" >&2
  bin=""
fi

results=$(mktemp "${TMPDIR:-/tmp}/wl-bench-results-XXXXXX")
trap 'rm -f "$results"' EXIT
load_before=$(cut -d' ' -f1 /proc/loadavg)
started=$(date +%s)

step() { echo "== $*" >&2; }
# Runs a benchmark and keeps its RESULT lines, prefixed with `tag`.
run() {
  local tag=$1
  shift
  "$@" | sed -n "s/^RESULT /$tag./p" >>"$results"
}

step "baseline: libsodium Ed25519 verify"
run base0 "$build/bench/verify_bench"
if [[ " $only " == *" submit "* ]]; then
  step "submit and verify, N=${WL_BENCH_N:-100000}"
  if [[ -n "$bin" ]]; then run sub "$build/bench/submit_bench" "$bin"; else run sub "$build/bench/submit_bench"; fi
fi
if [[ " $only " == *" proof "* ]]; then
  step "proofs at ${WL_BENCH_PROOF_ENTRIES:-1000000} entries"
  if [[ -n "$bin" ]]; then run proof "$build/bench/proof_bench" "$bin"; else run proof "$build/bench/proof_bench"; fi
fi
if [[ " $only " == *" report "* ]]; then
  step "balance report against SQLite at ${WL_BENCH_REPORT_ENTRIES:-1000000} entries${large:+ and 10 times that}"
  run rep "$build/bench/report_bench" "${large[@]}"
fi
if [[ " $only " == *" import "* && -n "$bin" ]]; then
  step "import of ${WL_BENCH_IMPORT_ROWS:-1000000} manifest rows against sqlite3 .import"
  run imp "$(dirname "$0")/import_bench.sh" "$bin"
fi
step "baseline again (drift check)"
run base1 "$build/bench/verify_bench"
elapsed=$(($(date +%s) - started))
load_after=$(cut -d' ' -f1 /proc/loadavg)

sodium=$(pkg-config --modversion libsodium 2>/dev/null || echo '?')
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
commit=$(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?')
dirty=$(git -C "$(dirname "$0")" status --porcelain 2>/dev/null | grep -q . && echo ' (+ uncommitted changes)' || true)
echo "Benchmarks of $(date -u +%Y-%m-%dT%H:%MZ), commit $commit$dirty; $(nproc) cores ($cpu),"
echo "libsodium $sodium; load average before / after the run $load_before / $load_after (other jobs"
echo "share the cores: the CPU table at the end is the figure they disturb least); run took ${elapsed} s."
echo

awk -v n="${WL_BENCH_N:-100000}" -v batch="${WL_BENCH_BATCH:-1000}" -v seal="${WL_BENCH_SEAL:-10000}" '
function grp(x,   s, neg) {  # thousands separators
  neg = x < 0; if (neg) x = -x
  s = sprintf("%.0f", x)
  while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]([,]|$)/, ",&", s)
  sub(/^,/, "", s)
  return (neg ? "-" : "") s
}
function has(k) { return (k in r) }
function ratio_row(label, key, unit, target,   v, q, status) {
  if (!has(key)) return
  v = r[key]; q = v / base2
  status = ""
  if (target != "") status = (q >= target) ? "met" : "**missed**"
  printf "| %s | %s %s | %.2fx | %s | %s |\n", label, grp(v), unit, q, (target == "" ? "" : ">= " target "x"), status
}
function cpu_row(label, key, v2) {
  if (has(key)) printf "| %s | %.1f | %.2f |\n", label, r[key], r[key] / v2
}
function report_rows(tag,   p, b, s, q) {
  p = "rep." tag "."
  if (!has(p "balance_ms")) return
  b = r[p "balance_ms"]; s = r[p "sqlite_ms"]; q = s / b
  if (has(p "build_rate"))
    printf "| Build the city ledger of %s lifecycle entries (sealed per actor and chunk of days) | %s entries/s (%.0f s) | | | |\n", \
      grp(r[p "entries"]), grp(r[p "build_rate"]), r[p "build_seconds"]
  printf "| Balance report at %s entries (%s rows) | median %.2f ms | 1.00x | | |\n", grp(r[p "entries"]), grp(r[p "rows"]), b
  printf "| SQLite `GROUP BY` over the same %s flows (%s MB file) | median %.1f ms | %.0fx the balance | >= 10x | %s |\n", \
    grp(r[p "flows"]), grp(r[p "sqlite_mb"]), s, q, (q >= 10) ? "met" : "**missed**"
}
function latency_row(label, mkey, pkey,   m, p, status) {
  if (!has(mkey)) return
  m = r[mkey]; p = r[pkey]
  status = (p < 1000) ? "met" : "**missed**"
  printf "| %s | median %.1f us, p99 %.1f us | %.2fx / %.2fx | well under 1 ms | %s |\n", label, m, p, m / one_us, p / one_us, status
}
{ r[$1] = $2 }
END {
  b1 = (r["base0.verify_1t"] + r["base1.verify_1t"]) / 2
  base2 = (r["base0.verify_2t"] + r["base1.verify_2t"]) / 2
  one_us = 1e6 / b1   # one verification on one core, in microseconds
  print "| Figure | Measured | Ratio | Target | |"
  print "|---|---|---|---|---|"
  printf "| **Baseline**: libsodium `crypto_sign_verify_detached`, 2 threads (300-byte messages) | %s sig/s | 1.00x | | |\n", grp(base2)
  printf "| libsodium verify, 1 thread | %s sig/s | %.2fx | | |\n", grp(b1), b1 / base2
  ratio_row("`VerifierKey::Verify`, 2 threads", "base0.verifierkey_2t", "sig/s", "")
  ratio_row("Submit, library (`Prepare` on 2 threads pipelined with `Append`, batches of " batch ", synced), N=" grp(n), "sub.submit_lib", "stmt/s", "0.8")
  ratio_row("Submit, `wasteledger submit --quiet` of a pre-signed file", "sub.submit_bin", "stmt/s", "0.8")
  ratio_row("Verify, library `VerifyLedger` of that ledger", "sub.verify_lib", "entries/s", "0.8")
  ratio_row("Verify, `wasteledger verify --quiet`", "sub.verify_bin", "entries/s", "0.8")
  ratio_row("(diagnostic) Submit, library, the same loop under the rules of the core alone (no statement schemas, no domain layer)", "sub.submit_core", "stmt/s", "")
  ratio_row("(diagnostic) `Prepare` alone, batches kept in memory: parse + signature checks on 2 threads", "sub.prepare_only", "stmt/s", "")
  ratio_row("(diagnostic) `Append` alone of those prepared batches, synced", "sub.append_only", "stmt/s", "")
  ratio_row("(diagnostic) `ParseSubmission` alone, 1 thread", "sub.parse_1t", "stmt/s", "")
  ratio_row("(reference) signing, 2 threads", "sub.sign", "stmt/s", "")
  if (has("proof.build_rate"))
    printf "| Build %s entries as sealed batches (1 seal per %s) | %s entries/s (%.0f s, %s MB) | %.2fx | | |\n", \
      grp(r["proof.proof_entries"]), grp(seal), grp(r["proof.build_rate"]), r["proof.build_seconds"], grp(r["proof.ledger_mb"]), r["proof.build_rate"] / base2
  latency_row("Inclusion proof at " grp(r["proof.proof_entries"]) " entries (" sprintf("%.1f", r["proof.proof_hashes"]) " hashes)", "proof.inclusion_median_us", "proof.inclusion_p99_us")
  latency_row("Consistency proof, random older size to " grp(r["proof.proof_entries"]), "proof.consistency_median_us", "proof.consistency_p99_us")
  if (has("proof.cli_prove_median_ms"))
    printf "| `wasteledger prove inclusion` at %s entries, whole process (5 runs) | median %s ms | %.0fx | | |\n", \
      grp(r["proof.proof_entries"]), grp(r["proof.cli_prove_median_ms"]), r["proof.cli_prove_median_ms"] * 1000 / one_us
  if (has("proof.open_seconds"))
    printf "| (diagnostic) `Ledger::Open` read-only of the %s-entry ledger | %.2f s | %.0fx | | |\n", \
      grp(r["proof.proof_entries"]), r["proof.open_seconds"], r["proof.open_seconds"] * 1e6 / one_us
  if (has("sub.open_seconds"))
    printf "| (diagnostic) `Ledger::Open` read-only after the submit (excluded from the library verify rate) | %.2f s | %.0fx | | |\n", \
      r["sub.open_seconds"], r["sub.open_seconds"] * 1e6 / one_us
  print ""
  printf "Ratios of rates are to the 2-thread baseline; ratios of latencies are in units of one\n"
  printf "single-core verification (%.1f us). Baseline before/after the run: %s / %s sig/s (2 threads), %s / %s (1 thread)",
    one_us, grp(r["base0.verify_2t"]), grp(r["base1.verify_2t"]), grp(r["base0.verify_1t"]), grp(r["base1.verify_1t"])
  if (has("sub.payload_bytes")) printf "; statement payloads average %.0f bytes", r["sub.payload_bytes"]
  printf ".\n"
  if (has("sub.submit_append_share"))
    printf "Library submit: the appending thread spent %.0f%% of the wall time in `Append` and %.0f%% waiting for `Prepare`.\n",
      100 * r["sub.submit_append_share"], 100 * r["sub.submit_wait_share"]
  if (has("sub.submit_cpu_us") && has("base0.verify_2t_cpu_us")) {
    v2 = (r["base0.verify_2t_cpu_us"] + r["base1.verify_2t_cpu_us"]) / 2
    budget = 2e6 / (0.8 * base2)
    print ""
    print "CPU time per statement (process CPU time of all threads over the work done: unlike the rates, other"
    print "jobs on the machine do not inflate it). On 2 cores, 0.8x the baseline leaves at most the budget row."
    print ""
    print "| CPU per statement | us | in verifications |"
    print "|---|---|---|"
    printf "| libsodium verify (baseline threads, 2 threads) | %.1f | 1.00 |\n", v2
    printf "| **Budget** for 0.8x on 2 cores: 2 / (0.8 x baseline rate) | %.1f | %.2f |\n", budget, budget / v2
    cpu_row("Submit, library, whole pipeline", "sub.submit_cpu_us", v2)
    cpu_row("Submit, library, under the rules of the core alone", "sub.submit_core_cpu_us", v2)
    cpu_row("`Prepare` alone (parse, schema, signature)", "sub.prepare_cpu_us", v2)
    cpu_row("`ParseSubmission` alone", "sub.parse_cpu_us", v2)
    cpu_row("Body schema check alone (valijson)", "sub.schema_cpu_us", v2)
    cpu_row("`Append` alone (rules, domain hook, RocksDB write)", "sub.append_cpu_us", v2)
    cpu_row("`VerifyLedger`, per entry", "sub.verify_cpu_us", v2)
  }
  if (has("imp.rows")) {
    print ""
    print "Import: the same generated CSV of manifest rows loaded by `sqlite3 .import` into a table (no"
    print "validation, hashing or signing) and by `wasteledger import --profile cn-hw-manifest --create-parties`"
    print "(bench/import_bench.sh): mapping, checks, one seal per 4,096 rows, synced atomic batches."
    print ""
    print "| Figure | Measured | Ratio | Target | |"
    print "|---|---|---|---|---|"
    printf "| **Baseline**: `sqlite3 .import` of %s rows (%s MB) | %s rows/s (%.1f s) | 1.00x | | |\n", grp(r["imp.rows"]), r["imp.csv_mb"], grp(r["imp.sqlite_rate"]), r["imp.sqlite_seconds"]
    peak = has("imp.import_peak_mb") ? sprintf(", %s MB peak memory", grp(r["imp.import_peak_mb"])) : ""
    printf "| `wasteledger import` of the same file | %s rows/s (%.1f s%s) | %.3fx | >= 0.5x | %s |\n", grp(r["imp.import_rate"]), r["imp.import_seconds"], peak, r["imp.ratio"], (r["imp.ratio"] >= 0.5) ? "met" : "**missed**"
    if (has("imp.restore_rate")) printf "| (diagnostic) `wasteledger restore` of the export of that ledger (%s entries: verified, then appended again under the rules, byte for byte) | %s entries/s (%.1f s, %.2fx the time of the import) | %.3fx | | |\n", grp(r["imp.restore_entries"]), grp(r["imp.restore_rate"]), r["imp.restore_seconds"], r["imp.restore_vs_import"], r["imp.restore_ratio"]
    if (has("imp.floor_rate")) {
      printf "| Format floor: the same rows as sealed import entries, nothing else (`import_floor_bench`, one thread) | %s rows/s | %.3fx | | |\n", grp(r["imp.floor_rate"]), r["imp.floor_ratio"]
      if (has("imp.floor2_rate")) printf "| Format floor on two threads (batches composed and hashed on one, chained and written on the other) | %s rows/s | %.3fx | | |\n", grp(r["imp.floor2_rate"]), r["imp.floor2_ratio"]
    }
  }
  if (has("rep.small.balance_ms")) {
    print ""
    print "The balance report (`reports::Balance`, calendar year 2025, read from the aggregates of a"
    print "ledger opened read-only) against SQLite computing the same figures with `GROUP BY party, waste`"
    print "over one row per flow, covering index `(party, waste, day, kind, mass_g)`, whole file in its page cache."
    print "Medians of warm runs; both agree to the gram on every row (the benchmark fails otherwise)."
    print ""
    print "| Figure | Measured | Ratio | Target | |"
    print "|---|---|---|---|---|"
    report_rows("small")
    report_rows("large")
    if (has("rep.large.balance_ms")) {
      q = r["rep.large.balance_ms"] / r["rep.small.balance_ms"]
      printf "| Balance at %s entries / at %s | | %.2fx | <= 1.2x | %s |\n", grp(r["rep.large.entries"]), \
        grp(r["rep.small.entries"]), q, (q <= 1.2) ? "met" : "**missed**"
    }
  }
}' "$results"
