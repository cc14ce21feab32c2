// Data-parallel gradient reduction overlapped with backward. The flat gradient buffer is cut into
// buckets from its end (the last layers' gradients are final first); a bucket's non-blocking
// average over the data-parallel ranks starts as soon as backward has finished every gradient in
// it, and all are waited on before the optimizer step. Bucket bounds and the algorithm are fixed,
// so the reduction order, and therefore the result, is the same on every run.
#pragma once

#include <cstdint>
#include <vector>

#include "dojo/collectives/communicator.hpp"
#include "dojo/device/device.hpp"

namespace dojo::jobs {

class GradientBuckets {
 public:
  // grads: the model's flat gradient buffer (device memory), `count` floats.
  GradientBuckets(collectives::Communicator& dp, device::Device& device, float* grads,
                  std::int64_t count, std::int64_t bucket_floats);

  // Before backward.
  void begin_step();
  // The model's gradient hook: grads[offset, offset + count) are final. Offsets descend.
  void on_gradients_ready(std::int64_t offset, std::int64_t count);
  // After backward: waits for every bucket (and starts any not yet started). Returns the seconds
  // spent waiting, the communication the backward pass did not hide.
  double finish();

  std::size_t bucket_count() const { return buckets_.size(); }
  // Buckets whose reduction started before backward ended (in the last step).
  std::size_t started_during_backward() const { return started_early_; }

 private:
  struct Bucket {
    std::int64_t begin = 0;  // floats, inclusive
    std::int64_t end = 0;    // floats, exclusive
    collectives::Handle handle;
  };
  void start(Bucket& bucket);
  float* host_view(const Bucket& bucket);

  collectives::Communicator& dp_;
  device::Device& device_;
  float* grads_;
  std::int64_t count_;
  bool host_memory_;             // the device's memory is host memory: reduce in place
  std::vector<float> staging_;   // (count) host copy for devices whose memory is not host memory
  std::vector<Bucket> buckets_;  // descending begin: bucket 0 holds the last parameters
  std::size_t next_ = 0;         // the next bucket to start
  std::int64_t lowest_ready_ = 0;
  std::size_t started_early_ = 0;
};

}  // namespace dojo::jobs
