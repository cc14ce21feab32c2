// Linear layer forward and backward as row-major GEMMs (see linear.hpp).
#include "dojo/model/layers/linear.hpp"

namespace dojo::model {

using device::Op;

void linear_forward(device::Device& device, float* y, const float* x, const float* w,
                    const float* b, std::int64_t N, std::int64_t C, std::int64_t OC) {
  device.gemm(Op::none, Op::transpose, N, OC, C, 1.0f, x, C, w, C, 0.0f, y, OC);
  if (b != nullptr) device.bias_add(y, b, N, OC);
}

void linear_backward(device::Device& device, float* dx, float* dw, float* db, const float* dy,
                     const float* x, const float* w, std::int64_t N, std::int64_t C,
                     std::int64_t OC, GradWrite dx_write) {
  if (dx != nullptr) {
    const float beta = dx_write == GradWrite::accumulate ? 1.0f : 0.0f;
    device.gemm(Op::none, Op::none, N, C, OC, 1.0f, dy, OC, w, C, beta, dx, C);
  }
  device.gemm(Op::transpose, Op::none, OC, C, N, 1.0f, dy, OC, x, C, 1.0f, dw, C);
  if (db != nullptr) device.bias_backward(db, dy, N, OC);
}

}  // namespace dojo::model
