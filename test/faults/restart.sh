#!/usr/bin/env bash
# Starting over on purpose, and the saved configuration read back. In a copy of an earlier run
# (checkpoints at steps 10 and 20), --resume never is refused (bad_inputs.txt); with --overwrite
# the run starts from step 0 and ends, its config.toml and metrics.jsonl are its own, and
# `dojo train --config OUT/config.toml` resolves to the same configuration.
# Usage: restart.sh DOJO WORKDIR
. "$(dirname "$0")/common.sh" "$1" "$2"
out=$work/restart
rm -rf "$out"
run=(mpirun -n 2 --oversubscribe "$dojo" --threads 1 train --data "$data" --model mlp --hidden 32
     --global-batch 64 --eval-batches 1 --seed 3 --log-interval 10)
"${run[@]}" --steps 20 --checkpoint-every 10 --out "$out" > "$out.first.log" 2>&1 ||
  { cat "$out.first.log"; fail "the first run failed"; }

echo "== --overwrite starts over"
"${run[@]}" --steps 5 --lr 0.01 --overwrite --out "$out" > "$out.log" 2>&1
rc=$?
cat "$out.log"
[ "$rc" -eq 0 ] || fail "the run with --overwrite exited $rc"
[ "$(wc -l < "$out/metrics.jsonl")" -eq 6 ] || fail "metrics.jsonl is not this run's 5 steps and 1 evaluation"
grep -qx 'steps = 5' "$out/config.toml" || fail "config.toml is not this run's"
grep -qx 'lr = 0.01' "$out/config.toml" || fail "config.toml lacks lr = 0.01"
grep -q '^overwrite' "$out/config.toml" && fail "--overwrite is an action, not a setting to save"
for key in layers channels heads context tied-embedding stages; do
  grep -q "^$key = " "$out/config.toml" && fail "the MLP's config.toml lists the GPT's $key"
done
grep -qx 'hidden = \[32\]' "$out/config.toml" || fail "the list --hidden is not a TOML array"

echo "== config.toml read back"
mpirun -n 2 --oversubscribe "$dojo" --threads 1 train --config "$out/config.toml" --dry-run > "$out.back.log" 2>&1 ||
  { cat "$out.back.log"; fail "dojo train --config $out/config.toml failed"; }
sed -n '/^# resolved configuration$/,/^#/p' "$out.back.log" | grep -v '^#' > "$out.back.toml"
diff "$out/config.toml" "$out.back.toml" || fail "config.toml does not resolve to itself"
echo PASS
