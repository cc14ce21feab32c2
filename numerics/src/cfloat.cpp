// The front end of the conversions: checks arguments, describes the formats, derives stochastic
// rounding's key and hands plain work to the kernels of the active ISA.
#include "dojo/numerics/cfloat.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "isa.hpp"

namespace dojo::numerics {
namespace {

using detail::Layout;

struct Geometry {
  int exponent_bits;
  int mantissa_bits;
};

Geometry geometry(Format format) {
  switch (format) {
    case Format::fp32:
      return {8, 23};
    case Format::bf16:
      return {8, 7};
    case Format::cfp16:
      return {5, 10};
    case Format::ucfp16:
      return {6, 10};
    case Format::cfp8_143:
      return {4, 3};
    case Format::cfp8_152:
      return {5, 2};
  }
  throw std::invalid_argument("dojo::numerics: unknown format");
}

// The bias the kernels use: checked for the formats that have one, fixed for the others.
int effective_bias(FormatSpec spec) {
  switch (spec.format) {
    case Format::fp32:
    case Format::bf16:
      return 127;
    case Format::ucfp16:
      return ucfp16_bias;
    case Format::cfp16:
    case Format::cfp8_143:
    case Format::cfp8_152:
      if (spec.bias < min_bias || spec.bias > max_bias)
        throw std::invalid_argument("dojo::numerics: bias " + std::to_string(spec.bias) + " of " +
                                    std::string(format_name(spec.format)) + " is outside 0..63");
      return spec.bias;
  }
  throw std::invalid_argument("dojo::numerics: unknown format");
}

Layout layout_of(Format format) {
  switch (format) {
    case Format::bf16:
      return Layout::bf16;
    case Format::cfp16:
      return Layout::cfp16;
    case Format::ucfp16:
      return Layout::ucfp16;
    case Format::cfp8_143:
      return Layout::cfp8_143;
    case Format::cfp8_152:
      return Layout::cfp8_152;
    case Format::fp32:
      break;
  }
  throw std::invalid_argument("dojo::numerics: fp32 has no code layout");
}

std::uint64_t splitmix64(std::uint64_t x) {
  std::uint64_t z = x + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// nullptr for round to nearest even; the derived key for stochastic rounding.
const detail::RandomKey* random_key(Rounding rounding, const StochasticKey* key,
                                    detail::RandomKey& storage) {
  if (rounding == Rounding::nearest_even) return nullptr;
  if (!key)
    throw std::invalid_argument("dojo::numerics: stochastic rounding needs a StochasticKey");
  const std::uint64_t k = splitmix64(splitmix64(splitmix64(key->seed) ^ key->tensor) ^ key->step);
  storage.k0 = static_cast<std::uint32_t>(k);
  storage.k1 = static_cast<std::uint32_t>(k >> 32);
  return &storage;
}

void require_pointers(const void* a, const void* b, std::size_t n) {
  if (n > 0 && (!a || !b)) throw std::invalid_argument("dojo::numerics: null buffer");
}

}  // namespace

std::size_t bytes_per_element(Format format) {
  switch (format) {
    case Format::fp32:
      return 4;
    case Format::bf16:
    case Format::cfp16:
    case Format::ucfp16:
      return 2;
    case Format::cfp8_143:
    case Format::cfp8_152:
      return 1;
  }
  throw std::invalid_argument("dojo::numerics: unknown format");
}

std::string_view format_name(Format format) {
  switch (format) {
    case Format::fp32:
      return "fp32";
    case Format::bf16:
      return "bf16";
    case Format::cfp16:
      return "cfp16";
    case Format::ucfp16:
      return "ucfp16";
    case Format::cfp8_143:
      return "cfp8_143";
    case Format::cfp8_152:
      return "cfp8_152";
  }
  return "unknown";
}

std::optional<Format> parse_format(std::string_view name) {
  for (Format f : {Format::fp32, Format::bf16, Format::cfp16, Format::ucfp16, Format::cfp8_143,
                   Format::cfp8_152})
    if (name == format_name(f)) return f;
  return std::nullopt;
}

bool has_bias(Format format) {
  return format == Format::cfp16 || format == Format::cfp8_143 || format == Format::cfp8_152;
}

double max_finite(FormatSpec spec) {
  const Geometry g = geometry(spec.format);
  const int bias = effective_bias(spec);
  // IEEE formats keep their top exponent for Inf/NaN; CFloat formats use it for numbers.
  const bool ieee = spec.format == Format::fp32 || spec.format == Format::bf16;
  const int top_field = (1 << g.exponent_bits) - (ieee ? 2 : 1);
  return std::ldexp(2.0 - std::ldexp(1.0, -g.mantissa_bits), top_field - bias);
}

double min_normal(FormatSpec spec) {
  (void)geometry(spec.format);
  return std::ldexp(1.0, 1 - effective_bias(spec));
}

double min_positive(FormatSpec spec) {
  return std::ldexp(min_normal(spec), -geometry(spec.format).mantissa_bits);
}

void round_trip(const float* in, float* out, std::size_t n, FormatSpec spec, Rounding rounding,
                const StochasticKey* key, std::uint64_t first_logical_index) {
  require_pointers(in, out, n);
  const int bias = effective_bias(spec);
  detail::RandomKey storage;
  const detail::RandomKey* k = random_key(rounding, key, storage);
  if (spec.format == Format::fp32) {
    if (in != out && n > 0) std::memmove(out, in, n * sizeof(float));
    return;
  }
  detail::active_kernels().round_trip(in, out, n, layout_of(spec.format), bias, k,
                                      first_logical_index);
}

void round_trip_2d(const float* in, float* out, std::int64_t rows, std::int64_t cols,
                   std::int64_t ld, FormatSpec spec, Rounding rounding, const StochasticKey* key,
                   std::int64_t logical_cols, std::int64_t row0, std::int64_t col0) {
  if (rows < 0 || cols < 0 || row0 < 0 || col0 < 0 || ld < cols || col0 + cols > logical_cols)
    throw std::invalid_argument(
        "dojo::numerics::round_trip_2d: need rows, cols, row0, col0 >= 0, ld >= cols and "
        "col0 + cols <= logical_cols");
  for (std::int64_t r = 0; r < rows; ++r)
    round_trip(in + r * ld, out + r * ld, static_cast<std::size_t>(cols), spec, rounding, key,
               static_cast<std::uint64_t>((row0 + r) * logical_cols + col0));
}

void encode8(const float* in, std::uint8_t* codes, std::size_t n, FormatSpec spec,
             Rounding rounding, const StochasticKey* key, std::uint64_t first_logical_index) {
  require_pointers(in, codes, n);
  if (bytes_per_element(spec.format) != 1)
    throw std::invalid_argument("dojo::numerics::encode8: " +
                                std::string(format_name(spec.format)) + " has no 8-bit codes");
  const int bias = effective_bias(spec);
  detail::RandomKey storage;
  const detail::RandomKey* k = random_key(rounding, key, storage);
  detail::active_kernels().encode8(in, codes, n, layout_of(spec.format), bias, k,
                                   first_logical_index);
}

void decode8(const std::uint8_t* codes, float* out, std::size_t n, FormatSpec spec) {
  require_pointers(codes, out, n);
  if (bytes_per_element(spec.format) != 1)
    throw std::invalid_argument("dojo::numerics::decode8: " +
                                std::string(format_name(spec.format)) + " has no 8-bit codes");
  detail::active_kernels().decode8(codes, out, n, layout_of(spec.format), effective_bias(spec));
}

void encode16(const float* in, std::uint16_t* codes, std::size_t n, FormatSpec spec,
              Rounding rounding, const StochasticKey* key, std::uint64_t first_logical_index) {
  require_pointers(in, codes, n);
  if (bytes_per_element(spec.format) != 2)
    throw std::invalid_argument("dojo::numerics::encode16: " +
                                std::string(format_name(spec.format)) + " has no 16-bit codes");
  const int bias = effective_bias(spec);
  detail::RandomKey storage;
  const detail::RandomKey* k = random_key(rounding, key, storage);
  detail::active_kernels().encode16(in, codes, n, layout_of(spec.format), bias, k,
                                    first_logical_index);
}

void decode16(const std::uint16_t* codes, float* out, std::size_t n, FormatSpec spec) {
  require_pointers(codes, out, n);
  if (bytes_per_element(spec.format) != 2)
    throw std::invalid_argument("dojo::numerics::decode16: " +
                                std::string(format_name(spec.format)) + " has no 16-bit codes");
  detail::active_kernels().decode16(codes, out, n, layout_of(spec.format), effective_bias(spec));
}

void convert(const void* in, FormatSpec from, void* out, FormatSpec to, std::size_t n,
             Rounding rounding, const StochasticKey* key, std::uint64_t first_logical_index) {
  require_pointers(in, out, n);
  (void)effective_bias(from);
  (void)effective_bias(to);
  if (rounding == Rounding::stochastic && !key)
    throw std::invalid_argument("dojo::numerics: stochastic rounding needs a StochasticKey");
  const std::size_t in_size = bytes_per_element(from.format);
  const std::size_t out_size = bytes_per_element(to.format);
  const auto* src = static_cast<const std::uint8_t*>(in);
  auto* dst = static_cast<std::uint8_t*>(out);
  // Blocks small enough for the stack and the L1 cache: decode to FP32 (exact), then encode.
  constexpr std::size_t block = 1024;
  float values[block];
  for (std::size_t i = 0; i < n; i += block) {
    const std::size_t m = std::min(block, n - i);
    const float* x = values;
    switch (in_size) {
      case 4:
        x = reinterpret_cast<const float*>(src + i * 4);
        break;
      case 2:
        decode16(reinterpret_cast<const std::uint16_t*>(src + i * 2), values, m, from);
        break;
      default:
        decode8(src + i, values, m, from);
        break;
    }
    const std::uint64_t first = first_logical_index + i;
    switch (out_size) {
      case 4:
        if (reinterpret_cast<const void*>(x) != dst + i * 4)
          std::memmove(dst + i * 4, x, m * sizeof(float));
        break;
      case 2:
        encode16(x, reinterpret_cast<std::uint16_t*>(dst + i * 2), m, to, rounding, key, first);
        break;
      default:
        encode8(x, dst + i, m, to, rounding, key, first);
        break;
    }
  }
}

}  // namespace dojo::numerics
