// The conversion algorithm, written once over "lanes" of 32-bit unsigned integers: a scalar
// std::uint32_t for the portable kernel, or a GCC vector of 8 (AVX2) or 16 (AVX-512) lanes. Each
// kernel_*.cpp includes this file inside its own namespace (DOJO_NUMERICS_ISA_NS) and compiles it
// with its ISA's flags, so no function compiled for one ISA can be merged into another's. Only
// integer operations and exact float operations are used, so every ISA produces the same bits.
//
// Encoding works on the float's bit pattern u: its 24-bit significand is shifted right so that one
// unit is the target's step at that exponent (the normal step, or below the smallest normal the
// denormal step of 0.m x 2^(1 - bias)), rounded, and the target exponent added on top. Rounding
// looks at the s dropped bits `rem`: nearest-even rounds up above half and at half when the kept
// part is odd; stochastic rounding adds s uniform random bits to rem and keeps the carry, so it
// rounds up with probability rem / 2^s (exact when s <= 31; beyond, the fraction is truncated to
// 31 bits).
#ifndef DOJO_NUMERICS_ISA_NS
#error "define DOJO_NUMERICS_ISA_NS before including kernel.hpp"
#endif

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "kernel_table.hpp"
#include "lanes.hpp"

namespace dojo::numerics::detail::DOJO_NUMERICS_ISA_NS {
namespace {

// A layout's shape, known at compile time: exponent and mantissa bits, sign, IEEE-ness (bf16).
template <int E, int M, bool Signed, bool Ieee>
struct Shape {
  static constexpr int exponent_bits = E;
  static constexpr int mantissa_bits = M;
  static constexpr bool is_signed = Signed;
  static constexpr bool ieee = Ieee;
};
using Bf16 = Shape<8, 7, true, true>;
using Cfp16 = Shape<5, 10, true, false>;
using Ucfp16 = Shape<6, 10, false, false>;
using Cfp8_143 = Shape<4, 3, true, false>;
using Cfp8_152 = Shape<5, 2, true, false>;

template <class L>
struct Ops {
  using U = typename L::U;
  // Every lane compared with gt is below 2^31 (magnitudes, exponents, shifts, codes), so the
  // cheaper signed compare is exact; ugt is for the one genuinely unsigned compare.
  static U gt(U a, U b) { return L::gt_small(a, b); }
  static U ugt(U a, U b) { return L::mask(a > b); }
  static U sel(U m, U a, U b) { return L::select(m, a, b); }
  static U min(U a, U b) { return L::min(a, b); }

  // Two rounds of a 32-bit integer hash (lowbias32, C. Wellons); bijective in lo for fixed hi.
  static U mix32(U x) {
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
  }
  // 32 uniform random bits per lane for logical indices base + lane.
  static U random_bits(const RandomKey& key, std::uint64_t base) {
    const std::uint32_t base_lo = static_cast<std::uint32_t>(base);
    const std::uint32_t base_hi = static_cast<std::uint32_t>(base >> 32);
    U lo = L::iota() + base_lo;
    U hi = (U{} + base_hi) - ugt(U{} + base_lo, lo);  // + 1 where lo wrapped around
    return mix32(mix32(lo ^ key.k0) ^ hi ^ key.k1);
  }

  // Rounds x >> s (s in 1..31 per lane) to an integer, to nearest even or with random bits r, by
  // adding an increment below the kept bits and truncating: nearest-even adds half a unit less one,
  // plus one when the kept part is odd (so exactly half rounds up only to an even result);
  // stochastic adds s uniform random bits. x < 2^25, so the sum cannot overflow.
  template <bool Stochastic>
  static U round_shift(U x, U s, U r) {
    if constexpr (Stochastic) {
      return (x + (r >> (32u - s))) >> s;
    } else {
      const U half_less_one = ((U{} + 1u) << (s - 1u)) - 1u;
      return (x + half_less_one + ((x >> s) & 1u)) >> s;
    }
  }

