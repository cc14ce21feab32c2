#!/usr/bin/env bash
# Preemption and exact resume. A run gets SIGNAL (USR1, as Slurm's --signal sends, or TERM, as
# scancel sends) on one rank mid-run: every rank finishes the step, a checkpoint is written, the
# job exits 75. `--resume auto` then finishes it, and its losses and final parameters and
# optimizer state are bit for bit those of a run that never stopped.
# Usage: stop_and_resume.sh DOJO WORKDIR USR1|TERM
. "$(dirname "$0")/common.sh" "$1" "$2"
signal=$3
steps=600
base=$work/stop-base-$signal run=$work/stop-run-$signal
rm -rf "$base" "$run"
train=(mpirun -n 2 --oversubscribe "$dojo" --threads 1 train --data "$data" "${mlp[@]}"
       --steps $steps --checkpoint-every 200)

echo "== uninterrupted run"
"${train[@]}" --out "$base" || fail "the uninterrupted run failed"

echo "== the same run, SIG$signal to rank 1 after step 50"
interrupt_run "$run" 50 "$signal"
cat "$run.log"
[ "$ended_rc" -eq 75 ] || fail "exit code $ended_rc after SIG$signal, expected 75"
grep -qE "stopped by SIG$signal after step [0-9]+" "$run.log" || fail "no 'stopped by SIG$signal' line"
stopped=$(grep -oE "stopped by SIG$signal after step [0-9]+" "$run.log" | head -1 | grep -oE "[0-9]+$")
[ "$stopped" -lt "$steps" ] || fail "the run was not stopped early (step $stopped)"
latest=$run/checkpoints/$(cat "$run/checkpoints/latest")
[ -f "$latest" ] || fail "no checkpoint named by $run/checkpoints/latest"
ls "$run/checkpoints"
case "$latest" in *"$(printf 'step-%08d.h5' "$stopped")") ;; *) fail "latest is $latest, expected step $stopped";; esac

echo "== resumed with --resume auto"
"${train[@]}" --out "$run" --resume auto > "$run.resume.log" 2>&1
rc=$?
cat "$run.resume.log"
[ "$rc" -eq 0 ] || fail "the resumed run exited $rc"
grep -q "resumed from .*step-0*$stopped.h5 at step $stopped" "$run.resume.log" || fail "no 'resumed from' line"

echo "== losses and final state must match the uninterrupted run bit for bit"
/usr/bin/python3 "$compare_losses" --rtol 0 --steps $steps "$base/metrics.jsonl" "$run/metrics.jsonl" || fail "losses differ"
final=$(printf 'step-%08d.h5' $steps)
/usr/bin/python3 "$here/compare_checkpoints.py" "$base/checkpoints/$final" "$run/checkpoints/$final" || fail "final state differs"
echo PASS
