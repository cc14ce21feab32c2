// convert(): any format to any other with one rounding, against the reference and against the
// FP32 path it must equal.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "reference.hpp"

namespace dojo::numerics {
namespace {

TEST(NumericsConvert, AnyFormatToAnyOtherRoundsOnce) {
  // Every BF16 code to CFloat8 1-4-3 bias 7: the reference rounding of the decoded value.
  std::vector<std::uint16_t> bf16(65536);
  for (std::uint32_t c = 0; c < bf16.size(); ++c) bf16[c] = static_cast<std::uint16_t>(c);
  std::vector<std::uint8_t> cfp8(bf16.size());
  const FormatSpec b{Format::bf16, 0}, c8{Format::cfp8_143, 7};
  convert(bf16.data(), b, cfp8.data(), c8, bf16.size(), Rounding::nearest_even);
  const reference::Layout lb = reference::layout(b), l8 = reference::layout(c8);
  for (std::uint32_t c = 0; c < bf16.size(); ++c)
    ASSERT_EQ(cfp8[c], reference::encode_nearest_even(reference::decode(c, lb), l8)) << c;
  // Every CFloat8 code (both layouts, extreme biases) to BF16 is exact.
  for (FormatSpec from : {FormatSpec{Format::cfp8_143, 0}, FormatSpec{Format::cfp8_152, 63}}) {
    std::vector<std::uint8_t> codes(256);
    for (std::uint32_t c = 0; c < 256; ++c) codes[c] = static_cast<std::uint8_t>(c);
    std::vector<std::uint16_t> out(256);
    convert(codes.data(), from, out.data(), b, 256, Rounding::nearest_even);
    for (std::uint32_t c = 0; c < 256; ++c)
      ASSERT_EQ(reference::decode(out[c], lb), reference::decode(c, reference::layout(from)))
          << format_name(from.format) << " code " << c;
  }
  // CFloat16 to BF16 drops three mantissa bits: round to nearest even, as the reference.
  const FormatSpec c16{Format::cfp16, 15};
  std::vector<std::uint16_t> codes16(65536), out16(65536);
  for (std::uint32_t c = 0; c < codes16.size(); ++c) codes16[c] = static_cast<std::uint16_t>(c);
  convert(codes16.data(), c16, out16.data(), b, codes16.size(), Rounding::nearest_even);
  for (std::uint32_t c = 0; c < codes16.size(); ++c)
    ASSERT_EQ(out16[c],
              reference::encode_nearest_even(reference::decode(c, reference::layout(c16)), lb))
        << c;
}

TEST(NumericsConvert, StochasticConvertEqualsTheFp32PathAcrossBlocks) {
  std::mt19937 rng(8);
  std::normal_distribution<float> d(0.0f, 3.0f);
  const std::size_t n = 5000;  // several internal blocks
  std::vector<float> x(n);
  for (float& v : x) v = d(rng);
  const StochasticKey key{3, 1, 4};
  const FormatSpec to{Format::cfp8_152, 20};
  std::vector<std::uint8_t> direct(n), via(n);
  encode8(x.data(), direct.data(), n, to, Rounding::stochastic, &key, 77);
  convert(x.data(), {Format::fp32, 0}, via.data(), to, n, Rounding::stochastic, &key, 77);
  EXPECT_EQ(direct, via);
  // FP32 to FP32 copies; BF16 in place to CFloat16 works on one buffer.
  std::vector<float> copy(n);
  convert(x.data(), {Format::fp32, 0}, copy.data(), {Format::fp32, 0}, n, Rounding::nearest_even);
  EXPECT_EQ(copy, x);
  std::vector<std::uint16_t> buffer(n), expected(n);
  encode16(x.data(), buffer.data(), n, {Format::bf16, 0}, Rounding::nearest_even, nullptr);
  std::vector<float> decoded(n);
  decode16(buffer.data(), decoded.data(), n, {Format::bf16, 0});
  encode16(decoded.data(), expected.data(), n, {Format::cfp16, 30}, Rounding::nearest_even,
           nullptr);
  convert(buffer.data(), {Format::bf16, 0}, buffer.data(), {Format::cfp16, 30}, n,
          Rounding::nearest_even);
  EXPECT_EQ(buffer, expected);
  EXPECT_THROW(convert(x.data(), {Format::fp32, 0}, via.data(), to, n, Rounding::stochastic),
               std::invalid_argument);
}

}  // namespace
}  // namespace dojo::numerics
