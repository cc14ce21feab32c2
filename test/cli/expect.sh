#!/usr/bin/env bash
# Runs a command and checks how it ended: exit code, time, and what it printed.
# Usage: expect.sh --code N --within SECONDS [--once REGEX] [--contains REGEX] [--absent REGEX] -- CMD...
#   --once: exactly one line of the output (stdout+stderr) matches; --contains: at least one does;
#   --absent: none does.
set -uo pipefail
code=0 within=60 once=() contains=() absent=()
while [ $# -gt 0 ]; do
  case "$1" in
    --code) code=$2; shift 2 ;;
    --within) within=$2; shift 2 ;;
    --once) once+=("$2"); shift 2 ;;
    --contains) contains+=("$2"); shift 2 ;;
    --absent) absent+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "expect.sh: unknown argument $1" >&2; exit 64 ;;
  esac
done
out=$(mktemp)
trap 'rm -f "$out"' EXIT
start=$(date +%s%N)
timeout -k 5 "$within" "$@" > "$out" 2>&1
rc=$?
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
elapsed="$((elapsed_ms / 1000)).$(printf %03d $((elapsed_ms % 1000)))"
fail=0
echo "--- command: $*"
echo "--- exit code $rc after ${elapsed}s; output:"
cat "$out"
echo "---"
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
  echo "FAIL: did not end within ${within}s"; fail=1
elif [ "$rc" -ne "$code" ]; then
  echo "FAIL: exit code $rc, expected $code"; fail=1
fi
for re in "${once[@]+"${once[@]}"}"; do
  n=$(grep -cE -- "$re" "$out")
  [ "$n" -eq 1 ] || { echo "FAIL: /$re/ matched $n lines, expected exactly 1"; fail=1; }
done
for re in "${contains[@]+"${contains[@]}"}"; do
  grep -qE -- "$re" "$out" || { echo "FAIL: no line matches /$re/"; fail=1; }
done
for re in "${absent[@]+"${absent[@]}"}"; do
  if grep -qE -- "$re" "$out"; then echo "FAIL: a line matches /$re/"; fail=1; fi
done
[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
