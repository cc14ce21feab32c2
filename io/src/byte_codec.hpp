// A minimal byte encoding for broadcasting small structs (DatasetInfo, PrepareSummary) from the
// rank that produced them: integers, reals and strings appended in a fixed order.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "dojo/common/error.hpp"

namespace dojo::io::detail {

class ByteWriter {
 public:
  template <typename T>
  requires std::is_arithmetic_v<T> || std::is_enum_v<T>
  void put(T value) { bytes_.append(reinterpret_cast<const char*>(&value), sizeof value); }
  void put(const std::string& value) {
    put(static_cast<std::uint64_t>(value.size()));
    bytes_ += value;
  }
  template <typename T>
  void put(const std::vector<T>& values) {
    put(static_cast<std::uint64_t>(values.size()));
    for (const auto& v : values) put(v);
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

class ByteReader {
 public:
  explicit ByteReader(const std::string& bytes) : bytes_(bytes) {}
  template <typename T>
  requires std::is_arithmetic_v<T> || std::is_enum_v<T>
  void get(T& value) { take(&value, sizeof value); }
  void get(std::string& value) {
    std::uint64_t size = 0;
    get(size);
    check(size <= bytes_.size() - offset_, "encoded string fits its buffer");
    value.assign(bytes_, offset_, size);
    offset_ += size;
  }
  template <typename T>
  void get(std::vector<T>& values) {
    std::uint64_t size = 0;
    get(size);
    values.resize(size);
    for (auto& v : values) get(v);
  }

 private:
  void take(void* out, std::size_t size) {
    check(size <= bytes_.size() - offset_, "encoded value fits its buffer");
    std::memcpy(out, bytes_.data() + offset_, size);
    offset_ += size;
  }
  const std::string& bytes_;
  std::size_t offset_ = 0;
};

}  // namespace dojo::io::detail
