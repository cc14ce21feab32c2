// Backward kernels of the host device against finite differences of their forward kernels:
// for L = sum(w * forward(x)), the change L(x + dx) - L(x - dx) must match grad . (2 dx) along
// random directions and along single elements. This checks the math itself, independently of the
// naive references (which follow the same formulas).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "device_test_util.hpp"
#include "dojo/device/buffer.hpp"
#include "dojo/device/host_device.hpp"

namespace dojo::device::test {
namespace {

using Floats = std::vector<float>;
using i64 = std::int64_t;
using Loss = std::function<double(const Floats&)>;

double weighted_sum(const Floats& y, const Floats& w) {
  double sum = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) sum += double{y[i]} * w[i];
  return sum;
}

double abs_weighted_sum(const Floats& y, const Floats& w) {
  double sum = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) sum += std::abs(double{y[i]} * w[i]);
  return sum;
}

// Central difference along `direction` (step 1e-2 per unit; the float-rounded step is used as is).
// The bound: 1e-3 relative for the O(h^2) truncation, plus float rounding of the loss, which
// `loss_scale` (sum of |terms| of L) sets.
void expect_matches_fd(const Loss& loss, const Floats& x, const Floats& grad,
                       const Floats& direction, double loss_scale, const std::string& what) {
  constexpr float h = 1e-2f;
  Floats plus(x), minus(x);
  double predicted = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    plus[i] = x[i] + h * direction[i];
    minus[i] = x[i] - h * direction[i];
    predicted += double{grad[i]} * (double{plus[i]} - double{minus[i]});
  }
  const double measured = loss(plus) - loss(minus);
  const double tolerance = 1e-3 * std::abs(predicted) + 1e-6 * loss_scale;
  EXPECT_NEAR(measured, predicted, tolerance) << what;
}

// Three random directions, then the first, middle and last element alone.
void check_gradient(const Loss& loss, const Floats& x, const Floats& grad, double loss_scale,
                    const std::string& what) {
  for (std::uint32_t seed = 100; seed < 103; ++seed) {
    expect_matches_fd(loss, x, grad, random_floats(x.size(), seed), loss_scale,
                      what + " along a random direction");
  }
  for (std::size_t at : {std::size_t{0}, x.size() / 2, x.size() - 1}) {
    Floats unit(x.size(), 0.0f);
    unit[at] = 1.0f;
    expect_matches_fd(loss, x, grad, unit, loss_scale, what + " element " + std::to_string(at));
  }
}

struct Shape {
  i64 rows, cols;
};

class DeviceGradCheck : public ::testing::TestWithParam<Shape> {
 protected:
  HostDevice device{2};
};

TEST_P(DeviceGradCheck, Gelu) {
  const auto [rows, cols] = GetParam();
  const i64 n = rows * cols;
  const Floats x = random_floats(n, 1, -4.0f, 4.0f);
  const Floats w = random_floats(n, 2);
  auto forward = [&](const Floats& input) {
    auto in = make_buffer(device, input);
    DeviceBuffer<float> out(device, n);
    device.gelu_forward(in.data(), out.data(), n);
    return out.download();
  };
  auto xb = make_buffer(device, x);
  auto dy = make_buffer(device, w);
  DeviceBuffer<float> dx(device, n);
  device.fill(dx.data(), n, 0.0f);
  device.gelu_backward(xb.data(), dy.data(), dx.data(), n);
  check_gradient([&](const Floats& in) { return weighted_sum(forward(in), w); }, x, dx.download(),
                 abs_weighted_sum(forward(x), w), "gelu dx");
}

