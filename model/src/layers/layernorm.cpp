// Layer normalisation through the device kernels (see layernorm.hpp); eps = 1e-5 as GPT-2.
#include "dojo/model/layers/layernorm.hpp"

namespace dojo::model {

void layernorm_forward(device::Device& device, float* y, float* mean, float* rstd, const float* x,
                       const float* w, const float* b, std::int64_t N, std::int64_t C) {
  device.layernorm_forward(x, w, b, y, mean, rstd, N, C, 1e-5f);
}

void layernorm_backward(device::Device& device, float* dx, float* dw, float* db, const float* dy,
                        const float* x, const float* w, const float* mean, const float* rstd,
                        std::int64_t N, std::int64_t C) {
  device.layernorm_backward(dy, x, w, mean, rstd, dx, dw, db, N, C);
}

}  // namespace dojo::model
