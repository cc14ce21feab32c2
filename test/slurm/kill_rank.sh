#!/usr/bin/env bash
# A rank killed with SIGKILL mid-run under srun: every other rank is gone within 60 s, the job's
# output names the dead rank, the last checkpoint is intact, and a resubmission with --resume auto
# starts from that checkpoint and finishes.
# Usage: kill_rank.sh DOJO SOURCE_DIR WORK_DIR
dojo=$1 source_dir=$2
source "$source_dir/test/slurm/lib.bash"
require_cluster
new_work "$3"
prepare_fashion_mnist
steps=300 checkpoint_every=10 victim_rank=1
out=$work/run

# run NAME [ENV]: the 4-rank training job, over 2 nodes, writing into $out, with ENV (NAME=VALUE,
# comma-separated) added to its environment.
run() {
  submit --ntasks=4 --time=4 --output="$1.out" \
    --export="ALL,DOJO_HOME=$source_dir,DOJO_BIN=$dojo,DOJO_OUT=$out${2:+,$2}" \
    "$source_dir/slurm/train.sbatch" --data "$data" --hidden 64 32 --global-batch 64 \
    --steps $steps --eval-batches 2 --log-interval 25 --seed 5 --checkpoint-every $checkpoint_every
}

# job_pids JOB [RANK]: pids of the job's dojo processes (of one rank), from /proc: every node of
# the local cluster is this machine.
job_pids() {
  local environ pid
  for environ in /proc/[0-9]*/environ; do
    pid=${environ#/proc/}
    pid=${pid%/environ}
    [ "$(cat "/proc/$pid/comm" 2> /dev/null)" = dojo ] || continue
    tr '\0' '\n' < "$environ" 2> /dev/null | grep -qx "SLURM_JOB_ID=$1" || continue
    if [ -n "${2:-}" ]; then
      tr '\0' '\n' < "$environ" 2> /dev/null | grep -qx "SLURM_PROCID=$2" || continue
    fi
    echo "$pid"
  done
}

# The job holds after step 2 * checkpoint_every + 3 (the trainer's test hook; the other ranks wait in
# an allreduce on the victim) so that a fast machine cannot finish it before the kill.
job=$(run killed DOJO_TEST_HOLD_AFTER_STEP=$((2 * checkpoint_every + 3)))
track "$job"
checkpoint_then_more() {
  [ -s "$out/checkpoints/latest" ] &&
    (($(last_step "$out/metrics.jsonl") >= 2 * checkpoint_every + 3))
}
wait_while_running "$job" 90 "job $job writing a checkpoint and training on" checkpoint_then_more
victim=$(job_pids "$job" $victim_rank)
[ -n "$victim" ] || fail "no dojo process of rank $victim_rank of job $job"
kill -KILL "$victim"
killed_at=$SECONDS
echo "killed rank $victim_rank (pid $victim) of job $job at step $(last_step "$out/metrics.jsonl")"

state=$(wait_for_job_end "$job" 60)
survivors=$(job_pids "$job")
elapsed=$((SECONDS - killed_at))
show_job_output "$work/killed.out"
[ "$state" != TIMEOUT ] || fail "job $job still running 60 s after rank $victim_rank died"
[ -z "$survivors" ] || fail "dojo processes of job $job still alive: $survivors"
[ "$state" = FAILED ] || fail "job $job ended $state, expected FAILED"
grep -qE "task $victim_rank: Killed" "$work/killed.out" || fail "the job's output does not name rank $victim_rank"
# The survivors leave on their own, well before Slurm's SIGKILL (KillWait, 10 s here), and one line
# of dojo's names the lost rank; the other tasks exit (code 3), they are not killed.
[ "$elapsed" -le 6 ] || fail "the survivors took ${elapsed}s to leave"
n=$(grep -c "^dojo: error: rank [0-9]*: peer rank $victim_rank lost" "$work/killed.out")
[ "$n" -eq 1 ] || fail "$n lines name rank $victim_rank as lost, expected one"
grep -E "tasks? [0-9-]+: Killed" "$work/killed.out" | grep -vqE "task $victim_rank: Killed" &&
  fail "tasks other than $victim_rank were killed by Slurm instead of leaving"
echo "every rank gone ${elapsed}s after the kill; job $job FAILED and names task $victim_rank"

latest=$(tr -d '[:space:]' < "$out/checkpoints/latest")
checkpoint=$out/checkpoints/$(basename "$latest")
[ -f "$checkpoint" ] || fail "latest names $latest, which is not in $out/checkpoints"
h5dump -H "$checkpoint" > /dev/null || fail "the last checkpoint $checkpoint does not open"
# dojo's own reader verifies the checksums of what is on disk, where dojo has it.
"$dojo" checkpoint inspect "$checkpoint" > "$work/inspect.txt" 2>&1 ||
  { cat "$work/inspect.txt"; fail "dojo checkpoint inspect rejects $checkpoint"; }
checkpoint_step=$(basename "$checkpoint" .h5)
checkpoint_step=$((10#${checkpoint_step#step-}))
echo "last checkpoint $checkpoint (step $checkpoint_step) is intact"

mv "$out/metrics.jsonl" "$work/metrics-killed.jsonl"
job2=$(run resumed DOJO_RESUME=auto)
track "$job2"
state=$(wait_for_job_end "$job2" 120)
show_job_output "$work/resumed.out"
[ "$state" = COMPLETED ] || fail "resubmitted job $job2 ended $state, expected COMPLETED"
first=$(/usr/bin/python3 -c '
import json, sys
steps = [json.loads(l)["step"] for l in open(sys.argv[1]) if "\"loss\"" in l and "eval_loss" not in l]
print(min(steps))' "$out/metrics.jsonl") || fail "no training steps in the resumed run's metrics"
[ "$first" -eq $((checkpoint_step + 1)) ] ||
  fail "the resumed run started at step $first, expected $((checkpoint_step + 1))"
[ "$(last_step "$out/metrics.jsonl")" -eq $steps ] || fail "the resumed run did not reach step $steps"
echo "PASS: job $job2 resumed from step $checkpoint_step and finished $steps steps"
