// The parameters of a model and their gradients, each in ONE flat device buffer. Parameter tensors
// are views at offsets, stored in forward order and grouped by layer, so the layers that backward
// finishes first hold the highest offsets and every layer is one contiguous range: the trainer's
// gradient buckets are contiguous slices, reduced while backward goes on.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dojo/device/buffer.hpp"
#include "dojo/model/init.hpp"
#include "dojo/model/tensor.hpp"

namespace dojo::model {

// A block of a logical tensor held locally: the parameter's local elements
// [local_offset, local_offset + product(count)) are the row-major box [start, start + count) of
// the logical tensor. A tensor-parallel shard is one or more boxes (c_attn's rows of its heads:
// one box each in q, k and v); an unsplit parameter is one box covering the whole tensor.
struct TensorBox {
  std::int64_t local_offset = 0;    // floats from the parameter's first element
  std::vector<std::int64_t> start;  // per logical dimension
  std::vector<std::int64_t> count;  // per logical dimension
};

// One parameter tensor's place in the flat buffers.
struct ParameterInfo {
  std::string name;         // nanoGPT's names, e.g. "transformer.h.0.attn.c_attn.weight"
  Shape shape;              // local shape, e.g. (3*C, C); == logical_shape unless split
  std::int64_t offset = 0;  // first element in params()/grads(), floats
  std::int64_t count = 0;   // shape.numel()
  int group = 0;            // the layer it belongs to, index into groups()
  Init init;                // drawn by LOGICAL element index, so a shard gets the same values
  Shape logical_shape;      // the unsplit tensor, e.g. (3*C, C) when this rank holds (3*C/tp, C)
  std::vector<TensorBox> boxes;  // where the local elements sit in it; they tile [0, count)

  // Whether this rank holds the whole logical tensor (one box covering it).
  bool whole() const noexcept { return shape == logical_shape; }
};

// One layer's parameters: their gradients become final together during backward.
struct ParameterGroup {
  std::string name;         // e.g. "transformer.h.3"
  std::int64_t offset = 0;  // floats
  std::int64_t count = 0;   // floats, the sum of its parameters' counts
  int first_parameter = 0;  // index into the table
  int parameter_count = 0;
};

// Describes parameters before any memory exists; models fill one in forward order.
class ParameterLayout {
 public:
  // Starts the next layer; every add() goes into the latest group.
  void begin_group(std::string name);
  // Appends a parameter right after the previous one (no padding) and returns its index.
  int add(std::string name, Shape shape, Init init);
  // Appends the local part of a split parameter: `boxes` of `logical_shape` (each box's elements
  // row-major, the boxes one after another in the order given) make up a local tensor `shape`.
  int add_part(std::string name, Shape shape, Init init, Shape logical_shape,
               std::vector<TensorBox> boxes);

  const std::vector<ParameterInfo>& table() const noexcept { return table_; }
  const std::vector<ParameterGroup>& groups() const noexcept { return groups_; }
  std::int64_t size() const noexcept { return size_; }  // floats

 private:
  std::vector<ParameterInfo> table_;
  std::vector<ParameterGroup> groups_;
  std::int64_t size_ = 0;
};

class ParameterStore {
 public:
  // Allocates params and grads on `device`, initialises params from `seed`, zeroes grads.
  ParameterStore(device::Device& device, ParameterLayout layout, std::uint64_t seed);

  device::Device& device() const noexcept { return *device_; }
  std::span<const ParameterInfo> table() const noexcept { return table_; }
  std::span<const ParameterGroup> groups() const noexcept { return groups_; }
  int index(std::string_view name) const;  // an internal error when there is no such parameter
  std::int64_t size() const noexcept { return params_.numel(); }  // floats

  float* params() const { return params_.data<float>(); }  // (size)
  float* grads() const { return grads_.data<float>(); }    // (size)
  float* param(int i) const { return params() + table_.at(static_cast<std::size_t>(i)).offset; }
  float* grad(int i) const { return grads() + table_.at(static_cast<std::size_t>(i)).offset; }
  TensorView param_view(int i) const;
  TensorView grad_view(int i) const;

  // Rewrites every parameter from `seed` (same values as a fresh store with that seed). Element
  // values depend on the logical index, so every layout of a model starts from the same values.
  void initialize(std::uint64_t seed);
  void zero_grad();
  // Sum of squares of all gradients, reduced on the device (double accumulation) and read back:
  // the trainer allreduces it across ranks before taking the square root for clipping.
  double grad_sum_of_squares();
  // grads *= factor (clipping, or averaging over ranks).
  void scale_gradients(float factor);

  std::vector<float> download_params() const { return params_.download<float>(); }
  std::vector<float> download_grads() const { return grads_.download<float>(); }
  void upload_params(std::span<const float> host) { params_.upload(host); }

 private:
  device::Device* device_;
  std::vector<ParameterInfo> table_;
  std::vector<ParameterGroup> groups_;
  Tensor params_;                     // (size)
  Tensor grads_;                      // (size)
  device::DeviceBuffer<float> norm_;  // (1) sum of squares, kept on the device
};

}  // namespace dojo::model
