// Tesla's configurable floating-point formats (CFloat8 1-4-3 and 1-5-2, CFloat16 signed 1-5-10 and
// unsigned 0-6-10) and BF16, emulated exactly on the host: encoding to codes, decoding, and the
// "fake quantisation" round trip FP32 -> format -> FP32, with round-to-nearest-even or stochastic
// rounding whose random bits depend only on (seed, tensor, step, logical element index).
// The decisions the published spec leaves open are in docs/d1-numerics.md; in short:
//  - denormals are IEEE-style, 0.m x 2^(1 - bias), for CFloat8 and both CFloat16 layouts;
//  - CFloat formats have no Inf/NaN: overflow and +-Inf saturate to +-max_finite, NaN to
//    +max_finite; the unsigned CFloat16 clamps negative input (and -Inf) to 0;
//  - BF16 is IEEE-like: it keeps Inf and NaN and overflows to Inf.
// The free functions may be called from several threads at once; set_isa() switches all of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace dojo::numerics {

// cfp16 = signed 1-5-10 with bias 0..63; ucfp16 = unsigned 0-6-10 with fixed bias 31.
enum class Format { fp32, bf16, cfp16, ucfp16, cfp8_143, cfp8_152 };
enum class Rounding { nearest_even, stochastic };

// A format with its exponent bias. The bias is used by cfp8_* and cfp16 (0..63); fp32 and bf16
// ignore it; ucfp16 always uses 31. An out-of-range bias is an error (std::invalid_argument).
struct FormatSpec {
  Format format = Format::fp32;
  int bias = 0;
};

// Stochastic rounding's random bits for element i are hash(seed, tensor, step, logical index of i).
struct StochasticKey {
  std::uint64_t seed = 0;
  std::uint64_t tensor = 0;
  std::uint64_t step = 0;
};

inline constexpr int min_bias = 0;
inline constexpr int max_bias = 63;
inline constexpr int ucfp16_bias = 31;

std::size_t bytes_per_element(Format format);  // 4, 2, 2, 2, 1, 1
std::string_view format_name(Format format);   // "fp32", "bf16", "cfp16", "ucfp16", "cfp8_143", ...
std::optional<Format> parse_format(std::string_view name);
// True for the formats whose bias is chosen per tensor (cfp16, cfp8_143, cfp8_152).
bool has_bias(Format format);

double max_finite(FormatSpec spec);    // largest finite value
double min_normal(FormatSpec spec);    // smallest positive normal value
double min_positive(FormatSpec spec);  // smallest positive value (a denormal)

// Rounds n values to the format and back to float ("fake quantisation"); in == out is allowed.
// Element i's logical index is first_logical_index + i. key is required for stochastic rounding
// (std::invalid_argument without it). fp32 copies.
void round_trip(const float* in, float* out, std::size_t n, FormatSpec spec, Rounding rounding,
                const StochasticKey* key = nullptr, std::uint64_t first_logical_index = 0);

// The same for a (rows x cols) block of a logical (.. x logical_cols) row-major matrix whose top
// left element is (row0, col0): element (r, c) has logical index (row0 + r) * logical_cols + col0 +
// c; in and out have row stride ld (elements). A tensor-parallel shard thus rounds as the whole
// tensor does.
void round_trip_2d(const float* in, float* out, std::int64_t rows, std::int64_t cols,
                   std::int64_t ld, FormatSpec spec, Rounding rounding, const StochasticKey* key,
                   std::int64_t logical_cols, std::int64_t row0, std::int64_t col0);

// Codes: 8-bit for cfp8_*, 16-bit for cfp16, ucfp16 and bf16 (std::invalid_argument otherwise).
// A code's bit layout is sign, exponent field, mantissa, from the top bit down (ucfp16 has no
// sign).
void encode8(const float* in, std::uint8_t* codes, std::size_t n, FormatSpec spec,
             Rounding rounding, const StochasticKey* key, std::uint64_t first_logical_index = 0);
void decode8(const std::uint8_t* codes, float* out, std::size_t n, FormatSpec spec);
void encode16(const float* in, std::uint16_t* codes, std::size_t n, FormatSpec spec,
              Rounding rounding, const StochasticKey* key, std::uint64_t first_logical_index = 0);
void decode16(const std::uint16_t* codes, float* out, std::size_t n, FormatSpec spec);

// Any format to any other: n elements of `from` (float, 16-bit or 8-bit codes as the format has) to
// `to`, with one rounding (decoding is exact, so BF16 -> CFloat8 rounds as FP32 -> CFloat8 of the
// same values). in and out may not overlap unless they are the same buffer with the same element
// size. key as for round_trip (random bits follow the logical index first_logical_index + i).
void convert(const void* in, FormatSpec from, void* out, FormatSpec to, std::size_t n,
             Rounding rounding, const StochasticKey* key = nullptr,
             std::uint64_t first_logical_index = 0);

// Bias from a tensor's recent largest magnitude (delayed scaling): the largest bias whose
// max_finite is >= amax * 2^margin_binades, so amax is not clipped; clamped to 0..63. amax 0 gives
// 63; NaN or Inf gives 0. Formats without a per-tensor bias return their fixed one (ucfp16: 31;
// fp32/bf16: 0).
int choose_bias(Format format, float amax, int margin_binades = 0);

// The largest magnitudes of a tensor's last `length` steps, for choose_bias. NaN counts as +Inf.
class AmaxHistory {
 public:
  explicit AmaxHistory(int length = 16);
  void push(float amax);
  float max() const;  // 0 when empty
  int length() const { return length_; }
  // Oldest first; at most length() values. restore(values()) rebuilds the same history
  // (checkpoints).
  std::vector<float> values() const;
  void restore(const std::vector<float>& values);

 private:
  int length_;
  std::vector<float> ring_;  // (length_) values, next_ is the slot to overwrite
  std::size_t next_ = 0;
  std::size_t count_ = 0;
};

// What converting n values to a format would do to them, counted from the inputs (D1's exception
// flags, as counts): a precision policy reports these to show a bias that clips or flushes.
struct FormatEvents {
  std::uint64_t invalid = 0;    // NaN (saturates to +max_finite; BF16 keeps it)
  std::uint64_t overflow = 0;   // |x| > max_finite, Inf included (saturates; BF16: Inf)
  std::uint64_t underflow = 0;  // x != 0 with |x| <= min_positive / 2: nearest rounding gives 0
  std::uint64_t denormal = 0;   // min_positive / 2 < |x| < min_normal: lands among the denormals
  std::uint64_t negative = 0;   // x < 0 in the unsigned CFloat16 (clamped to 0); 0 otherwise
};
FormatEvents count_events(const float* x, std::size_t n, FormatSpec spec);

// Largest |x| of n values; NaN counts as +Inf (so a NaN tensor saturates rather than hides).
float amax(const float* x, std::size_t n);

// The implementation that runs: "avx512", "avx2" or "portable", chosen at first use from the CPU
// (cpuid) unless the environment variable DOJO_NUMERICS_ISA names one. Every ISA gives the same
// bits. If DOJO_NUMERICS_ISA names an ISA this build or CPU lacks, this (and every conversion)
// throws std::invalid_argument: call it at start-up to report the user's mistake in one place.
std::string_view active_isa();
// The ISAs this machine can run, best first (always ends with "portable").
std::vector<std::string_view> available_isas();
// Selects an ISA (for tests and benchmarks); false, and no change, if unknown or not supported
// here.
bool set_isa(std::string_view isa);

}  // namespace dojo::numerics
