#!/usr/bin/env bash
# Builds every tests/fuzz/*_fuzz.cc as a libFuzzer binary (clang, with
# AddressSanitizer and UndefinedBehaviorSanitizer) and runs each for a while
# from its seed corpus tests/fuzz/corpus/<target>/ (when there is one).
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS per target, 10 by default; TARGETs are names such as
# csv_reader_fuzz (all targets by default). Exits non-zero when a build
# fails or a target crashes; the crashing input is left in the build folder
# as BUILD/TARGET-crash-* (or -leak-, -timeout-), and `BUILD/TARGET FILE`
# replays it.
#
# Every ledger/src/*.cc and importers/src/*.cc is compiled once (with
# coverage instrumentation, so the fuzzer sees inside them) into two static
# archives; each target links only the objects it needs from them. Objects
# are rebuilt when a source or a header it includes changes. Environment:
#   WL_FUZZ_BUILD  the build folder (default /tmp/wasteledger-fuzz)
#   CLANGXX        the compiler (default clang++; ccache is used if present)
#   JOBS           parallel compiles (default: the number of CPUs)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SECONDS_PER_TARGET=${1:-10}
shift || true
BUILD=${WL_FUZZ_BUILD:-/tmp/wasteledger-fuzz}
CLANGXX=${CLANGXX:-clang++}
JOBS=${JOBS:-$(nproc)}
if command -v ccache >/dev/null; then CLANGXX="ccache $CLANGXX"; fi

if ! [[ $SECONDS_PER_TARGET =~ ^[0-9]+$ ]]; then
  echo "usage: $0 [SECONDS] [TARGET...]" >&2
  exit 2
fi

# shellcheck disable=SC2054  # the commas are inside -fsanitize's value
COMMON=(-std=c++20 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
        -I"$ROOT/ledger/include" -I"$ROOT/ledger/src" -I"$ROOT/importers/include" -I"$ROOT/importers/src"
        "-DWASTELEDGER_SCHEMA_DIR=\"$ROOT/schemas\"")
read -r -a LIBS <<<"$(pkg-config --libs libzip pugixml libsodium libcrypto) -lfmt -lrocksdb"

mkdir -p "$BUILD/obj/ledger" "$BUILD/obj/importers" "$BUILD/obj/targets"

# Whether OBJ is missing or older than its source or any header in its
# dependency file.
stale() {
  local obj=$1 dep=${1%.o}.d f
  [[ -f $obj && -f $dep ]] || return 0
  # shellcheck disable=SC2013  # the dependency list is words, not lines
  for f in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$dep"); do
    [[ $f -nt $obj ]] && return 0
  done
  return 1
}

# compile SRC OBJ FLAG: one object, with -fsanitize=FLAG for coverage.
compile() {
  local src=$1 obj=$2 flag=$3
  # shellcheck disable=SC2086  # CLANGXX may be "ccache clang++"
  $CLANGXX "${COMMON[@]}" "-fsanitize=$flag" -MMD -MF "${obj%.o}.d" -c "$src" -o "$obj"
}

# Compiles the stale sources of folder SRC_DIR into OBJ_DIR, JOBS at a
# time, and archives them into ARCHIVE. A ledger source that does not
# compile with clang is left out with a warning (a target that needs it then
# fails to link); with "strict" (importers) every source must compile.
build_archive() {
  local src_dir=$1 obj_dir=$2 archive=$3 strict=$4 src obj failed=0
  local -a objs=() built=()
  for src in "$src_dir"/*.cc; do
    obj=$obj_dir/$(basename "${src%.cc}").o
    objs+=("$obj")
    stale "$obj" || continue
    echo "  compile ${src#"$ROOT"/}"
    while (($(jobs -rp | wc -l) >= JOBS)); do wait -n || true; done
    (compile "$src" "$obj" fuzzer-no-link 2>"$obj.log" || rm -f "$obj") &
    built+=("$src")
  done
  wait
  for src in "${built[@]}"; do
    obj=$obj_dir/$(basename "${src%.cc}").o
    [[ -f $obj ]] && continue
    if [[ $strict == strict ]]; then
      cat "$obj.log" >&2
      failed=1
    else
      echo "  warning: ${src#"$ROOT"/} does not compile with clang; left out (see $obj.log)" >&2
    fi
  done
  ((failed == 0)) || return 1
  local -a present=()
  for obj in "${objs[@]}"; do [[ -f $obj ]] && present+=("$obj"); done
  rm -f "$archive"
  ar rcs "$archive" "${present[@]}"
}

echo "building into $BUILD"
build_archive "$ROOT/ledger/src" "$BUILD/obj/ledger" "$BUILD/libledger.a" lenient
build_archive "$ROOT/importers/src" "$BUILD/obj/importers" "$BUILD/libimporters.a" strict ||
  { echo "importers/src does not compile with clang" >&2; exit 1; }

targets=("$@")
if ((${#targets[@]} == 0)); then
  for src in "$ROOT"/tests/fuzz/*_fuzz.cc; do targets+=("$(basename "${src%.cc}")"); done
fi

for target in "${targets[@]}"; do
  src=$ROOT/tests/fuzz/$target.cc
  [[ -f $src ]] || { echo "no such target: $target ($src)" >&2; exit 2; }
  obj=$BUILD/obj/targets/$target.o
  if stale "$obj"; then
    echo "  compile tests/fuzz/$target.cc"
    compile "$src" "$obj" fuzzer
  fi
  # importers before ledger: the importers' objects use the ledger's.
  # shellcheck disable=SC2086
  $CLANGXX "${COMMON[@]}" -fsanitize=fuzzer "$obj" "$BUILD/libimporters.a" "$BUILD/libledger.a" \
    "${LIBS[@]}" -o "$BUILD/$target"
done

status=0
for target in "${targets[@]}"; do
  work=$BUILD/corpus/$target
  mkdir -p "$work"
  dirs=("$work")
  [[ -d $ROOT/tests/fuzz/corpus/$target ]] && dirs+=("$ROOT/tests/fuzz/corpus/$target")
  echo "== $target: ${SECONDS_PER_TARGET}s"
  # New inputs go to the first folder (the work corpus in BUILD), never to
  # the committed seeds.
  if ! "$BUILD/$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$BUILD/$target-" "${dirs[@]}" >"$BUILD/$target.log" 2>&1; then
    echo "!! $target failed; last lines of $BUILD/$target.log:" >&2
    tail -n 40 "$BUILD/$target.log" >&2
    status=1
  else
    grep -E '^stat::number_of_executed_units|^Done' "$BUILD/$target.log" | tr '\n' ' '
    echo
  fi
done
exit "$status"
