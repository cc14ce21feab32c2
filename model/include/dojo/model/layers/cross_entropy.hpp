// Softmax cross-entropy averaged over the rows (tokens or samples): the loss of both models.
// The probabilities are kept, so backward is (probs - onehot) / N without a second softmax.
#pragma once

#include <cstdint>

#include "dojo/device/device.hpp"

namespace dojo::model {

// probs(N, V) = softmax(logits(N, V)); losses(N) = -log probs[targets]; loss_sum(1) = their sum
// (device scalars); returns the mean loss, read back to the host.
float cross_entropy_forward(device::Device& device, float* probs, float* losses, float* loss_sum,
                            const float* logits, const std::int32_t* targets, std::int64_t N,
                            std::int64_t V);
// dlogits(N, V) += (probs - onehot(targets)) / N: the gradient of the mean loss.
void cross_entropy_backward(device::Device& device, float* dlogits, const float* probs,
                            const std::int32_t* targets, std::int64_t N, std::int64_t V);

}  // namespace dojo::model
