// run_pipeline over the job's ranks (one stage each) with a toy stage whose values are exact in
// float32: forward y = 2 x + stage, loss 0.5 |y|^2 on the last stage, so every stage can check its
// received activations and gradients against a closed form. Both schedules, m = 1..8, small and
// large (rendezvous-sized) messages; the order of compute calls equals the schedule's.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "dojo/common/error.hpp"
#include "dojo/runtime/pipeline.hpp"
#include "dojo_test_support.hpp"

using namespace dojo::runtime;

namespace {

// The first stage's input of micro-batch `micro`, element i: small integers, exact in float.
float first_input(int micro, std::int64_t i) {
  return static_cast<float>(micro + i % 16);
}

// The input of `stage` (its predecessor's output): x_0 = first_input, x_{s+1} = 2 x_s + s.
float input_of(int stage, int micro, std::int64_t i) {
  float x = first_input(micro, i);
  for (int s = 0; s < stage; ++s) x = 2 * x + static_cast<float>(s);
  return x;
}

// One buffer each for the received input, received gradient and sent input gradient, shared by
// every micro-batch: the executor promises to use each span only at its own action.
class ToyStage {
 public:
  ToyStage(int stage, int stages, std::int64_t n)
      : stage_(stage),
        stages_(stages),
        n_(n),
        input_(static_cast<std::size_t>(n)),
        output_grad_(static_cast<std::size_t>(n)),
        input_grad_(static_cast<std::size_t>(n)) {}

  PipelineStageOps ops() {
    PipelineStageOps ops;
    ops.forward = [this](int micro) { forward(micro); };
    ops.backward = [this](int micro) { backward(micro); };
    ops.input = [this](int) { return std::span<float>(input_); };
    ops.output = [this](int micro) { return std::span<const float>(outputs_.at(micro)); };
    ops.output_grad = [this](int) { return std::span<float>(output_grad_); };
    ops.input_grad = [this](int) { return std::span<const float>(input_grad_); };
    return ops;
  }

  const std::vector<PipelineAction>& calls() const { return calls_; }
  int mismatches() const { return mismatches_; }
  int peak_saved() const { return peak_saved_; }
  bool all_released() const { return outputs_.empty(); }

 private:
  void forward(int micro) {
    calls_.push_back({ActionKind::forward, micro});
    std::vector<float>& y = outputs_[micro];
    y.resize(static_cast<std::size_t>(n_));
    for (std::int64_t i = 0; i < n_; ++i) {
      const float x = stage_ == 0 ? first_input(micro, i) : input_[static_cast<std::size_t>(i)];
      if (x != input_of(stage_, micro, i)) ++mismatches_;
      y[static_cast<std::size_t>(i)] = 2 * x + static_cast<float>(stage_);
    }
    peak_saved_ = std::max(peak_saved_, static_cast<int>(outputs_.size()));
  }

  void backward(int micro) {
    calls_.push_back({ActionKind::backward, micro});
    const std::vector<float>& y = outputs_.at(micro);
    const bool last = stage_ == stages_ - 1;
    for (std::int64_t i = 0; i < n_; ++i) {
      const auto u = static_cast<std::size_t>(i);
      // dL/dy_last = y_last; each stage's Jacobian is 2, so stage s gets 2^(last - s) y_last.
      const float y_last = input_of(stages_, micro, i);
      const float g = last ? y[u] : output_grad_[u];
      if (g != std::ldexp(y_last, stages_ - 1 - stage_)) ++mismatches_;
      input_grad_[u] = 2 * g;
    }
    outputs_.erase(micro);
  }

  int stage_;
  int stages_;
  std::int64_t n_;
  std::vector<float> input_;                   // (n) the last received activations
  std::vector<float> output_grad_;             // (n) the last received gradient
  std::vector<float> input_grad_;              // (n) the last backward's input gradient
  std::map<int, std::vector<float>> outputs_;  // micro -> (n) y, kept until its backward
  std::vector<PipelineAction> calls_;
  int mismatches_ = 0;
  int peak_saved_ = 0;
};

std::vector<PipelineAction> compute_only(const std::vector<PipelineAction>& actions) {
  std::vector<PipelineAction> out;
  for (const auto& a : actions)
    if (a.kind == ActionKind::forward || a.kind == ActionKind::backward) out.push_back(a);
  return out;
}

void run_case(PipelineScheduleKind kind, int micro_batches, std::int64_t n) {
  MPI_Comm comm = dojo::test::world();
  int stage = 0, stages = 1;
  MPI_Comm_rank(comm, &stage);
  MPI_Comm_size(comm, &stages);
  SCOPED_TRACE(dojo::str(name(kind), " m ", micro_batches, " n ", n, " stage ", stage));
  const auto actions = build_schedule(kind, stage, stages, micro_batches);
  ToyStage toy(stage, stages, n);
  PipelineStageOps ops = toy.ops();
  const PipelineStats stats = run_pipeline(actions, ops, comm, n);
  EXPECT_EQ(toy.mismatches(), 0);
  EXPECT_EQ(toy.calls(), compute_only(actions));
  EXPECT_TRUE(toy.all_released());
  EXPECT_EQ(stats.peak_in_flight, peak_in_flight(actions));
  EXPECT_EQ(toy.peak_saved(), stats.peak_in_flight);
  EXPECT_GE(stats.total_seconds, stats.compute_seconds);
  EXPECT_GE(stats.total_seconds, stats.wait_seconds);
  EXPECT_GE(stats.bubble(), 0.0);
  EXPECT_LE(stats.bubble(), 1.0);
  // Every rank finished: nothing of this case is left to match the next one's messages.
  MPI_Barrier(comm);
}

}  // namespace

TEST(Pipeline, BothSchedulesSmallMessages) {
  for (auto kind : {PipelineScheduleKind::gpipe, PipelineScheduleKind::one_f_one_b})
    for (int m = 1; m <= 8; ++m) run_case(kind, m, 5);
}

TEST(Pipeline, OddAndLargeMessages) {
  // 1 float, an odd size, and 1 MB (beyond Open MPI's eager limit: rendezvous protocol).
  for (auto kind : {PipelineScheduleKind::gpipe, PipelineScheduleKind::one_f_one_b}) {
    run_case(kind, 3, 1);
    run_case(kind, 7, 1001);
    run_case(kind, 5, 1 << 18);
  }
}

TEST(Pipeline, ManyMicroBatches) {
  run_case(PipelineScheduleKind::one_f_one_b, 64, 17);
  run_case(PipelineScheduleKind::gpipe, 64, 17);
}

TEST(Pipeline, RepeatedStepsReuseTheCommunicator) {
  // As a trainer does: the same schedule every step on the same communicator.
  for (int step = 0; step < 5; ++step) run_case(PipelineScheduleKind::one_f_one_b, 4, 33);
}
