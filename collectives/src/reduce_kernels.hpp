// Local combining of two buffers (dst = dst op src) for every element type and operator, and the
// final division of avg. bfloat16 is combined in float32 and rounded to nearest even per call.
#pragma once

#include <cstddef>

#include "dojo/collectives/types.hpp"

namespace dojo::collectives::detail {

// dst[i] = dst[i] op src[i] for `count` elements; avg combines as sum (see divide()).
void combine(DataType type, ReduceOp op, void* dst, const void* src, std::size_t count);
// data[i] /= divisor for `count` elements (integers: truncating division, as C++).
void divide(DataType type, void* data, std::size_t count, int divisor);

}  // namespace dojo::collectives::detail
