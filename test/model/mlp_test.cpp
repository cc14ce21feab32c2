// The MLP classifier: gradients against finite differences, layout and hook, FLOPs against the
// GEMMs run, evaluation helpers, and learning a separable problem.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "dojo/common/error.hpp"
#include "dojo/device/host_device.hpp"
#include "dojo/model/gemm_timing_device.hpp"
#include "dojo/model/mlp.hpp"
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

MlpConfig small_config(Activation activation) {
  MlpConfig config;
  config.input_dim = 7;
  config.hidden_sizes = {9, 5};
  config.classes = 4;
  config.activation = activation;
  config.seed = 3;
  return config;
}

class MlpTest : public ::testing::Test {
 protected:
  device::HostDevice device{1};
};

// Central differences (eps = 1e-2) of the mean loss over a random subset of parameters plus two
// of every tensor. ReLU has kinks; the data are fixed, and none of the sampled perturbations
// crosses one (a crossing would show as one large element). Observed error <= 6e-5 absolute; the
// tolerances are the GPT's: 2e-3 of the largest gradient and |a - n| <= 1e-4 + 1e-2 |n|.
void check_mlp_gradients(device::Device& device, const MlpConfig& config) {
  MlpClassifier mlp(device, config);
  ParameterStore& store = mlp.parameters();
  const std::int64_t B = 6, D = config.input_dim;
  const Tensor inputs = make_tensor(device, {B, D}, normal_values(B * D, 1.0f, 1, "x"));
  const Tensor labels = make_tensor(device, {B}, random_ints(B, config.classes, 1, "labels"));
  mlp.zero_grad();
  mlp.forward(inputs.view(), labels.view());
  mlp.backward();
  const std::vector<float> grads = store.download_grads();
  const std::vector<float> params = store.download_params();
  const float eps = 1e-2f;
  auto loss_with = [&](std::size_t i, float value) {
    device.copy_to_device(store.params() + i, &value, sizeof(float));
    return double{mlp.forward(inputs.view(), labels.view())};
  };
  std::vector<std::size_t> indices;
  for (const ParameterInfo& info : store.table()) {
    for (std::size_t k : sample_indices(static_cast<std::size_t>(info.count), 2, info.offset)) {
      indices.push_back(static_cast<std::size_t>(info.offset) + k);
    }
  }
  for (std::size_t i : sample_indices(params.size(), 40, 2)) indices.push_back(i);
  GradientComparison c;
  for (std::size_t i : indices) {
    const double plus = loss_with(i, params[i] + eps);
    const double minus = loss_with(i, params[i] - eps);
    loss_with(i, params[i]);
    c.analytic.push_back(grads[i]);
    c.numeric.push_back((plus - minus) / (2.0 * double{eps}));
  }
  expect_gradient_matches(c, 2e-3,
                          str("mlp (", config.hidden_sizes.size(), " hidden, ",
                              activation_name(config.activation), ")"));
  EXPECT_EQ(c.elements_outside(1e-4, 1e-2), 0u);

  // Negative control: the gradients of another batch (a backward on stale data) must fail.
  const Tensor other_inputs = make_tensor(device, {B, D}, normal_values(B * D, 1.0f, 2, "x"));
  const Tensor other_labels = make_tensor(device, {B}, random_ints(B, config.classes, 2, "labels"));
  mlp.zero_grad();
  mlp.forward(other_inputs.view(), other_labels.view());
  mlp.backward();
  expect_other_batch_fails(c, store.download_grads(), indices, 2e-3, 1e-4, 1e-2, "mlp");
}

TEST_F(MlpTest, GradientsMatchFiniteDifferences) {
  check_mlp_gradients(device, small_config(Activation::relu));
  check_mlp_gradients(device, small_config(Activation::gelu));
  MlpConfig logistic = small_config(Activation::relu);  // no hidden layer: one linear layer
  logistic.hidden_sizes.clear();
  check_mlp_gradients(device, logistic);
}

