#!/usr/bin/env bash
# A rank killed with SIGKILL while the others wait for it in a collective, then SIGTERM to the
# survivors (what srun and mpirun do next): every survivor leaves within a few seconds, and exactly
# one line names the rank that was lost ("peer rank 1 lost"), from the lowest surviving rank.
# Usage: lost_rank.sh DOJO WORKDIR RANKS
. "$(dirname "$0")/common.sh" "$1" "$2"
ranks=$3
run=$work/lost-rank-$ranks
rm -rf "$run"
train=(mpirun -n "$ranks" --oversubscribe "$dojo" --threads 1 train --data "$data" "${mlp[@]}"
       --steps 600 --global-batch 120)
# Rank 1 dies while the others hold in the test hook's allreduce after step 20.
DOJO_TEST_HOLD_AFTER_STEP=20 "${train[@]}" --out "$run" > "$run.log" 2>&1 &
mpirun_pid=$!
wait_for_step "$run/metrics.jsonl" 20 120
sleep 0.5
victim=$(rank_pid "$mpirun_pid" 1) || fail "rank 1 not found"
survivors=()
for r in $(seq 0 $((ranks - 1))); do
  [ "$r" -eq 1 ] || survivors+=("$(rank_pid "$mpirun_pid" "$r")")
done
kill -KILL "$victim"
kill -TERM "${survivors[@]}" 2> /dev/null
start=$SECONDS
for pid in "${survivors[@]}"; do
  while kill -0 "$pid" 2> /dev/null; do
    [ $((SECONDS - start)) -lt 5 ] || { kill -9 "$mpirun_pid"; cat "$run.log"; fail "rank pid $pid still running 5 s after SIGTERM"; }
    sleep 0.1
  done
done
ends_within "$mpirun_pid" 30
cat "$run.log"
echo "(the survivors left within $((SECONDS - start)) s; mpirun exit code $ended_rc)"
[ "$ended_rc" -ne 0 ] || fail "the job exited 0 although a rank was lost"
n=$(grep -c "^dojo: error: rank [0-9]*: peer rank 1 lost" "$run.log")
[ "$n" -eq 1 ] || fail "$n lines name rank 1 as lost, expected exactly one"
grep "^dojo: error:" "$run.log" | grep -qv "peer rank 1 lost" && fail "another error line"
grep -q "^dojo: error: rank 0: peer rank 1 lost" "$run.log" || fail "rank 0 (the lowest survivor) did not report"
echo PASS
