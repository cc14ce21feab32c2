// Host GEMM (BLIS) against a naive long-double product: all four transpose combinations, padded
// leading dimensions, alpha/beta, float and double, strided batches, the attention layout, and the
// argument checks. The error bound scales with K (gemm_check.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <tuple>

#include "device_test_util.hpp"
#include "dojo/common/error.hpp"
#include "dojo/device/buffer.hpp"
#include "dojo/device/host_device.hpp"
#include "gemm_check.hpp"

namespace dojo::device::test {
namespace {

using i64 = std::int64_t;

struct Mnk {
  i64 m, n, k;
};

// 1x1x1, odd, K larger than M and N; and one large (1000 x 1024 output, K = 256), run only in
// the padded alpha/beta form to keep the naive reference's time down.
const Mnk kShapes[] = {{1, 1, 1}, {7, 13, 5}, {13, 7, 29}, {127, 257, 129}};
const Mnk kLargeShape[] = {{1000, 1024, 256}};
const Op kOps[] = {Op::none, Op::transpose};

// (shape, op_a, op_b, padded-with-alpha-beta)
using Param = std::tuple<Mnk, Op, Op, bool>;

GemmProblem problem_of(const Param& param) {
  const auto& [shape, op_a, op_b, general] = param;
  GemmProblem p{.op_a = op_a, .op_b = op_b, .m = shape.m, .n = shape.n, .k = shape.k};
  if (general) {  // padded ld, alpha and a non-zero beta: C's old value must be read
    p.ld_pad = 3;
    p.alpha = 0.75;
    p.beta = -1.25;
  }
  return p;
}

template <typename T>
void expect_gemm_matches_naive(Device& device, const GemmProblem& p, std::uint32_t seed) {
  const auto operands = make_operands<T>(p, seed);
  std::vector<double> want, bound;
  naive_gemm(p, operands, want, bound);
  EXPECT_TRUE(within_bound(run_gemm(device, p, operands), want, bound)) << describe(p);
}

class DeviceGemmHost : public ::testing::TestWithParam<Param> {};

TEST_P(DeviceGemmHost, FloatMatchesNaive) {
  HostDevice host(2);
  expect_gemm_matches_naive<float>(host, problem_of(GetParam()), 1);
}

TEST_P(DeviceGemmHost, DoubleMatchesNaive) {
  HostDevice host(2);
  expect_gemm_matches_naive<double>(host, problem_of(GetParam()), 2);
}

std::string gemm_label(const ::testing::TestParamInfo<Param>& info) {
  const auto& [shape, op_a, op_b, general] = info.param;
  return std::to_string(shape.m) + "x" + std::to_string(shape.n) + "x" + std::to_string(shape.k) +
         "_" + ops_label(op_a, op_b) + (general ? "_padded_alpha_beta" : "_plain");
}

INSTANTIATE_TEST_SUITE_P(AllTransposes, DeviceGemmHost,
                         ::testing::Combine(::testing::ValuesIn(kShapes), ::testing::ValuesIn(kOps),
                                            ::testing::ValuesIn(kOps), ::testing::Bool()),
                         gemm_label);
INSTANTIATE_TEST_SUITE_P(Large, DeviceGemmHost,
                         ::testing::Combine(::testing::ValuesIn(kLargeShape),
                                            ::testing::ValuesIn(kOps), ::testing::ValuesIn(kOps),
                                            ::testing::Values(true)),
                         gemm_label);

// Batches: one thread loops with BLIS threads, two threads run one product per thread.
class DeviceGemmBatched : public ::testing::TestWithParam<std::tuple<Op, Op, int>> {};

TEST_P(DeviceGemmBatched, FloatAndDoubleMatchNaive) {
  const auto& [op_a, op_b, threads] = GetParam();
  HostDevice host(threads);
  for (const Mnk& s : {Mnk{7, 13, 9}, Mnk{64, 48, 80}}) {
    const GemmProblem p{.op_a = op_a,
                        .op_b = op_b,
                        .m = s.m,
                        .n = s.n,
                        .k = s.k,
                        .ld_pad = 2,
                        .alpha = -0.5,
                        .beta = 0.25,
                        .batch_count = 5,
                        .batch_gap = 7};
    expect_gemm_matches_naive<float>(host, p, 3);
    expect_gemm_matches_naive<double>(host, p, 4);
  }
}

std::string batched_label(const ::testing::TestParamInfo<std::tuple<Op, Op, int>>& info) {
  const auto& [op_a, op_b, threads] = info.param;
  return ops_label(op_a, op_b) + "_" + std::to_string(threads) + "t";
}

INSTANTIATE_TEST_SUITE_P(AllTransposes, DeviceGemmBatched,
                         ::testing::Combine(::testing::ValuesIn(kOps), ::testing::ValuesIn(kOps),
                                            ::testing::Values(1, 2)),
                         batched_label);

TEST(DeviceGemm, BetaZeroDoesNotReadC) {
  HostDevice host(2);
  GemmProblem p{.m = 33, .n = 17, .k = 40, .alpha = 1.0, .beta = 0.0};
  auto operands = make_operands<float>(p, 5);
  for (float& c : operands.c) c = std::numeric_limits<float>::quiet_NaN();
  std::vector<double> want, bound;
  naive_gemm(p, operands, want, bound);
  EXPECT_TRUE(within_bound(run_gemm(host, p, operands), want, bound));
}

TEST(DeviceGemm, EmptyInnerDimensionScalesC) {
  HostDevice host(1);
  const GemmProblem p{.m = 4, .n = 6, .k = 0, .alpha = 2.0, .beta = 0.5};
  const auto operands = make_operands<float>(p, 6);
  const auto got = run_gemm(host, p, operands);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], 0.5f * operands.c[i]) << i;
}

