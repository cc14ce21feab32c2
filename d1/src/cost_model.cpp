// The D1 roofline: each kernel's time is the largest of its arithmetic, SRAM and mesh times, each
// at a stated fraction of the published peak (docs/d1.md).
#include "dojo/d1/cost_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace dojo::d1 {
namespace {

double bytes(std::int64_t n, numerics::Format format) {
  return static_cast<double>(n) * static_cast<double>(numerics::bytes_per_element(format));
}

bool matrix_format(numerics::Format format) {
  return numerics::bytes_per_element(format) <= 2;
}

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("dojo::d1::CostModel: " + what);
}

void check(const Efficiency& e, std::string_view name) {
  for (double v : {e.compute, e.sram, e.mesh})
    require(v > 0 && v <= 1, "efficiencies of " + std::string(name) + " must lie in (0, 1]");
}

}  // namespace

std::string_view kernel_class_name(KernelClass kind) {
  switch (kind) {
    case KernelClass::gemm:
      return "gemm";
    case KernelClass::elementwise:
      return "elementwise";
    case KernelClass::reduction:
      return "reduction";
    case KernelClass::optimizer:
      return "optimizer";
    case KernelClass::conversion:
      return "conversion";
  }
  return "unknown";
}

std::string_view bound_name(Bound bound) {
  switch (bound) {
    case Bound::compute:
      return "compute";
    case Bound::sram:
      return "sram";
    case Bound::mesh:
      return "mesh";
  }
  return "unknown";
}

const Efficiency& ChipParameters::efficiency(KernelClass kind) const {
  switch (kind) {
    case KernelClass::gemm:
      return gemm;
    case KernelClass::elementwise:
      return elementwise;
    case KernelClass::reduction:
      return reduction;
    case KernelClass::optimizer:
      return optimizer;
    case KernelClass::conversion:
      return conversion;
  }
  throw std::invalid_argument("dojo::d1: unknown kernel class");
}

CostModel::CostModel(ChipParameters parameters) : parameters_(parameters) {
  const ChipParameters& p = parameters_;
  require(p.nodes > 0 && p.links_per_node > 0, "nodes and links per node must be positive");
  require(p.sram_per_node_bytes > 0 && p.clock_hz > 0 && p.peak_flops_matrix > 0 &&
              p.peak_flops_fp32 > 0 && p.link_bytes_per_second > 0 &&
              p.sram_load_bytes_per_second > 0 && p.sram_store_bytes_per_second > 0,
          "sizes, peaks and bandwidths must be positive");
  require(p.kernel_overhead_seconds >= 0, "the kernel overhead must not be negative");
  for (KernelClass k : {KernelClass::gemm, KernelClass::elementwise, KernelClass::reduction,
                        KernelClass::optimizer, KernelClass::conversion})
    check(p.efficiency(k), kernel_class_name(k));
}

KernelCost CostModel::kernel(const KernelWork& work) const {
  require(work.flops >= 0 && work.bytes_read >= 0 && work.bytes_written >= 0 &&
              work.mesh_bytes_per_node >= 0,
          "work must not be negative");
  const ChipParameters& p = parameters_;
  const Efficiency& e = p.efficiency(work.kind);
  KernelCost cost;
  cost.kind = work.kind;
  cost.flops = work.flops;
  cost.bytes_read = work.bytes_read;
  cost.bytes_written = work.bytes_written;
  cost.mesh_bytes_per_node = work.mesh_bytes_per_node;
  const double peak = work.matrix_unit ? p.peak_flops_matrix : p.peak_flops_fp32;
  cost.compute_seconds = work.flops / (peak * e.compute);
  // Loads and stores use separate SRAM ports, so they overlap: the slower one bounds.
  cost.sram_seconds =
      std::max(work.bytes_read / (p.nodes * p.sram_load_bytes_per_second * e.sram),
               work.bytes_written / (p.nodes * p.sram_store_bytes_per_second * e.sram));
  cost.mesh_seconds =
      work.mesh_bytes_per_node / (p.links_per_node * p.link_bytes_per_second * e.mesh);
  cost.bound = Bound::compute;
  double longest = cost.compute_seconds;
  if (cost.sram_seconds > longest) {
    longest = cost.sram_seconds;
    cost.bound = Bound::sram;
  }
  if (cost.mesh_seconds > longest) {
    longest = cost.mesh_seconds;
    cost.bound = Bound::mesh;
  }
  cost.seconds = p.kernel_overhead_seconds + longest;
  return cost;
}

