// Inputs and checks shared by the collectives tests: rank- and index-dependent values that make a
// misplaced block or a missing contribution visible, conversion to double, byte checksums.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "dojo/collectives/types.hpp"

namespace dojo::collectives::test {

// The value of element i on rank r: small integers (exact in every type, sums exact in float64)
// with a rank-dependent fraction for the float types (exact in bfloat16: at most 8 significant
// bits).
inline double value(DataType type, int rank, std::size_t i, int salt) {
  const auto v =
      static_cast<double>(static_cast<long long>((rank * 37 + i * 11 + salt * 7) % 61) - 30);
  switch (type) {
    case DataType::int32:
    case DataType::int64:
      return v * 1000 + rank;
    default:
      return v / 4 + rank / 8.0;
  }
}

inline void store(DataType type, std::byte* at, double v) {
  switch (type) {
    case DataType::float32: {
      float f = static_cast<float>(v);
      std::memcpy(at, &f, 4);
      return;
    }
    case DataType::float64:
      std::memcpy(at, &v, 8);
      return;
    case DataType::bfloat16: {
      auto b = to_bfloat16(static_cast<float>(v));
      std::memcpy(at, &b, 2);
      return;
    }
    case DataType::int32: {
      auto n = static_cast<std::int32_t>(v);
      std::memcpy(at, &n, 4);
      return;
    }
    case DataType::int64: {
      auto n = static_cast<std::int64_t>(v);
      std::memcpy(at, &n, 8);
      return;
    }
  }
}

inline double load(DataType type, const std::byte* at) {
  switch (type) {
    case DataType::float32: {
      float f;
      std::memcpy(&f, at, 4);
      return f;
    }
    case DataType::float64: {
      double d;
      std::memcpy(&d, at, 8);
      return d;
    }
    case DataType::bfloat16: {
      std::uint16_t b;
      std::memcpy(&b, at, 2);
      return from_bfloat16(b);
    }
    case DataType::int32: {
      std::int32_t n;
      std::memcpy(&n, at, 4);
      return n;
    }
    case DataType::int64: {
      std::int64_t n;
      std::memcpy(&n, at, 8);
      return static_cast<double>(n);
    }
  }
  return 0;
}

// count elements of this rank's input; element i gets value(type, rank, first + i, salt).
inline std::vector<std::byte> make_input(DataType type, int rank, std::size_t count, int salt,
                                         std::size_t first = 0) {
  std::vector<std::byte> out(count * size_of(type));
  for (std::size_t i = 0; i < count; ++i)
    store(type, out.data() + i * size_of(type), value(type, rank, first + i, salt));
  return out;
}

inline std::vector<double> to_doubles(DataType type, const std::byte* data, std::size_t count) {
  std::vector<double> out(count);
  for (std::size_t i = 0; i < count; ++i) out[i] = load(type, data + i * size_of(type));
  return out;
}

// FNV-1a over bytes: equal on every rank iff (with overwhelming odds) the bytes are equal.
inline std::uint64_t checksum(const std::byte* data, std::size_t bytes) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = 0; i < bytes; ++i) {
    h ^= static_cast<std::uint64_t>(data[i]);
    h *= 1099511628211ull;
  }
  return h;
}

// Machine epsilon (spacing of numbers at 1) of the float types; 0 for integers.
inline double epsilon(DataType type) {
  switch (type) {
    case DataType::float32:
      return 1.0 / (1 << 23);
    case DataType::float64:
      return 1.0 / 4503599627370496.0;  // 2^-52
    case DataType::bfloat16:
      return 1.0 / (1 << 7);
    default:
      return 0.0;
  }
}

}  // namespace dojo::collectives::test
