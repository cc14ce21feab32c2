// The interface between the front end (cfloat.cpp) and the per-ISA kernels (kernel_*.cpp): plain
// function pointers over plain data, so no vector type or ISA-specific inline code crosses it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace dojo::numerics::detail {

// The layouts a kernel knows. bias is already checked (0..63; ucfp16 passes 31).
enum class Layout : int { bf16, cfp16, ucfp16, cfp8_143, cfp8_152 };

// Stochastic rounding's per-call key: 64 bits derived from (seed, tensor, step) by the front end.
struct RandomKey {
  std::uint32_t k0 = 0;
  std::uint32_t k1 = 0;
};

// key == nullptr means round to nearest even; otherwise stochastic with that key. Element i's
// logical index (for the random bits) is first + i.
struct KernelTable {
  const char* name;
  void (*encode8)(const float* in, std::uint8_t* out, std::size_t n, Layout layout, int bias,
                  const RandomKey* key, std::uint64_t first);
  void (*encode16)(const float* in, std::uint16_t* out, std::size_t n, Layout layout, int bias,
                   const RandomKey* key, std::uint64_t first);
  void (*round_trip)(const float* in, float* out, std::size_t n, Layout layout, int bias,
                     const RandomKey* key, std::uint64_t first);
  void (*decode8)(const std::uint8_t* in, float* out, std::size_t n, Layout layout, int bias);
  void (*decode16)(const std::uint16_t* in, float* out, std::size_t n, Layout layout, int bias);
  // The largest |x| as float bits (0x7fffffff-masked), NaN patterns included (the caller caps).
  std::uint32_t (*largest_magnitude_bits)(const float* in, std::size_t n);
};

extern const KernelTable portable_kernels;
#if DOJO_NUMERICS_HAVE_AVX2
extern const KernelTable avx2_kernels;
#endif
#if DOJO_NUMERICS_HAVE_AVX512
extern const KernelTable avx512_kernels;
#endif

}  // namespace dojo::numerics::detail
