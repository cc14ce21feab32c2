// Device buffers: RAII ownership (one free per allocation, none from a moved-from buffer), sizes,
// upload/download round trips, and the host device's memory and thread settings.
#include <gtest/gtest.h>

#include <utility>

#include "counting_device.hpp"
#include "dojo/common/error.hpp"
#include "dojo/device/buffer.hpp"
#include "dojo/device/host_device.hpp"

namespace dojo::device::test {
namespace {

TEST(DeviceBuffer, KnowsItsDeviceAndSize) {
  CountingDevice device;
  DeviceBuffer<double> buffer(device, 7);
  EXPECT_EQ(buffer.size(), 7u);
  EXPECT_EQ(buffer.size_bytes(), 7 * sizeof(double));
  EXPECT_EQ(buffer.device(), &device);
  EXPECT_NE(buffer.data(), nullptr);
  EXPECT_EQ(device.allocations, 1);
  EXPECT_EQ(device.live_bytes, 7 * sizeof(double));
}

TEST(DeviceBuffer, FreesOnceWhenDestroyed) {
  CountingDevice device;
  { DeviceBuffer<float> buffer(device, 100); }
  EXPECT_EQ(device.allocations, 1);
  EXPECT_EQ(device.frees, 1);
  EXPECT_EQ(device.live_bytes, 0u);
}

TEST(DeviceBuffer, MovedFromBufferFreesNothing) {
  CountingDevice device;
  {
    DeviceBuffer<float> source(device, 10);
    float* const memory = source.data();
    DeviceBuffer<float> target(std::move(source));
    EXPECT_EQ(target.data(), memory);
    EXPECT_EQ(target.size(), 10u);
    EXPECT_EQ(source.data(), nullptr);  // NOLINT(bugprone-use-after-move): the point of the test
    EXPECT_EQ(source.size(), 0u);
    EXPECT_EQ(source.device(), nullptr);
    EXPECT_TRUE(source.empty());
  }
  EXPECT_EQ(device.allocations, 1);
  EXPECT_EQ(device.frees, 1);
}

TEST(DeviceBuffer, MoveAssignmentFreesTheOldMemoryOnly) {
  CountingDevice device;
  DeviceBuffer<float> first(device, 10);
  DeviceBuffer<float> second(device, 20);
  float* const kept = second.data();
  first = std::move(second);
  EXPECT_EQ(device.frees, 1);  // first's old 10 floats
  EXPECT_EQ(first.data(), kept);
  EXPECT_EQ(first.size(), 20u);
  EXPECT_TRUE(second.empty());  // NOLINT(bugprone-use-after-move)
  first.reset();
  EXPECT_EQ(device.frees, 2);
  EXPECT_EQ(device.live_bytes, 0u);
  first.reset();  // an empty buffer frees nothing
  EXPECT_EQ(device.frees, 2);
}

TEST(DeviceBuffer, EmptyBufferAllocatesNothing) {
  CountingDevice device;
  {
    DeviceBuffer<float> buffer(device, 0);
    EXPECT_TRUE(buffer.empty());
  }
  { DeviceBuffer<float> buffer; }
  EXPECT_EQ(device.allocations, 0);
  EXPECT_EQ(device.frees, 0);
}

TEST(DeviceBuffer, RoundTripsValues) {
  HostDevice device(1);
  const std::vector<std::int32_t> values{3, -1, 4, 1, -5, 9, 2, 6};
  auto buffer = make_buffer(device, values);
  EXPECT_EQ(buffer.download(), values);
}

TEST(DeviceBuffer, UploadLargerThanTheBufferIsAnError) {
  HostDevice device(1);
  DeviceBuffer<float> buffer(device, 2);
  const std::vector<float> values{1, 2, 3};
  EXPECT_THROW(buffer.upload(values), Error);
}

TEST(DeviceHost, ThreadCountIsConfigurable) {
  HostDevice device(3);
  EXPECT_EQ(device.threads(), 3);
  EXPECT_EQ(device.info().threads, 3);
  EXPECT_EQ(device.info().name, "host");
  EXPECT_EQ(device.info().kind, DeviceKind::host);
  device.set_threads(0);
  EXPECT_EQ(device.threads(), available_cpus());
  EXPECT_GE(available_cpus(), 1);
  EXPECT_THROW(device.set_threads(-2), Error);
}

TEST(DeviceHost, AllocationIsAlignedForVectorLoads) {
  HostDevice device(1);
  DeviceBuffer<float> a(device, 3), b(device, 5);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a.data()) % 64, 0u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.data()) % 64, 0u);
}

TEST(DeviceHost, NullKernelArgumentIsAnInternalErrorNamingIt) {
  HostDevice device(1);
  DeviceBuffer<float> x(device, 4);
  try {
    device.add(x.data(), nullptr, x.data(), 4);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::internal);
    EXPECT_NE(error.message().find("add: y is null"), std::string::npos) << error.message();
  }
}

TEST(DeviceHost, IndexOutsideTheTableIsAUserError) {
  HostDevice device(1);
  DeviceBuffer<float> table(device, 3 * 4), out(device, 2 * 4);
  auto indices = make_buffer(device, std::vector<std::int32_t>{1, 3});
  try {
    device.embedding_forward(table.data(), indices.data(), out.data(), 2, 4, 3);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::user);
    EXPECT_NE(error.message().find("indices[1] = 3"), std::string::npos) << error.message();
  }
}

}  // namespace
}  // namespace dojo::device::test
