// RAII device memory: a Buffer owns bytes on one Device and frees them when destroyed; a
// DeviceBuffer<T> adds the element type and count. Move-only; a moved-from buffer is empty and
// frees nothing. A buffer must not outlive the Device that allocated it.
#pragma once

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "dojo/device/device.hpp"

namespace dojo::device {

class Buffer {
 public:
  Buffer() = default;
  Buffer(Device& device, std::size_t bytes)
      : device_(&device), data_(device.allocate(bytes)), bytes_(bytes) {}
  ~Buffer() { reset(); }

  Buffer(Buffer&& other) noexcept
      : device_(std::exchange(other.device_, nullptr)),
        data_(std::exchange(other.data_, nullptr)),
        bytes_(std::exchange(other.bytes_, 0)) {}
  Buffer& operator=(Buffer&& other) noexcept {
    if (this != &other) {
      reset();
      device_ = std::exchange(other.device_, nullptr);
      data_ = std::exchange(other.data_, nullptr);
      bytes_ = std::exchange(other.bytes_, 0);
    }
    return *this;
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  // Frees the memory now; the buffer becomes empty.
  void reset() noexcept {
    if (device_ != nullptr) device_->free(data_);
    device_ = nullptr;
    data_ = nullptr;
    bytes_ = 0;
  }

  void* data() const noexcept { return data_; }
  std::size_t size_bytes() const noexcept { return bytes_; }
  Device* device() const noexcept { return device_; }
  bool empty() const noexcept { return bytes_ == 0; }

 private:
  Device* device_ = nullptr;
  void* data_ = nullptr;  // device memory, nullptr when bytes_ == 0
  std::size_t bytes_ = 0;
};

template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(Device& device, std::size_t count) : memory_(device, count * sizeof(T)) {}

  T* data() const noexcept { return static_cast<T*>(memory_.data()); }
  std::size_t size() const noexcept { return memory_.size_bytes() / sizeof(T); }
  std::size_t size_bytes() const noexcept { return memory_.size_bytes(); }
  Device* device() const noexcept { return memory_.device(); }
  bool empty() const noexcept { return memory_.empty(); }
  void reset() noexcept { memory_.reset(); }

  // Copies host values into the first host.size() elements.
  void upload(std::span<const T> host) {
    check_fits(host.size());
    if (!host.empty()) device()->copy_to_device(data(), host.data(), host.size_bytes());
  }
  // Copies all elements to a new host vector (blocking).
  std::vector<T> download() const {
    std::vector<T> host(size());
    if (!host.empty()) device()->copy_to_host(host.data(), data(), size_bytes());
    return host;
  }

 private:
  void check_fits(std::size_t count) const;

  Buffer memory_;
};

// Raises an internal error: `count` elements do not fit a buffer of `capacity` elements.
[[noreturn]] void buffer_overflow(std::size_t count, std::size_t capacity);

template <typename T>
void DeviceBuffer<T>::check_fits(std::size_t count) const {
  if (count > size()) buffer_overflow(count, size());
}

// A buffer holding a copy of host values: the usual way tests and loaders put data on a device.
template <typename T>
DeviceBuffer<T> make_buffer(Device& device, std::span<const T> host) {
  DeviceBuffer<T> buffer(device, host.size());
  buffer.upload(host);
  return buffer;
}

template <typename T>
DeviceBuffer<T> make_buffer(Device& device, const std::vector<T>& host) {
  return make_buffer(device, std::span<const T>(host));
}

}  // namespace dojo::device
