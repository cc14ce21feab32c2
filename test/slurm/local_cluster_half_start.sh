#!/usr/bin/env bash
# slurm/local-cluster with a slurmd that cannot start (test/slurm/fake_slurmd.sh, logging what
# Slurm 22.05's slurmd logs without /sys/fs/cgroup): `start` must exit 1 within seconds naming the
# node and the reason, stop the munged and slurmctld it started, and then a Slurm test's
# require_cluster must skip at once (fail under CI=true) instead of waiting for jobs.
# It runs its own cluster (own state directory and ports), not the shared one.
# Usage: local_cluster_half_start.sh SOURCE_DIR WORK_DIR MODE   (MODE: exit or fork, see the fake)
set -uo pipefail
source_dir=$1 work=$2 mode=$3
fail() { echo "FAIL: $*"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: the local cluster runs as root"; exit 77; }
command -v slurmctld > /dev/null && command -v munged > /dev/null ||
  { echo "SKIP: slurmctld or munged not installed (tools/install-deps)"; exit 77; }

rm -rf "$work"
mkdir -p "$work"
export DOJO_SLURM_DIR=$work/cluster DOJO_SLURM_NODES=2
# Ports away from the shared cluster's 6817-6820, different per mode (CTest may run both at once).
export DOJO_SLURM_PORT=$([ "$mode" = exit ] && echo 7917 || echo 7927)
export DOJO_SLURMD=$source_dir/test/slurm/fake_slurmd.sh FAKE_SLURMD_MODE=$mode
cluster=$source_dir/slurm/local-cluster

t0=$SECONDS
"$cluster" start > "$work/start.out" 2>&1
status=$?
took=$((SECONDS - t0))
cat "$work/start.out"
[ "$status" -eq 1 ] || { "$cluster" stop; fail "start exited $status, expected 1"; }
((took <= 30)) || fail "start took ${took}s to give up (its node wait is 60 s)"
grep -qE '^local-cluster: error: slurmd -N dojo1 (did not start|exited): .*No filesystem mounted on /sys/fs/cgroup' \
  "$work/start.out" || fail "start did not name the node and the reason"
grep -qE 'stopping the [0-9]+ daemon\(s\) it started' "$work/start.out" ||
  fail "start did not stop munged and slurmctld"

# Nothing of this cluster may be left running.
left=$(pgrep -af -- "$DOJO_SLURM_DIR" || true)
[ -z "$left" ] || { echo "$left"; "$cluster" stop; fail "daemons left running"; }
"$cluster" status > /dev/null 2>&1
[ $? -eq 3 ] || fail "status does not say the cluster is down"

# What a Slurm test then does: skip at once, or fail at once under CI=true.
export SLURM_CONF=$DOJO_SLURM_DIR/etc/slurm.conf
probe() { (source "$source_dir/test/slurm/lib.bash"; require_cluster; echo "cluster accepted") 2>&1; }
t0=$SECONDS
out=$(CI=false probe); code=$?
echo "$out"
[ "$code" -eq 77 ] && grep -q '^SKIP: no Slurm controller answers' <<< "$out" ||
  fail "require_cluster did not skip with the reason (exit $code)"
out=$(CI=true probe); code=$?
echo "$out"
[ "$code" -eq 1 ] && grep -q '^FAIL: no Slurm controller answers' <<< "$out" ||
  fail "require_cluster did not fail under CI=true (exit $code)"
((SECONDS - t0 <= 30)) || fail "require_cluster took $((SECONDS - t0))s"
echo "PASS: a half-started cluster ($mode) stops itself in ${took}s and the Slurm tests see no cluster"