  // float bits -> code (in the low bits of each lane). Masks are avoided where arithmetic does
  // (a top bit shifted down is a 0/1 flag), which keeps AVX-512 off the mask registers.
  template <class S, bool Stochastic>
  static U encode(U u, U r, std::uint32_t bias) {
    constexpr std::uint32_t E = S::exponent_bits;
    constexpr std::uint32_t M = S::mantissa_bits;
    const U abs = u & 0x7fffffffu;
    const U nan = ((U{} + 0x7f800000u) - abs) >> 31;  // 1 for NaN: abs above +Inf's bits
    if constexpr (S::ieee) {
      U rounded;
      if constexpr (Stochastic)
        rounded = (u + (r >> 16)) >> 16;
      else
        rounded = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
      return sel(U{} - nan, (u >> 16) | 0x40u, rounded);  // NaN stays a (quiet) NaN
    } else {
      // One path for normal and denormal targets. The significand (with its implicit 1) is shifted
      // so that one unit is the target's step at this exponent: 2^(fe - 127 - M) for a normal
      // target, 2^(1 - bias - M) for a denormal one (t caps the exponent at the smallest normal's).
      // The code is then the rounded significand plus (target exponent - 1) << M; a carry out of
      // the mantissa moves into the exponent, and out of the denormals into the smallest normal.
      const U fe = abs >> 23;
      const U nonzero_exponent = (U{} - fe) >> 31;    // 0 for float denormals and zero
      const U fe_eff = fe + (nonzero_exponent ^ 1u);  // a float denormal's exponent is field 1's
      const U significand = (abs & 0x7fffffu) | (nonzero_exponent << 23);
      const U t = min(fe_eff, U{} + (128u - bias));
      const U shift = (U{} + (151u - M - bias)) - t;  // 23 - M when the target is normal
      const U s = min(shift, U{} + 31u);
      const U pre = min(shift - s, U{} + 31u);  // far below the denormals: keep 31 bits of fraction
      const U q = round_shift<Stochastic>(significand >> pre, s, r);
      U code = q + ((fe_eff - t) << M);
      constexpr std::uint32_t max_code = (1u << (E + M)) - 1u;
      code = min(code, U{} + max_code);           // overflow, Inf and NaN saturate
      const U negative = (u >> 31) & (nan ^ 1u);  // NaN -> +max
      if constexpr (S::is_signed)
        return code | (negative << (E + M));
      else
        return code & (negative - 1u);  // unsigned: negatives clamp to 0
    }
  }

