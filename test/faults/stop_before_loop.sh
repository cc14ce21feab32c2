#!/usr/bin/env bash
# A stop signal before the training loop (while starting, loading the data or resuming): the job
# ends with exit code 75 (so a batch script requeues it) and one "stopped by SIG..." line from rank
# 0, writes nothing, and leaves every file of the earlier run in its output directory as it was.
# The run holds at POINT (test hook DOJO_TEST_HOLD_AT) until the signal reaches rank 1.
# Usage: stop_before_loop.sh DOJO WORKDIR start|data|resume USR1|TERM
. "$(dirname "$0")/common.sh" "$1" "$2"
point=$3 signal=$4
prev=$work/stop-before-previous run=$work/stop-before-$point-$signal
train=(mpirun -n 2 --oversubscribe "$dojo" --threads 1 train --data "$data" --model mlp --hidden 32
       --global-batch 64 --eval-batches 1 --seed 3 --log-interval 10 --checkpoint-every 10)
(
  flock 9
  [ -f "$prev/checkpoints/step-00000020.h5" ] ||
    "${train[@]}" --steps 20 --out "$prev" > "$prev.log" 2>&1 || { cat "$prev.log"; exit 1; }
) 9> "$work/.stop-before.lock" || fail "the earlier run failed"
rm -rf "$run" && cp -a "$prev" "$run"
before=$(cd "$run" && find . -type f -exec sha256sum {} + | sort)

DOJO_TEST_HOLD_AT=$point "${train[@]}" --steps 40 --resume auto --out "$run" > "$run.log" 2>&1 &
mpirun_pid=$!
waited=0
until grep -q "DOJO_TEST_HOLD_AT=$point: holding" "$run.log"; do
  sleep 0.2; waited=$((waited + 1))
  [ "$waited" -lt 300 ] || { cat "$run.log"; kill "$mpirun_pid"; fail "the run never held at $point"; }
done
pid=$(rank_pid "$mpirun_pid" 1) || fail "rank 1 not found"
kill -s "$signal" "$pid"
ends_within "$mpirun_pid" 30
cat "$run.log"
echo "(exit code $ended_rc, ${ended_after}s after SIG$signal)"
[ "$ended_rc" -eq 75 ] || fail "exit code $ended_rc, expected 75"
n=$(grep -c "^stopped by SIG$signal while" "$run.log")
[ "$n" -eq 1 ] || fail "$n 'stopped by SIG$signal while' lines, expected one (from rank 0)"
grep -q "^dojo: error:" "$run.log" && fail "a stop is not an error"
after=$(cd "$run" && find . -type f -exec sha256sum {} + | sort)
[ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after"); fail "files in $run changed"; }
echo PASS
