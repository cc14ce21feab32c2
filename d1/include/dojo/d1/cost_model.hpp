// The time of a kernel on one D1 chip, from its FLOPs, the bytes it moves and the formats involved,
// without running it: a roofline with three ceilings (arithmetic, SRAM, on-chip mesh) and stated
// efficiencies. The formulas and the sources of the defaults are in docs/d1.md; every figure is a
// parameter. Units: seconds, bytes, FLOP (a multiply-add is 2 FLOP), bytes per second.
#pragma once

#include <cstdint>
#include <string_view>

#include "dojo/numerics/cfloat.hpp"

namespace dojo::d1 {

// Which efficiencies apply to a kernel.
enum class KernelClass { gemm, elementwise, reduction, optimizer, conversion };
std::string_view kernel_class_name(KernelClass kind);

// Fractions of a peak a kernel class reaches (0 < e <= 1).
struct Efficiency {
  double compute = 1.0;  // of the arithmetic peak
  double sram = 1.0;     // of the SRAM bandwidth
  double mesh = 1.0;     // of the on-chip link bandwidth
};

struct ChipParameters {
  int nodes = 354;                       // cores on one die
  double sram_per_node_bytes = 1.25e6;   // 1.25 MB each: 442.5 MB per chip
  double clock_hz = 2e9;                 // for cycle counts only
  double peak_flops_matrix = 362e12;     // BF16 / CFloat8 (and CFloat16) GEMM, whole chip
  double peak_flops_fp32 = 22.6e12;      // FP32, whole chip (also every non-GEMM kernel)
  double link_bytes_per_second = 512e9;  // per node, to each of its 4 neighbours
  int links_per_node = 4;
  double sram_load_bytes_per_second = 400e9;   // per node (assumption, see docs/d1.md)
  double sram_store_bytes_per_second = 270e9;  // per node (assumption, see docs/d1.md)
  double kernel_overhead_seconds = 0.0;        // fixed cost per kernel (dispatch, sync)
  Efficiency gemm{0.70, 0.80, 0.70};
  Efficiency elementwise{0.50, 0.70, 0.70};
  Efficiency reduction{0.40, 0.70, 0.50};
  Efficiency optimizer{0.50, 0.70, 0.70};
  Efficiency conversion{0.50, 0.70, 0.70};

  double sram_bytes() const { return nodes * sram_per_node_bytes; }
  const Efficiency& efficiency(KernelClass kind) const;
};

// What a kernel costs and which ceiling bound it.
enum class Bound { compute, sram, mesh };
std::string_view bound_name(Bound bound);

struct KernelCost {
  KernelClass kind = KernelClass::elementwise;
  double seconds = 0;          // overhead + the largest of the three times below
  double compute_seconds = 0;  // flops / (peak x efficiency)
  double sram_seconds = 0;     // max(loads / load bandwidth, stores / store bandwidth), whole chip
  double mesh_seconds = 0;     // bytes crossing the on-chip mesh / link bandwidth, per node
  double flops = 0;
  double bytes_read = 0;  // from SRAM
  double bytes_written = 0;
  double mesh_bytes_per_node = 0;
  Bound bound = Bound::compute;
};

// Kernel costs added up, e.g. over one phase of a training step (forward, backward, optimizer).
struct CostTotals {
  double seconds = 0;
  double flops = 0;
  double bytes = 0;  // read + written
  int kernels = 0;
  double seconds_by_class[5] = {};  // indexed by KernelClass
  int bound_by[3] = {};             // kernels bound by compute, sram, mesh (Bound)

  void add(const KernelCost& cost);
  double seconds_of(KernelClass kind) const { return seconds_by_class[static_cast<int>(kind)]; }
};

// The formats of a GEMM C (m x n) = A (m x k) B (k x n): operands as rounded for the matrix unit,
// C as stored (accumulation is FP32 on D1 whatever C's storage). accumulate: C += A B reads C too.
struct GemmFormats {
  numerics::Format a = numerics::Format::bf16;
  numerics::Format b = numerics::Format::bf16;
  numerics::Format c = numerics::Format::fp32;
  bool accumulate = false;
};

// A description of any kernel, for the general entry point.
struct KernelWork {
  KernelClass kind = KernelClass::elementwise;
  double flops = 0;
  double bytes_read = 0;
  double bytes_written = 0;
  double mesh_bytes_per_node = 0;
  bool matrix_unit = false;  // true: the BF16/CFloat8 peak; false: the FP32 peak
};

class CostModel {
 public:
  explicit CostModel(ChipParameters parameters = {});
  const ChipParameters& parameters() const { return parameters_; }

  // The roofline itself; every other call builds a KernelWork and comes here.
  KernelCost kernel(const KernelWork& work) const;

  // C (m x n) = A (m x k) B (k x n): 2mnk FLOP on the matrix unit when A and B are 8- or 16-bit
  // (FP32 peak otherwise); SRAM traffic A + B + C (+ C again when accumulating); C spread over the
  // nodes as a grid of blocks shaped to move the least, each node receiving its row block of A and
  // column block of B over the mesh: |A| / rows + |B| / cols bytes with rows x cols = nodes.
  KernelCost gemm(std::int64_t m, std::int64_t n, std::int64_t k, GemmFormats formats = {}) const;

  // n elements read from `inputs` tensors and written to `outputs`, all in `format`, with
  // flops_per_element of FP32 arithmetic each (operands are widened to FP32).
  KernelCost elementwise(std::int64_t n, int inputs, int outputs, numerics::Format format,
                         double flops_per_element = 1) const;
  // n elements in `format` summed into `outputs` FP32 results: n FLOP.
  KernelCost reduction(std::int64_t n, numerics::Format format, std::int64_t outputs = 1) const;
  // AdamW-style update of n parameters: reads the gradient, the master weights and
  // `state_tensors` moment tensors, writes weights and moments (and a rounded copy of the weights
  // in `weight_copy` format when it is not fp32); flops_per_parameter of FP32 arithmetic.
  KernelCost optimizer_update(std::int64_t n, numerics::Format state_format,
                              numerics::Format gradient_format = numerics::Format::fp32,
                              numerics::Format weight_copy = numerics::Format::fp32,
                              int state_tensors = 2, double flops_per_parameter = 12) const;
  // n elements from one format to another; rounding costs flops_per_element (2 for nearest,
  // 6 for stochastic: the hash of the index) of FP32-rate work.
  KernelCost conversion(std::int64_t n, numerics::Format from, numerics::Format to,
                        numerics::Rounding rounding = numerics::Rounding::nearest_even) const;

 private:
  ChipParameters parameters_;
};

}  // namespace dojo::d1
