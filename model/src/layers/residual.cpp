// Residual add through the device's element-wise kernels (see residual.hpp).
#include "dojo/model/layers/residual.hpp"

namespace dojo::model {

void residual_forward(device::Device& device, float* y, const float* stream, const float* branch,
                      std::int64_t n) {
  device.add(stream, branch, y, n);
}

void residual_backward(device::Device& device, float* dstream, float* dbranch, const float* dy,
                       std::int64_t n) {
  device.axpy(n, 1.0f, dy, dstream);
  device.axpy(n, 1.0f, dy, dbranch);
}

}  // namespace dojo::model
