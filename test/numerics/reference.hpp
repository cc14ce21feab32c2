// A reference for the CFloat and BF16 codes, written from the published description of the formats
// and independently of the library: decoding in double with std::ldexp, and round-to-nearest-even
// encoding by searching the ordered codes for the nearest value. Slow, obvious, and only for tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "dojo/numerics/cfloat.hpp"

namespace dojo::numerics::reference {

struct Layout {
  int sign_bits;  // 1, or 0 for the unsigned CFloat16
  int exponent_bits;
  int mantissa_bits;
  int bias;
  bool ieee;  // BF16: top exponent field is Inf/NaN, bias 127
};

inline Layout layout(FormatSpec spec) {
  switch (spec.format) {
    case Format::bf16:
      return {1, 8, 7, 127, true};
    case Format::cfp16:
      return {1, 5, 10, spec.bias, false};
    case Format::ucfp16:
      return {0, 6, 10, 31, false};
    case Format::cfp8_143:
      return {1, 4, 3, spec.bias, false};
    case Format::cfp8_152:
      return {1, 5, 2, spec.bias, false};
    case Format::fp32:
      break;
  }
  return {1, 8, 23, 127, true};
}

// The largest positive code (the most positive finite value); codes 0..max_code increase in value.
inline std::uint32_t max_code(const Layout& l) {
  const std::uint32_t all = (1u << (l.exponent_bits + l.mantissa_bits)) - 1u;
  return l.ieee ? all - (1u << l.mantissa_bits) : all;  // BF16: below the Inf exponent
}

// Value of a code: normal (field >= 1) 1.m x 2^(field - bias); denormal (field 0) 0.m x 2^(1 -
// bias), IEEE's scale, which dojo chose for every CFloat format. BF16's top field is Inf/NaN.
inline double decode(std::uint32_t code, const Layout& l) {
  const int width = l.exponent_bits + l.mantissa_bits;
  const bool negative = l.sign_bits == 1 && ((code >> width) & 1u);
  const std::uint32_t field = (code >> l.mantissa_bits) & ((1u << l.exponent_bits) - 1u);
  const std::uint32_t mantissa = code & ((1u << l.mantissa_bits) - 1u);
  double magnitude;
  if (l.ieee && field == (1u << l.exponent_bits) - 1u)
    magnitude = mantissa == 0 ? std::numeric_limits<double>::infinity()
                              : std::numeric_limits<double>::quiet_NaN();
  else if (field == 0)
    magnitude = std::ldexp(static_cast<double>(mantissa), 1 - l.bias - l.mantissa_bits);
  else
    magnitude = std::ldexp(1.0 + std::ldexp(static_cast<double>(mantissa), -l.mantissa_bits),
                           static_cast<int>(field) - l.bias);
  return negative ? -magnitude : magnitude;
}

// Round to nearest, ties to the even code; CFloat saturates at the largest finite value, BF16
// overflows to Inf (its "next code" after the largest finite one is Inf, 2^128 for the tie rule).
// NaN gives +max (CFloat) or a NaN code (BF16); the unsigned layout clamps negatives to 0.
inline std::uint32_t encode_nearest_even(double x, const Layout& l) {
  const std::uint32_t top = max_code(l);
  const std::uint32_t sign_code = l.sign_bits ? 1u << (l.exponent_bits + l.mantissa_bits) : 0u;
  if (std::isnan(x)) return l.ieee ? 0x7fc0u : top;
  const bool negative = std::signbit(x);
  if (negative && l.sign_bits == 0) return 0;
  const double a = std::fabs(x);
  auto value = [&](std::uint32_t c) { return c == top + 1 ? std::ldexp(1.0, 128) : decode(c, l); };
  std::uint32_t result;
  if (!l.ieee && a >= decode(top, l)) {
    result = top;
  } else if (l.ieee && a >= value(top + 1)) {
    result = top + 1;
  } else {
    // The largest code whose value is <= a, then compare with the next one up.
    std::uint32_t lo = 0, hi = l.ieee ? top + 1 : top;
    while (hi - lo > 1) {
      const std::uint32_t mid = lo + (hi - lo) / 2;
      (value(mid) <= a ? lo : hi) = mid;
    }
    if (value(hi) <= a) lo = hi;
    const std::uint32_t up = lo + 1;
    if (value(lo) == a || up > (l.ieee ? top + 1 : top)) {
      result = lo;
    } else {
      const double below = a - value(lo), above = value(up) - a;
      result = below < above ? lo : above < below ? up : (lo % 2 == 0 ? lo : up);
    }
  }
  return negative ? result | sign_code : result;
}

}  // namespace dojo::numerics::reference
