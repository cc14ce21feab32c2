#!/usr/bin/env bash
# A rank that stops answering in the middle of a checkpoint save (DOJO_CHECKPOINT_HANG_AT: rank 0
# sleeps for ever at PHASE, as on a file system that no longer answers) must not leave the job
# waiting in collective MPI-IO: the hang watchdog (3 s here) ends it with exit code 3 and one
# line naming rank 0 and the save, and the checkpoint before it is still the one `latest` names
# and still verifies.
# Usage: checkpoint_hang.sh DOJO WORKDIR PHASE
. "$(dirname "$0")/common.sh" "$1" "$2"
phase=$3
run=$work/hang-$phase
rm -rf "$run"
train=(mpirun -n 2 --oversubscribe "$dojo" --threads 1 --watchdog 3 train --data "$data"
       --model mlp --hidden 32 --global-batch 64 --steps 40 --checkpoint-every 10 --out "$run")

# The save of step 10 completes; the hook is armed from step 20 on by a second run that resumes.
"${train[@]}" --steps 10 > "$run.first.log" 2>&1 || { cat "$run.first.log"; fail "the first run failed"; }
before=$(sha256sum "$run/checkpoints/step-00000010.h5" | cut -d' ' -f1)
[ -n "$before" ] || fail "the first run left no checkpoint of step 10"

DOJO_CHECKPOINT_HANG_AT=$phase "${train[@]}" --resume auto > "$run.log" 2>&1 &
ends_within $! 60
cat "$run.log"
[ "$ended_rc" -eq 3 ] || fail "exit code $ended_rc, expected 3 (the hang watchdog)"
n=$(grep -c "^dojo: error: rank 0: hang watchdog: checkpoint save #20 (step 20 into " "$run.log")
[ "$n" -eq 1 ] || fail "expected one watchdog line naming rank 0 and the save of step 20, got $n"
pgrep -f -- "--out $run" > /dev/null && fail "processes of the job are still running"
# Before its rename and before `latest` moves, the save of step 20 is not committed; at before_prune
# it is (renamed and named by latest), so latest must name it.
case $phase in
  after_data | after_checksums | before_rename | before_latest) expected=step-00000010.h5 ;;
  before_prune) expected=step-00000020.h5 ;;
  *) fail "unknown phase $phase" ;;
esac
grep -q "DOJO_CHECKPOINT_HANG_AT=$phase: this process stops here" "$run.log" ||
  fail "the hook did not stop rank 0 at $phase (a phase the save does not have?)"
[ "$(cat "$run/checkpoints/latest")" = "$expected" ] ||
  fail "latest names $(cat "$run/checkpoints/latest"), expected $expected"
[ "$(sha256sum "$run/checkpoints/step-00000010.h5" | cut -d' ' -f1)" = "$before" ] ||
  fail "the checkpoint of step 10 changed"
"$dojo" checkpoint inspect "$run/checkpoints/$(cat "$run/checkpoints/latest")" > /dev/null ||
  fail "the checkpoint latest names does not verify"
echo "PASS: the job ended ${ended_after}s after it started, exit 3, one watchdog line"