TEST_P(DeviceGradCheck, Layernorm) {
  const auto [rows, cols] = GetParam();
  const Floats x = random_floats(rows * cols, 3, -2.0f, 2.0f);
  const Floats gamma = random_floats(cols, 4, 0.5f, 1.5f);
  const Floats beta = random_floats(cols, 5);
  const Floats w = random_floats(rows * cols, 6);
  auto forward = [&](const Floats& x_in, const Floats& gamma_in, const Floats& beta_in) {
    auto xb = make_buffer(device, x_in);
    auto gb = make_buffer(device, gamma_in);
    auto bb = make_buffer(device, beta_in);
    DeviceBuffer<float> y(device, rows * cols), mean(device, rows), rstd(device, rows);
    device.layernorm_forward(xb.data(), gb.data(), bb.data(), y.data(), mean.data(), rstd.data(),
                             rows, cols);
    return std::make_tuple(y.download(), mean.download(), rstd.download());
  };
  const auto [y, mean, rstd] = forward(x, gamma, beta);
  auto xb = make_buffer(device, x);
  auto gb = make_buffer(device, gamma);
  auto mb = make_buffer(device, mean);
  auto rb = make_buffer(device, rstd);
  auto dy = make_buffer(device, w);
  DeviceBuffer<float> dx(device, rows * cols), dgamma(device, cols), dbeta(device, cols);
  device.fill(dx.data(), rows * cols, 0.0f);
  device.fill(dgamma.data(), cols, 0.0f);
  device.fill(dbeta.data(), cols, 0.0f);
  device.layernorm_backward(dy.data(), xb.data(), gb.data(), mb.data(), rb.data(), dx.data(),
                            dgamma.data(), dbeta.data(), rows, cols);
  const double scale = abs_weighted_sum(y, w);
  auto loss_of = [&](const Floats& xi, const Floats& gi, const Floats& bi) {
    return weighted_sum(std::get<0>(forward(xi, gi, bi)), w);
  };
  check_gradient([&](const Floats& in) { return loss_of(in, gamma, beta); }, x, dx.download(),
                 scale, "layernorm dx");
  check_gradient([&](const Floats& in) { return loss_of(x, in, beta); }, gamma, dgamma.download(),
                 scale, "layernorm dgamma");
  check_gradient([&](const Floats& in) { return loss_of(x, gamma, in); }, beta, dbeta.download(),
                 scale, "layernorm dbeta");
}

void softmax_gradient(Device& device, i64 rows, i64 cols, bool causal) {
  const float scale = 0.7f;
  const Floats x = random_floats(rows * cols, 7, -3.0f, 3.0f);
  const Floats w = random_floats(rows * cols, 8);
  auto forward = [&](const Floats& input) {
    auto in = make_buffer(device, input);
    DeviceBuffer<float> out(device, rows * cols);
    device.softmax_forward(in.data(), out.data(), rows, cols, scale, causal);
    return out.download();
  };
  const Floats y = forward(x);
  auto yb = make_buffer(device, y);
  auto dy = make_buffer(device, w);
  DeviceBuffer<float> dx(device, rows * cols);
  device.fill(dx.data(), rows * cols, 0.0f);
  device.softmax_backward(yb.data(), dy.data(), dx.data(), rows, cols, scale);
  check_gradient([&](const Floats& in) { return weighted_sum(forward(in), w); }, x, dx.download(),
                 abs_weighted_sum(y, w), causal ? "causal softmax dx" : "softmax dx");
}

TEST_P(DeviceGradCheck, Softmax) {
  const auto [rows, cols] = GetParam();
  softmax_gradient(device, rows, cols, false);
}

TEST_P(DeviceGradCheck, CausalSoftmax) {
  const auto [rows, cols] = GetParam();
  softmax_gradient(device, (rows + cols - 1) / cols * cols, cols, true);  // whole (T, T) blocks
}

TEST_P(DeviceGradCheck, CrossEntropy) {
  const auto [rows, classes] = GetParam();
  const Floats logits = random_floats(rows * classes, 9, -3.0f, 3.0f);
  const auto targets = random_indices(rows, classes, 10);
  const float dloss_scale = 1.0f / static_cast<float>(rows);  // L = mean loss
  auto t = make_buffer(device, targets);
  auto forward = [&](const Floats& input) {
    auto in = make_buffer(device, input);
    DeviceBuffer<float> probs(device, rows * classes), losses(device, rows);
    device.cross_entropy_forward(in.data(), t.data(), probs.data(), losses.data(), rows, classes);
    return std::make_pair(probs.download(), losses.download());
  };
  auto mean_loss = [&](const Floats& input) {
    double sum = 0.0;
    for (float loss : forward(input).second) sum += loss;
    return sum * dloss_scale;
  };
  auto probs = make_buffer(device, forward(logits).first);
  DeviceBuffer<float> dlogits(device, rows * classes);
  device.fill(dlogits.data(), rows * classes, 0.0f);
  device.cross_entropy_backward(probs.data(), t.data(), dlogits.data(), rows, classes, dloss_scale);
  check_gradient(mean_loss, logits, dlogits.download(), mean_loss(logits), "cross-entropy dlogits");
}

INSTANTIATE_TEST_SUITE_P(SmallShapes, DeviceGradCheck,
                         ::testing::Values(Shape{7, 13}, Shape{33, 64}), [](const auto& info) {
                           return std::to_string(info.param.rows) + "x" +
                                  std::to_string(info.param.cols);
                         });

}  // namespace
}  // namespace dojo::device::test
