#include "training_loop.hpp"

#include <cmath>
#include <span>

#include "checkpoint_policy.hpp"
#include "device_batch.hpp"
#include "dojo/common/clock.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/log.hpp"
#include "dojo/common/trace.hpp"
#include "dojo/jobs/progress.hpp"
#include "output_paths.hpp"
#include "stop_handling.hpp"
#include "training_step.hpp"

namespace dojo::jobs {
namespace {

// The "model ... on N rank(s)" line, and the FLOPs of a whole step: a replica's ranks each do
// their part of its batch (collective).
double announce(TrainingJob& job) {
  model::Model& model = job.engine->model();
  double flops = model.step_flops(job.config.global_batch / job.grid.layout().dp).total();
  job.world_collectives->allreduce(std::span<double>(&flops, 1), collectives::ReduceOp::sum);
  log::info("model ", model.kind(), ": ", model.parameters().size(), " parameters on rank 0 in ",
            job.engine->bucket_count(), " gradient bucket(s); ", job.steps, " steps of ",
            job.config.global_batch, " ", job.reads_tokens() ? "sequences" : "samples", " on ",
            job.world.size(), " rank(s) (", runtime::to_string(job.grid.layout()), "), device ",
            job.device->info().name, " (", job.device->info().threads, " threads per rank)");
  return flops;
}

// Collective: saves the state after `step`; returns the checkpoint's path and restarts the
// checkpoint clock `last_save`.
std::filesystem::path save(TrainingJob& job, std::int64_t step, Clock::time_point& last_save) {
  auto t0 = Clock::now();
  RunState state = job.run_state();
  std::filesystem::path path = save_training_checkpoint(
      job.checkpoint_dir, step, state, job.resolved_toml, runtime::to_string(job.grid.layout()),
      job.config.keep, job.world.get());
  last_save = Clock::now();
  log::info("checkpoint of step ", step, " written to ", path.string(), " in ", seconds_since(t0),
            " s");
  return path;
}

void write_trace(const TrainingJob& job) {
  if (!job.config.trace.empty()) {
    trace::write(job.config.trace, job.world.get());
    log::info("trace written to ", job.config.trace);
  }
}

[[noreturn]] void not_finite(const StepOutcome& outcome, std::int64_t step,
                             const std::filesystem::path& last_checkpoint) {
  const bool loss_ok = std::isfinite(outcome.loss);
  user_error(str("the ", loss_ok ? "gradient norm" : "loss", " is not finite (",
                 loss_ok ? std::sqrt(outcome.grad_sum_sq) : outcome.loss, ") at step ", step,
                 ": training stopped",
                 last_checkpoint.empty()
                     ? std::string(" (no checkpoint was written)")
                     : str("; the last good checkpoint is ", last_checkpoint.string()),
                 ". Lower --lr, enable --grad-clip, or check the data"));
}

}  // namespace

TrainResult run_training(TrainingJob& job, const ResumePoint& resumed) {
  const TrainConfig& config = job.config;
  const bool speaker = job.world.rank() == 0;
  const double flops = announce(job);
  TrainResult result;
  result.metrics_path = (std::filesystem::path(job.out) / "metrics.jsonl").string();
  Progress progress(speaker, result.metrics_path, job.steps,
                    job.units_per_sample * static_cast<double>(config.global_batch),
                    job.reads_tokens() ? "tokens" : "samples", flops, resumed.step);

  StopHandling stop(job.world, job.steps, TestHold::from_environment());
  const CheckpointPolicy policy(config.checkpoint_every, config.checkpoint_minutes, job.steps);
  TrainingStep training_step(*job.engine, *job.optimizer, job.schedule, *job.world_collectives,
                             job.grid.layout().dp, config.grad_clip);
  std::filesystem::path last_checkpoint = resumed.checkpoint;
  DeviceBatch batch;
  auto loop_start = Clock::now();
  auto last_save = loop_start;
  for (std::int64_t step = resumed.step + 1; step <= job.steps; ++step) {
    ScopedActivity activity(str("step ", step));
    StepTimes times;
    auto t0 = Clock::now();
    job.next_training_batch(batch);
    times.data = seconds_since(t0);

    const StepOutcome outcome =
        training_step.run(step, batch.inputs.view(), batch.targets.view(), [&] {
          StepVotes votes;
          votes.stop = stop.requested();
          votes.checkpoint = speaker && policy.clock_due(seconds_since(last_save));
          return votes;
        });
    if (!outcome.finite) not_finite(outcome, step, last_checkpoint);
    times.compute = outcome.compute_seconds;
    times.comm_wait = outcome.comm_wait_seconds;

    progress.step(step, outcome.loss, outcome.lr, times, config.log_interval);
    // The first step worked: now this run's configuration replaces an earlier one's.
    if (speaker && step == resumed.step + 1) write_config_toml(job.out, job.resolved_toml);
    if (config.eval_interval > 0 && step % config.eval_interval == 0 && step != job.steps) {
      auto e = job.evaluator->run();
      progress.evaluation(step, job.evaluator->split(), e.loss, e.accuracy);
    }
    const bool stopping = stop.stop_after(step, outcome.stop_votes);
    if (policy.save_after(step, stopping, outcome.checkpoint_votes > 0)) {
      last_checkpoint = save(job, step, last_save);
    }
    if (stopping) {
      result.seconds = seconds_since(loop_start);
      result.steps = step;
      result.stopped_by = stop.agree_on_signal();
      result.checkpoint = last_checkpoint.string();
      log::warn("stopped by ", result.stopped_by, " after step ", step, " of ", job.steps,
                "; checkpoint saved to ", result.checkpoint,
                "; run again with --resume auto to continue");
      write_trace(job);
      return result;
    }
  }
  result.seconds = seconds_since(loop_start);
  result.steps = job.steps;
  result.checkpoint = last_checkpoint.string();
  result.final_train_loss = progress.recent_loss();
  auto e = job.evaluator->run();
  progress.evaluation(job.steps, job.evaluator->split(), e.loss, e.accuracy);
  result.eval_loss = e.loss;
  result.eval_accuracy = e.accuracy;
  write_trace(job);
  return result;
}

}  // namespace dojo::jobs
