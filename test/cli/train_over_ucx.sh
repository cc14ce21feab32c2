#!/usr/bin/env bash
# Open MPI's UCX layer carries a short training run on 2 ranks: `dojo info` under the UCX flags
# reports UCX as the point-to-point layer (and, without them, that it is not, so the report follows
# the flags), and `dojo train` over UCX runs every step with a falling, finite loss.
# Usage: train_over_ucx.sh DOJO WORK_DIR
set -uo pipefail
dojo=$1 work=$2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ucx=(--mca pml ucx --mca pml_ucx_tls any --mca pml_ucx_devices any)
run2=(mpirun -n 2 --oversubscribe)
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work/run"
mkdir -p "$work"

out=$(timeout 60 "${run2[@]}" "${ucx[@]}" "$dojo" info 2>&1) || { echo "$out"; fail "dojo info over UCX failed"; }
echo "$out"
grep -qE '^point-to-point +ucx \(UCX [0-9]+\.[0-9]+' <<< "$out" || fail "dojo info does not report pml ucx"
grep -qE '^UCX +[0-9]+\.[0-9]+\.[0-9]+, carries the point-to-point traffic' <<< "$out" ||
  fail "dojo info does not say UCX carries the traffic"

out=$(timeout 60 "${run2[@]}" --mca pml ob1 "$dojo" info 2>&1) || { echo "$out"; fail "dojo info over ob1 failed"; }
echo "$out"
grep -qE '^point-to-point +ob1 \(BTLs: ' <<< "$out" || fail "dojo info does not report pml ob1 under --mca pml ob1"
grep -qE '^UCX +[0-9.]+, not used' <<< "$out" || fail "dojo info says UCX is used under --mca pml ob1"

data=$work/fashion.h5
[ -f "$data" ] || "$dojo" data prepare fashion-mnist --out "$data" > /dev/null || fail "data prepare failed"
steps=40
timeout 120 "${run2[@]}" "${ucx[@]}" "$dojo" train --data "$data" --model mlp --hidden 64 32 \
  --global-batch 64 --steps $steps --eval-batches 2 --log-interval 20 --seed 3 --out "$work/run" ||
  fail "dojo train over UCX failed"
python3 - "$work/run/metrics.jsonl" $steps << 'PY' || fail "the run over UCX did not train"
import json, math, sys
records = [json.loads(line) for line in open(sys.argv[1])]
train = [r for r in records if "loss" in r and "eval_loss" not in r]
steps = [r["step"] for r in train]
assert steps and max(steps) == int(sys.argv[2]), f"steps recorded: {steps}"
losses = [r["loss"] for r in train]
assert all(math.isfinite(l) for l in losses), f"non-finite loss: {losses}"
assert losses[-1] < losses[0], f"loss did not fall: {losses[0]} -> {losses[-1]}"
assert any("eval_loss" in r for r in records), "no evaluation recorded"
print(f"trained {max(steps)} steps over UCX: loss {losses[0]:.4f} -> {losses[-1]:.4f}")
PY
echo "PASS: UCX carries dojo info and a $steps-step training run on 2 ranks"
