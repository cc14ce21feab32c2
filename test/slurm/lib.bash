# Shared by dojo's Slurm integration tests (sourced): find the cluster, submit jobs that are
# cancelled when the test ends, wait for a job with a deadline, read its state and its metrics.
# A test sets: dojo (the program), source_dir (the clone), work (its own empty directory).
set -uo pipefail

# Where slurm/local-cluster keeps its configuration unless SLURM_CONF says otherwise.
if [ -z "${SLURM_CONF:-}" ]; then
  export SLURM_CONF=${DOJO_SLURM_DIR:-/tmp/dojo-slurm}/etc/slurm.conf
fi

submitted_jobs=()

fail() {
  echo "FAIL: $*"
  exit 1
}

# require_cluster: skip the test (exit 77) at once, with the reason, when no Slurm answers or none
# of its nodes can run a job (a controller whose slurmd did not start would leave the test waiting
# for its job until the deadline), except in CI (CI=true), where .ci/run has started the local
# cluster and a missing one is a failure.
require_cluster() {
  local reason="" states
  if ! command -v scontrol > /dev/null; then
    reason="no Slurm client commands (install slurm-client)"
  elif ! timeout 10 scontrol ping > /dev/null 2>&1; then
    reason="no Slurm controller answers"
  elif ! states=$(timeout 10 sinfo -h -o '%t' 2> /dev/null); then
    reason="sinfo fails"
  elif ! grep -qE '^(idle|mix|alloc|comp)$' <<< "$states"; then
    reason="no node is up (node states: $(echo $states))"
  fi
  [ -n "$reason" ] || return 0
  if [ "${CI:-}" = true ]; then
    fail "$reason (SLURM_CONF=$SLURM_CONF); CI must start a cluster with slurm/local-cluster start"
  fi
  echo "SKIP: $reason (SLURM_CONF=$SLURM_CONF); start a cluster with slurm/local-cluster start"
  exit 77
}

cancel_submitted_jobs() {
  local job
  for job in "${submitted_jobs[@]+"${submitted_jobs[@]}"}"; do
    scancel --quiet "$job" 2> /dev/null || true
  done
}
trap cancel_submitted_jobs EXIT

# submit ARGS...: sbatch from $work; prints the job id and remembers it for cancel_submitted_jobs.
# (Call it as `job=$(submit ...)` then `track $job`: a subshell cannot append to the list.)
submit() {
  local id
  id=$(cd "$work" && sbatch --parsable "$@") || fail "sbatch $* was refused"
  echo "${id%%;*}"
}
track() { submitted_jobs+=("$1"); }

# job_field JOB FIELD: one field of `scontrol show job`, e.g. JobState, Restarts, ExitCode.
job_field() {
  scontrol show job -o "$1" 2> /dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

# wait_for_job_end JOB SECONDS: wait until the job has ended for good (not pending, running,
# requeued or completing); prints its final state. Fails after SECONDS.
wait_for_job_end() {
  local job=$1 deadline=$((SECONDS + $2)) state
  while ((SECONDS < deadline)); do
    state=$(job_field "$job" JobState)
    case $state in
      PENDING | RUNNING | REQUEUED | COMPLETING | CONFIGURING | REQUEUE_HOLD | REQUEUE_FED | SUSPENDED | "") ;;
      *)
        echo "$state"
        return 0
        ;;
    esac
    sleep 1
  done
  echo "TIMEOUT"
}

# wait_while_running JOB SECONDS DESCRIPTION COMMAND...: poll COMMAND every half second until it
# succeeds; fail when JOB ends first or after SECONDS.
wait_while_running() {
  local job=$1 limit=$2 what=$3 state output
  local deadline=$((SECONDS + limit))
  shift 3
  while ((SECONDS < deadline)); do
    "$@" && return 0
    state=$(job_field "$job" JobState)
    case $state in
      PENDING | RUNNING | REQUEUED | CONFIGURING | "") ;;
      *)
        for output in "$work"/*.out; do show_job_output "$output"; done
        fail "$what: job $job ended $state first"
        ;;
    esac
    sleep 0.5
  done
  fail "$what: not within ${limit}s"
}

# last_step METRICS: the highest training step recorded in a metrics.jsonl (0 when none).
last_step() {
  [ -f "$1" ] || { echo 0; return; }
  /usr/bin/python3 - "$1" << 'EOF'
import json, sys
steps = [0]
for line in open(sys.argv[1]):
    try:
        record = json.loads(line)
    except ValueError:
        continue  # a line being written
    if "loss" in record and "eval_loss" not in record:
        steps.append(record["step"])
print(max(steps))
EOF
}

# evaluations METRICS: one line "STEP EVAL_LOSS" per evaluation record of a metrics.jsonl (parsed,
# and each loss finite), nothing when there is none.
evaluations() {
  /usr/bin/python3 - "$1" << 'EOF'
import json, math, sys
for line in open(sys.argv[1]):
    record = json.loads(line)
    if "eval_loss" in record and math.isfinite(record["eval_loss"]):
        print(record["step"], record["eval_loss"])
EOF
}

# final_loss METRICS STEP: the training loss recorded for STEP, exactly as written (17 digits).
final_loss() {
  /usr/bin/python3 - "$1" "$2" << 'EOF'
import json, sys
loss = None
for line in open(sys.argv[1]):
    record = json.loads(line)
    if record.get("step") == int(sys.argv[2]) and "loss" in record and "eval_loss" not in record:
        loss = repr(record["loss"])
if loss is None:
    sys.exit(f"no training loss for step {sys.argv[2]} in {sys.argv[1]}")
print(loss)
EOF
}

# show_job_output FILE: the job's output, framed, for the test log.
show_job_output() {
  echo "--- $1:"
  cat "$1" 2> /dev/null || echo "(no output file)"
  echo "---"
}

# The small training run of the tests: an MLP on Fashion-MNIST, a few milliseconds a step.
prepare_fashion_mnist() {
  data=$(dirname "$work")/fashion-mnist.h5
  if [ ! -f "$data" ]; then
    (flock 9 && { [ -f "$data" ] || "$dojo" data prepare fashion-mnist --out "$data.tmp" > /dev/null &&
      mv "$data.tmp" "$data"; }) 9> "$data.lock" || fail "dojo data prepare fashion-mnist failed"
  fi
}

# new_work NAME: an empty working directory for this test under the build tree.
new_work() {
  work=$1
  rm -rf "$work"
  mkdir -p "$work"
}
