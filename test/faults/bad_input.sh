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
  if [ ! -f "$BAD/done-3" ]; then
    rm -rf "$BAD"; mkdir -p "$BAD"
    printf 'model = "mlp"\nhidden = [32\nlr = 0.1\n' > "$BAD/malformed.toml"
    printf 'model = "mlp"\nhiden = [32]\n' > "$BAD/misspelt.toml"
    head -c 100000 /dev/urandom > "$BAD/garbage.h5"
    head -c $(( $(stat -c %s "$data") / 3 )) "$data" > "$BAD/truncated.h5"
    touch "$BAD/a-file"
    # Config files: a key twice, one key in two spellings, a byte-order mark before an unknown
    # key, control bytes, a value that is not a finite number, a global file with an unknown
    # section, and an integer that does not fit 64 bits.
    printf 'lr = 0.1\nlr = 0.2\n' > "$BAD/duplicate.toml"
    printf 'min-lr = 0.0\nmin_lr = 0.0\n' > "$BAD/two-spellings.toml"
    printf '\xef\xbb\xbfmodel = "mlp"\nhiden = [32]\n' > "$BAD/bom.toml"
    printf 'model = "mlp"\n\x01\x02\x1b[2Jgarbage\n' > "$BAD/control.toml"
    printf 'lr = nan\n' > "$BAD/nan.toml"
    printf 'steps = 99999999999999999999\n' > "$BAD/huge.toml"
    printf '[train]\nlr = 0.1\n[frobnicate]\nx = 1\n' > "$BAD/global-unknown-section.toml"
    # Output directories with a wrong entry: checkpoints/ a file, metrics.jsonl a directory.
    mkdir -p "$BAD/out-checkpoints-file" "$BAD/out-metrics-dir/metrics.jsonl"
    touch "$BAD/out-checkpoints-file/checkpoints"
    cp "$prev/checkpoints/step-00000020.h5" "$BAD/corrupt.h5"
    # A checkpoint whose weights are NaN but whose checksums match (rewritten with h5py).
    cp "$prev/checkpoints/step-00000020.h5" "$BAD/nan-weights.h5"
    /usr/bin/python3 "$here/nan_checkpoint.py" "$BAD/nan-weights.h5" || exit 1
    # The good data set with its sample scale raised to 1e30: a resumed run's first step
    # overflows (a run that fails after it has started).
    cp "$data" "$BAD/huge-scale.h5"
    /usr/bin/python3 -c 'import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    for split in ("train", "test"): f[split + "/samples"].attrs.modify("scale", np.float64(1e30))' "$BAD/huge-scale.h5" || exit 1
    size=$(stat -c %s "$BAD/corrupt.h5")
    # Overwrite 4 KiB in the middle of the file: tensor data, caught by the checksums.
    dd if=/dev/urandom of="$BAD/corrupt.h5" bs=4096 count=1 seek=$(( size / 2 / 4096 )) conv=notrunc 2> /dev/null
    touch "$BAD/done-3"
  fi
) 9> "$work/.bad-fixtures.lock" || fail "could not make the fixtures"

OUT=$work/bad-case-$case_name
rm -rf "$OUT"; cp -a "$prev" "$OUT"
# Every file of the earlier run, by content: none may change, none may appear or go.
snapshot() { (cd "$OUT" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
before=$(snapshot)
[ -n "$(ls "$OUT/checkpoints" 2>/dev/null)" ] || fail "no checkpoints in $OUT to guard (the fixture run left none)"
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
# What is echoed is quoted and shortened: no control bytes, no endless line.
if LC_ALL=C grep "^dojo: error:" "$OUT.log" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]'; then
  echo "FAIL: the error line holds raw control bytes"; status=1
fi
long=$(grep "^dojo: error:" "$OUT.log" | awk 'length > 500' | wc -l)
[ "$long" -eq 0 ] || { echo "FAIL: the error line is longer than 500 characters"; status=1; }
after=$(snapshot)
[ "$before" = "$after" ] || { echo "FAIL: files of the earlier run in $OUT changed"; diff <(echo "$before") <(echo "$after"); status=1; }
[ "$status" -eq 0 ] && echo PASS
exit $status
