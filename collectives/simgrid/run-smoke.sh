#!/usr/bin/env bash
# Runs dojo-simgrid-smoke on a simulated 5 x 5 tile (25 ranks): the platform comes from
# `dojo topology platform` with ranks row-major (the smoke test's default 5 x 5 geometry), and
# smpirun uses the settings of docs/simgrid.md. Buffers are real (no shared malloc): the test
# checks values.
#   collectives/simgrid/run-smoke.sh DOJO_BINARY SMOKE_BINARY WORK_DIR
set -euo pipefail
[[ $# -eq 3 ]] || { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
dojo=$1 smoke=$2 work=$3
mkdir -p "$work"
for (( r = 0; r < 25; ++r )); do echo "$r $(( r % 5 )) $(( r / 5 ))"; done > "$work/row-major.map"
"$dojo" topology platform --tiles 1x1 --chips-per-tile 5x5 --map "$work/row-major.map" \
  --out "$work/platform.xml" --hostfile "$work/hosts.txt" > /dev/null
export TMPDIR="$work"  # smpirun's -tmpdir is broken in SimGrid 3.32
exec smpirun -np 25 -platform "$work/platform.xml" -hostfile "$work/hosts.txt" \
  --cfg=smpi/simulate-computation:no --cfg=network/model:CM02 --cfg=network/TCP-gamma:0 \
  --cfg=smpi/coll-selector:ompi --cfg=smpi/test:0 \
  --log=root.thres:warning --log=smpi_colls.thres:warning "$smoke"
