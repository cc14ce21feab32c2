// One training step of a step engine, and nothing else: gradients of a batch already on the
// device (reduced over the replicas), the loss shared over every rank, clipping and the optimizer
// step. No data reading, evaluation, checkpoint or progress: the loop (training_loop.hpp) adds
// those, and a simulation of whole steps can call this alone.
#pragma once

#include <cstdint>
#include <functional>

#include "dojo/collectives/communicator.hpp"
#include "dojo/model/lr_schedule.hpp"
#include "dojo/model/optimizer.hpp"
#include "dojo/model/tensor.hpp"
#include "step_engine.hpp"

namespace dojo::jobs {

// What a rank asks of the run at this step, taken after its gradients are done; the step sums the
// votes over every rank in the same allreduce that carries the loss (one collective per step).
struct StepVotes {
  bool stop = false;        // this rank was sent a stop signal
  bool checkpoint = false;  // this rank's checkpoint clock has run out
};

struct StepOutcome {
  bool finite = true;          // false: the loss or the gradient norm is not finite; no update made
  double loss = 0;             // the global batch's mean loss
  double grad_sum_sq = 0;      // squared norm of the whole gradient (before clipping)
  float lr = 0;                // the learning rate the update used
  double compute_seconds = 0;  // forward, backward (with overlapped communication), optimizer
  double comm_wait_seconds = 0;  // waiting for gradient buckets after backward
  double stop_votes = 0;         // ranks that voted stop
  double checkpoint_votes = 0;   // ranks whose checkpoint clock ran out
};

class TrainingStep {
 public:
  // `world`: every rank of the job; `dp`: the data-parallel degree (the loss is summed over the
  // reporting ranks, one per replica); `grad_clip`: max global gradient norm, 0 = off.
  TrainingStep(StepEngine& engine, model::Optimizer& optimizer, const model::LrSchedule& schedule,
               collectives::Communicator& world, int dp, float grad_clip);

  // Collective over every rank: step number `step` (from 1; it picks the learning rate) on this
  // replica's batch, device tensors (B, ...). `vote` (optional) is asked for this rank's votes
  // once the gradients are done. When the outcome is not finite the parameters are unchanged.
  StepOutcome run(std::int64_t step, const model::TensorView& inputs,
                  const model::TensorView& targets,
                  const std::function<StepVotes()>& vote = nullptr);

 private:
  StepEngine& engine_;
  model::Optimizer& optimizer_;
  const model::LrSchedule& schedule_;
  collectives::Communicator& world_;
  int dp_;
  float grad_clip_;
};

}  // namespace dojo::jobs
