#!/usr/bin/env bash
# Runs one case of bad_inputs.txt (see its header). Usage: bad_input.sh DOJO WORKDIR CASE
. "$(dirname "$0")/common.sh" "$1" "$2"
case_name=$3
line=$(grep -E "^$case_name +::" "$here/bad_inputs.txt") || fail "no case $case_name in bad_inputs.txt"
IFS=$'\x01' read -r _ ranks regex arguments <<< "${line// :: /$'\x01'}"
ranks=$(echo $ranks) regex=$(echo "$regex" | sed 's/^ *//; s/ *$//')

# Fixtures, made once per build tree: an earlier run with checkpoints, and broken files.
RUN="--data $data --model mlp --hidden 32 --global-batch 64 --steps 20 --eval-batches 1 --seed 3 --log-interval 10"
prev=$work/bad-previous BAD=$work/bad-files
(
  flock 9
  if [ ! -f "$prev/checkpoints/step-00000020.h5" ]; then
    rm -rf "$prev"
    mpirun -n 2 --oversubscribe "$dojo" --threads 1 train $RUN --checkpoint-every 10 --out "$prev" > "$work/bad-previous.log" 2>&1 \
      || { cat "$work/bad-previous.log"; exit 1; }
  fi
  if [ ! -f "$BAD/done" ]; then
    rm -rf "$BAD"; mkdir -p "$BAD"
    printf 'model = "mlp"\nhidden = [32\nlr = 0.1\n' > "$BAD/malformed.toml"
    printf 'model = "mlp"\nhiden = [32]\n' > "$BAD/misspelt.toml"
    head -c 100000 /dev/urandom > "$BAD/garbage.h5"
    head -c $(( $(stat -c %s "$data") / 3 )) "$data" > "$BAD/truncated.h5"
    touch "$BAD/a-file"
    cp "$prev/checkpoints/step-00000020.h5" "$BAD/corrupt.h5"
    size=$(stat -c %s "$BAD/corrupt.h5")
    # Overwrite 4 KiB in the middle of the file: tensor data, caught by the checksums.
    dd if=/dev/urandom of="$BAD/corrupt.h5" bs=4096 count=1 seek=$(( size / 2 / 4096 )) conv=notrunc 2> /dev/null
    touch "$BAD/done"
  fi
) 9> "$work/.bad-fixtures.lock" || fail "could not make the fixtures"

OUT=$work/bad-case-$case_name
rm -rf "$OUT"; cp -a "$prev" "$OUT"
before=$(cd "$OUT/checkpoints" && sha256sum * | sort)
[ -n "$before" ] || fail "no checkpoints in $OUT to guard (the fixture run left none)"
eval "args=($arguments)"
timeout -k 5 30 mpirun -n "$ranks" --oversubscribe "$dojo" --threads 1 "${args[@]}" > "$OUT.log" 2>&1
rc=$?
echo "--- mpirun -n $ranks dojo ${args[*]}"
echo "--- exit code $rc; output:"; cat "$OUT.log"; echo "---"
status=0
{ [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; } && { echo "FAIL: did not end within 30 s"; status=1; }
[ "$rc" -eq 2 ] || { echo "FAIL: exit code $rc, expected 2"; status=1; }
n=$(grep -c "^dojo: error:" "$OUT.log")
[ "$n" -eq 1 ] || { echo "FAIL: $n 'dojo: error:' lines, expected exactly one (from rank 0)"; status=1; }
grep "^dojo: error:" "$OUT.log" | grep -qE -- "$regex" || { echo "FAIL: the error line does not match /$regex/"; status=1; }
after=$(cd "$OUT/checkpoints" && sha256sum * | sort)
[ "$before" = "$after" ] || { echo "FAIL: the checkpoints in $OUT changed"; diff <(echo "$before") <(echo "$after"); status=1; }
[ "$status" -eq 0 ] && echo PASS
exit $status
