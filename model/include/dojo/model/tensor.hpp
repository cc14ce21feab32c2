// Tensors on a device: row-major memory with a shape and an element type (float32 for values,
// int32 for tokens and labels). A Tensor owns its memory; a TensorView points into memory owned
// elsewhere (a parameter inside the flat parameter buffer, a caller's batch).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dojo/device/buffer.hpp"
#include "dojo/device/device.hpp"

namespace dojo::model {

enum class DType { float32, int32 };

std::size_t dtype_size(DType dtype);
std::string_view dtype_name(DType dtype);

template <typename T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() {
  return DType::float32;
}
template <>
constexpr DType dtype_of<std::int32_t>() {
  return DType::int32;
}

// Dimensions, outermost first; a rank-0 shape holds one element.
class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<std::int64_t> dims);
  explicit Shape(std::vector<std::int64_t> dims);

  int rank() const noexcept { return static_cast<int>(dims_.size()); }
  std::int64_t operator[](int axis) const;
  std::int64_t numel() const noexcept;
  const std::vector<std::int64_t>& dims() const noexcept { return dims_; }
  std::string to_string() const;  // "(8, 128, 256)"

  bool operator==(const Shape&) const = default;

 private:
  std::vector<std::int64_t> dims_;
};

// A typed, shaped pointer into device memory that someone else owns. Empty when data is null.
class TensorView {
 public:
  TensorView() = default;
  TensorView(void* data, DType dtype, Shape shape);
  template <typename T>
  static TensorView of(const T* data, Shape shape) {
    return TensorView(const_cast<T*>(data), dtype_of<T>(), std::move(shape));
  }

  // The elements as T; an internal error when T is not the tensor's type.
  template <typename T>
  T* data() const {
    check_type(dtype_of<T>());
    return static_cast<T*>(data_);
  }
  void* raw() const noexcept { return data_; }
  DType dtype() const noexcept { return dtype_; }
  const Shape& shape() const noexcept { return shape_; }
  std::int64_t numel() const noexcept { return shape_.numel(); }
  bool empty() const noexcept { return data_ == nullptr; }

 private:
  void check_type(DType wanted) const;

  void* data_ = nullptr;
  DType dtype_ = DType::float32;
  Shape shape_;
};

// Device memory with a shape and type; move-only (the memory is a device::Buffer).
class Tensor {
 public:
  Tensor() = default;
  Tensor(device::Device& device, DType dtype, Shape shape);

  template <typename T>
  T* data() const {
    return view().data<T>();
  }
  TensorView view() const { return TensorView(memory_.data(), dtype_, shape_); }
  DType dtype() const noexcept { return dtype_; }
  const Shape& shape() const noexcept { return shape_; }
  std::int64_t numel() const noexcept { return shape_.numel(); }
  device::Device* device() const noexcept { return memory_.device(); }

  // Host round trips, for tests, loaders and evaluation; `host` must hold numel() values.
  template <typename T>
  void upload(std::span<const T> host);
  template <typename T>
  std::vector<T> download() const;

 private:
  device::Buffer memory_;
  DType dtype_ = DType::float32;
  Shape shape_;
};

// A tensor holding a copy of host values.
template <typename T>
Tensor make_tensor(device::Device& device, Shape shape, std::span<const T> host) {
  Tensor tensor(device, dtype_of<T>(), std::move(shape));
  tensor.upload(host);
  return tensor;
}
template <typename T>
Tensor make_tensor(device::Device& device, Shape shape, const std::vector<T>& host) {
  return make_tensor(device, std::move(shape), std::span<const T>(host));
}

// Raises an internal error unless host_count == numel (the upload/download size contract).
void check_host_size(std::size_t host_count, std::int64_t numel, const char* what);

template <typename T>
void Tensor::upload(std::span<const T> host) {
  check_host_size(host.size(), numel(), "Tensor::upload");
  T* dst = data<T>();
  if (!host.empty()) memory_.device()->copy_to_device(dst, host.data(), host.size_bytes());
}

template <typename T>
std::vector<T> Tensor::download() const {
  std::vector<T> host(static_cast<std::size_t>(numel()));
  const T* src = data<T>();
  if (!host.empty()) memory_.device()->copy_to_host(host.data(), src, host.size() * sizeof(T));
  return host;
}

}  // namespace dojo::model
