// Every ISA the machine runs (AVX-512, AVX2) gives the same bits as the portable kernels, on random
// bit patterns (NaNs, Infs, denormals included), edge values and lengths that leave vector tails.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "dojo/numerics/cfloat.hpp"

namespace dojo::numerics {
namespace {

// Restores the ISA chosen at start-up when a test ends.
class IsaGuard {
 public:
  IsaGuard() : saved_(active_isa()) {}
  ~IsaGuard() { set_isa(saved_); }

 private:
  std::string saved_;
};

std::vector<float> inputs(std::size_t n, std::uint64_t seed) {
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  std::vector<float> x;
  const float edges[] = {0.0f,
                         -0.0f,
                         1.0f,
                         -1.0f,
                         480.0f,
                         0.5f,
                         1e-45f,
                         -1e-45f,
                         1e-30f,
                         3e38f,
                         std::numeric_limits<float>::infinity(),
                         -std::numeric_limits<float>::infinity(),
                         std::numeric_limits<float>::quiet_NaN(),
                         std::bit_cast<float>(0xffc00000u),
                         std::bit_cast<float>(0x7f800001u),
                         std::numeric_limits<float>::max(),
                         std::numeric_limits<float>::min(),
                         std::numeric_limits<float>::denorm_min()};
  for (float e : edges) x.push_back(e);
  std::uniform_real_distribution<float> exponent(-80.0f, 40.0f);
  while (x.size() < n) {
    if (x.size() % 2)
      x.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(rng())));
    else
      x.push_back(std::exp2(exponent(rng)) * (rng() & 1 ? -1.0f : 1.0f));
  }
  x.resize(n);
  return x;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

struct Outputs {
  std::vector<float> trip;
  std::vector<std::uint8_t> codes8;
  std::vector<std::uint16_t> codes16;
  std::vector<float> decoded;
};

Outputs run_all(const std::vector<float>& x, FormatSpec spec, Rounding rounding,
                std::uint64_t first) {
  const StochasticKey key{123, 4, 5};
  Outputs o;
  o.trip.resize(x.size());
  round_trip(x.data(), o.trip.data(), x.size(), spec, rounding, &key, first);
  o.decoded.resize(x.size());
  if (bytes_per_element(spec.format) == 1) {
    o.codes8.resize(x.size());
    encode8(x.data(), o.codes8.data(), x.size(), spec, rounding, &key, first);
    decode8(o.codes8.data(), o.decoded.data(), x.size(), spec);
  } else if (bytes_per_element(spec.format) == 2) {
    o.codes16.resize(x.size());
    encode16(x.data(), o.codes16.data(), x.size(), spec, rounding, &key, first);
    decode16(o.codes16.data(), o.decoded.data(), x.size(), spec);
  }
  return o;
}

TEST(NumericsIsa, PortableIsAlwaysAvailableAndUnknownIsRefused) {
  IsaGuard guard;
  const auto isas = available_isas();
  ASSERT_FALSE(isas.empty());
  EXPECT_EQ(isas.back(), "portable");
  EXPECT_FALSE(set_isa("sse9"));
  EXPECT_TRUE(set_isa("portable"));
  EXPECT_EQ(active_isa(), "portable");
  // Every SIMD kernel the build has must be offered when the CPU can run it (so the bit-for-bit
  // test below really compares it with the portable one).
#if DOJO_NUMERICS_TEST_AVX2
  if (__builtin_cpu_supports("avx2")) {
    EXPECT_NE(std::find(isas.begin(), isas.end(), "avx2"), isas.end());
  }
#endif
#if DOJO_NUMERICS_TEST_AVX512
  if (__builtin_cpu_supports("avx512f")) {
    EXPECT_NE(std::find(isas.begin(), isas.end(), "avx512"), isas.end());
  }
#endif
}

TEST(NumericsIsa, EveryIsaMatchesPortableBitForBit) {
  IsaGuard guard;
  std::vector<FormatSpec> specs;
  for (Format f : {Format::cfp8_143, Format::cfp8_152, Format::cfp16})
    for (int b : {0, 7, 15, 31, 63}) specs.push_back({f, b});
  specs.push_back({Format::ucfp16, 31});
  specs.push_back({Format::bf16, 0});
  std::size_t compared = 0;
  for (std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{17}, std::size_t{40003}}) {
    const std::vector<float> x = inputs(n, n);
    for (FormatSpec spec : specs)
      for (Rounding rounding : {Rounding::nearest_even, Rounding::stochastic})
        // A first index near 2^32 makes the index's high word change inside a vector.
        for (std::uint64_t first : {std::uint64_t{0}, (std::uint64_t{1} << 32) - 5}) {
          ASSERT_TRUE(set_isa("portable"));
          const Outputs expected = run_all(x, spec, rounding, first);
          for (std::string_view isa : available_isas()) {
            ASSERT_TRUE(set_isa(isa));
            const Outputs got = run_all(x, spec, rounding, first);
            const std::string what = std::string(isa) + " " +
                                     std::string(format_name(spec.format)) + " bias " +
                                     std::to_string(spec.bias) + " n " + std::to_string(n);
            ASSERT_TRUE(same_bits(got.trip, expected.trip)) << what << " round_trip";
            ASSERT_EQ(got.codes8, expected.codes8) << what << " encode8";
            ASSERT_EQ(got.codes16, expected.codes16) << what << " encode16";
            ASSERT_TRUE(same_bits(got.decoded, expected.decoded)) << what << " decode";
            ++compared;
          }
        }
  }
  EXPECT_GT(compared, 0u);
}

TEST(NumericsIsa, AmaxAgreesOnEveryIsa) {
  IsaGuard guard;
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{15}, std::size_t{40003}}) {
    std::vector<float> x = inputs(n, 7);
    // Without NaN and Inf (which saturate to Inf), the largest finite magnitude wins.
    std::vector<float> finite;
    for (float v : x)
      if (std::isfinite(v)) finite.push_back(v);
    float expected_finite = 0;
    for (float v : finite) expected_finite = std::max(expected_finite, std::fabs(v));
    for (std::string_view isa : available_isas()) {
      ASSERT_TRUE(set_isa(isa));
      EXPECT_EQ(amax(finite.data(), finite.size()), expected_finite) << isa << " n " << n;
      if (n > 18) {
        EXPECT_EQ(amax(x.data(), x.size()), INFINITY) << isa << " n " << n;  // has NaN
      }
      // A NaN in the tail (past the last whole vector) is found too.
      std::vector<float> tail = finite;
      if (!tail.empty()) {
        tail.back() = std::numeric_limits<float>::quiet_NaN();
        EXPECT_EQ(amax(tail.data(), tail.size()), INFINITY) << isa << " n " << n;
      }
    }
  }
}

TEST(NumericsIsa, RoundTripInPlaceEqualsOutOfPlace) {
  const std::vector<float> x = inputs(1001, 3);
  const StochasticKey key{1, 1, 1};
  for (std::string_view isa : available_isas()) {
    IsaGuard guard;
    ASSERT_TRUE(set_isa(isa));
    std::vector<float> out(x.size()), in_place = x;
    round_trip(x.data(), out.data(), x.size(), {Format::cfp8_152, 20}, Rounding::stochastic, &key);
    round_trip(in_place.data(), in_place.data(), x.size(), {Format::cfp8_152, 20},
               Rounding::stochastic, &key);
    EXPECT_TRUE(same_bits(out, in_place)) << isa;
  }
}

}  // namespace
}  // namespace dojo::numerics
