// Counter-based initialisation (see init.hpp): splitmix64 keyed by the seed and the FNV-1a hash of
// the parameter's name, normals by Box-Muller in double, rounded once to float.
#include "dojo/model/init.hpp"

#include <cmath>
#include <numbers>

namespace dojo::model {
namespace {

std::uint64_t fnv1a(std::string_view text) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

}  // namespace

CounterRng::CounterRng(std::uint64_t seed, std::string_view stream_name) noexcept
    : key_(splitmix64(seed ^ splitmix64(fnv1a(stream_name)))) {}

double CounterRng::uniform(std::uint64_t counter) const noexcept {
  const std::uint64_t bits = splitmix64(key_ + splitmix64(counter));
  return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53;  // never 0 or 1
}

double CounterRng::normal(std::uint64_t index) const noexcept {
  const double u1 = uniform(2 * index);
  const double u2 = uniform(2 * index + 1);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

void initialize_values(std::span<float> values, const Init& init, std::uint64_t seed,
                       std::string_view name, std::uint64_t first_index) {
  switch (init.kind) {
    case Init::Kind::zeros:
      for (float& v : values) v = 0.0f;
      return;
    case Init::Kind::ones:
      for (float& v : values) v = 1.0f;
      return;
    case Init::Kind::normal: {
      const CounterRng rng(seed, name);
      for (std::size_t j = 0; j < values.size(); ++j) {
        values[j] = static_cast<float>(init.std * rng.normal(first_index + j));
      }
      return;
    }
  }
}

}  // namespace dojo::model
