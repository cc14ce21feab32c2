// The GPT as a whole: gradients against finite differences on a tiny model, deterministic
// initialisation, the flat parameter layout, the backward hook, FLOP counting against the GEMMs
// actually run, input validation, and a tiny model overfitting one batch.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <set>

#include "dojo/common/error.hpp"
#include "dojo/device/host_device.hpp"
#include "dojo/model/gemm_timing_device.hpp"
#include "dojo/model/gpt.hpp"
#include "dojo/model/optimizer.hpp"
#include "gradcheck.hpp"

namespace dojo::model {
namespace {

using testing::expect_gradient_matches;
using testing::expect_other_batch_fails;
using testing::GradientComparison;
using testing::normal_values;
using testing::random_ints;
using testing::sample_indices;

GptConfig tiny_config(bool tied = true) {
  GptConfig config;
  config.layers = 2;
  config.channels = 16;
  config.heads = 2;
  config.context_length = 8;
  config.vocab_size = 11;
  config.tied_embedding = tied;
  config.seed = 42;
  return config;
}

struct Batch {
  Tensor tokens;   // (B, T)
  Tensor targets;  // (B, T)
};

Batch random_batch(device::Device& device, std::int64_t B, std::int64_t T, std::int64_t V,
                   std::uint64_t seed) {
  const auto n = static_cast<std::size_t>(B * T);
  return {make_tensor(device, {B, T}, random_ints(n, V, seed, "tokens")),
          make_tensor(device, {B, T}, random_ints(n, V, seed, "targets"))};
}

class GptTest : public ::testing::Test {
 protected:
  device::HostDevice device{1};
};

TEST_F(GptTest, ParameterTableIsContiguousInForwardOrder) {
  for (bool tied : {true, false}) {
    const GptConfig config = tiny_config(tied);
    Gpt gpt(device, config);
    const ParameterStore& store = gpt.parameters();
    EXPECT_EQ(store.size(), config.parameter_count());
    std::int64_t next = 0;
    for (const ParameterInfo& info : store.table()) {
      EXPECT_EQ(info.offset, next) << info.name;
      EXPECT_EQ(info.count, info.shape.numel()) << info.name;
      next += info.count;
    }
    EXPECT_EQ(next, store.size());
    // Groups tile the buffer in forward order: embeddings, blocks, ln_f, [lm_head].
    next = 0;
    for (const ParameterGroup& group : store.groups()) {
      EXPECT_EQ(group.offset, next) << group.name;
      next += group.count;
    }
    EXPECT_EQ(next, store.size());
    ASSERT_EQ(store.groups().size(), static_cast<std::size_t>(config.layers + (tied ? 2 : 3)));
    EXPECT_EQ(store.groups().front().name, "transformer.embeddings");
    EXPECT_EQ(store.groups()[1].name, "transformer.h.0");
    EXPECT_EQ(store.table().front().name, "transformer.wte.weight");
    EXPECT_EQ(store.table().back().name, tied ? "transformer.ln_f.bias" : "lm_head.weight");
    const ParameterInfo& qkv =
        store.table()[static_cast<std::size_t>(store.index("transformer.h.1.attn.c_attn.weight"))];
    EXPECT_EQ(qkv.shape, (Shape{48, 16}));
    EXPECT_EQ(qkv.group, 2);
  }
}

TEST_F(GptTest, InitialisationIsDeterministicAndLayoutIndependent) {
  const GptConfig config = tiny_config();
  const std::vector<float> first = Gpt(device, config).parameters().download_params();
  const std::vector<float> again = Gpt(device, config).parameters().download_params();
  ASSERT_EQ(first.size(), again.size());
  EXPECT_EQ(std::memcmp(first.data(), again.data(), first.size() * sizeof(float)), 0);

  device::HostDevice two_threads(2);
  const std::vector<float> threaded = Gpt(two_threads, config).parameters().download_params();
  EXPECT_EQ(std::memcmp(first.data(), threaded.data(), first.size() * sizeof(float)), 0);

  GptConfig other_seed = config;
  other_seed.seed = 43;
  const std::vector<float> other = Gpt(device, other_seed).parameters().download_params();
  std::size_t differing = 0;
  for (std::size_t i = 0; i < first.size(); ++i) differing += first[i] != other[i];
  // Everything random differs; layernorm gains (1) and biases (0) are the same.
  const std::int64_t constant = 2 * (13 * 16) + 2 * 16;  // per block: biases 9C, LN 4C; ln_f 2C
  EXPECT_EQ(differing, first.size() - static_cast<std::size_t>(constant));

  // A parameter's values depend on its name, not its offset: the untied model starts equal.
  Gpt untied(device, tiny_config(false));
  Gpt tied(device, config);
  const std::vector<float> untied_params = untied.parameters().download_params();
  for (const ParameterInfo& info : tied.parameters().table()) {
    const ParameterInfo& same =
        untied.parameters().table()[static_cast<std::size_t>(untied.parameters().index(info.name))];
    EXPECT_EQ(std::memcmp(first.data() + info.offset, untied_params.data() + same.offset,
                          static_cast<std::size_t>(info.count) * sizeof(float)),
              0)
        << info.name;
  }
}

TEST_F(GptTest, InitialisationFollowsGpt2) {
  GptConfig config;
  config.layers = 3;
  config.channels = 64;
  config.heads = 4;
  config.context_length = 16;
  config.vocab_size = 50;
  Gpt gpt(device, config);
  const std::vector<float> params = gpt.parameters().download_params();
  auto stats = [&](const std::string& name) {
    const ParameterInfo& info =
        gpt.parameters().table()[static_cast<std::size_t>(gpt.parameters().index(name))];
    double sum = 0.0, sum_sq = 0.0;
    for (std::int64_t i = 0; i < info.count; ++i) {
      sum += params[static_cast<std::size_t>(info.offset + i)];
      sum_sq += double{params[static_cast<std::size_t>(info.offset + i)]} *
                params[static_cast<std::size_t>(info.offset + i)];
    }
    const double n = static_cast<double>(info.count);
    return std::pair{sum / n, std::sqrt(sum_sq / n - (sum / n) * (sum / n))};
  };
  // Sample standard deviations of >= 3200 normals are within 5% with overwhelming probability.
  EXPECT_NEAR(stats("transformer.wte.weight").second, 0.02, 0.001);
  EXPECT_NEAR(stats("transformer.h.1.attn.c_attn.weight").second, 0.02, 0.001);
  const double residual_std = 0.02 / std::sqrt(6.0);
  EXPECT_NEAR(stats("transformer.h.2.attn.c_proj.weight").second, residual_std,
              0.05 * residual_std);
  EXPECT_NEAR(stats("transformer.h.0.mlp.c_proj.weight").second, residual_std, 0.05 * residual_std);
  EXPECT_EQ(stats("transformer.h.0.ln_1.weight"), (std::pair{1.0, 0.0}));
  EXPECT_EQ(stats("transformer.h.0.mlp.c_fc.bias"), (std::pair{0.0, 0.0}));
}

// Central differences of the mean loss on a random subset of parameters, at a point away from
// the initialisation (init + normal(0, 0.1)) so that every tensor has sizeable gradients.
// The loss is float32: its rounding (~1e-7 of 2.4) over 2 eps = 0.02 is ~1e-5 per element, and
// observed differences are <= 6e-5 against gradients up to ~0.3. Tolerances: 2e-3 of the largest
// sampled gradient, and per element |a - n| <= 1e-4 + 1e-2 |n| (a 3% error in a gradient larger
// than 1e-2 fails it).
void check_gpt_gradients(device::Device& device, const GptConfig& config) {
  Gpt gpt(device, config);
  ParameterStore& store = gpt.parameters();
  std::vector<float> params = store.download_params();
  const std::vector<float> noise = normal_values(params.size(), 0.1f, 5, "noise");
  for (std::size_t i = 0; i < params.size(); ++i) params[i] += noise[i];
  store.upload_params(params);
  const Batch batch = random_batch(device, 2, config.context_length, config.vocab_size, 3);
  gpt.zero_grad();
  gpt.forward(batch.tokens.view(), batch.targets.view());
  gpt.backward();
  const std::vector<float> grads = store.download_grads();

  const float eps = 1e-2f;
  auto loss_with = [&](std::size_t i, float value) {
    device.copy_to_device(store.params() + i, &value, sizeof(float));
    return double{gpt.forward(batch.tokens.view(), batch.targets.view())};
  };
  // Two elements from every tensor plus 40 anywhere: every tensor is seen.
  std::vector<std::size_t> indices;
  for (const ParameterInfo& info : store.table()) {
    for (std::size_t k : sample_indices(static_cast<std::size_t>(info.count), 2, info.offset)) {
      indices.push_back(static_cast<std::size_t>(info.offset) + k);
    }
  }
  for (std::size_t i : sample_indices(params.size(), 40, 11)) indices.push_back(i);
  GradientComparison c;
  for (std::size_t i : indices) {
    const double plus = loss_with(i, params[i] + eps);
    const double minus = loss_with(i, params[i] - eps);
    loss_with(i, params[i]);
    c.analytic.push_back(grads[i]);
    c.numeric.push_back((plus - minus) / (2.0 * double{eps}));
  }
  expect_gradient_matches(c, 2e-3, config.tied_embedding ? "tiny GPT (tied)" : "tiny GPT (untied)");
  EXPECT_EQ(c.elements_outside(1e-4, 1e-2), 0u);

  // Negative control: the gradients of another batch (a backward on stale data) must fail.
  const Batch other = random_batch(device, 2, config.context_length, config.vocab_size, 4);
  gpt.zero_grad();
  gpt.forward(other.tokens.view(), other.targets.view());
  gpt.backward();
  expect_other_batch_fails(c, store.download_grads(), indices, 2e-3, 1e-4, 1e-2, "tiny GPT");
}

TEST_F(GptTest, WholeModelGradientsMatchFiniteDifferences) {
  check_gpt_gradients(device, tiny_config(true));
  check_gpt_gradients(device, tiny_config(false));
}

TEST_F(GptTest, BackwardHookReportsEachLayerOnceInReverseOrderWithFinalGradients) {
  for (bool tied : {true, false}) {
    Gpt gpt(device, tiny_config(tied));
    const ParameterStore& store = gpt.parameters();
    struct Call {
      std::int64_t offset, count;
      std::vector<float> grads_then;  // the range's gradients when the hook ran
    };
    std::vector<Call> calls;
    gpt.set_gradient_hook([&](std::int64_t offset, std::int64_t count) {
      std::vector<float> snapshot(static_cast<std::size_t>(count));
      device.copy_to_host(snapshot.data(), store.grads() + offset, snapshot.size() * sizeof(float));
      calls.push_back({offset, count, std::move(snapshot)});
    });
    const Batch batch = random_batch(device, 2, 8, 11, 4);
    gpt.zero_grad();
    gpt.forward(batch.tokens.view(), batch.targets.view());
    gpt.backward();
    const std::vector<float> final_grads = store.download_grads();

    ASSERT_EQ(calls.size(), store.groups().size());
    std::int64_t end = store.size();  // calls tile the buffer from the top down
    for (std::size_t i = 0; i < calls.size(); ++i) {
      const ParameterGroup& group = store.groups()[store.groups().size() - 1 - i];
      EXPECT_EQ(calls[i].offset, group.offset) << group.name;
      EXPECT_EQ(calls[i].offset + calls[i].count, end) << group.name;
      end = calls[i].offset;
      EXPECT_EQ(std::memcmp(calls[i].grads_then.data(), final_grads.data() + calls[i].offset,
                            calls[i].grads_then.size() * sizeof(float)),
                0)
          << group.name << " changed after its hook";
    }
    EXPECT_EQ(end, 0);
  }
}

TEST_F(GptTest, BackwardAccumulatesUntilZeroGrad) {
  Gpt gpt(device, tiny_config());
  const Batch batch = random_batch(device, 2, 8, 11, 5);
  gpt.zero_grad();
  gpt.forward(batch.tokens.view(), batch.targets.view());
  gpt.backward();
  const std::vector<float> once = gpt.parameters().download_grads();
  gpt.forward(batch.tokens.view(), batch.targets.view());
  gpt.backward();
  const std::vector<float> twice = gpt.parameters().download_grads();
  for (std::size_t i = 0; i < once.size(); ++i) {
    EXPECT_NEAR(twice[i], 2.0f * once[i], 1e-6f + 1e-5f * std::abs(once[i])) << i;
  }
  gpt.zero_grad();
  EXPECT_EQ(gpt.grad_sum_of_squares(), 0.0);
}

TEST_F(GptTest, StepFlopsEqualTheGemmsRun) {
  for (bool tied : {true, false}) {
    GemmTimingDevice timing(device);
    const GptConfig config = tiny_config(tied);
    Gpt gpt(timing, config);
    const Batch batch = random_batch(timing, 3, 6, 11, 6);  // T = 6 < context length
    timing.reset_totals();
    gpt.forward(batch.tokens.view(), batch.targets.view());
    const double forward = timing.totals().flops;
    gpt.backward();
    const StepFlops flops = gpt.step_flops(3, 6);
    EXPECT_DOUBLE_EQ(flops.forward, forward);
    EXPECT_DOUBLE_EQ(flops.total(), timing.totals().flops);
    // 6N + 12 L T C per token, N the matrix parameters (L 12 C^2 + V C).
    const double N = 2.0 * 12 * 16 * 16 + 11.0 * 16;
    EXPECT_DOUBLE_EQ(flops.total(), 3 * 6 * (6.0 * N + 12.0 * 2 * 6 * 16));
  }
}

TEST_F(GptTest, RejectsBadInputs) {
  Gpt gpt(device, tiny_config());
  const Batch too_long = random_batch(device, 1, 9, 11, 7);
  try {
    gpt.forward(too_long.tokens.view(), too_long.targets.view());
    ADD_FAILURE() << "a sequence longer than the context was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::user);
  }
  const Batch bad_token = random_batch(device, 1, 4, 20, 8);  // ids up to 19 >= V = 11
  try {
    gpt.forward(bad_token.tokens.view(), bad_token.targets.view());
    ADD_FAILURE() << "a token outside the vocabulary was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::user);
  }
  GptConfig bad = tiny_config();
  bad.heads = 3;
  EXPECT_THROW(bad.validate(), Error);
}

// Loss of each step of AdamW on one fixed batch.
std::vector<float> overfit(device::Device& device, int steps) {
  Gpt gpt(device, tiny_config());
  AdamWConfig adamw;
  adamw.weight_decay = 0.0f;
  AdamW optimizer(gpt.parameters(), adamw);
  const Batch batch = random_batch(device, 2, 8, 11, 9);
  std::vector<float> losses;
  for (int step = 0; step < steps; ++step) {
    gpt.zero_grad();
    losses.push_back(gpt.forward(batch.tokens.view(), batch.targets.view()));
    gpt.backward();
    optimizer.step(1e-2f);
  }
  return losses;
}

TEST_F(GptTest, TinyModelOverfitsOneBatchDeterministically) {
  const int steps = 60;
  const std::vector<float> losses = overfit(device, steps);
  // 16 random targets over 11 classes: ln(11) = 2.40 at the start; memorised it is near 0.
  EXPECT_NEAR(losses.front(), std::log(11.0f), 0.1f);
  EXPECT_LT(losses.back(), 0.05f);
  const std::vector<float> again = overfit(device, steps);
  EXPECT_EQ(std::memcmp(losses.data(), again.data(), losses.size() * sizeof(float)), 0);
}

}  // namespace
}  // namespace dojo::model