TEST_F(MlpTest, LayoutHookAndFlops) {
  const MlpConfig config = small_config(Activation::relu);
  GemmTimingDevice timing(device);
  MlpClassifier mlp(timing, config);
  const ParameterStore& store = mlp.parameters();
  EXPECT_EQ(store.size(), config.parameter_count());
  EXPECT_EQ(store.size(), (7 + 1) * 9 + (9 + 1) * 5 + (5 + 1) * 4);
  ASSERT_EQ(store.groups().size(), 3u);
  EXPECT_EQ(store.table()[2].name, "layers.1.weight");
  EXPECT_EQ(store.table()[2].shape, (Shape{5, 9}));

  std::vector<std::pair<std::int64_t, std::int64_t>> calls;
  mlp.set_gradient_hook(
      [&](std::int64_t offset, std::int64_t count) { calls.emplace_back(offset, count); });
  const Tensor inputs = make_tensor(timing, {4, 7}, normal_values(28, 1.0f, 2, "x"));
  const Tensor labels = make_tensor(timing, {4}, random_ints(4, 4, 2, "labels"));
  timing.reset_totals();
  mlp.forward(inputs.view(), labels.view());
  mlp.backward();
  const std::vector<std::pair<std::int64_t, std::int64_t>> expected{
      {store.groups()[2].offset, 24}, {store.groups()[1].offset, 50}, {0, 72}};
  EXPECT_EQ(calls, expected);
  // Forward 2 B sum(in out); backward: weight gradients the same, input gradients except layer 0.
  const double products = 4.0 * (7 * 9 + 9 * 5 + 5 * 4);
  EXPECT_DOUBLE_EQ(mlp.step_flops(4).forward, 2.0 * products);
  EXPECT_DOUBLE_EQ(mlp.step_flops(4).total(), 6.0 * products - 2.0 * 4 * 7 * 9);
  EXPECT_DOUBLE_EQ(mlp.step_flops(4).total(), timing.totals().flops);
}

TEST_F(MlpTest, InitialisationIsDeterministic) {
  const MlpConfig config = small_config(Activation::gelu);
  const auto a = MlpClassifier(device, config).parameters().download_params();
  const auto b = MlpClassifier(device, config).parameters().download_params();
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
  MlpConfig other = config;
  other.seed = 4;
  const auto c = MlpClassifier(device, other).parameters().download_params();
  EXPECT_NE(std::memcmp(a.data(), c.data(), a.size() * sizeof(float)), 0);
}

// Four Gaussian blobs in 7 dimensions: SGD with momentum reaches full training accuracy, and
// predict() agrees with evaluate().
TEST_F(MlpTest, LearnsSeparableBlobs) {
  const std::int64_t B = 64, D = 7, K = 4;
  const std::vector<std::int32_t> labels_host = random_ints(B, K, 5, "labels");
  std::vector<float> features = normal_values(B * D, 0.3f, 5, "x");
  for (std::int64_t i = 0; i < B; ++i) features[i * D + labels_host[i]] += 2.0f;
  const Tensor inputs = make_tensor(device, {B, D}, features);
  const Tensor labels = make_tensor(device, {B}, labels_host);
  MlpClassifier mlp(device, small_config(Activation::relu));
  SgdMomentum sgd(mlp.parameters(), SgdConfig{});
  const Evaluation before = mlp.evaluate(inputs.view(), labels.view());
  for (int step = 0; step < 100; ++step) {
    mlp.zero_grad();
    mlp.forward(inputs.view(), labels.view());
    mlp.backward();
    sgd.step(0.05f);
  }
  const Evaluation after = mlp.evaluate(inputs.view(), labels.view());
  EXPECT_EQ(after.count, B);
  EXPECT_LT(after.loss, 0.1f * before.loss);
  EXPECT_DOUBLE_EQ(after.accuracy(), 1.0);
  const std::vector<std::int32_t> predicted = mlp.predict(inputs.view());
  EXPECT_EQ(predicted, labels_host);
}

TEST_F(MlpTest, RejectsBadConfigAndInputs) {
  MlpConfig config = small_config(Activation::relu);
  config.hidden_sizes = {4, 0};
  EXPECT_THROW(config.validate(), Error);
  EXPECT_THROW(parse_activation("tanh"), Error);
  MlpClassifier mlp(device, small_config(Activation::relu));
  const Tensor wrong = make_tensor(device, {2, 6}, normal_values(12, 1.0f, 6, "x"));
  EXPECT_THROW(mlp.forward(wrong.view(), TensorView()), Error);
}

}  // namespace
}  // namespace dojo::model