  // code -> float bits.
  template <class S>
  static U decode(U c, std::uint32_t bias) {
    constexpr std::uint32_t E = S::exponent_bits;
    constexpr std::uint32_t M = S::mantissa_bits;
    if constexpr (S::ieee) {
      return c << 16;
    } else {
      U sign = U{};
      if constexpr (S::is_signed) sign = ((c >> (E + M)) & 1u) << 31;
      const U e = (c >> M) & ((1u << E) - 1u);
      const U m = c & ((1u << M) - 1u);
      // Normal or denormal alike: significand x 2^(exponent - bias - M), with the implicit 1 and
      // exponent 1 for field 0 (IEEE-style denormals). The integer (< 2^11) and the power of two
      // (2^-72 .. 2^29) are exact floats, and so is their product, whatever the ISA.
      const U nonzero_field = (U{} - e) >> 31;
      const U significand = m | (nonzero_field << M);
      const U exponent = e + (nonzero_field ^ 1u);
      const U scale_bits = (exponent + (127u - bias - M)) << 23;
      return sign | L::to_float_bits_scaled(significand, scale_bits);
    }
  }
};

// Loops: whole vectors, then the tail padded into one vector (same code path, same bits).
template <class L, class S, bool Stochastic, class Out>
void encode_loop(const float* in, Out* out, std::size_t n, std::uint32_t bias, const RandomKey* key,
                 std::uint64_t first) {
  using U = typename L::U;
  using O = Ops<L>;
  constexpr std::size_t W = L::width;
  auto one = [&](const float* src, Out* dst, std::uint64_t index) {
    U u = L::load_float_bits(src);
    U r{};
    if constexpr (Stochastic) r = O::random_bits(*key, index);
    U code = O::template encode<S, Stochastic>(u, r, bias);
    if constexpr (std::is_same_v<Out, float>)
      L::store_float_bits(dst, O::template decode<S>(code, bias));
    else
      L::store(dst, code);
  };
  std::size_t i = 0;
  for (; i + W <= n; i += W) one(in + i, out + i, first + i);
  if (i < n) {
    float src[W] = {};
    Out dst[W] = {};
    for (std::size_t j = 0; i + j < n; ++j) src[j] = in[i + j];
    one(src, dst, first + i);
    for (std::size_t j = 0; i + j < n; ++j) out[i + j] = dst[j];
  }
}

template <class L, class S, class In>
void decode_loop(const In* in, float* out, std::size_t n, std::uint32_t bias) {
  using U = typename L::U;
  constexpr std::size_t W = L::width;
  auto one = [&](const In* src, float* dst) {
    U code = L::load(src);
    L::store_float_bits(dst, Ops<L>::template decode<S>(code, bias));
  };
  std::size_t i = 0;
  for (; i + W <= n; i += W) one(in + i, out + i);
  if (i < n) {
    In src[W] = {};
    float dst[W] = {};
    for (std::size_t j = 0; i + j < n; ++j) src[j] = in[i + j];
    one(src, dst);
    for (std::size_t j = 0; i + j < n; ++j) out[i + j] = dst[j];
  }
}

// Dispatch on the layout and the rounding to the compile-time instantiations.
template <class L, class Out>
void encode_any(const float* in, Out* out, std::size_t n, Layout layout, int bias,
                const RandomKey* key, std::uint64_t first) {
  const auto b = static_cast<std::uint32_t>(bias);
  auto go = [&]<class S>(S) {
    if (key)
      encode_loop<L, S, true>(in, out, n, b, key, first);
    else
      encode_loop<L, S, false>(in, out, n, b, key, first);
  };
  switch (layout) {
    case Layout::bf16:
      return go(Bf16{});
    case Layout::cfp16:
      return go(Cfp16{});
    case Layout::ucfp16:
      return go(Ucfp16{});
    case Layout::cfp8_143:
      return go(Cfp8_143{});
    case Layout::cfp8_152:
      return go(Cfp8_152{});
  }
}

template <class L, class In>
void decode_any(const In* in, float* out, std::size_t n, Layout layout, int bias) {
  const auto b = static_cast<std::uint32_t>(bias);
  switch (layout) {
    case Layout::bf16:
      return decode_loop<L, Bf16>(in, out, n, b);
    case Layout::cfp16:
      return decode_loop<L, Cfp16>(in, out, n, b);
    case Layout::ucfp16:
      return decode_loop<L, Ucfp16>(in, out, n, b);
    case Layout::cfp8_143:
      return decode_loop<L, Cfp8_143>(in, out, n, b);
    case Layout::cfp8_152:
      return decode_loop<L, Cfp8_152>(in, out, n, b);
  }
}

// For non-negative floats the bit patterns order like the values (and every NaN above +Inf), and
// they are below 2^31, so a signed integer maximum over |x|'s bits finds the largest magnitude.
template <class L>
std::uint32_t largest_magnitude_bits(const float* in, std::size_t n) {
  using U = typename L::U;
  using O = Ops<L>;
  constexpr std::size_t W = L::width;
  U largest{};
  std::size_t i = 0;
  for (; i + W <= n; i += W) {
    const U a = L::load_float_bits(in + i) & 0x7fffffffu;
    largest = O::sel(O::gt(a, largest), a, largest);
  }
  std::uint32_t result = 0;
  if constexpr (W == 1) {
    result = largest;
  } else {
    for (std::size_t l = 0; l < W; ++l) result = result > largest[l] ? result : largest[l];
  }
  for (; i < n; ++i) {
    std::uint32_t bits;
    __builtin_memcpy(&bits, in + i, sizeof bits);
    bits &= 0x7fffffffu;
    result = result > bits ? result : bits;
  }
  return result;
}

template <class L>
constexpr KernelTable make_table(const char* name) {
  return KernelTable{name,
                     &encode_any<L, std::uint8_t>,
                     &encode_any<L, std::uint16_t>,
                     &encode_any<L, float>,
                     &decode_any<L, std::uint8_t>,
                     &decode_any<L, std::uint16_t>,
                     &largest_magnitude_bits<L>};
}

}  // namespace
}  // namespace dojo::numerics::detail::DOJO_NUMERICS_ISA_NS
