// Layer normalisation over the channels of each row, keeping mean and 1/std for the backward pass
// (llm.c's layout). The math is the device's kernel; this names the shapes for the models.
#pragma once

#include <cstdint>

#include "dojo/device/device.hpp"

namespace dojo::model {

// y(N, C) = (x - mean) * rstd * w(C) + b(C); mean(N) and rstd(N) are saved for backward.
void layernorm_forward(device::Device& device, float* y, float* mean, float* rstd, const float* x,
                       const float* w, const float* b, std::int64_t N, std::int64_t C);
// Adds into dx(N, C), dw(C) and db(C).
void layernorm_backward(device::Device& device, float* dx, float* dw, float* db, const float* dy,
                        const float* x, const float* w, const float* mean, const float* rstd,
                        std::int64_t N, std::int64_t C);

}  // namespace dojo::model
