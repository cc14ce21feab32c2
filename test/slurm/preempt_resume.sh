#!/usr/bin/env bash
# Preemption: SIGUSR1 (what `#SBATCH --signal=USR1@120` sends before the time limit) reaches the
# ranks of a slurm/train.sbatch job mid-run; dojo checkpoints and exits 75, the job requeues itself,
# resumes from the checkpoint by itself and ends COMPLETED with exactly the final loss of the same
# run left alone (a second job, submitted at the same time).
# MODE steps (the default): the signal goes to the ranks, as `#SBATCH --signal=USR1@120` sends it.
# MODE batch: it goes to the batch shell only, as `#SBATCH --signal=B:USR1@120` sends it; the
# script must pass it on to the ranks.
# Usage: preempt_resume.sh DOJO SOURCE_DIR WORK_DIR [MODE]
dojo=$1 source_dir=$2 mode=${4:-steps}
source "$source_dir/test/slurm/lib.bash"
require_cluster
new_work "$3"
prepare_fashion_mnist
steps=400 signal_after_step=20

# run NAME [ENV]: submit the 2-rank training job that writes into $work/NAME, with ENV (NAME=VALUE,
# comma-separated) added to its environment.
run() {
  submit --ntasks=2 --time=4 --output="$1.out" \
    --export="ALL,DOJO_HOME=$source_dir,DOJO_BIN=$dojo,DOJO_OUT=$work/$1${2:+,$2}" \
    "$source_dir/slurm/train.sbatch" --data "$data" --hidden 64 32 --global-batch 64 \
    --steps $steps --eval-batches 2 --log-interval 25 --seed 11
}
reference=$(run reference)
track "$reference"
# The preempted job holds after step $signal_after_step until its ranks get a signal (the trainer's
# test hook), so a fast machine cannot finish all its steps before scancel reaches it; its numbers
# are untouched, so it must still end exactly as the reference.
preempted=$(run preempted DOJO_TEST_HOLD_AFTER_STEP=$signal_after_step)
track "$preempted"

past_signal_step() { (($(last_step "$work/preempted/metrics.jsonl") >= signal_after_step)); }
wait_while_running "$preempted" 90 "job $preempted reaching step $signal_after_step" past_signal_step
case $mode in
  steps) scancel --signal=USR1 "$preempted" || fail "scancel --signal=USR1 $preempted was refused" ;;
  batch) scancel --batch --signal=USR1 "$preempted" ||
    fail "scancel --batch --signal=USR1 $preempted was refused" ;;
  *) fail "unknown mode $mode (steps or batch)" ;;
esac
echo "sent SIGUSR1 to the $mode of job $preempted at step $(last_step "$work/preempted/metrics.jsonl")"

state=$(wait_for_job_end "$preempted" 150)
show_job_output "$work/preempted.out"
[ "$state" = COMPLETED ] || fail "preempted job $preempted ended $state, expected COMPLETED"
if [ "$mode" = batch ]; then
  grep -q "the batch shell got SIGUSR1; passing it on to the ranks" "$work/preempted.out" ||
    fail "the batch script did not pass the signal on"
fi
grep -qE "stopped by SIGUSR1 after step [0-9]+" "$work/preempted.out" || fail "dojo did not report the stop"
grep -q "Exited with exit code 75" "$work/preempted.out" || fail "the ranks did not exit with 75"
grep -q "requeueing to resume" "$work/preempted.out" || fail "the batch script did not requeue"
grep -qE "run 2 .*resume auto" "$work/preempted.out" || fail "the requeued run did not resume"
restarts=$(job_field "$preempted" Restarts)
[ -n "$restarts" ] && [ "$restarts" -ge 1 ] || fail "job $preempted was not requeued (Restarts=$restarts)"
ls "$work/preempted/checkpoints/"step-*.h5 > /dev/null 2>&1 || fail "no checkpoint in $work/preempted/checkpoints"

state=$(wait_for_job_end "$reference" 90)
[ "$state" = COMPLETED ] || { show_job_output "$work/reference.out"; fail "reference job ended $state"; }
expected=$(final_loss "$work/reference/metrics.jsonl" $steps) || fail "$expected"
got=$(final_loss "$work/preempted/metrics.jsonl" $steps) || fail "$got"
[ "$got" = "$expected" ] || fail "final loss after preemption $got, uninterrupted run $expected"
echo "PASS: job $preempted stopped, requeued ($restarts restart), resumed; final loss $got equals the uninterrupted run's"
