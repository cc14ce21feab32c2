// GptStage on one rank (tp = 1) against the whole Gpt: pipeline stages run in sequence in one
// process, activations and gradients passed by hand, with one or several micro-batches; the
// single-stage model bit for bit; stage balancing against brute force; FLOPs; the hook order;
// parameters as logical pieces and back. Tensor parallelism: gpt_tensor_parallel_test.cpp (MPI).
#include <gtest/gtest.h>

#include <memory>
#include <numeric>

#include "dojo/common/error.hpp"
#include "dojo/device/host_device.hpp"
#include "dojo/model/gpt_stage.hpp"
#include "gpt_stage_reference.hpp"

namespace dojo::model {
namespace {

using testing::accumulate_logical;
using testing::expect_logical_match;
using testing::HostBatch;
using testing::LogicalTensors;
using testing::random_host_batch;
using testing::run_reference;

// Float32 with sums in a different order (micro-batches) than the reference.
constexpr double kTolerance = 1e-5;

GptConfig small_config(std::int64_t layers = 4, bool tied = true) {
  return testing::small_gpt_config(layers, 7, tied);
}

using Stages = std::vector<std::unique_ptr<GptStage>>;

Stages make_stages(device::Device& device, const GptConfig& config,
                   std::span<const StageRange> ranges) {
  Stages stages;
  for (std::size_t s = 0; s < ranges.size(); ++s) {
    stages.push_back(std::make_unique<GptStage>(
        device, config, GptPartition::of_stage(ranges, static_cast<int>(s))));
  }
  return stages;
}

enum class Order { gpipe, one_at_a_time };

// Runs one training step's forward and backward over `micro_batches` equal micro-batches through
// the stages in sequence; returns the mean of the micro-batch losses.
float run_pipeline(device::Device& device, Stages& stages, const HostBatch& batch,
                   int micro_batches, Order order) {
  const std::int64_t mb = batch.B / micro_batches;
  std::vector<Tensor> tokens, targets;
  for (int i = 0; i < micro_batches; ++i) {
    const HostBatch micro = batch.slice(i * mb, mb);
    tokens.push_back(make_tensor(device, {mb, batch.T}, micro.tokens));
    targets.push_back(make_tensor(device, {mb, batch.T}, micro.targets));
  }
  double loss = 0.0;
  auto forward = [&](int i) {
    TensorView x = tokens[static_cast<std::size_t>(i)].view();
    for (auto& stage : stages) {
      const float l = stage->forward(i, x, targets[static_cast<std::size_t>(i)].view());
      if (stage->last_stage()) {
        loss += l;
      } else {
        EXPECT_TRUE(std::isnan(l));
        x = stage->output(i);
      }
    }
  };
  auto backward = [&](int i) {
    stages.back()->backward(i, 1.0f / static_cast<float>(micro_batches));
    for (std::size_t s = stages.size() - 1; s-- > 0;) {
      stages[s]->backward(i, stages[s + 1]->input_grad(i));
    }
  };
  if (order == Order::gpipe) {
    for (int i = 0; i < micro_batches; ++i) forward(i);
    for (int i = 0; i < micro_batches; ++i) backward(i);
  } else {
    for (int i = 0; i < micro_batches; ++i) {
      forward(i);
      backward(i);
    }
  }
  for (auto& stage : stages) EXPECT_EQ(stage->micro_batches_in_flight(), 0);
  return static_cast<float>(loss / micro_batches);
}

struct Gathered {
  LogicalTensors params, param_counts, grads, grad_counts;
};

Gathered gather(const Stages& stages) {
  Gathered g;
  for (const auto& stage : stages) {
    const ParameterStore& store = stage->parameters();
    accumulate_logical(store.table(), store.download_params(), g.params, g.param_counts);
    accumulate_logical(store.table(), store.download_grads(), g.grads, g.grad_counts);
  }
  // Replicas (the last stage's wte copy) hold the same values; their gradients are summed, as
  // the trainer's allreduce between the first and last stage does.
  for (auto& [name, values] : g.params) {
    const std::vector<float>& counts = g.param_counts[name];
    for (std::size_t i = 0; i < values.size(); ++i) values[i] /= counts[i];
  }
  return g;
}

class GptStageTest : public ::testing::TestWithParam<std::tuple<int, int>> {
 protected:
  device::HostDevice device{1};
};

TEST_P(GptStageTest, StagesInSequenceMatchTheWholeGpt) {
  const auto [pp, micro_batches] = GetParam();
  const GptConfig config = small_config();
  const HostBatch batch = random_host_batch(8, config.context_length, config.vocab_size, 3);
  const testing::Reference ref = run_reference(device, config, batch);

  const std::vector<StageRange> ranges = balanced_stages(config, pp);
  Stages stages = make_stages(device, config, ranges);
  expect_logical_match(gather(stages).params, ref.initial, 0.0, "initial parameters");
  for (auto& stage : stages) testing::load_logical(stage->parameters(), ref.params);
  const float loss = run_pipeline(device, stages, batch, micro_batches, Order::gpipe);
  EXPECT_NEAR(loss, ref.loss, kTolerance * std::abs(ref.loss));

  const Gathered g = gather(stages);
  expect_logical_match(g.params, ref.params, 0.0, "parameters");
  expect_logical_match(g.grads, ref.grads, kTolerance, "gradients");
  for (const auto& [name, counts] : g.grad_counts) {
    const float expected = (name == "transformer.wte.weight" && pp > 1) ? 2.0f : 1.0f;
    for (float c : counts) ASSERT_EQ(c, expected) << name << " held " << c << " times";
  }
  // The tied copy is named on the two stages that hold wte.
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const int tied = stages[s]->tied_embedding_parameter();
    if (pp > 1 && (s == 0 || s + 1 == stages.size())) {
      ASSERT_GE(tied, 0);
      EXPECT_EQ(stages[s]->parameters().table()[static_cast<std::size_t>(tied)].name,
                "transformer.wte.weight");
    } else {
      EXPECT_EQ(tied, -1);
    }
  }
  // FLOPs of all stages are the whole model's.
  double forward = 0.0, backward = 0.0;
  for (const auto& stage : stages) {
    forward += stage->step_flops(batch.B, batch.T).forward;
    backward += stage->step_flops(batch.B, batch.T).backward;
  }
  EXPECT_DOUBLE_EQ(forward, ref.flops.forward);
  EXPECT_DOUBLE_EQ(backward, ref.flops.backward);
}

INSTANTIATE_TEST_SUITE_P(PipelineStagesAndMicroBatches, GptStageTest,
                         ::testing::Combine(::testing::Values(1, 2, 3), ::testing::Values(1, 4)),
                         [](const auto& info) {
                           return "pp" + std::to_string(std::get<0>(info.param)) + "_m" +
                                  std::to_string(std::get<1>(info.param));
                         });

class GptStageSerialTest : public ::testing::Test {
 protected:
  device::HostDevice device{1};
};

TEST_F(GptStageSerialTest, OneStageIsGptBitForBit) {
  for (bool tied : {true, false}) {
    const GptConfig config = small_config(2, tied);
    const HostBatch batch = random_host_batch(2, config.context_length, config.vocab_size, 5);
    const testing::Reference ref = run_reference(device, config, batch);
    GptStage stage(device, config, GptPartition::whole(config));
    testing::load_logical(stage.parameters(), ref.params);
    Tensor tokens = make_tensor(device, {batch.B, batch.T}, batch.tokens);
    Tensor targets = make_tensor(device, {batch.B, batch.T}, batch.targets);
    Model& model = stage;  // the Model interface, as the trainer uses it
    EXPECT_EQ(model.forward(tokens.view(), targets.view()), ref.loss);
    model.backward();
    LogicalTensors params, counts, grads;
    accumulate_logical(stage.parameters().table(), stage.parameters().download_params(), params,
                       counts);
    accumulate_logical(stage.parameters().table(), stage.parameters().download_grads(), grads,
                       counts);
    expect_logical_match(params, ref.params, 0.0, "parameters");
    expect_logical_match(grads, ref.grads, 0.0, "gradients");
  }
}

TEST_F(GptStageSerialTest, UntiedHeadAcrossStagesMatchesGpt) {
  const GptConfig config = small_config(3, /*tied=*/false);
  const HostBatch batch = random_host_batch(4, config.context_length, config.vocab_size, 9);
  const testing::Reference ref = run_reference(device, config, batch);
  const std::vector<std::int64_t> sizes{1, 2};
  const std::vector<StageRange> ranges = stages_from_layer_counts(config, sizes);
  Stages stages = make_stages(device, config, ranges);
  for (auto& stage : stages) testing::load_logical(stage->parameters(), ref.params);
  const float loss = run_pipeline(device, stages, batch, 2, Order::one_at_a_time);
  EXPECT_NEAR(loss, ref.loss, kTolerance * std::abs(ref.loss));
  const Gathered g = gather(stages);
  expect_logical_match(g.grads, ref.grads, kTolerance, "gradients");
  for (const auto& stage : stages) EXPECT_EQ(stage->tied_embedding_parameter(), -1);
}

TEST_F(GptStageSerialTest, OneFOneBKeepsOneMicroBatchOfActivations) {
  const GptConfig config = small_config();
  const HostBatch batch = random_host_batch(8, config.context_length, config.vocab_size, 4);
  const std::vector<StageRange> ranges = balanced_stages(config, 2);
  Stages gpipe = make_stages(device, config, ranges);
  Stages interleaved = make_stages(device, config, ranges);
  const float loss_gpipe = run_pipeline(device, gpipe, batch, 4, Order::gpipe);
  const float loss_interleaved = run_pipeline(device, interleaved, batch, 4, Order::one_at_a_time);
  EXPECT_EQ(loss_gpipe, loss_interleaved);
  for (std::size_t s = 0; s < ranges.size(); ++s) {
    EXPECT_GT(interleaved[s]->peak_activation_bytes(), 0);
    EXPECT_EQ(gpipe[s]->peak_activation_bytes(), 4 * interleaved[s]->peak_activation_bytes());
    EXPECT_EQ(gpipe[s]->activation_bytes(), 0);
    // Same micro-batches in another order: the same sums, up to the order of accumulation.
    const std::vector<float> a = gpipe[s]->parameters().download_grads();
    const std::vector<float> b = interleaved[s]->parameters().download_grads();
    EXPECT_LE(testing::relative_error(a, b), kTolerance);
  }
}

TEST_F(GptStageSerialTest, HookReportsEachGroupOnceInDescendingOrder) {
  const GptConfig config = small_config();
  const std::vector<StageRange> ranges = balanced_stages(config, 2);
  Stages stages = make_stages(device, config, ranges);
  std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> calls(stages.size());
  for (std::size_t s = 0; s < stages.size(); ++s) {
    stages[s]->set_gradient_hook([&calls, s](std::int64_t offset, std::int64_t count) {
      calls[s].push_back({offset, count});
    });
  }
  const HostBatch batch = random_host_batch(2, config.context_length, config.vocab_size, 6);
  run_pipeline(device, stages, batch, 1, Order::gpipe);
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const ParameterStore& store = stages[s]->parameters();
    ASSERT_EQ(calls[s].size(), store.groups().size());
    std::int64_t end = store.size();
    for (const auto& [offset, count] : calls[s]) {
      EXPECT_EQ(offset + count, end);  // contiguous, from the top down
      end = offset;
    }
    EXPECT_EQ(end, 0);
  }
  // The last stage's tied wte copy is its own group, finished first (before ln_f).
  EXPECT_EQ(stages.back()->parameters().groups().back().name, "transformer.wte (LM head copy)");
}

