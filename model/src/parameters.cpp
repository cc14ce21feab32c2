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
  TensorBox whole;
  whole.start.assign(shape.dims().size(), 0);
  whole.count = shape.dims();
  Shape logical = shape;
  return add_part(std::move(name), std::move(shape), init, std::move(logical), {std::move(whole)});
}

int ParameterLayout::add_part(std::string name, Shape shape, Init init, Shape logical_shape,
                              std::vector<TensorBox> boxes) {
  check(!groups_.empty(), "ParameterLayout::add before begin_group");
  std::int64_t next = 0;  // the boxes tile the local tensor in order, inside the logical one
  for (const TensorBox& box : boxes) {
    check(box.local_offset == next, "parameter boxes tile the local tensor in order");
    check(static_cast<int>(box.start.size()) == logical_shape.rank() &&
              box.count.size() == box.start.size(),
          "a parameter box has one start and count per logical dimension");
    std::int64_t elements = 1;
    for (int d = 0; d < logical_shape.rank(); ++d) {
      const auto i = static_cast<std::size_t>(d);
      check(
          box.start[i] >= 0 && box.count[i] >= 0 && box.start[i] + box.count[i] <= logical_shape[d],
          "a parameter box lies inside the logical tensor");
      elements *= box.count[i];
    }
    next += elements;
  }
  check(next == shape.numel(), "parameter boxes cover the local tensor");
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
  info.logical_shape = std::move(logical_shape);
  info.boxes = std::move(boxes);
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
    float* local = host.data() + info.offset;
    if (info.whole()) {
      initialize_values({local, static_cast<std::size_t>(info.count)}, info.init, seed, info.name);
      continue;
    }
    // Row by row of each box (its innermost dimension is contiguous in both tensors).
    const std::vector<std::int64_t>& dims = info.logical_shape.dims();
    for (const TensorBox& box : info.boxes) {
      const std::size_t rank = dims.size();
      const std::int64_t run = rank == 0 ? 1 : box.count.back();
      std::int64_t runs = 1;
      for (std::size_t d = 0; d + 1 < rank; ++d) runs *= box.count[d];
      if (run == 0) continue;
      for (std::int64_t r = 0; r < runs; ++r) {
        // The logical index of this run's first element: unravel r over the outer box dims.
        std::int64_t rest = r, logical = 0, stride = 1;
        for (std::size_t d = rank; d-- > 0;) {
          std::int64_t coordinate = box.start[d];
          if (d + 1 < rank) {
            coordinate += rest % box.count[d];
            rest /= box.count[d];
          }
          logical += coordinate * stride;
          stride *= dims[d];
        }
        initialize_values({local + box.local_offset + r * run, static_cast<std::size_t>(run)},
                          info.init, seed, info.name, static_cast<std::uint64_t>(logical));
      }
    }
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
