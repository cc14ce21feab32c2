#!/usr/bin/env bash
# A plain `scancel` of a training job (SIGTERM to the ranks and to the batch shell, as at the time
# limit): dojo still writes a checkpoint and exits 75, but the job ends CANCELLED and does not
# requeue itself; the checkpoint verifies, and a resubmission into the same directory resumes it.
# Usage: cancel.sh DOJO SOURCE_DIR WORK_DIR
dojo=$1 source_dir=$2
source "$source_dir/test/slurm/lib.bash"
require_cluster
new_work "$3"
prepare_fashion_mnist
steps=200 hold_step=20
out=$work/run

# run NAME [ENV]: the 2-rank training job into $out, with ENV (NAME=VALUE, comma-separated) added.
run() {
  submit --ntasks=2 --time=4 --output="$1.out" \
    --export="ALL,DOJO_HOME=$source_dir,DOJO_BIN=$dojo,DOJO_OUT=$out${2:+,$2}" \
    "$source_dir/slurm/train.sbatch" --data "$data" --hidden 64 32 --global-batch 64 \
    --steps $steps --eval-batches 2 --log-interval 25 --seed 3
}
# The job holds after step $hold_step until a signal comes (the trainer's test hook), so it cannot
# finish before scancel reaches it.
job=$(run cancelled DOJO_TEST_HOLD_AFTER_STEP=$hold_step)
track "$job"
held() { (($(last_step "$out/metrics.jsonl") >= hold_step)); }
wait_while_running "$job" 90 "job $job reaching step $hold_step" held
scancel "$job" || fail "scancel $job was refused"
state=$(wait_for_job_end "$job" 90)
show_job_output "$work/cancelled.out"
[ "$state" = CANCELLED ] || fail "job $job ended $state, expected CANCELLED"
grep -qE "stopped by SIGTERM after step [0-9]+" "$work/cancelled.out" || fail "dojo did not stop at a checkpoint"
grep -q "not requeueing" "$work/cancelled.out" || fail "the batch script did not say it will not requeue"
grep -q "requeueing to resume" "$work/cancelled.out" && fail "a cancelled job requeued itself"
restarts=$(job_field "$job" Restarts)
[ -n "$restarts" ] || fail "scontrol does not show job $job's Restarts"
[ "$restarts" -eq 0 ] || fail "job $job was requeued (Restarts=$restarts)"
latest=$out/checkpoints/$(tr -d '[:space:]' < "$out/checkpoints/latest")
"$dojo" checkpoint inspect "$latest" > "$work/inspect.txt" 2>&1 ||
  { cat "$work/inspect.txt"; fail "$latest does not verify"; }
echo "job $job CANCELLED with its checkpoint $latest, not requeued"

job2=$(run resumed)
track "$job2"
state=$(wait_for_job_end "$job2" 120)
show_job_output "$work/resumed.out"
[ "$state" = COMPLETED ] || fail "resubmitted job $job2 ended $state, expected COMPLETED"
grep -q "resumed from $latest" "$work/resumed.out" || fail "job $job2 did not resume from $latest"
echo "PASS: cancelled job $job kept its checkpoint; job $job2 resumed from it and completed"
