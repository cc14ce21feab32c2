#!/usr/bin/env bash
# Runs one case of bad_env.txt (see its header). Usage: bad_env.sh DOJO WORKDIR CASE
. "$(dirname "$0")/common.sh" "$1" "$2"
case_name=$3
line=$(grep -E "^$case_name +::" "$here/bad_env.txt") || fail "no case $case_name in bad_env.txt"
IFS=$'\x01' read -r _ ranks variables regex arguments <<< "${line// :: /$'\x01'}"
ranks=$(echo $ranks) regex=$(echo "$regex" | sed 's/^ *//; s/ *$//')

RUN="--data $data --model mlp --hidden 32 --global-batch 64 --steps 20 --eval-batches 1 --seed 3 --log-interval 10"
prev=$work/bad-env-previous
(
  flock 9
  if [ ! -f "$prev/checkpoints/step-00000020.h5" ]; then
    rm -rf "$prev"
    mpirun -n 2 --oversubscribe "$dojo" --threads 1 train $RUN --checkpoint-every 10 --out "$prev" > "$prev.log" 2>&1 \
      || { cat "$prev.log"; exit 1; }
  fi
) 9> "$work/.bad-env.lock" || fail "could not make the earlier run"
OUT=$work/bad-env-$case_name
rm -rf "$OUT"; cp -a "$prev" "$OUT"
before=$(cd "$OUT" && find . -type f -exec sha256sum {} + | sort)
# A run without --out would write runs/... in the current directory: a fresh one.
scratch=$work/bad-env-cwd-$case_name
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch" || fail "no $scratch"
eval "envs=($variables)"
eval "args=($arguments)"
timeout -k 5 30 env "${envs[@]}" mpirun -n "$ranks" --oversubscribe "$dojo" --threads 1 "${args[@]}" > "$OUT.log" 2>&1
rc=$?
echo "--- ${envs[*]:0:3} mpirun -n $ranks dojo ${args[*]}"
echo "--- exit code $rc; output:"; cat -v "$OUT.log"; echo "---"
status=0
{ [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; } && { echo "FAIL: did not end within 30 s"; status=1; }
[ "$rc" -eq 2 ] || { echo "FAIL: exit code $rc, expected 2"; status=1; }
n=$(grep -c "^dojo: error:" "$OUT.log")
[ "$n" -eq 1 ] || { echo "FAIL: $n 'dojo: error:' lines, expected exactly one (from rank 0)"; status=1; }
grep "^dojo: error:" "$OUT.log" | grep -qE -- "$regex" || { echo "FAIL: the error line does not match /$regex/"; status=1; }
LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$OUT.log" && { echo "FAIL: control bytes echoed"; status=1; }
after=$(cd "$OUT" && find . -type f -exec sha256sum {} + | sort)
[ "$before" = "$after" ] || { echo "FAIL: the files in $OUT changed"; diff <(echo "$before") <(echo "$after"); status=1; }
[ -z "$(ls -A "$scratch")" ] || { echo "FAIL: the run wrote into the current directory:"; ls -R "$scratch"; status=1; }
[ "$status" -eq 0 ] && echo PASS
exit $status
