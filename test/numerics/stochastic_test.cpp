// Stochastic rounding: unbiased across the range, only ever the two neighbours, reproducible from
// the key, different for a different key, and independent of how a tensor is split (logical
// indices).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "reference.hpp"

namespace dojo::numerics {
namespace {

// The representable neighbours lo <= x <= hi of a positive x (by the reference).
std::pair<double, double> neighbours(double x, FormatSpec spec) {
  const reference::Layout l = reference::layout(spec);
  const std::uint32_t nearest = reference::encode_nearest_even(x, l);
  const double v = reference::decode(nearest, l);
  if (v <= x) return {v, reference::decode(nearest + 1, l)};
  return {reference::decode(nearest - 1, l), v};
}

TEST(NumericsStochastic, UnbiasedAcrossTheRangeAndOnlyNeighbours) {
  const std::size_t samples = 20000;
  std::mt19937_64 rng(1);
  std::size_t values_checked = 0;
  for (FormatSpec spec : {FormatSpec{Format::cfp8_143, 7}, FormatSpec{Format::cfp8_152, 15},
                          FormatSpec{Format::cfp8_143, 63}, FormatSpec{Format::cfp16, 31},
                          FormatSpec{Format::ucfp16, 31}, FormatSpec{Format::bf16, 0}}) {
    // Log-uniform values from the denormals to the top binade, not representable in general.
    std::uniform_real_distribution<double> exponent(std::log2(min_positive(spec)) + 0.5,
                                                    std::log2(max_finite(spec)) - 0.01);
    for (int v = 0; v < 40; ++v) {
      const float x = static_cast<float>(std::exp2(exponent(rng)));
      const auto [lo, hi] = neighbours(x, spec);
      std::vector<float> in(samples, x), out(samples);
      const StochasticKey key{77, static_cast<std::uint64_t>(v), 3};
      round_trip(in.data(), out.data(), samples, spec, Rounding::stochastic, &key);
      double sum = 0;
      for (float y : out) {
        ASSERT_TRUE(y == lo || y == hi) << format_name(spec.format) << " x=" << x << " y=" << y;
        sum += y;
      }
      const double mean = sum / samples;
      const double p = (x - lo) / (hi - lo);
      const double standard_error = (hi - lo) * std::sqrt(p * (1 - p) / samples);
      EXPECT_NEAR(mean, x, 4.5 * standard_error + 1e-9 * (hi - lo))
          << format_name(spec.format) << " x=" << x << " p=" << p;
      ++values_checked;
    }
  }
  EXPECT_EQ(values_checked, 240u);
}

// Far below the smallest denormal more than 31 bits are dropped and the kernel keeps 31 bits of the
// fraction; the rounding is still unbiased there (1 million samples of probabilities near 1e-4),
// and on float denormal input (BF16).
TEST(NumericsStochastic, UnbiasedFarBelowTheSmallestDenormal) {
  const std::size_t samples = 1000000;
  struct Case {
    FormatSpec spec;
    float x;
  };
  const Case cases[] = {
      {{Format::cfp8_143, 7}, 1.37f * std::ldexp(1.0f, -9 - 12)},  // 33 bits dropped
      {{Format::cfp16, 63}, 1.37f * std::ldexp(1.0f, -72 - 12)},   // 2^-84: 35 bits dropped
      {{Format::bf16, 0}, 1.37f * std::ldexp(1.0f, -133 - 7)},     // a float denormal
      {{Format::cfp8_152, 0}, 0.3f * static_cast<float>(min_positive({Format::cfp8_152, 0}))},
  };
  for (const Case& c : cases) {
    const double step = min_positive(c.spec);
    const double p = c.x / step;  // lo = 0, hi = the smallest denormal
    std::vector<float> in(samples, c.x), out(samples);
    const StochasticKey key{5, 5, 5};
    round_trip(in.data(), out.data(), samples, c.spec, Rounding::stochastic, &key);
    double ups = 0;
    for (float y : out) {
      ASSERT_TRUE(y == 0.0f || y == static_cast<float>(step)) << format_name(c.spec.format);
      ups += y != 0.0f;
    }
    const double standard_error = std::sqrt(p * (1 - p) * samples);
    EXPECT_NEAR(ups, p * samples, 4.5 * standard_error) << format_name(c.spec.format) << " p=" << p;
    EXPECT_GT(ups, 0) << format_name(c.spec.format);
  }
}

TEST(NumericsStochastic, RepresentableValuesAreExact) {
  std::vector<float> x = {1.0f, 0.5f, -3.0f, 480.0f, std::ldexp(1.0f, -9)};
  std::vector<float> y(x.size());
  const StochasticKey key{1, 2, 3};
  round_trip(x.data(), y.data(), x.size(), {Format::cfp8_143, 7}, Rounding::stochastic, &key);
  EXPECT_EQ(x, y);
}

std::vector<float> noise(std::size_t n) {
  std::mt19937 rng(2);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> x(n);
  for (float& v : x) v = d(rng);
  return x;
}

TEST(NumericsStochastic, SameKeySameBitsOtherKeyOtherBits) {
  const std::vector<float> x = noise(10000);
  const FormatSpec spec{Format::cfp8_143, 7};
  auto run = [&](StochasticKey key) {
    std::vector<float> y(x.size());
    round_trip(x.data(), y.data(), x.size(), spec, Rounding::stochastic, &key);
    return y;
  };
  const std::vector<float> base = run({5, 6, 7});
  EXPECT_EQ(base, run({5, 6, 7}));
  // Each of seed, tensor and step changes the bits: a good share of elements round differently.
  for (StochasticKey other :
       {StochasticKey{6, 6, 7}, StochasticKey{5, 7, 7}, StochasticKey{5, 6, 8}}) {
    const std::vector<float> y = run(other);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < x.size(); ++i) differ += y[i] != base[i];
    EXPECT_GT(differ, x.size() / 10) << other.seed << " " << other.tensor << " " << other.step;
  }
}

// A (rows x cols) tensor rounded whole, and in uneven shards with a padded leading dimension,
// gives the same bits: the random bits follow the logical index, not the buffer.
TEST(NumericsStochastic, ShardsRoundAsTheWholeTensor) {
  const std::int64_t rows = 37, cols = 53;
  const std::vector<float> whole_in = noise(static_cast<std::size_t>(rows * cols));
  const StochasticKey key{42, 1, 9};
  for (FormatSpec spec : {FormatSpec{Format::cfp8_152, 15}, FormatSpec{Format::bf16, 0}}) {
    std::vector<float> whole(whole_in.size());
    round_trip(whole_in.data(), whole.data(), whole.size(), spec, Rounding::stochastic, &key);
    const std::int64_t row_cuts[] = {0, 10, 11, 37}, col_cuts[] = {0, 20, 53};
    std::vector<float> assembled(whole.size(), -1.0f);
    for (int i = 0; i + 1 < 4; ++i)
      for (int j = 0; j + 1 < 3; ++j) {
        const std::int64_t r0 = row_cuts[i], r1 = row_cuts[i + 1];
        const std::int64_t c0 = col_cuts[j], c1 = col_cuts[j + 1];
        const std::int64_t ld = c1 - c0 + 3;  // the shard's own buffer, padded rows
        std::vector<float> shard(static_cast<std::size_t>((r1 - r0) * ld), 0.0f);
        for (std::int64_t r = r0; r < r1; ++r)
          for (std::int64_t c = c0; c < c1; ++c)
            shard[(r - r0) * ld + (c - c0)] = whole_in[r * cols + c];
        round_trip_2d(shard.data(), shard.data(), r1 - r0, c1 - c0, ld, spec, Rounding::stochastic,
                      &key, cols, r0, c0);
        for (std::int64_t r = r0; r < r1; ++r)
          for (std::int64_t c = c0; c < c1; ++c)
            assembled[r * cols + c] = shard[(r - r0) * ld + (c - c0)];
      }
    EXPECT_EQ(std::memcmp(assembled.data(), whole.data(), whole.size() * sizeof(float)), 0)
        << format_name(spec.format);
    // And a 1-D split at any offset agrees too.
    std::vector<float> pieces(whole_in.size());
    const std::size_t cut = 1001;
    round_trip(whole_in.data(), pieces.data(), cut, spec, Rounding::stochastic, &key, 0);
    round_trip(whole_in.data() + cut, pieces.data() + cut, pieces.size() - cut, spec,
               Rounding::stochastic, &key, cut);
    EXPECT_EQ(pieces, whole) << format_name(spec.format);
  }
}

// The point of stochastic rounding: small increments to a low-precision accumulator vanish with
// round-to-nearest and add up, on average, with stochastic rounding. 1000 accumulators (elements)
// start at 1.0, whose step in 1-4-3 bias 7 is 1/8, and get 32 increments of 1/64 each.
TEST(NumericsStochastic, SmallUpdatesAccumulateOnlyWithStochasticRounding) {
  const FormatSpec spec{Format::cfp8_143, 7};
  const std::size_t n = 1000;
  std::vector<float> nearest(n, 1.0f), stochastic(n, 1.0f);
  for (int step = 0; step < 32; ++step) {
    for (std::size_t i = 0; i < n; ++i) {
      nearest[i] += 1.0f / 64;
      stochastic[i] += 1.0f / 64;
    }
    round_trip(nearest.data(), nearest.data(), n, spec, Rounding::nearest_even);
    const StochasticKey key{1, 0, static_cast<std::uint64_t>(step)};
    round_trip(stochastic.data(), stochastic.data(), n, spec, Rounding::stochastic, &key);
  }
  double mean = 0;
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(nearest[i], 1.0f);  // every update was lost
    mean += stochastic[i] / n;
  }
  // Expected 1 + 32/64 = 1.5; one accumulator's standard deviation is about 0.23, the mean's 0.007.
  EXPECT_NEAR(mean, 1.5, 0.04);
}

}  // namespace
}  // namespace dojo::numerics
