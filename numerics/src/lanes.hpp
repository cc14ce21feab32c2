// The lane types the conversion algorithm (kernel.hpp) runs on: a scalar std::uint32_t for the
// portable kernel, GCC vectors of 8 or 16 32-bit lanes for AVX2 and AVX-512. Included by kernel.hpp
// only, inside its ISA's namespace, so each ISA's copy is compiled with that ISA's flags alone.
#pragma once

#ifndef DOJO_NUMERICS_ISA_NS
#error "include kernel.hpp, not lanes.hpp"
#endif

#include <cstdint>
#include <utility>

namespace dojo::numerics::detail::DOJO_NUMERICS_ISA_NS {
namespace {

// ScalarLanes / VectorLanes<W>: what the algorithm needs from a lane type. Masks are all-ones or
// all-zero per lane.
struct ScalarLanes {
  static constexpr int width = 1;
  using U = std::uint32_t;
  static U mask(bool b) { return U(0) - U(b); }
  // a > b for lanes below 2^31 (signed compares are one instruction on AVX2; unsigned are three).
  static U gt_small(U a, U b) {
    return mask(static_cast<std::int32_t>(a) > static_cast<std::int32_t>(b));
  }
  static U select(U m, U a, U b) { return (a & m) | (b & ~m); }
  static U min(U a, U b) { return a < b ? a : b; }
  static U iota() { return 0; }
  // The bits of float(integer) x the float whose bits are scale_bits.
  static U to_float_bits_scaled(U integer, U scale_bits) {
    float scale;
    __builtin_memcpy(&scale, &scale_bits, sizeof scale);
    float f = static_cast<float>(static_cast<std::int32_t>(integer)) * scale;
    U bits;
    __builtin_memcpy(&bits, &f, sizeof bits);
    return bits;
  }
  template <class T>
  static U load(const T* p) {
    return static_cast<U>(*p);
  }
  static U load_float_bits(const float* p) {
    U bits;
    __builtin_memcpy(&bits, p, sizeof bits);
    return bits;
  }
  template <class T>
  static void store(T* p, U v) {
    *p = static_cast<T>(v);
  }
  static void store_float_bits(float* p, U v) { __builtin_memcpy(p, &v, sizeof v); }
};

// GCC vector types of 8 lanes (one AVX2 register of 32-bit lanes) and 16 (one AVX-512 register).
// (vector_size cannot depend on a template parameter, hence one set of typedefs per width.)
typedef std::uint32_t u32x8 __attribute__((vector_size(32)));
typedef std::int32_t i32x8 __attribute__((vector_size(32)));
typedef float f32x8 __attribute__((vector_size(32)));
typedef std::uint16_t u16x8 __attribute__((vector_size(16)));
typedef std::uint8_t u8x8 __attribute__((vector_size(8)));
typedef std::uint32_t u32x16 __attribute__((vector_size(64)));
typedef std::int32_t i32x16 __attribute__((vector_size(64)));
typedef float f32x16 __attribute__((vector_size(64)));
typedef std::uint16_t u16x16 __attribute__((vector_size(32)));
typedef std::uint8_t u8x16 __attribute__((vector_size(16)));

template <int W, class U_, class I_, class F_, class U16_, class U8_>
struct VectorLanes {
  static constexpr int width = W;
  using U = U_;
  using I = I_;
  using F = F_;
  using U16 = U16_;
  using U8 = U8_;
  template <class Cmp>
  static U mask(Cmp c) {
    return (U)c;
  }
  static U gt_small(U a, U b) { return (U)((I)a > (I)b); }
  static U select(U m, U a, U b) { return m ? a : b; }
  static U min(U a, U b) { return a < b ? a : b; }  // vpminud
  static U iota() {
    U v{};
    for (int l = 0; l < W; ++l) v[l] = static_cast<std::uint32_t>(l);
    return v;
  }
  static U to_float_bits_scaled(U integer, U scale_bits) {
    F f = __builtin_convertvector((I)integer, F) * (F)scale_bits;
    return (U)f;
  }
  template <class T>
  static U load(const T* p) {
    if constexpr (sizeof(T) == 1) {
      U8 v;
      __builtin_memcpy(&v, p, sizeof v);
      return __builtin_convertvector(v, U);
    } else {
      static_assert(sizeof(T) == 2);
      U16 v;
      __builtin_memcpy(&v, p, sizeof v);
      return __builtin_convertvector(v, U);
    }
  }
  static U load_float_bits(const float* p) {
    U v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
  }
  // Narrowing keeps the low byte (or two) of each lane. AVX-512 has instructions for that
  // (vpmovdb, vpmovdw), which a conversion maps to; AVX2 has none, and a conversion would go lane
  // by lane, but a byte shuffle (x86 is little-endian) maps to vpshufb/vpermd.
  template <class T>
  static void store(T* p, U v) {
    typedef std::uint8_t bytes __attribute__((vector_size(4 * W)));
    typedef std::uint16_t halves __attribute__((vector_size(4 * W)));
    if constexpr (sizeof(T) == 1) {
      U8 narrow;
      if constexpr (W >= 16)
        narrow = __builtin_convertvector(v, U8);
      else
        narrow = shuffle<bytes, U8, 4>((bytes)v, std::make_integer_sequence<int, W>{});
      __builtin_memcpy(p, &narrow, sizeof narrow);
    } else {
      static_assert(sizeof(T) == 2);
      U16 narrow;
      if constexpr (W >= 16)
        narrow = __builtin_convertvector(v, U16);
      else
        narrow = shuffle<halves, U16, 2>((halves)v, std::make_integer_sequence<int, W>{});
      __builtin_memcpy(p, &narrow, sizeof narrow);
    }
  }
  template <class From, class To, int Step, int... Lane>
  static To shuffle(From v, std::integer_sequence<int, Lane...>) {
    return __builtin_shufflevector(v, v, (Lane * Step)...);
  }
  static void store_float_bits(float* p, U v) { __builtin_memcpy(p, &v, sizeof v); }
};

using VectorLanes8 = VectorLanes<8, u32x8, i32x8, f32x8, u16x8, u8x8>;
using VectorLanes16 = VectorLanes<16, u32x16, i32x16, f32x16, u16x16, u8x16>;

}  // namespace
}  // namespace dojo::numerics::detail::DOJO_NUMERICS_ISA_NS