TEST_F(GptStageSerialTest, LogicalPiecesRoundTrip) {
  const GptConfig config = small_config();
  const testing::Reference ref = run_reference(
      device, config, random_host_batch(1, config.context_length, config.vocab_size, 1));
  const std::vector<StageRange> ranges = balanced_stages(config, 3);
  for (std::size_t s = 0; s < ranges.size(); ++s) {
    GptStage stage(device, config, GptPartition::of_stage(ranges, static_cast<int>(s)));
    const ParameterStore& store = stage.parameters();
    // The initial values loaded from the logical tensors (as from a checkpoint) are the stage's
    // own; then other values go in and come back out as the same logical tensors.
    const std::vector<float> initial = store.download_params();
    testing::load_logical(stage.parameters(), ref.initial);
    EXPECT_EQ(store.download_params(), initial) << "stage " << s;
    testing::load_logical(stage.parameters(), ref.params);
    LogicalTensors back, counts;
    accumulate_logical(store.table(), store.download_params(), back, counts);
    for (const auto& [name, values] : back) {
      EXPECT_EQ(values, ref.params.at(name)) << name;  // tp = 1: every tensor held whole
    }
  }
}

// The largest stage of the best split, by trying every split.
std::int64_t brute_force_best(const GptConfig& config, int stages, std::int64_t first,
                              bool at_start) {
  const std::int64_t L = config.layers;
  if (stages == 1) return stage_parameter_count(config, {first, L}, at_start, true);
  std::int64_t best = std::numeric_limits<std::int64_t>::max();
  for (std::int64_t end = first + 1; end <= L - (stages - 1); ++end) {
    const std::int64_t here = stage_parameter_count(config, {first, end}, at_start, false);
    best = std::min(best, std::max(here, brute_force_best(config, stages - 1, end, false)));
  }
  return best;
}

