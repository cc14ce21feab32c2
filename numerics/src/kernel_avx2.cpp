// The avx2 conversion kernels: kernel.hpp instantiated for this ISA (see numerics/CMakeLists.txt
// for the flags this file is compiled with).
#define DOJO_NUMERICS_ISA_NS avx2
#include "kernel.hpp"

namespace dojo::numerics::detail {

extern const KernelTable avx2_kernels = avx2::make_table<avx2::VectorLanes8>("avx2");

}  // namespace dojo::numerics::detail
