#!/usr/bin/env bash
# Installs the Debian packages wasteledger needs, if any are missing.
# Used by `make demo` and `make test`; safe to run repeatedly.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  librocksdb-dev libsodium-dev libssl-dev libcli11-dev libfmt-dev catch2 nlohmann-json3-dev
  libvalijson-dev libzip-dev libpugixml-dev libxlsxwriter-dev libutf8proc-dev libtcmalloc-minimal4
  sqlite3 libsqlite3-dev nodejs clang libclang-rt-14-dev rocksdb-tools
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# node may come from elsewhere than Debian (e.g. preinstalled); any node will do.
if command -v node >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs/}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing missing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
