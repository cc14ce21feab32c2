// `dojo train` from the top: validate the configuration, build the run (training_job.hpp), resume
// from a checkpoint if asked (resume.hpp), prepare the output directory, run the loop
// (training_loop.hpp). The loop's parts live alone: one step (training_step.hpp), evaluation
// (evaluation.hpp), when to checkpoint (checkpoint_policy.hpp), stop signals and the test hook
// (stop_handling.hpp), progress and metrics (progress.hpp).
#include "dojo/jobs/trainer.hpp"

#include "checkpoint_policy.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/stop_point.hpp"
#include "dojo/common/trace.hpp"
#include "output_paths.hpp"
#include "resume.hpp"
#include "training_job.hpp"
#include "training_loop.hpp"
#include "training_plan.hpp"

namespace dojo::jobs {

TrainResult train(const TrainConfig& config, const runtime::Runtime& runtime,
                  const std::string& resolved_toml) {
  ScopedActivity activity("training");
  const mpi::Comm& world = runtime.world();
  validate(config, world.size());
  if (!config.trace.empty()) trace::enable();
  if (config.dry_run) {
    TrainResult result;
    result.dry_run_plan = describe_training_plan(config, world);
    return result;
  }
  check_output_paths(config, world);
  TrainingJob job(config, runtime, resolved_toml);
  stop_point(world, StopPoint::data);  // a stop signal so far: exit 75, nothing written yet
  RunState state = job.run_state();
  const bool checkpointing =
      CheckpointPolicy(config.checkpoint_every, config.checkpoint_minutes, job.steps).enabled();
  refuse_to_replace_checkpoints(config, job.checkpoint_dir);
  const ResumePoint resumed =
      resume_from_checkpoint(job.choices.resume, job.choices.resume_file, job.checkpoint_dir, state,
                             job.steps, checkpointing, world.get());
  stop_point(world, StopPoint::resume);
  make_output_directory(job.out, world);
  return run_training(job, resumed);
}

}  // namespace dojo::jobs
