// Shapes, typed views and owning tensors on a device (see tensor.hpp).
#include "dojo/model/tensor.hpp"

#include "dojo/common/error.hpp"

namespace dojo::model {

std::size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::float32:
      return sizeof(float);
    case DType::int32:
      return sizeof(std::int32_t);
  }
  internal_error("dtype_size: unknown dtype");
}

std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::float32:
      return "float32";
    case DType::int32:
      return "int32";
  }
  internal_error("dtype_name: unknown dtype");
}

Shape::Shape(std::initializer_list<std::int64_t> dims) : Shape(std::vector<std::int64_t>(dims)) {}

Shape::Shape(std::vector<std::int64_t> dims) : dims_(std::move(dims)) {
  for (std::int64_t d : dims_) check(d >= 0, "Shape: dimensions must be >= 0");
}

std::int64_t Shape::operator[](int axis) const {
  check(axis >= 0 && axis < rank(), "Shape: axis out of range");
  return dims_[static_cast<std::size_t>(axis)];
}

std::int64_t Shape::numel() const noexcept {
  std::int64_t n = 1;
  for (std::int64_t d : dims_) n *= d;
  return n;
}

std::string Shape::to_string() const {
  std::string text = "(";
  for (std::size_t i = 0; i < dims_.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(dims_[i]);
  }
  return text + ")";
}

TensorView::TensorView(void* data, DType dtype, Shape shape)
    : data_(data), dtype_(dtype), shape_(std::move(shape)) {}

void TensorView::check_type(DType wanted) const {
  if (wanted != dtype_) {
    internal_error(str("tensor of shape ", shape_.to_string(), " holds ", dtype_name(dtype_),
                       ", read as ", dtype_name(wanted)));
  }
}

Tensor::Tensor(device::Device& device, DType dtype, Shape shape)
    : memory_(device, static_cast<std::size_t>(shape.numel()) * dtype_size(dtype)),
      dtype_(dtype),
      shape_(std::move(shape)) {}

void check_host_size(std::size_t host_count, std::int64_t numel, const char* what) {
  if (static_cast<std::int64_t>(host_count) != numel) {
    internal_error(str(what, ": ", host_count, " host values for a tensor of ", numel));
  }
}

}  // namespace dojo::model
