// The host device's memory, thread count and description; the kernels live in host_*.cpp beside it.
#include "dojo/device/host_device.hpp"

#include <sched.h>

#include <cstring>
#include <new>

#include "dojo/common/error.hpp"
#include "host_blis.hpp"

namespace dojo::device {
namespace {

// Cache-line alignment: every SIMD load is aligned and no two buffers share a line.
constexpr std::align_val_t kHostAlignment{64};

}  // namespace

int available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  int count = CPU_COUNT(&set);
  return count > 0 ? count : 1;
}

HostDevice::HostDevice(int threads) : blis_(std::make_unique<Blis>()) {
  bli_rntm_init(&blis_->one_thread);
  bli_rntm_set_num_threads(1, &blis_->one_thread);
  set_threads(threads);
}

HostDevice::~HostDevice() = default;

void HostDevice::set_threads(int threads) {
  if (threads < 0) user_error(str("host device: threads = ", threads, " must be 0 (all) or more"));
  threads_ = threads == 0 ? available_cpus() : threads;
  bli_rntm_init(&blis_->all_threads);
  bli_rntm_set_num_threads(threads_, &blis_->all_threads);
}

DeviceInfo HostDevice::info_impl() const {
  return DeviceInfo{
      .name = "host",
      .kind = DeviceKind::host,
      .threads = threads_,
      .description = str("host CPU, BLIS ", bli_info_get_version_str(), " (",
                         bli_info_get_enable_openmp() ? "OpenMP" : "no OpenMP", "), ", threads_,
                         threads_ == 1 ? " thread" : " threads"),
  };
}

void* HostDevice::allocate_impl(std::size_t bytes) {
  try {
    return ::operator new(bytes, kHostAlignment);
  } catch (const std::bad_alloc&) {
    internal_error(str("host device: out of memory allocating ", bytes, " bytes"));
  }
}

void HostDevice::free_impl(void* ptr) noexcept {
  ::operator delete(ptr, kHostAlignment);
}

void HostDevice::copy_to_device_impl(void* dst, const void* host_src, std::size_t bytes) {
  std::memcpy(dst, host_src, bytes);
}

void HostDevice::copy_to_host_impl(void* host_dst, const void* src, std::size_t bytes) {
  std::memcpy(host_dst, src, bytes);
}

void HostDevice::copy_on_device_impl(void* dst, const void* src, std::size_t bytes) {
  std::memmove(dst, src, bytes);  // memmove: overlapping ranges copy correctly
}

void HostDevice::memset_impl(void* dst, int byte_value, std::size_t bytes) {
  std::memset(dst, byte_value, bytes);
}

}  // namespace dojo::device
