// Element-wise activations: ReLU and GPT-2's tanh-approximated GELU. The input is kept for the
// backward pass; backward adds into dx.
#pragma once

#include <cstdint>
#include <string_view>

#include "dojo/device/device.hpp"

namespace dojo::model {

enum class Activation { relu, gelu };

// "relu" or "gelu"; anything else is a user error naming both.
Activation parse_activation(std::string_view name);
std::string_view activation_name(Activation activation);

// y(n) = act(x(n)).
void activation_forward(device::Device& device, Activation activation, float* y, const float* x,
                        std::int64_t n);
// dx(n) += act'(x) * dy(n).
void activation_backward(device::Device& device, Activation activation, float* dx, const float* dy,
                         const float* x, std::int64_t n);

}  // namespace dojo::model
