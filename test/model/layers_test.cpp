// Every layer's backward against central finite differences of its forward (float32 on the host
// device, tolerance stated per check), the forwards of linear and attention against naive loops in
// double, and for several layers a realistic bug that the same check must catch.
#include <gtest/gtest.h>

#include <cmath>

#include "dojo/device/host_device.hpp"
#include "dojo/model/layers/activation.hpp"
#include "dojo/model/layers/attention.hpp"
#include "dojo/model/layers/cross_entropy.hpp"
#include "dojo/model/layers/embedding.hpp"
#include "dojo/model/layers/layernorm.hpp"
#include "dojo/model/layers/linear.hpp"
#include "dojo/model/layers/residual.hpp"
#include "gradcheck.hpp"

namespace dojo::model {
namespace {

using device::DeviceBuffer;
using testing::expect_gradient_matches;
using testing::GradCheck;
using testing::normal_values;
using testing::projected;

// Layers that are linear in each input: central differences are exact up to float32 rounding.
constexpr double kLinearTolerance = 2e-4;
// Smooth nonlinear layers with eps = 1e-2: truncation error O(eps^2) plus rounding.
constexpr double kSmoothTolerance = 1e-3;
constexpr float kEps = 1e-2f;

class LayerTest : public ::testing::Test {
 protected:
  device::HostDevice device{1};
};

TEST_F(LayerTest, LinearForwardMatchesNaiveLoop) {
  const std::int64_t N = 5, C = 7, OC = 3;
  const auto x = normal_values(N * C, 1.0f, 1, "x");
  const auto w = normal_values(OC * C, 1.0f, 1, "w");
  const auto b = normal_values(OC, 1.0f, 1, "b");
  auto dx = device::make_buffer(device, x), dw = device::make_buffer(device, w),
       db = device::make_buffer(device, b);
  DeviceBuffer<float> y(device, N * OC);
  linear_forward(device, y.data(), dx.data(), dw.data(), db.data(), N, C, OC);
  const std::vector<float> got = y.download();
  for (std::int64_t i = 0; i < N; ++i) {
    for (std::int64_t o = 0; o < OC; ++o) {
      double expected = b[o];
      for (std::int64_t c = 0; c < C; ++c) expected += double{x[i * C + c]} * w[o * C + c];
      EXPECT_NEAR(got[i * OC + o], expected, 1e-5 * (1.0 + std::abs(expected))) << i << "," << o;
    }
  }
}

TEST_F(LayerTest, LinearBackward) {
  const std::int64_t N = 5, C = 7, OC = 3;
  GradCheck check(device);
  auto& x = check.input("x", normal_values(N * C, 1.0f, 2, "x"));
  auto& w = check.input("w", normal_values(OC * C, 1.0f, 2, "w"));
  auto& b = check.input("b", normal_values(OC, 1.0f, 2, "b"));
  DeviceBuffer<float> y(device, N * OC);
  const auto dy_host = normal_values(N * OC, 1.0f, 2, "dy");
  const auto dy = device::make_buffer(device, dy_host);
  auto loss = [&] {
    linear_forward(device, y.data(), x.value.data(), w.value.data(), b.value.data(), N, C, OC);
    return projected(device, y.data(), dy_host);
  };
  auto results = check.run(
      loss,
      [&] {
        linear_backward(device, x.grad.data(), w.grad.data(), b.grad.data(), dy.data(),
                        x.value.data(), w.value.data(), N, C, OC);
      },
      kEps);
  expect_gradient_matches(results[0], kLinearTolerance, "linear dx");
  expect_gradient_matches(results[1], kLinearTolerance, "linear dw");
  expect_gradient_matches(results[2], kLinearTolerance, "linear db");

  // Bug: backward fed a stale output gradient (another loss's dy).
  const auto other_dy = device::make_buffer(device, normal_values(N * OC, 1.0f, 3, "dy"));
  auto wrong = check.run(
      loss,
      [&] {
        linear_backward(device, x.grad.data(), w.grad.data(), b.grad.data(), other_dy.data(),
                        x.value.data(), w.value.data(), N, C, OC);
      },
      kEps);
  EXPECT_GT(wrong[1].relative_error(), kLinearTolerance) << "a wrong dy must fail the dw check";
}

TEST_F(LayerTest, LinearBackwardWithoutInputGradientOrBias) {
  const std::int64_t N = 3, C = 4, OC = 6;
  GradCheck check(device);
  auto& w = check.input("w", normal_values(OC * C, 1.0f, 4, "w"));
  const auto x = device::make_buffer(device, normal_values(N * C, 1.0f, 4, "x"));
  DeviceBuffer<float> y(device, N * OC);
  const auto dy_host = normal_values(N * OC, 1.0f, 4, "dy");
  const auto dy = device::make_buffer(device, dy_host);
  auto results = check.run(
      [&] {
        linear_forward(device, y.data(), x.data(), w.value.data(), nullptr, N, C, OC);
        return projected(device, y.data(), dy_host);
      },
      [&] {
        linear_backward(device, nullptr, w.grad.data(), nullptr, dy.data(), x.data(),
                        w.value.data(), N, C, OC);
      },
      kEps);
  expect_gradient_matches(results[0], kLinearTolerance, "linear dw (no bias, no dx)");
}

// GradWrite::overwrite must equal accumulating into zeros, whatever the buffer held before.
TEST_F(LayerTest, OverwriteModeEqualsAccumulatingIntoZeros) {
  const std::int64_t N = 4, C = 6, OC = 5;
  const AttentionShape s{2, 4, 6, 2};
  const auto x = device::make_buffer(device, normal_values(N * C, 1.0f, 13, "x"));
  const auto w = device::make_buffer(device, normal_values(OC * C, 1.0f, 13, "w"));
  const auto dy = device::make_buffer(device, normal_values(N * OC, 1.0f, 13, "dy"));
  const auto qkv = device::make_buffer(device, normal_values(s.B * s.T * 3 * s.C, 1.0f, 13, "q"));
  const auto dy_att = device::make_buffer(device, normal_values(s.B * s.T * s.C, 1.0f, 13, "d"));
  const std::int64_t scores = s.B * s.NH * s.T * s.T;
  DeviceBuffer<float> dw(device, OC * C), y(device, s.B * s.T * s.C), att(device, scores),
      preatt(device, scores), datt(device, scores), dpreatt(device, scores);
  attention_forward(device, y.data(), att.data(), preatt.data(), qkv.data(), s);
  std::vector<float> reference_dx, reference_dqkv;  // from accumulate, the first pass
  for (GradWrite mode : {GradWrite::accumulate, GradWrite::overwrite}) {
    const float start = mode == GradWrite::accumulate ? 0.0f : 123.0f;  // garbage to overwrite
    DeviceBuffer<float> dx(device, N * C), dqkv(device, s.B * s.T * 3 * s.C);
    device.fill(dx.data(), N * C, start);
    device.fill(dqkv.data(), s.B * s.T * 3 * s.C, start);
    device.fill(dw.data(), OC * C, 0.0f);
    linear_backward(device, dx.data(), dw.data(), nullptr, dy.data(), x.data(), w.data(), N, C, OC,
                    mode);
    attention_backward(device, dqkv.data(), datt.data(), dpreatt.data(), dy_att.data(), qkv.data(),
                       att.data(), s, mode);
    if (mode == GradWrite::accumulate) {
      reference_dx = dx.download();
      reference_dqkv = dqkv.download();
    } else {
      EXPECT_EQ(dx.download(), reference_dx);
      EXPECT_EQ(dqkv.download(), reference_dqkv);
    }
  }
}

TEST_F(LayerTest, TokenAndPositionEmbeddingBackward) {
  const std::int64_t B = 2, T = 3, C = 4, V = 5;
  GradCheck check(device);
  auto& wte = check.input("wte", normal_values(V * C, 1.0f, 5, "wte"));
  auto& wpe = check.input("wpe", normal_values(T * C, 1.0f, 5, "wpe"));
  // Repeated ids (1 and 3 twice) check that the scatter-add accumulates; id 2 is never used.
  const std::vector<std::int32_t> token_ids{1, 3, 1, 0, 4, 3};
  const auto tokens = device::make_buffer(device, token_ids);
  DeviceBuffer<float> out(device, B * T * C);
  const auto dy_host = normal_values(B * T * C, 1.0f, 5, "dy");
  const auto dy = device::make_buffer(device, dy_host);
  auto results = check.run(
      [&] {
        token_embedding_forward(device, out.data(), tokens.data(), wte.value.data(), B * T, C, V);
        position_embedding_forward(device, out.data(), wpe.value.data(), B, T, C);
        return projected(device, out.data(), dy_host);
      },
      [&] {
        token_embedding_backward(device, wte.grad.data(), dy.data(), tokens.data(), B * T, C, V);
        position_embedding_backward(device, wpe.grad.data(), dy.data(), B, T, C);
      },
      kEps, 100);
  expect_gradient_matches(results[0], kLinearTolerance, "token embedding");
  expect_gradient_matches(results[1], kLinearTolerance, "position embedding");

  // Bug: positions accumulated from the first sequence only.
  auto wrong = check.run(
      [&] {
        token_embedding_forward(device, out.data(), tokens.data(), wte.value.data(), B * T, C, V);
        position_embedding_forward(device, out.data(), wpe.value.data(), B, T, C);
        return projected(device, out.data(), dy_host);
      },
      [&] { position_embedding_backward(device, wpe.grad.data(), dy.data(), 1, T, C); }, kEps, 100);
  EXPECT_GT(wrong[1].relative_error(), kLinearTolerance);
}

TEST_F(LayerTest, LayernormBackward) {
  const std::int64_t N = 4, C = 9;
  GradCheck check(device);
  std::vector<float> x_host = normal_values(N * C, 1.0f, 6, "x");
  for (std::size_t i = 0; i < x_host.size(); ++i) x_host[i] += static_cast<float>(i % 3);
  auto& x = check.input("x", x_host);
  std::vector<float> w_host = normal_values(C, 0.3f, 6, "w");
  for (float& v : w_host) v += 1.0f;
  auto& w = check.input("w", w_host);
  auto& b = check.input("b", normal_values(C, 0.3f, 6, "b"));
  DeviceBuffer<float> y(device, N * C), mean(device, N), rstd(device, N);
  const auto dy_host = normal_values(N * C, 1.0f, 6, "dy");
  const auto dy = device::make_buffer(device, dy_host);
  auto loss = [&] {
    layernorm_forward(device, y.data(), mean.data(), rstd.data(), x.value.data(), w.value.data(),
                      b.value.data(), N, C);
    return projected(device, y.data(), dy_host);
  };
  auto results = check.run(
      loss,
      [&] {
        layernorm_backward(device, x.grad.data(), w.grad.data(), b.grad.data(), dy.data(),
                           x.value.data(), w.value.data(), mean.data(), rstd.data(), N, C);
      },
      kEps);
  expect_gradient_matches(results[0], kSmoothTolerance, "layernorm dx");
  expect_gradient_matches(results[1], kSmoothTolerance, "layernorm dw");
  expect_gradient_matches(results[2], kLinearTolerance, "layernorm db");

  // Bug: backward given a stale (zero) mean.
  DeviceBuffer<float> zero_mean(device, N);
  device.fill(zero_mean.data(), N, 0.0f);
  auto wrong = check.run(
      loss,
      [&] {
        layernorm_backward(device, x.grad.data(), w.grad.data(), b.grad.data(), dy.data(),
                           x.value.data(), w.value.data(), zero_mean.data(), rstd.data(), N, C);
      },
      kEps);
  EXPECT_GT(wrong[0].relative_error(), kSmoothTolerance);
}

TEST_F(LayerTest, ActivationBackward) {
  const std::int64_t n = 23;
  // Keep |x| >= 0.1 so that x +- eps never crosses ReLU's kink.
  std::vector<float> x_host = normal_values(n, 1.0f, 7, "x");
  for (float& v : x_host) v = v >= 0.0f ? v + 0.1f : v - 0.1f;
  const auto dy_host = normal_values(n, 1.0f, 7, "dy");
  const auto dy = device::make_buffer(device, dy_host);
  for (Activation activation : {Activation::relu, Activation::gelu}) {
    GradCheck check(device);
    auto& x = check.input("x", x_host);
    DeviceBuffer<float> y(device, n);
    auto loss = [&] {
      activation_forward(device, activation, y.data(), x.value.data(), n);
      return projected(device, y.data(), dy_host);
    };
    auto results = check.run(
        loss,
        [&] {
          activation_backward(device, activation, x.grad.data(), dy.data(), x.value.data(), n);
        },
        kEps);
    expect_gradient_matches(results[0], kSmoothTolerance, std::string(activation_name(activation)));
  }
  // Bug: GELU's backward replaced by ReLU's.
  GradCheck check(device);
  auto& x = check.input("x", x_host);
  DeviceBuffer<float> y(device, n);
  auto wrong = check.run(
      [&] {
        activation_forward(device, Activation::gelu, y.data(), x.value.data(), n);
        return projected(device, y.data(), dy_host);
      },
      [&] {
        activation_backward(device, Activation::relu, x.grad.data(), dy.data(), x.value.data(), n);
      },
      kEps);
  EXPECT_GT(wrong[0].relative_error(), kSmoothTolerance);
}

TEST_F(LayerTest, ResidualBackward) {
  const std::int64_t n = 11;
  GradCheck check(device);
  auto& stream = check.input("stream", normal_values(n, 1.0f, 8, "stream"));
  auto& branch = check.input("branch", normal_values(n, 1.0f, 8, "branch"));
  DeviceBuffer<float> y(device, n);
  const auto dy_host = normal_values(n, 1.0f, 8, "dy");
  const auto dy = device::make_buffer(device, dy_host);
  auto results = check.run(
      [&] {
        residual_forward(device, y.data(), stream.value.data(), branch.value.data(), n);
        return projected(device, y.data(), dy_host);
      },
      [&] { residual_backward(device, stream.grad.data(), branch.grad.data(), dy.data(), n); },
      kEps);
  expect_gradient_matches(results[0], kLinearTolerance, "residual stream");
  expect_gradient_matches(results[1], kLinearTolerance, "residual branch");
}

// Naive causal attention in double: y(B, T, C) from qkv(B, T, 3C).
std::vector<double> naive_attention(const std::vector<float>& qkv, const AttentionShape& s) {
  const std::int64_t T = s.T, C = s.C, hs = C / s.NH;
  std::vector<double> y(static_cast<std::size_t>(s.B * T * C), 0.0);
  for (std::int64_t b = 0; b < s.B; ++b) {
    for (std::int64_t h = 0; h < s.NH; ++h) {
      for (std::int64_t t = 0; t < T; ++t) {
        const float* q = qkv.data() + (b * T + t) * 3 * C + h * hs;
        std::vector<double> score(static_cast<std::size_t>(t + 1));
        double max_score = -1e300;
        for (std::int64_t u = 0; u <= t; ++u) {
          const float* k = qkv.data() + (b * T + u) * 3 * C + C + h * hs;
          double dot = 0.0;
          for (std::int64_t i = 0; i < hs; ++i) dot += double{q[i]} * k[i];
          score[u] = dot / std::sqrt(static_cast<double>(hs));
          max_score = std::max(max_score, score[u]);
        }
        double total = 0.0;
        for (double& v : score) total += v = std::exp(v - max_score);
        for (std::int64_t u = 0; u <= t; ++u) {
          const float* v = qkv.data() + (b * T + u) * 3 * C + 2 * C + h * hs;
          for (std::int64_t i = 0; i < hs; ++i) {
            y[(b * T + t) * C + h * hs + i] += score[u] / total * v[i];
          }
        }
      }
    }
  }
  return y;
}

TEST_F(LayerTest, AttentionForwardMatchesNaiveLoop) {
  const AttentionShape s{3, 7, 10, 2};  // hs = 5, odd sizes
  const auto qkv_host = normal_values(s.B * s.T * 3 * s.C, 1.0f, 9, "qkv");
  const auto qkv = device::make_buffer(device, qkv_host);
  DeviceBuffer<float> y(device, s.B * s.T * s.C), att(device, s.B * s.NH * s.T * s.T),
      preatt(device, s.B * s.NH * s.T * s.T);
  attention_forward(device, y.data(), att.data(), preatt.data(), qkv.data(), s);
  const std::vector<float> got = y.download();
  const std::vector<double> expected = naive_attention(qkv_host, s);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], expected[i], 1e-5 * (1.0 + std::abs(expected[i]))) << i;
  }
  // Causal: probabilities above the diagonal are exactly zero.
  const std::vector<float> probs = att.download();
  for (std::int64_t r = 0; r < s.B * s.NH * s.T; ++r) {
    for (std::int64_t u = r % s.T + 1; u < s.T; ++u) EXPECT_EQ(probs[r * s.T + u], 0.0f);
  }
}

