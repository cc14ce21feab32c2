#!/usr/bin/env bash
# A rank killed with SIGKILL mid-run (the other rank waits for it in an allreduce): every other
# rank exits within 60 s, the job names the dead rank and exits non-zero, the last checkpoint is
# intact, and a resubmission with --resume auto resumes from it and ends exactly as a run that
# never failed.
# Usage: kill_rank.sh DOJO WORKDIR
. "$(dirname "$0")/common.sh" "$1" "$2"
steps=600
base=$work/kill-base run=$work/kill-run
rm -rf "$base" "$run"
train=(mpirun -n 2 --oversubscribe "$dojo" --threads 1 train --data "$data" "${mlp[@]}"
       --steps $steps --checkpoint-every 40)

echo "== uninterrupted run"
"${train[@]}" --out "$base" || fail "the uninterrupted run failed"

echo "== the same run, rank 1 killed with SIGKILL after step 130"
interrupt_run "$run" 130 KILL
cat "$run.log"
echo "(the job ended ${ended_after}s after the kill, exit code $ended_rc)"
[ "$ended_rc" -ne 0 ] || fail "the job exited 0 although a rank was killed"
grep -qiE "rank 1.*(signal 9|killed)" "$run.log" || fail "the output does not name rank 1 as killed"
pgrep -f -- "--out $run" > /dev/null && fail "processes of the job are still running"

echo "== the last checkpoint is intact"
latest=$run/checkpoints/$(cat "$run/checkpoints/latest")
"$dojo" checkpoint inspect "$latest" > "$run.inspect" 2>&1 || { cat "$run.inspect"; fail "$latest does not verify"; }
cat "$run.inspect"

echo "== resubmitted with --resume auto"
"${train[@]}" --out "$run" --resume auto > "$run.resume.log" 2>&1
rc=$?
cat "$run.resume.log"
[ "$rc" -eq 0 ] || fail "the resumed run exited $rc"
grep -q "resumed from .*$(basename "$latest")" "$run.resume.log" || fail "did not resume from $latest"
/usr/bin/python3 "$compare_losses" --rtol 0 --steps $steps "$base/metrics.jsonl" "$run/metrics.jsonl" || fail "losses differ"
final=$(printf 'step-%08d.h5' $steps)
/usr/bin/python3 "$here/compare_checkpoints.py" "$base/checkpoints/$final" "$run/checkpoints/$final" || fail "final state differs"
echo PASS
