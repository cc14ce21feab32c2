// GptStage over tp = (number of ranks) tensor-parallel ranks against the one-rank Gpt that every
// rank also runs: same initial values, forward loss and every parameter gradient gathered into
// its logical shape within 1e-5 relative (float32, sums in another order); then tensor and
// pipeline parallelism together (two stages run in sequence on every rank of the group).
#include <gtest/gtest.h>

#include <memory>

#include "dojo/collectives/communicator.hpp"
#include "dojo/common/error.hpp"
#include "dojo/device/host_device.hpp"
#include "dojo/model/gpt_stage.hpp"
#include "dojo_test_support.hpp"
#include "gpt_stage_reference.hpp"

namespace dojo::model {
namespace {

using testing::accumulate_logical;
using testing::expect_logical_match;
using testing::HostBatch;
using testing::LogicalTensors;
using testing::random_host_batch;
using testing::run_reference;

constexpr double kTolerance = 1e-5;

GptConfig small_config(std::int64_t layers = 2) {
  return testing::small_gpt_config(layers, 11);
}

class GptTensorParallelTest : public ::testing::Test {
 protected:
  device::HostDevice device{1};
  collectives::Communicator tp{dojo::test::world()};
};

// Sums every rank's pieces (values and how many ranks hold each element) over the group: the
// logical tensors, each element the mean of its holders (replicas agree), and the counts.
struct Gathered {
  LogicalTensors values, counts;
};
Gathered gather(collectives::Communicator& comm, const std::vector<const GptStage*>& stages,
                bool grads) {
  Gathered g;
  for (const GptStage* stage : stages) {
    const ParameterStore& store = stage->parameters();
    accumulate_logical(store.table(), grads ? store.download_grads() : store.download_params(),
                       g.values, g.counts);
  }
  // Every rank holds the same names (same stages, different boxes), in the same map order.
  for (auto& [name, values] : g.values) {
    std::vector<float>& counts = g.counts[name];
    comm.allreduce(std::span<float>(values), collectives::ReduceOp::sum);
    comm.allreduce(std::span<float>(counts), collectives::ReduceOp::sum);
  }
  return g;
}

// Divides by the number of tensor-parallel holders (the replicas of unsplit parameters).
void expect_held(Gathered& g, int tp, const std::string& tied_copy_name, int copies) {
  for (auto& [name, values] : g.values) {
    const std::vector<float>& counts = g.counts[name];
    for (std::size_t i = 0; i < values.size(); ++i) {
      ASSERT_GE(counts[i], 1.0f) << name << " element " << i << " held by no rank";
      const float per_stage = counts[i] / static_cast<float>(name == tied_copy_name ? copies : 1);
      ASSERT_TRUE(per_stage == 1.0f || per_stage == static_cast<float>(tp))
          << name << " element " << i << " held " << counts[i] << " times";
      values[i] /= per_stage;
    }
  }
}

TEST_F(GptTensorParallelTest, MatchesTheOneRankGpt) {
  const GptConfig config = small_config();
  const HostBatch batch = random_host_batch(2, config.context_length, config.vocab_size, 21);
  const testing::Reference ref = run_reference(device, config, batch);

  GptStage stage(device, config, GptPartition::whole(config, tp.rank(), tp.size()), &tp);
  Gathered initial = gather(tp, {&stage}, false);
  expect_held(initial, tp.size(), "", 1);
  expect_logical_match(initial.values, ref.initial, 0.0, "initial parameters");
  testing::load_logical(stage.parameters(), ref.params);
  Tensor tokens = make_tensor(device, {batch.B, batch.T}, batch.tokens);
  Tensor targets = make_tensor(device, {batch.B, batch.T}, batch.targets);
  const float loss = stage.forward(tokens.view(), targets.view());
  EXPECT_NEAR(loss, ref.loss, kTolerance * std::abs(ref.loss));
  stage.backward();

  Gathered params = gather(tp, {&stage}, false);
  expect_held(params, tp.size(), "", 1);
  expect_logical_match(params.values, ref.params, 0.0, "parameters");
  Gathered grads = gather(tp, {&stage}, true);
  expect_held(grads, tp.size(), "", 1);
  expect_logical_match(grads.values, ref.grads, kTolerance, "gradients");

  // Each rank's FLOPs are its share: their sum is the whole model's.
  double flops[2] = {stage.step_flops(batch.B, batch.T).forward,
                     stage.step_flops(batch.B, batch.T).backward};
  tp.allreduce(std::span<double>(flops), collectives::ReduceOp::sum);
  EXPECT_DOUBLE_EQ(flops[0], ref.flops.forward);
  EXPECT_DOUBLE_EQ(flops[1], ref.flops.backward);

  // The clipping norm counts replicas once: summed over the group it is the reference's.
  double norm[1] = {stage.unique_grad_sum_of_squares()};
  tp.allreduce(std::span<double>(norm), collectives::ReduceOp::sum);
  double ref_norm = 0.0;
  for (const auto& [name, values] : ref.grads)
    for (float v : values) ref_norm += static_cast<double>(v) * v;
  EXPECT_NEAR(norm[0], ref_norm, 1e-4 * ref_norm);
}

TEST_F(GptTensorParallelTest, TwoPipelineStagesWithMicroBatches) {
  const GptConfig config = small_config(3);
  const HostBatch batch = random_host_batch(4, config.context_length, config.vocab_size, 22);
  const testing::Reference ref = run_reference(device, config, batch);
  const std::vector<StageRange> ranges = balanced_stages(config, 2);
  GptStage first(device, config, GptPartition::of_stage(ranges, 0, tp.rank(), tp.size()), &tp);
  GptStage last(device, config, GptPartition::of_stage(ranges, 1, tp.rank(), tp.size()), &tp);
  testing::load_logical(first.parameters(), ref.params);
  testing::load_logical(last.parameters(), ref.params);

  constexpr int kMicro = 2;
  const std::int64_t mb = batch.B / kMicro;
  std::vector<Tensor> tokens, targets;
  double loss = 0.0;
  for (int i = 0; i < kMicro; ++i) {  // GPipe: all forwards, then all backwards
    const HostBatch micro = batch.slice(i * mb, mb);
    tokens.push_back(make_tensor(device, {mb, batch.T}, micro.tokens));
    targets.push_back(make_tensor(device, {mb, batch.T}, micro.targets));
    EXPECT_TRUE(std::isnan(first.forward(i, tokens.back().view(), {})));
    loss += last.forward(i, first.output(i), targets.back().view());
  }
  for (int i = 0; i < kMicro; ++i) {
    last.backward(i, 1.0f / kMicro);
    first.backward(i, last.input_grad(i));
  }
  EXPECT_NEAR(loss / kMicro, ref.loss, kTolerance * std::abs(ref.loss));

  Gathered grads = gather(tp, {&first, &last}, true);
  expect_held(grads, tp.size(), "transformer.wte.weight", 2);
  // The tied wte's gradient came out as the first stage's and the last stage's copy summed,
  // as the trainer's allreduce between those stages makes it.
  expect_logical_match(grads.values, ref.grads, kTolerance, "gradients");

  // The trainer's sum of the tied wte gradients between the two stages, then the clipping norm:
  // the last stage's copy is not counted again, so over both stages and the group it is the
  // reference's.
  const int wte = first.tied_embedding_parameter();
  const int copy = last.tied_embedding_parameter();
  ASSERT_GE(wte, 0);
  ASSERT_GE(copy, 0);
  const std::int64_t count = first.parameters().table()[static_cast<std::size_t>(wte)].count;
  ASSERT_EQ(count, last.parameters().table()[static_cast<std::size_t>(copy)].count);
  Tensor saved(device, DType::float32, Shape{count});
  device.copy_on_device(saved.data<float>(), first.parameters().grad(wte),
                        static_cast<std::size_t>(count) * sizeof(float));
  device.axpy(count, 1.0f, last.parameters().grad(copy), first.parameters().grad(wte));
  device.axpy(count, 1.0f, saved.data<float>(), last.parameters().grad(copy));
  double norm[1] = {first.unique_grad_sum_of_squares() + last.unique_grad_sum_of_squares()};
  tp.allreduce(std::span<double>(norm), collectives::ReduceOp::sum);
  double ref_norm = 0.0;
  for (const auto& [name, values] : ref.grads)
    for (float v : values) ref_norm += static_cast<double>(v) * v;
  EXPECT_NEAR(norm[0], ref_norm, 1e-4 * ref_norm);
}

TEST_F(GptTensorParallelTest, VocabularyNotDivisibleIsAUserError) {
  if (tp.size() == 1) GTEST_SKIP() << "every vocabulary divides over one rank";
  GptConfig config = small_config();
  config.vocab_size = 64 * tp.size() + 1;
  try {
    GptStage stage(device, config, GptPartition::whole(config, tp.rank(), tp.size()), &tp);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::user);
    EXPECT_NE(e.message().find("vocab_size"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace dojo::model
