// Bucketed, overlapped gradient averaging over the data-parallel ranks.
#include "dojo/jobs/gradient_buckets.hpp"
#include "dojo/common/clock.hpp"

#include <algorithm>

#include "dojo/common/error.hpp"

namespace dojo::jobs {

GradientBuckets::GradientBuckets(collectives::Communicator& dp, device::Device& device,
                                 float* grads, std::int64_t count, std::int64_t bucket_floats)
    : dp_(dp),
      device_(device),
      grads_(grads),
      count_(count),
      host_memory_(device.info().kind == device::DeviceKind::host) {
  check(bucket_floats > 0, "bucket size is positive");
  if (!host_memory_) staging_.resize(static_cast<std::size_t>(count));
  for (std::int64_t end = count; end > 0; end -= bucket_floats)
    buckets_.push_back({std::max<std::int64_t>(0, end - bucket_floats), end, {}});
}

void GradientBuckets::begin_step() {
  next_ = 0;
  lowest_ready_ = count_;
  started_early_ = 0;
}

float* GradientBuckets::host_view(const Bucket& bucket) {
  if (host_memory_) return grads_ + bucket.begin;
  float* staged = staging_.data() + bucket.begin;
  device_.copy_to_host(staged, grads_ + bucket.begin,
                       static_cast<std::size_t>(bucket.end - bucket.begin) * sizeof(float));
  return staged;
}

void GradientBuckets::start(Bucket& bucket) {
  if (dp_.size() == 1) return;
  float* data = host_view(bucket);
  bucket.handle = dp_.iallreduce(collectives::in_place, data,
                                 static_cast<std::size_t>(bucket.end - bucket.begin),
                                 collectives::DataType::float32, collectives::ReduceOp::avg);
}

void GradientBuckets::on_gradients_ready(std::int64_t offset, std::int64_t count) {
  check(offset + count == lowest_ready_, "gradient groups arrive contiguously, from the end");
  lowest_ready_ = offset;
  while (next_ < buckets_.size() && buckets_[next_].begin >= lowest_ready_) {
    start(buckets_[next_++]);
    ++started_early_;
  }
  // Advance the buckets in flight: the collectives progress only when tested.
  for (std::size_t i = 0; i < next_; ++i)
    if (buckets_[i].handle.active()) buckets_[i].handle.test();
}

double GradientBuckets::finish() {
  auto t0 = Clock::now();
  while (next_ < buckets_.size()) start(buckets_[next_++]);
  for (auto& bucket : buckets_) {
    bucket.handle.wait();
    if (!host_memory_ && dp_.size() > 1)
      device_.copy_to_device(grads_ + bucket.begin, staging_.data() + bucket.begin,
                             static_cast<std::size_t>(bucket.end - bucket.begin) * sizeof(float));
  }
  return seconds_since(t0);
}

}  // namespace dojo::jobs
