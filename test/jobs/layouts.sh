#!/usr/bin/env bash
# 3D parallel training against the one-rank run. Usage: layouts.sh DOJO WORKDIR equivalence|checkpoints
#   equivalence  the same tiny GPT and global batch on layouts (dp,tp,pp) = (1,1,1) .. (2,2,2)
#                (8 ranks, oversubscribed), under GPipe and 1F1B, give the one-rank run's 20 losses
#                within 1e-5 relative; one run also writes a Chrome trace that must have one track
#                per rank with forward and backward spans, and --dry-run prints the plan.
#   checkpoints  checkpoints of step 10 written by (2,2,1), (1,1,4), (4,1,1) and (1,2,2), each
#                resumed into the other three layouts: steps 11..20 give the uninterrupted run's
#                losses within 1e-5 relative.
set -euo pipefail
dojo=$1 work=$2 what=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
data=$work/text.h5
(
  flock 9
  [ -f "$data" ] || "$dojo" data prepare text --out "$data" > /dev/null
) 9> "$work/.data.lock"
# L = 4 so that 4 stages hold a block each; V (bytes) and NH divide by tp = 2.
gpt=(--model gpt --layers 4 --channels 32 --heads 4 --context 16 --global-batch 8 --lr 0.003
     --steps 20 --eval-batches 1 --log-interval 10 --seed 7 --bucket-mb 0.01 --data "$data")

# train NAME LAYOUT [ARGS...]: one run into $work/NAME (its metrics.jsonl).
train() {
  local name=$1 layout=$2
  shift 2
  local ranks
  ranks=$(echo "$layout" | awk -F, '{print $1 * $2 * $3}')
  rm -rf "${work:?}/$name"
  local start=$SECONDS
  mpirun -n "$ranks" --oversubscribe "$dojo" --threads 1 train "${gpt[@]}" --layout "$layout" \
    --out "$work/$name" "$@" > "$work/$name.log" 2>&1 ||
    { cat "$work/$name.log"; echo "FAIL: $name ($layout $*)"; exit 1; }
  echo "== $name: layout $layout $* ($((SECONDS - start)) s)"
}

if [ "$what" = equivalence ]; then
  echo "== --dry-run on (2,2,2) prints the stages and every stage's schedule, trains nothing"
  mpirun -n 8 --oversubscribe "$dojo" --threads 1 train "${gpt[@]}" --layout 2,2,2 \
    --micro-batches 2 --dry-run --out "$work/dry" > "$work/dry.log" 2>&1 || { cat "$work/dry.log"; exit 1; }
  grep -q "^stage 1: blocks 2..3 + ln_f and head" "$work/dry.log" &&
    grep -q "^stage 1: rF0 F0 B0" "$work/dry.log" && [ ! -e "$work/dry/metrics.jsonl" ] ||
    { cat "$work/dry.log"; echo "FAIL: --dry-run output"; exit 1; }
  train reference 1,1,1 --micro-batches 2
  runs=()
  for schedule in gpipe 1f1b; do
    for layout in 2,1,1 1,2,1 1,1,2 2,2,1 2,1,2 1,2,2 2,2,2; do
      extra=()
      [ "$layout" = 2,2,2 ] && [ "$schedule" = 1f1b ] && extra=(--trace "$work/trace.json")
      train "$schedule-${layout//,/-}" "$layout" --micro-batches 2 --schedule "$schedule" \
        "${extra[@]}"
      runs+=("$work/$schedule-${layout//,/-}/metrics.jsonl")
    done
  done
  /usr/bin/python3 "$here/compare_losses.py" --rtol 1e-5 --steps 20 \
    "$work/reference/metrics.jsonl" "${runs[@]}"
  /usr/bin/python3 "$here/check_trace.py" "$work/trace.json" 8
else
  train reference 1,1,1 --micro-batches 2
  writers=(2,2,1 1,1,4 4,1,1 1,2,2)
  for layout in "${writers[@]}"; do
    train "writer-${layout//,/-}" "$layout" --micro-batches 2 --checkpoint-every 10
  done
  resumed=()
  for from in "${writers[@]}"; do
    checkpoint=$work/writer-${from//,/-}/checkpoints/step-00000010.h5
    for to in "${writers[@]}"; do
      [ "$from" = "$to" ] && continue
      train "resume-${from//,/-}-into-${to//,/-}" "$to" --micro-batches 2 --resume "$checkpoint"
      resumed+=("$work/resume-${from//,/-}-into-${to//,/-}/metrics.jsonl")
    done
  done
  writer_runs=()
  for layout in "${writers[@]}"; do writer_runs+=("$work/writer-${layout//,/-}/metrics.jsonl"); done
  echo "== the writers' own 20 steps"
  /usr/bin/python3 "$here/compare_losses.py" --rtol 1e-5 --steps 20 \
    "$work/reference/metrics.jsonl" "${writer_runs[@]}"
  echo "== steps 11..20 of every resumed run"
  /usr/bin/python3 "$here/compare_losses.py" --rtol 1e-5 --steps 20 --first 11 \
    "$work/reference/metrics.jsonl" "${resumed[@]}"
fi
