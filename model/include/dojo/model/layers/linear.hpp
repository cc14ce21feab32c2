// A fully connected layer, y = x W^T + b, with W stored (out, in) as PyTorch's nn.Linear. Both
// directions are GEMMs on the device; the backward adds into its gradients (llm.c's convention).
#pragma once

#include <cstdint>

#include "dojo/device/device.hpp"

namespace dojo::model {

// How a backward writes an input gradient: add to it (llm.c's convention, needed where a tensor
// has two consumers, as the residual stream) or overwrite it (a scratch buffer with a single
// producer, which then needs no zeroing first).
enum class GradWrite { accumulate, overwrite };

// y(N, OC) = x(N, C) @ w(OC, C)^T + b(OC); b may be null (no bias, e.g. a tied LM head).
void linear_forward(device::Device& device, float* y, const float* x, const float* w,
                    const float* b, std::int64_t N, std::int64_t C, std::int64_t OC);

// dx(N, C) += dy(N, OC) @ w(OC, C); dw(OC, C) += dy^T @ x(N, C); db(OC) += column sums of dy.
// dx == null skips the input gradient (a first layer fed by data); db == null means no bias.
// dx_write == overwrite sets dx = dy @ w instead of adding; dw and db always accumulate.
void linear_backward(device::Device& device, float* dx, float* dw, float* db, const float* dy,
                     const float* x, const float* w, std::int64_t N, std::int64_t C,
                     std::int64_t OC, GradWrite dx_write = GradWrite::accumulate);

}  // namespace dojo::model