TEST_F(LayerTest, AttentionBackward) {
  const AttentionShape s{2, 5, 6, 2};  // hs = 3
  GradCheck check(device);
  auto& qkv = check.input("qkv", normal_values(s.B * s.T * 3 * s.C, 1.0f, 10, "qkv"));
  const std::int64_t scores = s.B * s.NH * s.T * s.T;
  DeviceBuffer<float> y(device, s.B * s.T * s.C), att(device, scores), preatt(device, scores),
      datt(device, scores), dpreatt(device, scores);
  const auto dy_host = normal_values(s.B * s.T * s.C, 1.0f, 10, "dy");
  const auto dy = device::make_buffer(device, dy_host);
  auto loss = [&] {
    attention_forward(device, y.data(), att.data(), preatt.data(), qkv.value.data(), s);
    return projected(device, y.data(), dy_host);
  };
  auto results = check.run(
      loss,
      [&] {
        attention_backward(device, qkv.grad.data(), datt.data(), dpreatt.data(), dy.data(),
                           qkv.value.data(), att.data(), s);
      },
      kEps, 180);
  expect_gradient_matches(results[0], kSmoothTolerance, "attention dqkv");

  // Bug: backward through probabilities computed without the 1/sqrt(hs) scale.
  DeviceBuffer<float> unscaled(device, scores);
  auto wrong = check.run(
      loss,
      [&] {
        device.softmax_forward(preatt.data(), unscaled.data(), s.B * s.NH * s.T, s.T, 1.0f, true);
        attention_backward(device, qkv.grad.data(), datt.data(), dpreatt.data(), dy.data(),
                           qkv.value.data(), unscaled.data(), s);
      },
      kEps, 180);
  EXPECT_GT(wrong[0].relative_error(), kSmoothTolerance);
}

