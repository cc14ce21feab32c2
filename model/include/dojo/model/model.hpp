// What a trainer sees of any model: forward to a mean loss, backward into the flat gradient
// buffer with a hook per finished layer (to start that bucket's allreduce while backward goes
// on), the parameter store, gradient-norm helpers and the FLOPs of a step.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>

#include "dojo/device/device.hpp"
#include "dojo/model/parameters.hpp"
#include "dojo/model/tensor.hpp"

namespace dojo::model {

// GEMM FLOPs of one training step (multiply-add = 2). Element-wise kernels (layernorm, GELU,
// softmax, the optimizer) are not counted: they are a few percent and not what "utilisation"
// compares against a machine's peak.
struct StepFlops {
  double forward = 0.0;
  double backward = 0.0;
  double total() const noexcept { return forward + backward; }
};

// Called during backward once per parameter group (layer), in reverse forward order, as soon as
// that group's gradients are final: grads()[offset, offset + count). The calls cover every
// parameter exactly once and their offsets descend. The layer's device calls have been issued;
// device calls are ordered, so a transfer issued through the same device after the hook sees
// final values (on the host device they already are).
using GradientHook = std::function<void(std::int64_t offset, std::int64_t count)>;

class Model {
 public:
  virtual ~Model() = default;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  virtual std::string_view kind() const = 0;  // "mlp" or "gpt"

  // Runs the model on a batch in device memory and returns the mean cross-entropy over the
  // targets; the inputs and targets are copied, so the caller's buffers may change afterwards.
  // Without targets (an empty view) only the outputs are computed and NaN is returned.
  virtual float forward(const TensorView& inputs, const TensorView& targets) = 0;
  // Adds the gradient of the last forward's mean loss into grads() (call zero_grad() first
  // unless accumulating micro-batches), calling the gradient hook per finished layer.
  virtual void backward() = 0;
  // FLOPs of forward + backward on `batch_size` samples (GPT: sequences of the full context).
  virtual StepFlops step_flops(std::int64_t batch_size) const = 0;

  ParameterStore& parameters() noexcept { return parameters_; }
  const ParameterStore& parameters() const noexcept { return parameters_; }
  device::Device& device() const noexcept { return parameters_.device(); }

  void zero_grad() { parameters_.zero_grad(); }
  double grad_sum_of_squares() { return parameters_.grad_sum_of_squares(); }
  void scale_gradients(float factor) { parameters_.scale_gradients(factor); }

  // Replaces the hook (an empty function removes it).
  void set_gradient_hook(GradientHook hook) { hook_ = std::move(hook); }

 protected:
  Model(device::Device& device, ParameterLayout layout, std::uint64_t seed)
      : parameters_(device, std::move(layout), seed) {}

  // Backward brackets these: begin, then gradients_ready(g) for g = last group .. 0 in that
  // order (checked: a model that skips or repeats a layer is a bug), then end.
  void begin_backward();
  void gradients_ready(int group);
  void end_backward();

 private:
  ParameterStore parameters_;
  GradientHook hook_;
  int next_ready_group_ = -1;  // the group backward must finish next; -1 outside backward
};

}  // namespace dojo::model
