// Combining loops, one template per element type: written so the compiler vectorises them.
#include "reduce_kernels.hpp"

#include <algorithm>
#include <cstdint>

#include "dojo/common/error.hpp"

namespace dojo::collectives::detail {
namespace {

template <typename T>
void combine_as(ReduceOp op, T* dst, const T* src, std::size_t count) {
  switch (op) {
    case ReduceOp::sum:
    case ReduceOp::avg:
      for (std::size_t i = 0; i < count; ++i) dst[i] = static_cast<T>(dst[i] + src[i]);
      return;
    case ReduceOp::max:
      for (std::size_t i = 0; i < count; ++i) dst[i] = std::max(dst[i], src[i]);
      return;
    case ReduceOp::min:
      for (std::size_t i = 0; i < count; ++i) dst[i] = std::min(dst[i], src[i]);
      return;
  }
}

void combine_bfloat16(ReduceOp op, std::uint16_t* dst, const std::uint16_t* src,
                      std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    float a = from_bfloat16(dst[i]), b = from_bfloat16(src[i]);
    float r = op == ReduceOp::max ? std::max(a, b) : op == ReduceOp::min ? std::min(a, b) : a + b;
    dst[i] = to_bfloat16(r);
  }
}

template <typename T>
void divide_as(T* data, std::size_t count, int divisor) {
  for (std::size_t i = 0; i < count; ++i)
    data[i] = static_cast<T>(data[i] / static_cast<T>(divisor));
}

}  // namespace

void combine(DataType type, ReduceOp op, void* dst, const void* src, std::size_t count) {
  switch (type) {
    case DataType::float32:
      return combine_as(op, static_cast<float*>(dst), static_cast<const float*>(src), count);
    case DataType::float64:
      return combine_as(op, static_cast<double*>(dst), static_cast<const double*>(src), count);
    case DataType::int32:
      return combine_as(op, static_cast<std::int32_t*>(dst), static_cast<const std::int32_t*>(src),
                        count);
    case DataType::int64:
      return combine_as(op, static_cast<std::int64_t*>(dst), static_cast<const std::int64_t*>(src),
                        count);
    case DataType::bfloat16:
      return combine_bfloat16(op, static_cast<std::uint16_t*>(dst),
                              static_cast<const std::uint16_t*>(src), count);
  }
  internal_error("combine: unknown data type");
}

void divide(DataType type, void* data, std::size_t count, int divisor) {
  switch (type) {
    case DataType::float32:
      return divide_as(static_cast<float*>(data), count, divisor);
    case DataType::float64:
      return divide_as(static_cast<double*>(data), count, divisor);
    case DataType::int32:
      return divide_as(static_cast<std::int32_t*>(data), count, divisor);
    case DataType::int64:
      return divide_as(static_cast<std::int64_t*>(data), count, divisor);
    case DataType::bfloat16: {
      auto* d = static_cast<std::uint16_t*>(data);
      for (std::size_t i = 0; i < count; ++i)
        d[i] = to_bfloat16(from_bfloat16(d[i]) / static_cast<float>(divisor));
      return;
    }
  }
  internal_error("divide: unknown data type");
}

}  // namespace dojo::collectives::detail