TEST_F(LayerTest, AttentionIsCausal) {
  const AttentionShape s{1, 6, 4, 2};
  std::vector<float> qkv_host = normal_values(s.T * 3 * s.C, 1.0f, 11, "qkv");
  DeviceBuffer<float> y(device, s.T * s.C), att(device, s.NH * s.T * s.T),
      preatt(device, s.NH * s.T * s.T);
  auto run = [&] {
    const auto qkv = device::make_buffer(device, qkv_host);
    attention_forward(device, y.data(), att.data(), preatt.data(), qkv.data(), s);
    return y.download();
  };
  const std::vector<float> before = run();
  for (std::int64_t i = 0; i < 3 * s.C; ++i) qkv_host[(s.T - 1) * 3 * s.C + i] += 1.0f;
  const std::vector<float> after = run();
  for (std::int64_t i = 0; i < (s.T - 1) * s.C; ++i) EXPECT_EQ(before[i], after[i]) << i;
  EXPECT_NE(before[(s.T - 1) * s.C], after[(s.T - 1) * s.C]);
}

TEST_F(LayerTest, CrossEntropyForwardAndBackward) {
  const std::int64_t N = 6, V = 7;
  GradCheck check(device);
  const auto logits_host = normal_values(N * V, 2.0f, 12, "logits");
  auto& logits = check.input("logits", logits_host);
  const std::vector<std::int32_t> target_ids{0, 6, 3, 3, 1, 5};
  const auto targets = device::make_buffer(device, target_ids);
  DeviceBuffer<float> probs(device, N * V), losses(device, N), loss_sum(device, 1);
  auto loss = [&] {
    return double{cross_entropy_forward(device, probs.data(), losses.data(), loss_sum.data(),
                                        logits.value.data(), targets.data(), N, V)};
  };
  // Reference: mean of log-sum-exp minus the target logit, in double.
  double expected = 0.0;
  for (std::int64_t i = 0; i < N; ++i) {
    double total = 0.0;
    for (std::int64_t j = 0; j < V; ++j) total += std::exp(double{logits_host[i * V + j]});
    expected += std::log(total) - logits_host[i * V + target_ids[i]];
  }
  EXPECT_NEAR(loss(), expected / N, 1e-5);
  auto results = check.run(
      loss,
      [&] {
        cross_entropy_backward(device, logits.grad.data(), probs.data(), targets.data(), N, V);
      },
      kEps);
  expect_gradient_matches(results[0], kSmoothTolerance, "cross-entropy dlogits");
}

}  // namespace
}  // namespace dojo::model
