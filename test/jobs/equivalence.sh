#!/usr/bin/env bash
# Data-parallel equivalence: the same config and global batch on 1, 2 and 4 ranks must give the
# same training losses for 20 steps (relative 1e-5), and a repeated 2-rank run the same losses
# bit for bit (fixed reduction order). Usage: equivalence.sh DOJO WORKDIR mlp|gpt
set -euo pipefail
dojo=$1 work=$2 model=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
if [ "$model" = mlp ]; then
  data=$work/fashion.h5
  [ -f "$data" ] || "$dojo" data prepare fashion-mnist --out "$data"
  args=(--model mlp --hidden 64 32 --global-batch 64 --lr 0.003)
else
  data=$work/text.h5
  [ -f "$data" ] || "$dojo" data prepare text --out "$data"
  args=(--model gpt --layers 2 --channels 32 --heads 2 --context 32 --global-batch 8 --lr 0.003)
fi
runs=()
for np in 1 2 4 2again; do
  out=$work/$model-np$np
  np=${np%again}
  rm -rf "$out"
  echo "== $model on $np rank(s)"
  mpirun -n "$np" --oversubscribe "$dojo" --threads 1 train --data "$data" "${args[@]}" \
    --steps 20 --eval-batches 2 --log-interval 5 --seed 7 --bucket-mb 0.05 --out "$out"
  runs+=("$out/metrics.jsonl")
done
/usr/bin/python3 "$here/compare_losses.py" --rtol 1e-5 --steps 20 "${runs[@]:0:3}"
echo "== the repeated 2-rank run must match the first bit for bit"
/usr/bin/python3 "$here/compare_losses.py" --rtol 0 --steps 20 "${runs[1]}" "${runs[3]}"
