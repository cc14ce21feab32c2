// Mean softmax cross-entropy through the device kernels (see cross_entropy.hpp).
#include "dojo/model/layers/cross_entropy.hpp"

namespace dojo::model {

float cross_entropy_forward(device::Device& device, float* probs, float* losses, float* loss_sum,
                            const float* logits, const std::int32_t* targets, std::int64_t N,
                            std::int64_t V) {
  device.cross_entropy_forward(logits, targets, probs, losses, N, V);
  device.sum(losses, N, loss_sum);
  float host_sum = 0.0f;
  device.copy_to_host(&host_sum, loss_sum, sizeof(float));
  return host_sum / static_cast<float>(N);
}

void cross_entropy_backward(device::Device& device, float* dlogits, const float* probs,
                            const std::int32_t* targets, std::int64_t N, std::int64_t V) {
  device.cross_entropy_backward(probs, targets, dlogits, N, V, 1.0f / static_cast<float>(N));
}

}  // namespace dojo::model
