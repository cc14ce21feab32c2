// Device tensors for one batch of the data loaders: inputs and targets, reallocated only when the
// shape changes. Classification: inputs (B, sample_size) float32, targets (B) int32; tokens:
// inputs and targets (B, T) int32.
#pragma once

#include <cstdint>
#include <vector>

#include "dojo/device/device.hpp"
#include "dojo/io/loader.hpp"
#include "dojo/model/tensor.hpp"

namespace dojo::jobs {

struct DeviceBatch {
  model::Tensor inputs;
  model::Tensor targets;

  void upload(device::Device& device, const io::ClassificationBatch& b) {
    upload(device, b.samples, {b.size, b.sample_size}, b.labels, {b.size});
  }
  void upload(device::Device& device, const io::TokenBatch& b) {
    upload(device, b.inputs, {b.size, b.context_length}, b.targets, {b.size, b.context_length});
  }

 private:
  template <typename In>
  void upload(device::Device& device, const std::vector<In>& in, model::Shape in_shape,
              const std::vector<std::int32_t>& tgt, model::Shape tgt_shape) {
    if (inputs.shape() != in_shape) inputs = model::Tensor(device, model::dtype_of<In>(), in_shape);
    if (targets.shape() != tgt_shape)
      targets = model::Tensor(device, model::DType::int32, tgt_shape);
    device.copy_to_device(inputs.view().raw(), in.data(), in.size() * sizeof(In));
    device.copy_to_device(targets.view().raw(), tgt.data(), tgt.size() * sizeof(std::int32_t));
  }
};

}  // namespace dojo::jobs
