#!/usr/bin/env bash
# sbatch slurm/info.sbatch: six ranks on three nodes, started by srun through PMIx, agree on the
# job (ranks, nodes, launcher, the Slurm job id) and the job ends COMPLETED.
# Usage: info.sh DOJO SOURCE_DIR WORK_DIR
dojo=$1 source_dir=$2
source "$source_dir/test/slurm/lib.bash"
require_cluster
new_work "$3"

job=$(submit --output=info.out --export="ALL,DOJO_BIN=$dojo" "$source_dir/slurm/info.sbatch")
track "$job"
state=$(wait_for_job_end "$job" 60)
show_job_output "$work/info.out"
[ "$state" = COMPLETED ] || fail "job $job ended $state, expected COMPLETED"
grep -qE "^ranks +6$" "$work/info.out" || fail "dojo info did not see 6 ranks"
grep -qE "^nodes +3 " "$work/info.out" || fail "dojo info did not see 3 nodes"
grep -qE "^launcher +srun$" "$work/info.out" || fail "dojo info did not detect srun"
grep -qE "^Slurm job +$job " "$work/info.out" || fail "dojo info did not report Slurm job $job"
echo "PASS: job $job: 6 ranks on 3 nodes under srun"