TEST_F(GptStageSerialTest, BalancedStagesMinimiseTheLargestStage) {
  for (std::int64_t vocab : {64, 4096, 50304}) {
    for (std::int64_t layers : {1, 2, 5, 8}) {
      GptConfig config = small_config(layers);
      config.vocab_size = vocab;
      for (int pp = 1; pp <= std::min<std::int64_t>(layers, 4); ++pp) {
        const std::vector<StageRange> ranges = balanced_stages(config, pp);
        ASSERT_EQ(ranges.size(), static_cast<std::size_t>(pp));
        std::int64_t next = 0, largest = 0;
        for (std::size_t s = 0; s < ranges.size(); ++s) {
          EXPECT_EQ(ranges[s].first_layer, next);
          EXPECT_GT(ranges[s].end_layer, ranges[s].first_layer);
          next = ranges[s].end_layer;
          largest = std::max(
              largest, stage_parameter_count(config, ranges[s], s == 0, s + 1 == ranges.size()));
        }
        EXPECT_EQ(next, layers);
        EXPECT_EQ(largest, brute_force_best(config, pp, 0, true))
            << "V=" << vocab << " L=" << layers << " pp=" << pp;
      }
    }
  }
}

void expect_user_error(const std::function<void()>& call, const std::string& fragment) {
  try {
    call();
    ADD_FAILURE() << "no error; expected one mentioning '" << fragment << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::user) << e.message();
    EXPECT_NE(e.message().find(fragment), std::string::npos) << e.message();
  }
}

TEST_F(GptStageSerialTest, ImpossibleSplitsAreUserErrors) {
  const GptConfig config = small_config();
  expect_user_error([&] { balanced_stages(config, 5); }, "pipeline stages");
  const std::vector<std::int64_t> bad{2, 1};
  expect_user_error([&] { stages_from_layer_counts(config, bad); }, "sum to layers");
  const std::vector<std::int64_t> empty_stage{4, 0};
  expect_user_error([&] { stages_from_layer_counts(config, empty_stage); }, "positive");
  expect_user_error([&] { GptPartition::whole(config, 0, 8).validate(config); }, "heads");
  GptConfig odd_vocab = config;
  odd_vocab.vocab_size = 65;
  expect_user_error([&] { GptPartition::whole(odd_vocab, 0, 2).validate(odd_vocab); },
                    "vocab_size");
  GptConfig untied = config;
  untied.tied_embedding = false;
  expect_user_error([&] { GptPartition::whole(untied, 1, 2).validate(untied); }, "untied");
}

}  // namespace
}  // namespace dojo::model
