// The conversions against the reference in reference.hpp: every code of both CFloat8 layouts at
// several biases, every CFloat16 and BF16 code, ties, saturation, denormals and random values.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "reference.hpp"

namespace dojo::numerics {
namespace {

const int biases[] = {0, 7, 15, 31, 63};

std::vector<FormatSpec> specs_with_codes() {
  std::vector<FormatSpec> specs;
  for (Format f : {Format::cfp8_143, Format::cfp8_152, Format::cfp16})
    for (int b : biases) specs.push_back({f, b});
  specs.push_back({Format::ucfp16, 31});
  specs.push_back({Format::bf16, 0});
  return specs;
}

std::string describe(FormatSpec spec) {
  return std::string(format_name(spec.format)) + " bias " + std::to_string(spec.bias);
}

// Encode/decode through the 8- or 16-bit API, whichever the format has.
std::vector<std::uint32_t> encode(const std::vector<float>& x, FormatSpec spec) {
  std::vector<std::uint32_t> codes(x.size());
  if (bytes_per_element(spec.format) == 1) {
    std::vector<std::uint8_t> c(x.size());
    encode8(x.data(), c.data(), x.size(), spec, Rounding::nearest_even, nullptr);
    std::copy(c.begin(), c.end(), codes.begin());
  } else {
    std::vector<std::uint16_t> c(x.size());
    encode16(x.data(), c.data(), x.size(), spec, Rounding::nearest_even, nullptr);
    std::copy(c.begin(), c.end(), codes.begin());
  }
  return codes;
}

std::vector<float> decode(const std::vector<std::uint32_t>& codes, FormatSpec spec) {
  std::vector<float> out(codes.size());
  if (bytes_per_element(spec.format) == 1) {
    std::vector<std::uint8_t> c(codes.begin(), codes.end());
    decode8(c.data(), out.data(), c.size(), spec);
  } else {
    std::vector<std::uint16_t> c(codes.begin(), codes.end());
    decode16(c.data(), out.data(), c.size(), spec);
  }
  return out;
}

TEST(NumericsReference, HandPickedValuesFromTheSpec) {
  // Figures the format description states directly (and the OCP comparison table).
  EXPECT_EQ(max_finite({Format::cfp8_143, 7}), 480.0);
  EXPECT_EQ(min_normal({Format::cfp8_143, 7}), std::ldexp(1.0, -6));
  EXPECT_EQ(max_finite({Format::cfp8_152, 15}), 114688.0);
  EXPECT_EQ(min_normal({Format::cfp8_152, 15}), std::ldexp(1.0, -14));
  EXPECT_EQ(min_normal({Format::cfp8_143, 0}), 2.0);
  EXPECT_EQ(max_finite({Format::cfp8_143, 0}), 1.875 * std::ldexp(1.0, 15));
  EXPECT_EQ(min_normal({Format::cfp8_143, 63}), std::ldexp(1.0, -62));
  EXPECT_EQ(max_finite({Format::cfp8_143, 63}), 1.875 * std::ldexp(1.0, -48));
  EXPECT_EQ(max_finite({Format::ucfp16, 0}), (2.0 - std::ldexp(1.0, -10)) * std::ldexp(1.0, 32));
  EXPECT_EQ(max_finite({Format::bf16, 0}), static_cast<double>(std::bit_cast<float>(0x7f7f0000u)));
  EXPECT_EQ(min_positive({Format::cfp8_143, 7}), std::ldexp(1.0, -9));  // 0.001 x 2^(1-7)
  // Codes written out by hand (1-4-3, bias 7): 0 0111 000 = 1.0, 0 1111 111 = 480, 1 0111 000 = -1,
  // 0 0000 001 = the smallest denormal 2^-9, 1 0000 000 = -0.
  std::vector<std::uint32_t> codes = {0x38, 0x7f, 0xb8, 0x01, 0x80};
  std::vector<float> values = decode(codes, {Format::cfp8_143, 7});
  EXPECT_EQ(values[0], 1.0f);
  EXPECT_EQ(values[1], 480.0f);
  EXPECT_EQ(values[2], -1.0f);
  EXPECT_EQ(values[3], std::ldexp(1.0f, -9));
  EXPECT_EQ(values[4], 0.0f);
  EXPECT_TRUE(std::signbit(values[4]));
}

// Codes worked out by hand from the layout (sign | exponent field | mantissa), one table per
// format: a check of the library and of the reference above that shares no code with either.
TEST(NumericsReference, HandWorkedCodeTable) {
  struct Row {
    FormatSpec spec;
    std::uint32_t code;
    double value;
  };
  const double p2_16 = 65536.0;
  const Row rows[] = {
      // 1-5-2, bias 15: 0 01111 00 = 1; 0 11111 11 = 1.75 x 2^16; 0 00001 00 = 2^-14 (smallest
      // normal); 0 00000 11 = 0.75 x 2^-14; 0 00000 01 = 2^-16; 1 10000 01 = -1.25 x 2^1.
      {{Format::cfp8_152, 15}, 0x3c, 1.0},
      {{Format::cfp8_152, 15}, 0x7f, 1.75 * p2_16},
      {{Format::cfp8_152, 15}, 0x04, std::ldexp(1.0, -14)},
      {{Format::cfp8_152, 15}, 0x03, 0.75 * std::ldexp(1.0, -14)},
      {{Format::cfp8_152, 15}, 0x01, std::ldexp(1.0, -16)},
      {{Format::cfp8_152, 15}, 0xc1, -2.5},
      // 1-4-3, bias 0: 0 0001 000 = 2; 0 1111 111 = 1.875 x 2^15; 0 0000 100 = 0.5 x 2^1 = 1.
      {{Format::cfp8_143, 0}, 0x08, 2.0},
      {{Format::cfp8_143, 0}, 0x7f, 61440.0},
      {{Format::cfp8_143, 0}, 0x04, 1.0},
      // 1-5-10, bias 15: 1 = 0x3c00; field 30 all ones = 65504; field 31 is a number, not Inf:
      // (2 - 2^-10) x 2^16 = 131008; the smallest denormal 2^-24; 0x8000 = -0.
      {{Format::cfp16, 15}, 0x3c00, 1.0},
      {{Format::cfp16, 15}, 0x7bff, 65504.0},
      {{Format::cfp16, 15}, 0x7fff, 131008.0},
      {{Format::cfp16, 15}, 0x0001, std::ldexp(1.0, -24)},
      {{Format::cfp16, 15}, 0xbc00, -1.0},
      // 0-6-10, bias 31: 1 = field 31 = 0x7c00; all ones = (2 - 2^-10) x 2^32; 2^-30; 2^-40.
      {{Format::ucfp16, 31}, 0x7c00, 1.0},
      {{Format::ucfp16, 31}, 0xffff, 8585740288.0},
      {{Format::ucfp16, 31}, 0x0400, std::ldexp(1.0, -30)},
      {{Format::ucfp16, 31}, 0x0001, std::ldexp(1.0, -40)},
      // BF16: 1 = 0x3f80; -2 = 0xc000; the largest finite 0x7f7f; the smallest denormal 2^-133.
      {{Format::bf16, 0}, 0x3f80, 1.0},
      {{Format::bf16, 0}, 0xc000, -2.0},
      {{Format::bf16, 0}, 0x7f7f, 255.0 * std::ldexp(1.0, 120)},
      {{Format::bf16, 0}, 0x0001, std::ldexp(1.0, -133)},
  };
  for (const Row& row : rows) {
    const std::string what = describe(row.spec) + " code " + std::to_string(row.code);
    EXPECT_EQ(reference::decode(row.code, reference::layout(row.spec)), row.value) << what;
    const std::vector<float> decoded = decode({row.code}, row.spec);
    EXPECT_EQ(static_cast<double>(decoded[0]), row.value) << what;
    EXPECT_EQ(encode({static_cast<float>(row.value)}, row.spec)[0], row.code) << what;
  }
}

TEST(NumericsReference, EveryCodeDecodesAndReencodesAsTheReference) {
  std::size_t checked = 0;
  for (FormatSpec spec : specs_with_codes()) {
    const reference::Layout l = reference::layout(spec);
    const std::uint32_t count = 1u << (l.sign_bits + l.exponent_bits + l.mantissa_bits);
    std::vector<std::uint32_t> codes(count);
    for (std::uint32_t c = 0; c < count; ++c) codes[c] = c;
    const std::vector<float> values = decode(codes, spec);
    const std::vector<std::uint32_t> again = encode(values, spec);
    std::vector<float> trip(values.size());
    round_trip(values.data(), trip.data(), values.size(), spec, Rounding::nearest_even);
    for (std::uint32_t c = 0; c < count; ++c) {
      const double expected = reference::decode(c, l);
      if (std::isnan(expected)) {
        ASSERT_TRUE(std::isnan(values[c])) << describe(spec) << " code " << c;
        continue;
      }
      ASSERT_EQ(static_cast<double>(values[c]), expected) << describe(spec) << " code " << c;
      ASSERT_EQ(std::signbit(values[c]), std::signbit(expected)) << describe(spec) << " code " << c;
      ASSERT_EQ(again[c], c) << describe(spec) << " value " << values[c];
      ASSERT_EQ(std::bit_cast<std::uint32_t>(trip[c]), std::bit_cast<std::uint32_t>(values[c]))
          << describe(spec) << " code " << c;
      ++checked;
    }
  }
  EXPECT_GT(checked, 5u * 2 * 256 + 5u * 65536);
}

// Values halfway between neighbours go to the even code; a hair either side goes to the nearer one.
TEST(NumericsReference, TiesGoToEvenAndNeighboursOfTiesToTheNearer) {
  std::size_t ties = 0;
  for (FormatSpec spec : specs_with_codes()) {
    const reference::Layout l = reference::layout(spec);
    const std::uint32_t top = reference::max_code(l);
    const std::uint32_t stride = top > 4096 ? 7 : 1;  // a spread of the 16-bit codes
    std::vector<float> x;
    for (std::uint32_t c = 0; c < top; c += stride) {
      const double mid = (reference::decode(c, l) + reference::decode(c + 1, l)) / 2;
      const float f = static_cast<float>(mid);
      ASSERT_EQ(static_cast<double>(f), mid) << "midpoint not exact in float";
      for (float v : {f, std::nextafter(f, 0.0f), std::nextafter(f, INFINITY)})
        for (float s : {1.0f, -1.0f})
          if (l.sign_bits || s > 0) x.push_back(s * v);
    }
    const std::vector<std::uint32_t> got = encode(x, spec);
    for (std::size_t i = 0; i < x.size(); ++i)
      ASSERT_EQ(got[i], reference::encode_nearest_even(x[i], l)) << describe(spec) << " x=" << x[i];
    ties += x.size();
  }
  EXPECT_GT(ties, 10000u);
}

TEST(NumericsReference, RandomValuesAcrossTheRangeRoundAsTheReference) {
  std::mt19937_64 rng(11);
  for (FormatSpec spec : specs_with_codes()) {
    const reference::Layout l = reference::layout(spec);
    // Log-uniform magnitudes from 8 binades below the smallest denormal to 4 above the largest.
    const double lo = std::log2(min_positive(spec)) - 8, hi = std::log2(max_finite(spec)) + 4;
    std::uniform_real_distribution<double> exponent(lo, std::min(hi, 127.9));
    std::vector<float> x(20000);
    for (float& v : x)
      v = static_cast<float>(std::exp2(exponent(rng))) * (rng() & 1 ? -1.0f : 1.0f);
    const std::vector<std::uint32_t> got = encode(x, spec);
    for (std::size_t i = 0; i < x.size(); ++i)
      ASSERT_EQ(got[i], reference::encode_nearest_even(x[i], l)) << describe(spec) << " x=" << x[i];
  }
}

TEST(NumericsReference, NonFiniteAndOverflowSaturateInCFloat) {
  const float inf = std::numeric_limits<float>::infinity();
  const float qnan = std::numeric_limits<float>::quiet_NaN();
  const float negative_nan = std::bit_cast<float>(0xffc00000u);  // x86's default NaN
  const float signalling = std::bit_cast<float>(0x7f800001u);
  for (FormatSpec spec : specs_with_codes()) {
    if (spec.format == Format::bf16 || spec.format == Format::ucfp16) continue;
    const float max = static_cast<float>(max_finite(spec));
    std::vector<float> x = {inf,          -inf,       qnan,
                            negative_nan, signalling, 1e38f,
                            -1e38f,       max * 1.5f, std::numeric_limits<float>::max()};
    std::vector<float> y(x.size());
    for (Rounding r : {Rounding::nearest_even, Rounding::stochastic}) {
      const StochasticKey key{1, 2, 3};
      round_trip(x.data(), y.data(), x.size(), spec, r, &key);
      const std::vector<float> expected = {max, -max, max, max, max, max, -max, max, max};
      for (std::size_t i = 0; i < x.size(); ++i)
        EXPECT_EQ(y[i], expected[i]) << describe(spec) << " x=" << x[i];
    }
  }
  // Unsigned CFloat16: negatives (and -Inf) clamp to 0, NaN and +Inf to the largest value.
  const FormatSpec u{Format::ucfp16, 31};
  const float umax = static_cast<float>(max_finite(u));
  std::vector<float> x = {-1.0f, -inf, negative_nan, inf, 1e30f, -0.0f};
  std::vector<float> y(x.size());
  round_trip(x.data(), y.data(), x.size(), u, Rounding::nearest_even);
  const std::vector<float> expected = {0.0f, 0.0f, umax, umax, umax, 0.0f};
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_EQ(y[i], expected[i]) << "ucfp16 x=" << x[i];
  EXPECT_FALSE(std::signbit(y[5]));
}

TEST(NumericsReference, Bf16KeepsInfAndNanAndOverflowsToInf) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> x = {inf,
                          -inf,
                          std::numeric_limits<float>::quiet_NaN(),
                          std::bit_cast<float>(0x7f800001u),
                          std::numeric_limits<float>::max(),
                          -std::numeric_limits<float>::max()};
  std::vector<float> y(x.size());
  round_trip(x.data(), y.data(), x.size(), {Format::bf16, 0}, Rounding::nearest_even);
  EXPECT_EQ(y[0], inf);
  EXPECT_EQ(y[1], -inf);
  EXPECT_TRUE(std::isnan(y[2]));
  EXPECT_TRUE(std::isnan(y[3]));  // a signalling NaN whose payload sits below bit 16 stays a NaN
  EXPECT_EQ(y[4], inf);
  EXPECT_EQ(y[5], -inf);
}

TEST(NumericsReference, FiniteInputNeverGivesNan) {
  std::mt19937 rng(5);
  std::vector<float> x;
  while (x.size() < 200000) {
    const float f = std::bit_cast<float>(static_cast<std::uint32_t>(rng()));
    if (std::isfinite(f)) x.push_back(f);
  }
  std::vector<float> y(x.size());
  const StochasticKey key{9, 9, 9};
  for (FormatSpec spec : specs_with_codes())
    for (Rounding r : {Rounding::nearest_even, Rounding::stochastic}) {
      round_trip(x.data(), y.data(), x.size(), spec, r, &key);
      for (std::size_t i = 0; i < x.size(); ++i) {
        ASSERT_FALSE(std::isnan(y[i])) << describe(spec) << " x=" << x[i];
        if (spec.format != Format::bf16) {
          ASSERT_TRUE(std::isfinite(y[i])) << describe(spec) << " x=" << x[i];
        }
      }
    }
}

// Denormals are IEEE-style, 0.m x 2^(1 - bias): the largest denormal plus one step is the smallest
// normal (no gap), and values below half the smallest denormal flush to (signed) zero.
TEST(NumericsReference, DenormalsAreIeeeStyleWithoutAGap) {
  for (FormatSpec spec : specs_with_codes()) {
    if (spec.format == Format::bf16) continue;
    const reference::Layout l = reference::layout(spec);
    const std::uint32_t largest_denormal = (1u << l.mantissa_bits) - 1u;
    const std::vector<float> v = decode({1u, largest_denormal, largest_denormal + 1u}, spec);
    EXPECT_EQ(v[0], static_cast<float>(min_positive(spec))) << describe(spec);
    EXPECT_EQ(v[1] + v[0], v[2]) << describe(spec);
    EXPECT_EQ(v[2], static_cast<float>(min_normal(spec))) << describe(spec);
    const float tiny = static_cast<float>(min_positive(spec));
    std::vector<float> x = {tiny / 2, tiny * 0.75f, tiny * 1.5f, tiny * 2.5f, tiny / 3, -tiny / 3};
    std::vector<float> y(x.size());
    round_trip(x.data(), y.data(), x.size(), spec, Rounding::nearest_even);
    EXPECT_EQ(y[0], 0.0f) << describe(spec);      // tie between 0 and 1 step: even (0)
    EXPECT_EQ(y[1], tiny) << describe(spec);      // nearer to 1 step
    EXPECT_EQ(y[2], 2 * tiny) << describe(spec);  // tie between 1 and 2 steps: even (2)
    EXPECT_EQ(y[3], 2 * tiny) << describe(spec);  // tie between 2 and 3 steps: even (2)
    EXPECT_EQ(y[4], 0.0f) << describe(spec);
    if (l.sign_bits) {
      EXPECT_TRUE(std::signbit(y[5])) << describe(spec);
    }
  }
}

TEST(NumericsReference, FormatNamesAndSizes) {
  for (Format f : {Format::fp32, Format::bf16, Format::cfp16, Format::ucfp16, Format::cfp8_143,
                   Format::cfp8_152})
    EXPECT_EQ(parse_format(format_name(f)), f);
  EXPECT_FALSE(parse_format("fp8"));
  EXPECT_EQ(bytes_per_element(Format::fp32), 4u);
  EXPECT_EQ(bytes_per_element(Format::cfp16), 2u);
  EXPECT_EQ(bytes_per_element(Format::cfp8_152), 1u);
}

TEST(NumericsReference, BadArgumentsAreRefused) {
  float x = 1.0f, y = 0.0f;
  std::uint8_t c8 = 0;
  std::uint16_t c16 = 0;
  EXPECT_THROW(round_trip(&x, &y, 1, {Format::cfp8_143, 64}, Rounding::nearest_even),
               std::invalid_argument);
  EXPECT_THROW(round_trip(&x, &y, 1, {Format::cfp16, -1}, Rounding::nearest_even),
               std::invalid_argument);
  EXPECT_THROW(round_trip(&x, &y, 1, {Format::cfp8_143, 7}, Rounding::stochastic, nullptr),
               std::invalid_argument);
  EXPECT_THROW(encode8(&x, &c8, 1, {Format::cfp16, 7}, Rounding::nearest_even, nullptr),
               std::invalid_argument);
  EXPECT_THROW(encode16(&x, &c16, 1, {Format::fp32, 0}, Rounding::nearest_even, nullptr),
               std::invalid_argument);
  EXPECT_THROW(
      round_trip_2d(&x, &y, 1, 2, 1, {Format::bf16, 0}, Rounding::nearest_even, nullptr, 2, 0, 0),
      std::invalid_argument);  // ld < cols
  // The bias of ucfp16 is fixed: whatever the spec says, 31 is used.
  round_trip(&x, &y, 1, {Format::ucfp16, 99}, Rounding::nearest_even);
  EXPECT_EQ(y, 1.0f);
}

}  // namespace
}  // namespace dojo::numerics
