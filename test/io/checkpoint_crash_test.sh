#!/usr/bin/env bash
# A crash at one phase of a checkpoint save (DOJO_CHECKPOINT_CRASH_AT kills rank 0 there) leaves
# the previous checkpoint usable: find_latest_valid picks it and its data verifies; the next save
# succeeds and cleans up what the crash left.
# Usage: checkpoint_crash_test.sh PHASE MPIEXEC HELPER [MPIEXEC_FLAGS...]
set -uo pipefail
phase=$1 mpiexec=$2 helper=$3
shift 3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL ($phase): $*"; ls -la "$dir"; exit 1; }
run() { timeout -k 5 60 "$mpiexec" -n 2 "$@" "$helper" "${args[@]}"; }

args=(save "$dir" 100); run "$@" || fail "the first save failed"

args=(save "$dir" 200)
start=$SECONDS
DOJO_CHECKPOINT_CRASH_AT=$phase run "$@" > "$dir/crash.log" 2>&1
rc=$?
cat "$dir/crash.log"
[ "$rc" -ne 0 ] || fail "the save at step 200 did not crash"
# The crash must be the hook's, at this phase, not some other failure.
grep -q "DOJO_CHECKPOINT_CRASH_AT=$phase: killing this process" "$dir/crash.log" ||
  fail "the hook did not fire at $phase"
rm -f "$dir/crash.log"
[ $((SECONDS - start)) -lt 55 ] || fail "the crashed job did not end by itself (exit $rc)"
echo "the save crashed at $phase as asked (exit code $rc)"

# What the crash left: a temporary before the rename, a complete step-200 after it.
case "$phase" in
  after_data|after_checksums|before_rename)
    [ -e "$dir/.step-00000200.h5.tmp" ] || fail "no temporary left"
    [ ! -e "$dir/step-00000200.h5" ] || fail "step-00000200.h5 exists before its rename"
    expected=100 ;;
  before_latest)
    [ -e "$dir/step-00000200.h5" ] || fail "step-00000200.h5 was not renamed"
    [ "$(cat "$dir/latest")" = step-00000100.h5 ] || fail "latest moved before its phase"
    expected=100 ;;
  before_prune)
    [ "$(cat "$dir/latest")" = step-00000200.h5 ] || fail "latest does not name step 200"
    expected=200 ;;
  *) fail "unknown phase" ;;
esac

args=(check "$dir" "$expected"); run "$@" || fail "step $expected is not the one picked, or does not verify"

args=(save "$dir" 300); run "$@" || fail "the save after the crash failed"
leftovers=$(cd "$dir" && ls -A | grep -E '\.tmp$')
[ -z "$leftovers" ] || fail "temporaries left after the next save: $leftovers"
args=(check "$dir" 300); run "$@" || fail "step 300 is not picked after the next save"
echo "PASS"
