#!/usr/bin/env bash
# sbatch slurm/train.sbatch as it is (configs/fashion-mlp.toml, shortened to 60 steps) on 4 ranks
# over 2 nodes: the job ends COMPLETED and metrics.jsonl holds every step and the final evaluation.
# Usage: train.sh DOJO SOURCE_DIR WORK_DIR
dojo=$1 source_dir=$2
source "$source_dir/test/slurm/lib.bash"
require_cluster
new_work "$3"
prepare_fashion_mnist
steps=60

job=$(submit --ntasks=4 --time=3 --output=train.out \
  --export="ALL,DOJO_HOME=$source_dir,DOJO_BIN=$dojo,DOJO_OUT=$work/run" \
  "$source_dir/slurm/train.sbatch" --data "$data" --hidden 64 32 --global-batch 64 \
  --steps $steps --eval-batches 2 --log-interval 20)
track "$job"
state=$(wait_for_job_end "$job" 120)
show_job_output "$work/train.out"
[ "$state" = COMPLETED ] || fail "job $job ended $state, expected COMPLETED"
[ "$(last_step "$work/run/metrics.jsonl")" -eq $steps ] ||
  fail "metrics.jsonl ends at step $(last_step "$work/run/metrics.jsonl"), expected $steps"
evaluations "$work/run/metrics.jsonl" | grep -qE '^[0-9]+ ' || fail "metrics.jsonl has no evaluation"
grep -q "training finished" "$work/train.out" || fail "the batch script did not report the end"
echo "PASS: job $job trained $steps steps on 4 ranks, final loss $(final_loss "$work/run/metrics.jsonl" $steps)"
