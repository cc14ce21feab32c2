// Tensor-parallel reductions through dojo's collectives (see tensor_parallel.hpp).
#include "dojo/model/layers/tensor_parallel.hpp"

#include "dojo/collectives/communicator.hpp"

namespace dojo::model {

TensorParallelGroup::TensorParallelGroup(device::Device& device, collectives::Communicator* comm)
    : device_(&device),
      comm_(comm),
      rank_(comm != nullptr ? comm->rank() : 0),
      size_(comm != nullptr ? comm->size() : 1),
      host_memory_(device.info().kind == device::DeviceKind::host) {}

void TensorParallelGroup::sum(float* data, std::int64_t n) {
  if (size_ == 1 || n == 0) return;
  const auto count = static_cast<std::size_t>(n);
  if (host_memory_) {
    comm_->allreduce(collectives::in_place, data, count, collectives::DataType::float32,
                     collectives::ReduceOp::sum);
    return;
  }
  staging_.resize(count);
  device_->copy_to_host(staging_.data(), data, count * sizeof(float));
  sum_host(staging_);
  device_->copy_to_device(data, staging_.data(), count * sizeof(float));
}

void TensorParallelGroup::sum_host(std::span<float> data) {
  if (size_ > 1 && !data.empty()) comm_->allreduce(data, collectives::ReduceOp::sum);
}

void TensorParallelGroup::max_host(std::span<float> data) {
  if (size_ > 1 && !data.empty()) comm_->allreduce(data, collectives::ReduceOp::max);
}

}  // namespace dojo::model
