#!/usr/bin/env bash
# A slurmd that cannot start, for slurm/local-cluster's test (DOJO_SLURMD=this): it logs the error
# Slurm 22.05's slurmd logs without a cgroup file system and exits, either at once with status 1
# (FAKE_SLURMD_MODE=exit) or, like a daemon that forked before failing, after its caller returned 0
# (FAKE_SLURMD_MODE=fork). Called as slurmd is: fake_slurmd.sh -f CONF -N NODE
set -euo pipefail
conf="" node=""
while [ $# -gt 0 ]; do
  case $1 in
    -f) conf=$2; shift 2 ;;
    -N) node=$2; shift 2 ;;
    *) shift ;;
  esac
done
log=$(sed -n 's/^SlurmdLogFile=//p' "$conf")
log=${log//%n/$node}
fail() {
  echo "[$(date +%FT%T)] error: No filesystem mounted on /sys/fs/cgroup" >> "$log"
  echo "[$(date +%FT%T)] fatal: Unable to initialize cgroup plugin (fake slurmd for a test)" >> "$log"
}
case ${FAKE_SLURMD_MODE:-exit} in
  exit) fail; exit 1 ;;
  fork) (sleep 1; fail) > /dev/null 2>&1 & exit 0 ;;
esac
