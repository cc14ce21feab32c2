// One device allocation carved into named float arrays: a model's activations or its backward
// scratch. Fields are registered with their sizes, then the memory is made and the pointers set.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "dojo/model/tensor.hpp"

namespace dojo::model {

class Arena {
 public:
  // Registers *field to point at `count` floats once allocate() runs.
  void add(float** field, std::int64_t count) { fields_.emplace_back(field, count); }

  // Allocates all fields in one buffer, each starting on a 64-byte boundary, and sets them.
  Tensor allocate(device::Device& device) {
    constexpr std::int64_t kAlign = 16;  // floats
    std::int64_t total = 0;
    for (const auto& [field, count] : fields_) total += (count + kAlign - 1) / kAlign * kAlign;
    Tensor memory(device, DType::float32, Shape{total});
    float* next = memory.data<float>();
    for (const auto& [field, count] : fields_) {
      *field = next;
      next += (count + kAlign - 1) / kAlign * kAlign;
    }
    fields_.clear();
    return memory;
  }

 private:
  std::vector<std::pair<float**, std::int64_t>> fields_;
};

}  // namespace dojo::model
