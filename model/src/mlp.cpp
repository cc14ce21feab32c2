// The MLP classifier's layout, forward and backward (see mlp.hpp). The first layer's input is
// data, so its input gradient is never computed.
#include "dojo/model/mlp.hpp"

#include <cmath>
#include <limits>

#include "arena.hpp"
#include "dojo/common/error.hpp"
#include "dojo/model/layers/cross_entropy.hpp"
#include "dojo/model/layers/linear.hpp"

namespace dojo::model {
namespace {

std::vector<std::int64_t> layer_dims(const MlpConfig& config) {
  std::vector<std::int64_t> dims{config.input_dim};
  dims.insert(dims.end(), config.hidden_sizes.begin(), config.hidden_sizes.end());
  dims.push_back(config.classes);
  return dims;
}

ParameterLayout mlp_layout(const MlpConfig& config) {
  config.validate();
  const std::vector<std::int64_t> dims = layer_dims(config);
  ParameterLayout layout;
  for (std::size_t i = 0; i + 1 < dims.size(); ++i) {
    const bool output = i + 2 == dims.size();
    const double gain = output ? 1.0 : 2.0;
    const auto std = static_cast<float>(std::sqrt(gain / static_cast<double>(dims[i])));
    layout.begin_group(str("layers.", i));
    layout.add(str("layers.", i, ".weight"), {dims[i + 1], dims[i]}, Init::normal(std));
    layout.add(str("layers.", i, ".bias"), {dims[i + 1]}, Init::zeros());
  }
  return layout;
}

}  // namespace

void MlpConfig::validate() const {
  if (input_dim <= 0) user_error(str("mlp: input_dim = ", input_dim, " must be positive"));
  if (classes < 2) user_error(str("mlp: classes = ", classes, " must be at least 2"));
  for (std::int64_t h : hidden_sizes) {
    if (h <= 0) user_error(str("mlp: hidden size ", h, " must be positive"));
  }
}

std::int64_t MlpConfig::parameter_count() const {
  const std::vector<std::int64_t> dims = layer_dims(*this);
  std::int64_t count = 0;
  for (std::size_t i = 0; i + 1 < dims.size(); ++i) count += (dims[i] + 1) * dims[i + 1];
  return count;
}

struct MlpClassifier::Activations {
  Tensor memory;
  Tensor targets;                // int32 (B)
  std::vector<float*> inputs;    // layer i's input: (B, dims[i]); [0] is the copied batch
  std::vector<float*> outputs;   // layer i's output before the activation: (B, dims[i+1])
  std::vector<float*> doutputs;  // gradient of outputs[i]: (B, dims[i+1])
  std::vector<float*> dinputs;   // gradient of inputs[i], i >= 1: (B, dims[i])
  float* probs = nullptr;        // (B, K)
  float* losses = nullptr;       // (B)
  float* loss_sum = nullptr;     // (1)
};

MlpClassifier::MlpClassifier(device::Device& device, const MlpConfig& config)
    : Model(device, mlp_layout(config), config.seed), config_(config), dims_(layer_dims(config)) {}

MlpClassifier::~MlpClassifier() = default;

void MlpClassifier::ensure_batch(std::int64_t B) {
  if (acts_ != nullptr && B == B_) return;
  const std::size_t layers = static_cast<std::size_t>(layer_count());
  acts_ = std::make_unique<Activations>();
  Activations& a = *acts_;
  a.inputs.assign(layers, nullptr);
  a.outputs.assign(layers, nullptr);
  a.doutputs.assign(layers, nullptr);
  a.dinputs.assign(layers, nullptr);
  Arena arena;
  for (std::size_t i = 0; i < layers; ++i) {
    arena.add(&a.inputs[i], B * dims_[i]);  // for i >= 1: the activation of outputs[i - 1]
    arena.add(&a.outputs[i], B * dims_[i + 1]);
    arena.add(&a.doutputs[i], B * dims_[i + 1]);
    if (i > 0) arena.add(&a.dinputs[i], B * dims_[i]);
  }
  arena.add(&a.probs, B * config_.classes);
  arena.add(&a.losses, B);
  arena.add(&a.loss_sum, 1);
  a.memory = arena.allocate(device());
  a.targets = Tensor(device(), DType::int32, {B});
  B_ = B;
}

TensorView MlpClassifier::logits() const {
  check(acts_ != nullptr, "MlpClassifier::logits before forward");
  return TensorView::of<float>(acts_->outputs.back(), {B_, config_.classes});
}

float MlpClassifier::forward(const TensorView& inputs, const TensorView& targets) {
  if (inputs.shape().rank() != 2 || inputs.shape()[1] != config_.input_dim ||
      inputs.shape()[0] == 0) {
    user_error(str("mlp: inputs of shape ", inputs.shape().to_string(),
                   " do not match the model's input_dim = ", config_.input_dim,
                   "; expected (batch, ", config_.input_dim, ")"));
  }
  const std::int64_t B = inputs.shape()[0];
  if (!targets.empty() && targets.shape() != Shape{B}) {
    internal_error(str("mlp: targets ", targets.shape().to_string(), " for ", B, " inputs"));
  }
  ensure_batch(B);
  device::Device& dev = device();
  Activations& a = *acts_;
  const float* params = parameters().params();
  const auto feature_bytes = static_cast<std::size_t>(B * config_.input_dim) * sizeof(float);
  dev.copy_on_device(a.inputs[0], inputs.data<float>(), feature_bytes);
  have_targets_ = !targets.empty();
  if (have_targets_) {
    dev.copy_on_device(a.targets.data<std::int32_t>(), targets.data<std::int32_t>(),
                       static_cast<std::size_t>(B) * sizeof(std::int32_t));
  }
  const std::int64_t layers = layer_count();
  for (std::int64_t i = 0; i < layers; ++i) {
    const std::size_t k = static_cast<std::size_t>(i);
    const float* w = params + parameters().table()[2 * k].offset;
    const float* b = params + parameters().table()[2 * k + 1].offset;
    linear_forward(dev, a.outputs[k], a.inputs[k], w, b, B, dims_[k], dims_[k + 1]);
    if (i + 1 < layers) {
      activation_forward(dev, config_.activation, a.inputs[k + 1], a.outputs[k], B * dims_[k + 1]);
    }
  }
  if (!have_targets_) return std::numeric_limits<float>::quiet_NaN();
  return cross_entropy_forward(dev, a.probs, a.losses, a.loss_sum, a.outputs.back(),
                               a.targets.data<std::int32_t>(), B, config_.classes);
}

void MlpClassifier::backward() {
  check(acts_ != nullptr && have_targets_, "MlpClassifier::backward needs a forward with targets");
  device::Device& dev = device();
  Activations& a = *acts_;
  const std::int64_t B = B_;
  const float* params = parameters().params();
  float* grads = parameters().grads();
  begin_backward();
  dev.fill(a.doutputs.back(), B * config_.classes, 0.0f);
  cross_entropy_backward(dev, a.doutputs.back(), a.probs, a.targets.data<std::int32_t>(), B,
                         config_.classes);
  for (std::int64_t i = layer_count() - 1; i >= 0; --i) {
    const std::size_t k = static_cast<std::size_t>(i);
    const ParameterInfo& weight = parameters().table()[2 * k];
    const ParameterInfo& bias = parameters().table()[2 * k + 1];
    float* dx = i == 0 ? nullptr : a.dinputs[k];
    linear_backward(dev, dx, grads + weight.offset, grads + bias.offset, a.doutputs[k], a.inputs[k],
                    params + weight.offset, B, dims_[k], dims_[k + 1], GradWrite::overwrite);
    gradients_ready(static_cast<int>(i));
    if (i > 0) {
      dev.fill(a.doutputs[k - 1], B * dims_[k], 0.0f);
      activation_backward(dev, config_.activation, a.doutputs[k - 1], dx, a.outputs[k - 1],
                          B * dims_[k]);
    }
  }
  end_backward();
}

// Per sample, layer i costs 2 * in * out forward, the same again for its weight gradient and,
// except the first layer (its input is data), once more for its input gradient.
StepFlops MlpClassifier::step_flops(std::int64_t batch_size) const {
  StepFlops flops;
  const double B = static_cast<double>(batch_size);
  for (std::int64_t i = 0; i < layer_count(); ++i) {
    const std::size_t k = static_cast<std::size_t>(i);
    const double products = B * static_cast<double>(dims_[k]) * static_cast<double>(dims_[k + 1]);
    flops.forward += 2.0 * products;
    flops.backward += (i == 0 ? 2.0 : 4.0) * products;
  }
  return flops;
}

namespace {

// Arg-max per row of host logits (B, K); ties go to the lower class.
std::vector<std::int32_t> argmax_rows(const std::vector<float>& logits, std::int64_t B,
                                      std::int64_t K) {
  std::vector<std::int32_t> best(static_cast<std::size_t>(B), 0);
  for (std::int64_t i = 0; i < B; ++i) {
    const float* row = logits.data() + i * K;
    for (std::int64_t j = 1; j < K; ++j) {
      if (row[j] > row[best[static_cast<std::size_t>(i)]]) {
        best[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(j);
      }
    }
  }
  return best;
}

std::vector<float> download_floats(device::Device& device, const TensorView& view) {
  std::vector<float> host(static_cast<std::size_t>(view.numel()));
  device.copy_to_host(host.data(), view.data<float>(), host.size() * sizeof(float));
  return host;
}

}  // namespace

Evaluation MlpClassifier::evaluate(const TensorView& inputs, const TensorView& targets) {
  check(!targets.empty(), "MlpClassifier::evaluate needs targets");
  Evaluation result;
  result.loss = forward(inputs, targets);
  result.count = B_;
  const std::vector<std::int32_t> predicted =
      argmax_rows(download_floats(device(), logits()), B_, config_.classes);
  std::vector<std::int32_t> labels(static_cast<std::size_t>(B_));
  device().copy_to_host(labels.data(), acts_->targets.data<std::int32_t>(),
                        labels.size() * sizeof(std::int32_t));
  for (std::size_t i = 0; i < labels.size(); ++i) result.correct += predicted[i] == labels[i];
  return result;
}

std::vector<std::int32_t> MlpClassifier::predict(const TensorView& inputs) {
  forward(inputs, TensorView());
  return argmax_rows(download_floats(device(), logits()), B_, config_.classes);
}

}  // namespace dojo::model