// Attention scores straight from a (B, T, 3C) qkv tensor, as Device::gemm_batched documents:
// per batch b, H products att[b, h] (T, T) = scale * q_h (T, hs) @ k_h (T, hs)^T, no permute.
TEST(DeviceGemm, BatchedOverHeadsOfInterleavedQkv) {
  constexpr i64 B = 2, T = 16, C = 32, H = 4, hs = C / H;
  HostDevice host(2);
  const auto qkv_host = random_floats(B * T * 3 * C, 7);  // (B, T, 3C)
  auto qkv = make_buffer(host, qkv_host);
  DeviceBuffer<float> att(host, B * H * T * T);
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
  for (i64 b = 0; b < B; ++b) {
    const float* q = qkv.data() + b * T * 3 * C;
    host.gemm_batched(Op::none, Op::transpose, T, T, hs, scale, q, 3 * C, hs, q + C, 3 * C, hs,
                      0.0f, att.data() + b * H * T * T, T, T * T, H);
  }
  const auto got = att.download();
  for (i64 b = 0; b < B; ++b) {
    for (i64 h = 0; h < H; ++h) {
      for (i64 t1 = 0; t1 < T; ++t1) {
        for (i64 t2 = 0; t2 < T; ++t2) {
          double dot = 0.0, dot_abs = 0.0;
          for (i64 i = 0; i < hs; ++i) {
            const double term = double{qkv_host[(b * T + t1) * 3 * C + h * hs + i]} *
                                qkv_host[(b * T + t2) * 3 * C + C + h * hs + i];
            dot += term;
            dot_abs += std::abs(term);
          }
          const double bound = 2.0 * (hs + 2) * 0x1p-24 * scale * dot_abs;
          EXPECT_NEAR(got[((b * H + h) * T + t1) * T + t2], scale * dot, bound)
              << "b=" << b << " h=" << h << " t1=" << t1 << " t2=" << t2;
        }
      }
    }
  }
}

template <typename Call>
void expect_internal_error(Call call, const std::string& fragment) {
  try {
    call();
    ADD_FAILURE() << "no error raised; expected one mentioning '" << fragment << "'";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::internal);
    EXPECT_NE(error.message().find(fragment), std::string::npos) << error.message();
  }
}

TEST(DeviceGemm, RejectsBadArguments) {
  HostDevice host(1);
  DeviceBuffer<float> a(host, 64), b(host, 64), c(host, 64);
  expect_internal_error(
      [&] {
        host.gemm(Op::none, Op::none, 4, 4, 4, 1.0f, a.data(), 3, b.data(), 4, 0.0f, c.data(), 4);
      },
      "lda = 3");
  expect_internal_error(
      [&] {
        host.gemm(Op::transpose, Op::none, 4, 2, 3, 1.0f, a.data(), 3, b.data(), 2, 0.0f, c.data(),
                  2);
      },
      "lda = 3");  // A^T stored (k, m) = (3, 4) needs lda >= 4
  expect_internal_error(
      [&] {
        host.gemm(Op::none, Op::none, -1, 4, 4, 1.0f, a.data(), 4, b.data(), 4, 0.0f, c.data(), 4);
      },
      "m = -1");
  expect_internal_error(
      [&] {
        host.gemm(Op::none, Op::none, 4, 4, 4, 1.0f, nullptr, 4, b.data(), 4, 0.0f, c.data(), 4);
      },
      "A is null");
  expect_internal_error(
      [&] {
        host.gemm_batched(Op::none, Op::none, 2, 2, 2, 1.0f, a.data(), 2, 4, b.data(), 2, -4, 0.0f,
                          c.data(), 2, 4, 3);
      },
      "stride_b = -4");
}

}  // namespace
}  // namespace dojo::device::test
