// BLIS state private to the host device: runtime objects that carry the thread count into each
// call, so two HostDevices with different thread counts never touch BLIS's global settings.
#pragma once

#include <blis.h>

#include "dojo/device/host_device.hpp"

namespace dojo::device {

struct HostDevice::Blis {
  rntm_t all_threads;  // the device's thread count, for one large product
  rntm_t one_thread;   // for batched products run one per OpenMP thread
};

}  // namespace dojo::device
