// ReLU and GELU through the device kernels (see activation.hpp).
#include "dojo/model/layers/activation.hpp"

#include "dojo/common/error.hpp"

namespace dojo::model {

Activation parse_activation(std::string_view name) {
  if (name == "relu") return Activation::relu;
  if (name == "gelu") return Activation::gelu;
  user_error(str("unknown activation '", name, "': use relu or gelu"));
}

std::string_view activation_name(Activation activation) {
  return activation == Activation::relu ? "relu" : "gelu";
}

void activation_forward(device::Device& device, Activation activation, float* y, const float* x,
                        std::int64_t n) {
  if (activation == Activation::relu) {
    device.relu_forward(x, y, n);
  } else {
    device.gelu_forward(x, y, n);
  }
}

void activation_backward(device::Device& device, Activation activation, float* dx, const float* dy,
                         const float* x, std::int64_t n) {
  if (activation == Activation::relu) {
    device.relu_backward(x, dy, dx, n);
  } else {
    device.gelu_backward(x, dy, dx, n);
  }
}

}  // namespace dojo::model
