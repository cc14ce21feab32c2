// The avx512 conversion kernels: kernel.hpp instantiated for this ISA (see numerics/CMakeLists.txt
// for the flags this file is compiled with).
#define DOJO_NUMERICS_ISA_NS avx512
#include "kernel.hpp"

namespace dojo::numerics::detail {

extern const KernelTable avx512_kernels = avx512::make_table<avx512::VectorLanes16>("avx512");

}  // namespace dojo::numerics::detail
