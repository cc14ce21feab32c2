#!/usr/bin/env bash
# tools/install-deps on a machine where it already ran: as a non-root user it must say that all
# packages are installed and exit 0 (it would otherwise name the missing ones and exit 1).
# Usage: install_deps_idempotent.sh SOURCE_DIR
set -euo pipefail
script="$1/tools/install-deps"
if [ "$(id -u)" -eq 0 ]; then
  out=$(runuser -u nobody -- "$script" 2>&1) || { echo "$out"; echo "FAIL: install-deps exited non-zero as nobody"; exit 1; }
else
  out=$("$script" 2>&1) || { echo "$out"; echo "FAIL: install-deps exited non-zero"; exit 1; }
fi
echo "$out"
grep -q '^install-deps: all [0-9]* packages are installed$' <<< "$out" ||
  { echo "FAIL: install-deps did not report every package installed"; exit 1; }