void CostTotals::add(const KernelCost& cost) {
  seconds += cost.seconds;
  flops += cost.flops;
  bytes += cost.bytes_read + cost.bytes_written;
  ++kernels;
  seconds_by_class[static_cast<int>(cost.kind)] += cost.seconds;
  ++bound_by[static_cast<int>(cost.bound)];
}

KernelCost CostModel::gemm(std::int64_t m, std::int64_t n, std::int64_t k,
                           GemmFormats formats) const {
  require(m >= 0 && n >= 0 && k >= 0, "GEMM sizes must not be negative");
  KernelWork work;
  work.kind = KernelClass::gemm;
  work.flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  work.matrix_unit = matrix_format(formats.a) && matrix_format(formats.b);
  work.bytes_read = bytes(m * k, formats.a) + bytes(k * n, formats.b) +
                    (formats.accumulate ? bytes(m * n, formats.c) : 0.0);
  work.bytes_written = bytes(m * n, formats.c);
  // C is cut into a rows x cols grid of blocks, one per node (rows x cols = P); a node needs its
  // (m / rows) x k block of A and k x (n / cols) block of B, almost all of it from other nodes:
  // |A| / rows + |B| / cols bytes, least when rows / cols = |A| / |B| (square C: a square grid),
  // with 1 <= rows <= P (a grid of whole rows of nodes at the extremes).
  const double nodes = parameters_.nodes;
  const double a_bytes = bytes(m * k, formats.a), b_bytes = bytes(k * n, formats.b);
  double rows = b_bytes > 0 ? std::sqrt(nodes * a_bytes / b_bytes) : nodes;
  rows = std::clamp(rows, 1.0, nodes);
  work.mesh_bytes_per_node = a_bytes / rows + b_bytes / (nodes / rows);
  return kernel(work);
}

KernelCost CostModel::elementwise(std::int64_t n, int inputs, int outputs, numerics::Format format,
                                  double flops_per_element) const {
  require(n >= 0 && inputs >= 0 && outputs >= 0 && flops_per_element >= 0,
          "element-wise counts must not be negative");
  KernelWork work;
  work.kind = KernelClass::elementwise;
  work.flops = static_cast<double>(n) * flops_per_element;
  work.bytes_read = inputs * bytes(n, format);
  work.bytes_written = outputs * bytes(n, format);
  return kernel(work);
}

KernelCost CostModel::reduction(std::int64_t n, numerics::Format format,
                                std::int64_t outputs) const {
  require(n >= 0 && outputs >= 0, "reduction counts must not be negative");
  KernelWork work;
  work.kind = KernelClass::reduction;
  work.flops = static_cast<double>(n);
  work.bytes_read = bytes(n, format);
  work.bytes_written = bytes(outputs, numerics::Format::fp32);
  // Partial sums of the nodes meet over the mesh: one FP32 value per output and node, roughly.
  work.mesh_bytes_per_node = bytes(outputs, numerics::Format::fp32);
  return kernel(work);
}

KernelCost CostModel::optimizer_update(std::int64_t n, numerics::Format state_format,
                                       numerics::Format gradient_format,
                                       numerics::Format weight_copy, int state_tensors,
                                       double flops_per_parameter) const {
  require(n >= 0 && state_tensors >= 0 && flops_per_parameter >= 0,
          "optimizer counts must not be negative");
  KernelWork work;
  work.kind = KernelClass::optimizer;
  work.flops = static_cast<double>(n) * flops_per_parameter;
  const double master = bytes(n, numerics::Format::fp32);
  const double state = state_tensors * bytes(n, state_format);
  work.bytes_read = bytes(n, gradient_format) + master + state;
  work.bytes_written =
      master + state + (weight_copy == numerics::Format::fp32 ? 0.0 : bytes(n, weight_copy));
  return kernel(work);
}

KernelCost CostModel::conversion(std::int64_t n, numerics::Format from, numerics::Format to,
                                 numerics::Rounding rounding) const {
  require(n >= 0, "conversion count must not be negative");
  KernelWork work;
  work.kind = KernelClass::conversion;
  work.flops = static_cast<double>(n) * (rounding == numerics::Rounding::stochastic ? 6.0 : 2.0);
  work.bytes_read = bytes(n, from);
  work.bytes_written = bytes(n, to);
  return kernel(work);
}

}  // namespace dojo::d1
