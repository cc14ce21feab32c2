# Shared by the fault tests: the dojo binary, a prepared data set, and helpers to find one rank's
# process and to wait for a run to reach a step. Source it: . common.sh DOJO WORKDIR
set -uo pipefail
dojo=$1 work=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
compare_losses=$here/../jobs/compare_losses.py
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$work"
data=$work/fashion.h5
# Prepared once per build tree (a lock keeps parallel tests from writing it together).
(
  flock 9
  [ -f "$data" ] || "$dojo" data prepare fashion-mnist --out "$data" > /dev/null
) 9> "$work/.data.lock"
[ -f "$data" ] || { echo "FAIL: could not prepare $data"; exit 1; }

# A small MLP run: about 600 steps of a few ms each, so a test can act in the middle of it.
mlp=(--model mlp --hidden 128 64 --global-batch 128 --lr 0.002 --eval-batches 2 --seed 5
     --log-interval 100 --bucket-mb 0.05)

fail() { echo "FAIL: $*"; exit 1; }

# rank_pid MPIRUN_PID RANK: the pid of that rank among mpirun's processes.
rank_pid() {
  local parent=$1 rank=$2 pid
  for pid in $(pgrep -P "$parent"); do
    if tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$rank"; then
      echo "$pid"; return 0
    fi
  done
  return 1
}

# wait_for_step METRICS STEP SECONDS: until metrics.jsonl records STEP (or fail).
wait_for_step() {
  local metrics=$1 step=$2 limit=$3 waited=0
  while ! grep -q "^{\"step\": $step," "$metrics" 2>/dev/null; do
    sleep 0.2; waited=$((waited + 1))
    [ "$waited" -lt $((limit * 5)) ] || fail "no step $step in $metrics after ${limit}s"
  done
}

# ends_within PID SECONDS: waits for a background process; its exit code in $ended_rc.
ends_within() {
  local pid=$1 limit=$2 start=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    [ $((SECONDS - start)) -lt "$limit" ] || { kill -9 "$pid"; fail "pid $pid still running after ${limit}s"; }
    sleep 0.2
  done
  wait "$pid"; ended_rc=$?
  ended_after=$((SECONDS - start))
}

# interrupt_run OUT STEP SIGNAL: starts "${train[@]}" --out OUT in the background (output in
# OUT.log), sends SIGNAL to rank 1 once STEP is recorded, and waits up to 60 s for the job to end
# ($ended_rc, $ended_after). The run holds after STEP until a signal comes (the trainer's test hook
# DOJO_TEST_HOLD_AFTER_STEP), so a fast machine cannot finish it before the signal is sent.
interrupt_run() {
  local out=$1 step=$2 signal=$3 mpirun_pid pid
  DOJO_TEST_HOLD_AFTER_STEP=$step "${train[@]}" --out "$out" > "$out.log" 2>&1 &
  mpirun_pid=$!
  wait_for_step "$out/metrics.jsonl" "$step" 120
  pid=$(rank_pid "$mpirun_pid" 1) || fail "rank 1 not found"
  kill -s "$signal" "$pid"
  ends_within "$mpirun_pid" 60
}
