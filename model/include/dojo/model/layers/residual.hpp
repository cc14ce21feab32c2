// The residual connection y = stream + branch. Its backward hands dy to both inputs; the GPT
// avoids even that copy by letting the stream's gradient buffer be dy itself (see gpt.cpp).
#pragma once

#include <cstdint>

#include "dojo/device/device.hpp"

namespace dojo::model {

// y(n) = stream(n) + branch(n); y may alias either input.
void residual_forward(device::Device& device, float* y, const float* stream, const float* branch,
                      std::int64_t n);
// dstream(n) += dy(n); dbranch(n) += dy(n).
void residual_backward(device::Device& device, float* dstream, float* dbranch, const float* dy,
                       std::int64_t n);

}  // namespace dojo::model
