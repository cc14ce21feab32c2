// The flat parameter and gradient buffers (see parameters.hpp).
#include "dojo/model/parameters.hpp"

#include "dojo/common/error.hpp"

namespace dojo::model {

void ParameterLayout::begin_group(std::string name) {
  ParameterGroup group;
  group.name = std::move(name);
  group.offset = size_;
  group.first_parameter = static_cast<int>(table_.size());
  groups_.push_back(std::move(group));
}

int ParameterLayout::add(std::string name, Shape shape, Init init) {
  check(!groups_.empty(), "ParameterLayout::add before begin_group");
  for (const ParameterInfo& existing : table_) {
    if (existing.name == name) internal_error(str("parameter ", name, " added twice"));
  }
  ParameterInfo info;
  info.name = std::move(name);
  info.count = shape.numel();
  info.shape = std::move(shape);
  info.offset = size_;
  info.group = static_cast<int>(groups_.size()) - 1;
  info.init = init;
  size_ += info.count;
  ParameterGroup& group = groups_.back();
  group.count += info.count;
  group.parameter_count += 1;
  table_.push_back(std::move(info));
  return static_cast<int>(table_.size()) - 1;
}

ParameterStore::ParameterStore(device::Device& device, ParameterLayout layout, std::uint64_t seed)
    : device_(&device),
      table_(layout.table()),
      groups_(layout.groups()),
      params_(device, DType::float32, Shape{layout.size()}),
      grads_(device, DType::float32, Shape{layout.size()}),
      norm_(device, 1) {
  initialize(seed);
  zero_grad();
}

int ParameterStore::index(std::string_view name) const {
  for (std::size_t i = 0; i < table_.size(); ++i) {
    if (table_[i].name == name) return static_cast<int>(i);
  }
  internal_error(str("no parameter named ", name));
}

TensorView ParameterStore::param_view(int i) const {
  return TensorView::of<float>(param(i), table_.at(static_cast<std::size_t>(i)).shape);
}

TensorView ParameterStore::grad_view(int i) const {
  return TensorView::of<float>(grad(i), table_.at(static_cast<std::size_t>(i)).shape);
}

void ParameterStore::initialize(std::uint64_t seed) {
  std::vector<float> host(static_cast<std::size_t>(size()));
  for (const ParameterInfo& info : table_) {
    std::span<float> values(host.data() + info.offset, static_cast<std::size_t>(info.count));
    initialize_values(values, info.init, seed, info.name);
  }
  params_.upload(std::span<const float>(host));
}

void ParameterStore::zero_grad() {
  if (size() > 0) device_->fill(grads(), size(), 0.0f);
}

double ParameterStore::grad_sum_of_squares() {
  if (size() == 0) return 0.0;
  device_->sum_squares(grads(), size(), norm_.data());
  float host = 0.0f;
  device_->copy_to_host(&host, norm_.data(), sizeof(float));
  return host;
}

void ParameterStore::scale_gradients(float factor) {
  if (size() > 0) device_->scale(grads(), size(), factor);
}

}  // namespace dojo::model
