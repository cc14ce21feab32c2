// The tensor-parallel group as the layers see it: sums and maxima across the group's ranks of
// device buffers (staged through host memory when the device's memory is not host memory) and of
// small host arrays. With one rank (or no communicator) every call is a no-op.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "dojo/device/device.hpp"

namespace dojo::collectives {
class Communicator;
}

namespace dojo::model {

class TensorParallelGroup {
 public:
  // `comm` may be null (one rank); it must outlive the group.
  TensorParallelGroup(device::Device& device, collectives::Communicator* comm);

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }

  // data(n) = sum over the group of data(n); device memory. The "g" operator after a
  // row-parallel layer (forward) and before a column-parallel one (backward).
  void sum(float* data, std::int64_t n);
  // In place on host memory.
  void sum_host(std::span<float> data);
  void max_host(std::span<float> data);

 private:
  device::Device* device_;
  collectives::Communicator* comm_;
  int rank_ = 0;
  int size_ = 1;
  bool host_memory_ = true;     // device pointers are host pointers (HostDevice)
  std::vector<float> staging_;  // (n) host copy of a device buffer when they are not
};

}  // namespace dojo::model
