// Delayed scaling: amax, its history, and the bias chosen from it.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "dojo/numerics/cfloat.hpp"

namespace dojo::numerics {
namespace {

const float inf = std::numeric_limits<float>::infinity();
const float nan = std::numeric_limits<float>::quiet_NaN();

TEST(NumericsBias, AmaxIsTheLargestMagnitudeWithNanAsInf) {
  std::vector<float> x = {1.0f, -7.5f, 3.0f, -0.0f};
  EXPECT_EQ(amax(x.data(), x.size()), 7.5f);
  EXPECT_EQ(amax(x.data(), 0), 0.0f);
  x.push_back(nan);
  EXPECT_EQ(amax(x.data(), x.size()), inf);
  x.back() = -inf;
  EXPECT_EQ(amax(x.data(), x.size()), inf);
  std::vector<float> tiny = {-1e-45f, 0.0f};
  EXPECT_EQ(amax(tiny.data(), tiny.size()), 1e-45f);
}

TEST(NumericsBias, HandComputedBiases) {
  // 1-4-3: max_finite(b) = 1.875 x 2^(15 - b); bias 7 holds 480, bias 8 only 240.
  EXPECT_EQ(choose_bias(Format::cfp8_143, 480.0f), 7);
  EXPECT_EQ(choose_bias(Format::cfp8_143, 481.0f), 6);
  EXPECT_EQ(choose_bias(Format::cfp8_143, 240.0f), 8);
  EXPECT_EQ(choose_bias(Format::cfp8_143, 240.0f, 1), 7);   // one binade of headroom
  EXPECT_EQ(choose_bias(Format::cfp8_143, 480.0f, -1), 8);  // negative margin clips on purpose
  // 1-5-2: max_finite(b) = 1.75 x 2^(31 - b); bias 15 holds 114688.
  EXPECT_EQ(choose_bias(Format::cfp8_152, 114688.0f), 15);
  EXPECT_EQ(choose_bias(Format::cfp8_152, 1.0f), 31);  // 1.75 >= 1 at bias 31, 0.875 < 1 at 32
  // CFloat16 uses its top exponent field for numbers: bias 16 already holds IEEE half's 65504.
  EXPECT_EQ(choose_bias(Format::cfp16, 65504.0f), 16);
  EXPECT_EQ(choose_bias(Format::cfp16, 65505.0f), 15);
  // Ends of the range and non-finite amax.
  EXPECT_EQ(choose_bias(Format::cfp8_143, 0.0f), 63);
  EXPECT_EQ(choose_bias(Format::cfp8_143, 1e-30f), 63);
  EXPECT_EQ(choose_bias(Format::cfp8_143, 1e30f), 0);
  EXPECT_EQ(choose_bias(Format::cfp8_143, inf), 0);
  EXPECT_EQ(choose_bias(Format::cfp8_143, nan), 0);
  // Formats without a per-tensor bias.
  EXPECT_EQ(choose_bias(Format::ucfp16, 5.0f), 31);
  EXPECT_EQ(choose_bias(Format::bf16, 5.0f), 0);
  EXPECT_EQ(choose_bias(Format::fp32, 5.0f), 0);
}

TEST(NumericsBias, ChosenBiasIsTheLargestThatDoesNotClip) {
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> exponent(-70.0f, 40.0f);
  for (Format f : {Format::cfp8_143, Format::cfp8_152, Format::cfp16})
    for (int i = 0; i < 2000; ++i) {
      const float a = std::exp2(exponent(rng));
      const int b = choose_bias(f, a);
      ASSERT_GE(b, 0);
      ASSERT_LE(b, 63);
      if (b > 0) {
        ASSERT_GE(max_finite({f, b}), a) << format_name(f) << " amax " << a;
      }
      if (b < 63) {
        ASSERT_LT(max_finite({f, b + 1}), a) << format_name(f) << " amax " << a;
      }
      // And amax then survives a round trip, neither clipped nor (unless the bias is at its ends)
      // flushed.
      if (b > 0 && b < 63) {
        float y = 0;
        round_trip(&a, &y, 1, {f, b}, Rounding::nearest_even);
        ASSERT_LE(std::fabs(y - a), a / 4) << format_name(f) << " amax " << a;
      }
    }
}

TEST(NumericsBias, EventsCountWhatConversionWouldDo) {
  // 1-4-3 bias 7: max 480, smallest normal 2^-6, smallest denormal 2^-9.
  const float tiny = std::ldexp(1.0f, -9);
  std::vector<float> x = {1.0f,      480.0f,      481.0f, -1000.0f,  inf,
                          -inf,      nan,         0.0f,   -0.0f,     tiny / 2,
                          -tiny / 4, tiny * 0.6f, tiny,   -tiny * 7, std::ldexp(1.0f, -6)};
  const FormatEvents e = count_events(x.data(), x.size(), {Format::cfp8_143, 7});
  EXPECT_EQ(e.invalid, 1u);
  EXPECT_EQ(e.overflow, 4u);   // 481, -1000, +-Inf
  EXPECT_EQ(e.underflow, 2u);  // tiny / 2 (a tie, to even: 0) and tiny / 4
  EXPECT_EQ(e.denormal, 3u);   // 0.6 tiny, tiny, -7 tiny; 2^-6 is the smallest normal
  EXPECT_EQ(e.negative, 0u);
  // The counts agree with what the conversion does: overflow saturates, underflow gives 0.
  std::vector<float> y(x.size());
  round_trip(x.data(), y.data(), x.size(), {Format::cfp8_143, 7}, Rounding::nearest_even);
  EXPECT_EQ(y[2], 480.0f);
  EXPECT_EQ(y[9], 0.0f);
  EXPECT_EQ(y[10], -0.0f);
  EXPECT_EQ(y[11], tiny);
  // The unsigned layout counts negatives; FP32 only NaNs.
  const FormatEvents u = count_events(x.data(), x.size(), {Format::ucfp16, 31});
  EXPECT_EQ(u.negative, 4u);  // -1000, -Inf, -tiny/4, -7 tiny (not -0)
  EXPECT_EQ(count_events(x.data(), x.size(), {Format::fp32, 0}).invalid, 1u);
  EXPECT_EQ(count_events(x.data(), x.size(), {Format::fp32, 0}).overflow, 0u);
}

TEST(NumericsBias, HistoryKeepsTheLastLengthValues) {
  AmaxHistory h(3);
  EXPECT_EQ(h.max(), 0.0f);
  EXPECT_TRUE(h.values().empty());
  h.push(5.0f);
  h.push(-1.0f);
  EXPECT_EQ(h.max(), 5.0f);
  EXPECT_EQ(h.values(), (std::vector<float>{5.0f, 1.0f}));
  h.push(2.0f);
  h.push(3.0f);  // 5 falls out
  EXPECT_EQ(h.max(), 3.0f);
  EXPECT_EQ(h.values(), (std::vector<float>{1.0f, 2.0f, 3.0f}));
  h.push(nan);
  EXPECT_EQ(h.max(), inf);
  EXPECT_THROW(AmaxHistory(0), std::invalid_argument);
}

TEST(NumericsBias, HistoryRestoresFromItsValues) {
  AmaxHistory h(4);
  for (float v : {1.0f, 9.0f, 2.0f, 3.0f, 4.0f, 0.5f}) h.push(v);
  AmaxHistory copy(4);
  copy.restore(h.values());
  EXPECT_EQ(copy.values(), h.values());
  EXPECT_EQ(copy.max(), h.max());
  // The two evolve identically afterwards.
  h.push(0.25f);
  copy.push(0.25f);
  EXPECT_EQ(copy.values(), h.values());
  // Restoring more values than the length keeps the newest.
  AmaxHistory shorter(2);
  shorter.restore({7.0f, 1.0f, 2.0f});
  EXPECT_EQ(shorter.values(), (std::vector<float>{1.0f, 2.0f}));
}

}  // namespace
}  // namespace dojo::numerics
