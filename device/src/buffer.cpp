// Out-of-line error path of DeviceBuffer, so buffer.hpp needs no error header.
#include "dojo/device/buffer.hpp"

#include "dojo/common/error.hpp"

namespace dojo::device {

void buffer_overflow(std::size_t count, std::size_t capacity) {
  internal_error(str("device buffer: ", count, " elements do not fit its ", capacity));
}

}  // namespace dojo::device
