# The body of dojo's training batch scripts, sourced by slurm/*.sbatch after their #SBATCH lines:
# srun starts `dojo train` on every task (PMIx, no wrapper); when dojo exits with 75 (it stopped at a
# checkpoint on SIGUSR1 or SIGTERM) the job requeues itself and the next run resumes from there.
#
# Settings (environment, all optional):
#   DOJO_HOME          the clone: configs, data and runs/ are relative to it   [the submit directory]
#   DOJO_BIN           the dojo program                                         [$DOJO_HOME/build/cli/dojo]
#   DOJO_CONFIG        the training configuration                               [set by the .sbatch]
#   DOJO_OUT           output directory; give the old one to resume a job that
#                      ended (a requeued job keeps its id and so its directory) [runs/slurm-$SLURM_JOB_ID]
#   DOJO_RESUME        auto, never or a checkpoint file   [auto when requeued or $DOJO_OUT has one]
#   DOJO_CHECKPOINT_MINUTES  minutes between checkpoints         [the configuration's; dojo
#                      always writes one when it stops on a signal]
#   DOJO_MAX_REQUEUES  the job stops requeueing itself after this many runs      [10]
# Arguments are passed on to `dojo train`; they win over the configuration file.
set -uo pipefail

dojo_home=${DOJO_HOME:-$SLURM_SUBMIT_DIR}
dojo_bin=${DOJO_BIN:-$dojo_home/build/cli/dojo}
dojo_out=${DOJO_OUT:-runs/slurm-$SLURM_JOB_ID}
# SLURM_RESTART_COUNT is set, from 1, in every run of a requeued job.
dojo_restarts=${SLURM_RESTART_COUNT:-0}
cd "$dojo_home" || { echo "dojo job: error: DOJO_HOME $dojo_home is not a directory" >&2; exit 2; }
[ -x "$dojo_bin" ] || { echo "dojo job: error: no dojo at $dojo_bin: run tools/build or set DOJO_BIN" >&2; exit 2; }

dojo_resume=${DOJO_RESUME:-}
if [ -z "$dojo_resume" ]; then
  dojo_resume=never
  if ((dojo_restarts > 0)) || [ -e "$dojo_out/checkpoints/latest" ]; then dojo_resume=auto; fi
fi

echo "dojo job $SLURM_JOB_ID run $((dojo_restarts + 1)) on $SLURM_JOB_NODELIST: $SLURM_NTASKS tasks," \
  "config $DOJO_CONFIG, out $dojo_out, resume $dojo_resume"
# --kill-on-bad-exit: a rank that dies (or exits non-zero) takes the step down with it, so no rank
# is left waiting in a collective for a peer that is gone.
dojo_args=(train --config "$DOJO_CONFIG" --out "$dojo_out")
# dojo's defaults (--resume never, checkpoint interval from the configuration) need no option.
[ "$dojo_resume" = never ] || dojo_args+=(--resume "$dojo_resume")
[ -z "${DOJO_CHECKPOINT_MINUTES:-}" ] || dojo_args+=(--checkpoint-minutes "$DOJO_CHECKPOINT_MINUTES")
# srun runs in the background so that this shell can pass on a signal meant for the ranks but sent
# to it: `#SBATCH --signal=B:USR1@120` and `scancel --batch --signal=USR1` signal only the batch
# shell, which would otherwise die of it. srun forwards what it gets to every task.
srun --kill-on-bad-exit=1 "$dojo_bin" "${dojo_args[@]}" "$@" &
srun_pid=$!
dojo_signalled=0 dojo_ending=0
pass_on() {
  dojo_signalled=1
  # SIGTERM or SIGINT to the batch shell: the job is being cancelled or has hit its time limit.
  # dojo still checkpoints, but the job must end, not requeue itself.
  [ "$1" = USR1 ] || [ "$1" = USR2 ] || dojo_ending=1
  echo "dojo job $SLURM_JOB_ID: the batch shell got SIG$1; passing it on to the ranks"
  kill -s "$1" "$srun_pid" 2> /dev/null || true
}
trap 'pass_on USR1' USR1
trap 'pass_on USR2' USR2
trap 'pass_on TERM' TERM
trap 'pass_on INT' INT
while :; do
  dojo_signalled=0
  wait "$srun_pid"
  dojo_code=$?
  # wait returns early (128 + n) when a trapped signal arrives; srun is then still there (running,
  # or exited and not yet reaped), and the next wait gives its exit code.
  ((dojo_signalled)) && kill -0 "$srun_pid" 2> /dev/null || break
done
trap - USR1 USR2 TERM INT

case $dojo_code in
  0)
    echo "dojo job $SLURM_JOB_ID: training finished; metrics in $dojo_out/metrics.jsonl"
    exit 0
    ;;
  75)
    # EX_TEMPFAIL: dojo stopped on a signal after writing a checkpoint.
    if ((dojo_ending)); then
      echo "dojo job $SLURM_JOB_ID: stopped at a checkpoint because the job is ending (cancelled" \
        "or out of time); not requeueing. Resubmit with DOJO_OUT=$dojo_out to go on."
      exit 75
    fi
    if ((dojo_restarts >= ${DOJO_MAX_REQUEUES:-10})); then
      echo "dojo job $SLURM_JOB_ID: stopped at a checkpoint after $((dojo_restarts + 1)) runs;" \
        "not requeueing again (DOJO_MAX_REQUEUES). Resubmit with DOJO_OUT=$dojo_out to go on."
      exit 75
    fi
    echo "dojo job $SLURM_JOB_ID: stopped at a checkpoint; requeueing to resume from it"
    if ! scontrol requeue "$SLURM_JOB_ID"; then
      echo "dojo job $SLURM_JOB_ID: requeue refused; resubmit with DOJO_OUT=$dojo_out to resume" >&2
      exit 75
    fi
    exit 0
    ;;
  2)
    echo "dojo job $SLURM_JOB_ID: dojo train refused its input (the error is above); nothing was" \
      "trained or overwritten" >&2
    exit 2
    ;;
  *)
    echo "dojo job $SLURM_JOB_ID: dojo train failed with exit code $dojo_code; its last checkpoint" \
      "(if any) is in $dojo_out/checkpoints: resubmit with DOJO_OUT=$dojo_out to resume" >&2
    exit "$dojo_code"
    ;;
esac
