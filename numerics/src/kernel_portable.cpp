// The portable conversion kernels: kernel.hpp instantiated for this ISA (see
// numerics/CMakeLists.txt for the flags this file is compiled with).
#define DOJO_NUMERICS_ISA_NS portable
#include "kernel.hpp"

namespace dojo::numerics::detail {

extern const KernelTable portable_kernels = portable::make_table<portable::ScalarLanes>("portable");

}  // namespace dojo::numerics::detail
