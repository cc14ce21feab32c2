// One training step called alone (training_step.hpp), as a simulation of whole steps will: no data
// loader, evaluation, checkpoint or progress. On a fixed batch the loss falls step by step, every
// rank sees the same loss and the same summed votes, and a non-finite step changes no parameter.
#include "training_step.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "dojo/collectives/communicator.hpp"
#include "dojo/device/host_device.hpp"
#include "dojo/model/mlp.hpp"
#include "dojo_test_support.hpp"

namespace dojo::jobs {
namespace {

constexpr std::int64_t kBatch = 8, kInputs = 6, kClasses = 3;  // per rank: (B, D) -> K

struct StepRig {
  collectives::Communicator world{test::world()};
  device::HostDevice device{1};
  std::unique_ptr<StepEngine> engine;
  std::unique_ptr<model::Optimizer> optimizer;
  model::LrSchedule schedule;
  model::Tensor inputs{device, model::DType::float32, {kBatch, kInputs}};
  model::Tensor targets{device, model::DType::int32, {kBatch}};

  StepRig() {
    model::MlpConfig m;
    m.input_dim = kInputs;
    m.hidden_sizes = {5};
    m.classes = kClasses;
    engine =
        make_data_parallel_engine(std::make_unique<model::MlpClassifier>(device, m), world, 64);
    optimizer =
        std::make_unique<model::SgdMomentum>(engine->model().parameters(), model::SgdConfig{});
    schedule.max_lr = 0.05f;
    schedule.total_steps = 100;
    // Each rank's shard of a separable batch: the label is the largest of the first K inputs.
    std::vector<float> x(kBatch * kInputs);
    std::vector<std::int32_t> y(kBatch);
    for (std::int64_t b = 0; b < kBatch; ++b) {
      y[b] = static_cast<std::int32_t>((b + world.rank()) % kClasses);
      for (std::int64_t d = 0; d < kInputs; ++d)
        x[b * kInputs + d] = d == y[b] ? 1.0f : 0.1f * static_cast<float>((b + d) % 3);
    }
    inputs.upload<float>(x);
    targets.upload<std::int32_t>(y);
  }

  TrainingStep step() {
    return TrainingStep(*engine, *optimizer, schedule, world, world.size(), 1.0f);
  }
};

TEST(TrainingStepAlone, LossFallsAndIsTheSameOnEveryRank) {
  StepRig s;
  TrainingStep step = s.step();
  std::vector<double> losses;
  for (std::int64_t n = 1; n <= 30; ++n) {
    const StepOutcome outcome = step.run(n, s.inputs.view(), s.targets.view());
    ASSERT_TRUE(outcome.finite) << "step " << n;
    EXPECT_EQ(outcome.lr, s.schedule.at(n - 1));
    EXPECT_GT(outcome.grad_sum_sq, 0.0);
    losses.push_back(outcome.loss);
    double lowest = outcome.loss, highest = outcome.loss;
    s.world.allreduce(std::span<double>(&lowest, 1), collectives::ReduceOp::min);
    s.world.allreduce(std::span<double>(&highest, 1), collectives::ReduceOp::max);
    EXPECT_EQ(lowest, highest) << "step " << n << ": the ranks disagree on the loss";
  }
  EXPECT_LT(losses.back(), 0.8 * losses.front()) << "the loss did not fall on a fixed batch";
}

TEST(TrainingStepAlone, VotesAreSummedOverEveryRankAfterTheGradients) {
  StepRig s;
  TrainingStep step = s.step();
  int asked = 0;
  const StepOutcome outcome = step.run(1, s.inputs.view(), s.targets.view(), [&] {
    ++asked;
    StepVotes votes;
    votes.stop = true;                           // every rank
    votes.checkpoint = s.world.rank() % 2 == 0;  // the even ranks
    return votes;
  });
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(outcome.stop_votes, s.world.size());
  EXPECT_EQ(outcome.checkpoint_votes, (s.world.size() + 1) / 2);
  const StepOutcome quiet = step.run(2, s.inputs.view(), s.targets.view());
  EXPECT_EQ(quiet.stop_votes, 0);
  EXPECT_EQ(quiet.checkpoint_votes, 0);
}

TEST(TrainingStepAlone, ANonFiniteStepChangesNoParameter) {
  StepRig s;
  TrainingStep step = s.step();
  ASSERT_TRUE(step.run(1, s.inputs.view(), s.targets.view()).finite);
  const std::vector<float> before = s.engine->model().parameters().download_params();
  // One NaN input on the last rank poisons the shared loss on every rank.
  std::vector<float> x = s.inputs.download<float>();
  if (s.world.rank() == s.world.size() - 1) x[0] = std::numeric_limits<float>::quiet_NaN();
  s.inputs.upload<float>(x);
  const StepOutcome outcome = step.run(2, s.inputs.view(), s.targets.view());
  EXPECT_FALSE(outcome.finite);
  EXPECT_TRUE(std::isnan(outcome.loss) || std::isnan(outcome.grad_sum_sq));
  const std::vector<float> after = s.engine->model().parameters().download_params();
  EXPECT_EQ(before, after) << "a non-finite step updated the parameters";
}

}  // namespace
}  // namespace dojo::jobs
