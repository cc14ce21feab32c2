// Gradient buckets: each bucket is averaged over the ranks once backward has delivered all of it,
// the result is the exact average of every rank's gradients, and a run repeats bitwise.
#include <gtest/gtest.h>

#include <vector>

#include "dojo/collectives/communicator.hpp"
#include "dojo/device/buffer.hpp"
#include "dojo/device/host_device.hpp"
#include "dojo/jobs/gradient_buckets.hpp"
#include "dojo_test_support.hpp"

namespace {

// Rank r's gradient element i; small integers so the average is exact in float32.
float value(int rank, std::int64_t i) {
  return static_cast<float>((rank + 1) * 4 + (i % 13));
}

struct Fixture {
  dojo::collectives::Communicator comm{dojo::test::world()};
  dojo::device::HostDevice device{1};
};

// Delivers [0, count) to the buckets in descending groups of the given sizes, as backward does.
void deliver(dojo::jobs::GradientBuckets& buckets, std::int64_t count,
             const std::vector<std::int64_t>& groups, std::vector<std::size_t>* started_after) {
  std::int64_t end = count;
  std::size_t g = 0;
  while (end > 0) {
    std::int64_t size = std::min(end, groups[g++ % groups.size()]);
    buckets.on_gradients_ready(end - size, size);
    end -= size;
    if (started_after) started_after->push_back(buckets.started_during_backward());
  }
}

TEST(GradientBuckets, AveragesEveryElementAcrossRanks) {
  Fixture f;
  for (std::int64_t count : {1, 7, 1000, 100003}) {
    for (std::int64_t bucket : {1, 64, 4096, 1 << 20}) {
      SCOPED_TRACE(testing::Message() << "count " << count << " bucket " << bucket);
      std::vector<float> host(count);
      for (std::int64_t i = 0; i < count; ++i) host[i] = value(f.comm.rank(), i);
      auto grads = dojo::device::make_buffer(f.device, host);
      dojo::jobs::GradientBuckets buckets(f.comm, f.device, grads.data(), count, bucket);
      EXPECT_EQ(buckets.bucket_count(), static_cast<std::size_t>((count + bucket - 1) / bucket));
      buckets.begin_step();
      deliver(buckets, count, {37, 5, 1000}, nullptr);
      EXPECT_EQ(buckets.started_during_backward(), buckets.bucket_count());
      buckets.finish();
      auto out = grads.download();
      const int p = f.comm.size();
      std::int64_t wrong = 0;
      for (std::int64_t i = 0; i < count; ++i) {
        double sum = 0;
        for (int r = 0; r < p; ++r) sum += value(r, i);
        if (out[i] != static_cast<float>(sum / p)) ++wrong;
      }
      EXPECT_EQ(wrong, 0);
    }
  }
}

TEST(GradientBuckets, ABucketStartsOnlyWhenAllOfItIsReady) {
  Fixture f;
  const std::int64_t count = 1000, bucket = 300;  // buckets [700,1000) [400,700) [100,400) [0,100)
  std::vector<float> host(count, 1.0f);
  auto grads = dojo::device::make_buffer(f.device, host);
  dojo::jobs::GradientBuckets buckets(f.comm, f.device, grads.data(), count, bucket);
  buckets.begin_step();
  std::vector<std::size_t> started;
  deliver(buckets, count, {250}, &started);  // ready from 750, 500, 250, 0
  EXPECT_EQ(started, (std::vector<std::size_t>{0, 1, 2, 4}));
  buckets.finish();
}

TEST(GradientBuckets, RepeatsBitwise) {
  Fixture f;
  const std::int64_t count = 50001;
  std::vector<float> host(count);
  for (std::int64_t i = 0; i < count; ++i)
    host[i] = 1.0f / static_cast<float>(1 + f.comm.rank() + i % 97);  // not exact in float
  std::vector<std::vector<float>> results;
  for (int run = 0; run < 2; ++run) {
    auto grads = dojo::device::make_buffer(f.device, host);
    dojo::jobs::GradientBuckets buckets(f.comm, f.device, grads.data(), count, 8192);
    buckets.begin_step();
    deliver(buckets, count, {3000}, nullptr);
    buckets.finish();
    results.push_back(grads.download());
  }
  EXPECT_EQ(results[0], results[1]);
}

TEST(GradientBuckets, OutOfOrderDeliveryIsABug) {
  Fixture f;
  std::vector<float> host(100, 1.0f);
  auto grads = dojo::device::make_buffer(f.device, host);
  dojo::jobs::GradientBuckets buckets(f.comm, f.device, grads.data(), 100, 10);
  buckets.begin_step();
  EXPECT_THROW(buckets.on_gradients_ready(0, 10), dojo::Error);  // the start, before the end
}

}  // namespace
