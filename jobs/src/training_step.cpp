// One training step: gradients -> shared loss and votes -> finite check -> clip -> optimizer.
#include "training_step.hpp"

#include <array>
#include <cmath>
#include <span>

#include "dojo/common/clock.hpp"
#include "dojo/common/trace.hpp"
#include "dojo/model/grad_clip.hpp"

namespace dojo::jobs {

TrainingStep::TrainingStep(StepEngine& engine, model::Optimizer& optimizer,
                           const model::LrSchedule& schedule, collectives::Communicator& world,
                           int dp, float grad_clip)
    : engine_(engine),
      optimizer_(optimizer),
      schedule_(schedule),
      world_(world),
      dp_(dp),
      grad_clip_(grad_clip) {}

StepOutcome TrainingStep::run(std::int64_t step, const model::TensorView& inputs,
                              const model::TensorView& targets,
                              const std::function<StepVotes()>& vote) {
  StepOutcome outcome;
  StepWork work = engine_.gradients(inputs, targets);
  outcome.comm_wait_seconds = work.comm_wait_seconds;

  auto t0 = Clock::now();
  const StepVotes votes = vote ? vote() : StepVotes{};
  // One small allreduce over every rank carries the loss (from the ranks that have it: the last
  // pipeline stage's) and the run's votes, so every rank takes the same decisions:
  // {sum of losses, ranks asked to stop, ranks whose checkpoint clock ran out}.
  std::array<double, 3> shared{engine_.reports_loss() ? static_cast<double>(work.loss) : 0.0,
                               votes.stop ? 1.0 : 0.0, votes.checkpoint ? 1.0 : 0.0};
  {
    trace::Span span("loss and decisions allreduce", "collective");
    world_.allreduce(std::span<double>(shared), collectives::ReduceOp::sum);
  }
  outcome.loss = shared[0] / static_cast<double>(dp_);
  outcome.stop_votes = shared[1];
  outcome.checkpoint_votes = shared[2];
  outcome.grad_sum_sq = engine_.grad_sum_of_squares();
  if (!std::isfinite(outcome.loss) || !std::isfinite(outcome.grad_sum_sq)) {
    outcome.finite = false;
    return outcome;
  }
  const float clip = model::clip_factor(outcome.grad_sum_sq, grad_clip_);
  outcome.lr = schedule_.at(step - 1);
  {
    trace::Span span("optimizer", "compute");
    if (clip < 1.0f) engine_.model().scale_gradients(clip);
    optimizer_.step(outcome.lr);
  }
  outcome.compute_seconds = work.compute_seconds + seconds_since(t0);
  return outcome;
}

}  // namespace dojo::jobs
