// Which kernel table runs (internal to dojo::numerics).
#pragma once

#include "kernel_table.hpp"

namespace dojo::numerics::detail {

const KernelTable& active_kernels();

}  // namespace dojo::numerics::detail
