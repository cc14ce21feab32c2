// The D1 cost model's formulas: a hand-computed GEMM, the roofline's limits, monotonicity, the
// formats' effect, and refusal of nonsense parameters.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "dojo/d1/cost_model.hpp"

namespace dojo::d1 {
namespace {

using numerics::Format;

// Every efficiency 1 and no overhead: the published peaks alone, so results can be worked by hand.
ChipParameters ideal() {
  ChipParameters p;
  p.gemm = p.elementwise = p.reduction = p.optimizer = p.conversion = Efficiency{1, 1, 1};
  return p;
}

TEST(D1CostModel, PublishedDefaults) {
  const ChipParameters p;
  EXPECT_EQ(p.nodes, 354);
  EXPECT_DOUBLE_EQ(p.sram_bytes(), 442.5e6);
  EXPECT_DOUBLE_EQ(p.peak_flops_matrix / p.peak_flops_fp32, 362.0 / 22.6);
}

TEST(D1CostModel, HandComputedGemm) {
  const CostModel model(ideal());
  // 4096^3 in BF16 into an FP32 C.
  const KernelCost c = model.gemm(4096, 4096, 4096, {Format::bf16, Format::bf16, Format::fp32});
  const double flops = 2.0 * 4096.0 * 4096.0 * 4096.0;  // 1.374e11
  EXPECT_DOUBLE_EQ(c.flops, flops);
  EXPECT_DOUBLE_EQ(c.compute_seconds, flops / 362e12);  // 379.6 us
  EXPECT_NEAR(c.compute_seconds, 379.6e-6, 0.1e-6);
  // SRAM: reads A + B = 2 x 4096^2 x 2 B = 64 MiB at 354 x 400 GB/s; writes C = 64 MiB at
  // 354 x 270 GB/s, the slower: 67108864 / 95.58e12 = 0.702 us.
  EXPECT_DOUBLE_EQ(c.bytes_read, 67108864.0);
  EXPECT_DOUBLE_EQ(c.bytes_written, 67108864.0);
  EXPECT_NEAR(c.sram_seconds, 0.7021e-6, 0.0001e-6);
  // Mesh: (A + B) / sqrt(354) per node = 3.5668 MB over 4 x 512 GB/s = 1.7416 us.
  EXPECT_NEAR(c.mesh_bytes_per_node, 67108864.0 / std::sqrt(354.0), 1.0);
  EXPECT_NEAR(c.mesh_seconds, 1.7416e-6, 0.0001e-6);
  EXPECT_EQ(c.bound, Bound::compute);
  EXPECT_DOUBLE_EQ(c.seconds, c.compute_seconds);
}

// The grid of C blocks is shaped to move the least: never more than the square grid, equal to it
// for square operands, and a whole row of nodes for a single-row A.
TEST(D1CostModel, GemmGridMovesTheLeast) {
  const CostModel model(ideal());
  const double root = std::sqrt(354.0);
  for (auto [m, n, k] :
       {std::array<std::int64_t, 3>{4096, 4096, 512}, std::array<std::int64_t, 3>{64, 50000, 1024},
        std::array<std::int64_t, 3>{50000, 64, 1024}, std::array<std::int64_t, 3>{7, 7, 7}}) {
    const KernelCost c = model.gemm(m, n, k);
    const double square = (2.0 * m * k + 2.0 * k * n) / root;
    EXPECT_LE(c.mesh_bytes_per_node, square * (1 + 1e-12)) << m << "x" << n << "x" << k;
    // And never below the balanced optimum 2 sqrt(|A| |B| / P).
    EXPECT_GE(c.mesh_bytes_per_node, 2 * std::sqrt(2.0 * m * k * 2.0 * k * n / 354) * (1 - 1e-12));
    if (m == n) {
      EXPECT_NEAR(c.mesh_bytes_per_node, square, square * 1e-12);
    }
  }
}

TEST(D1CostModel, GemmFormatsPickThePeakAndTheBytes) {
  const CostModel model(ideal());
  const KernelCost bf16 = model.gemm(2048, 2048, 2048, {Format::bf16, Format::bf16, Format::fp32});
  const KernelCost fp32 = model.gemm(2048, 2048, 2048, {Format::fp32, Format::fp32, Format::fp32});
  const KernelCost cfp8 =
      model.gemm(2048, 2048, 2048, {Format::cfp8_143, Format::cfp8_152, Format::bf16});
  const KernelCost mixed = model.gemm(2048, 2048, 2048, {Format::fp32, Format::bf16, Format::fp32});
  EXPECT_DOUBLE_EQ(fp32.compute_seconds / bf16.compute_seconds, 362.0 / 22.6);
  EXPECT_DOUBLE_EQ(mixed.compute_seconds, fp32.compute_seconds);  // one FP32 operand: FP32 rate
  EXPECT_DOUBLE_EQ(cfp8.compute_seconds, bf16.compute_seconds);
  EXPECT_DOUBLE_EQ(cfp8.bytes_read, bf16.bytes_read / 2);
  EXPECT_DOUBLE_EQ(cfp8.bytes_written, bf16.bytes_written / 2);
  const KernelCost acc =
      model.gemm(2048, 2048, 2048, {Format::bf16, Format::bf16, Format::fp32, true});
  EXPECT_DOUBLE_EQ(acc.bytes_read, bf16.bytes_read + 2048.0 * 2048.0 * 4);
}

TEST(D1CostModel, RooflineLimits) {
  const CostModel model(ideal());
  // No arithmetic: SRAM-bound at exactly the load bandwidth.
  const KernelCost copy = model.elementwise(1 << 20, 1, 0, Format::fp32, 0);
  EXPECT_EQ(copy.bound, Bound::sram);
  EXPECT_DOUBLE_EQ(copy.seconds, 4.0 * (1 << 20) / (354 * 400e9));
  // Lots of arithmetic per element: compute-bound at the FP32 peak.
  const KernelCost heavy = model.elementwise(1 << 20, 1, 1, Format::fp32, 1000);
  EXPECT_EQ(heavy.bound, Bound::compute);
  EXPECT_DOUBLE_EQ(heavy.seconds, 1000.0 * (1 << 20) / 22.6e12);
  // A skinny GEMM (one row of A) is bound by reading B from SRAM, not by arithmetic; its grid is a
  // single row of nodes, each receiving A's row (8192 x 2 B) and a 1/354 column slice of B.
  const KernelCost skinny = model.gemm(1, 8192, 8192);
  EXPECT_EQ(skinny.bound, Bound::sram);
  EXPECT_NEAR(skinny.mesh_bytes_per_node, 8192.0 * 2 + 8192.0 * 8192 * 2 / 354, 1e-6);
  // The time is always the largest of the three, and never below any of them.
  for (const KernelCost& c : {copy, heavy, skinny}) {
    EXPECT_GE(c.seconds, c.compute_seconds);
    EXPECT_GE(c.seconds, c.sram_seconds);
    EXPECT_GE(c.seconds, c.mesh_seconds);
    EXPECT_DOUBLE_EQ(c.seconds, std::max({c.compute_seconds, c.sram_seconds, c.mesh_seconds}));
  }
  // The crossover: arithmetic intensity where FP32 compute and SRAM loads take equal time.
  const double balance = 22.6e12 / (354 * 400e9);  // FLOP per byte loaded
  const KernelCost below = model.elementwise(1 << 20, 1, 0, Format::fp32, 4 * balance * 0.9);
  const KernelCost above = model.elementwise(1 << 20, 1, 0, Format::fp32, 4 * balance * 1.1);
  EXPECT_EQ(below.bound, Bound::sram);
  EXPECT_EQ(above.bound, Bound::compute);
}

TEST(D1CostModel, TimesGrowWithWorkAndShrinkWithEfficiency) {
  const CostModel model;  // default efficiencies
  double previous = 0;
  for (std::int64_t s : {1, 7, 64, 100, 512, 1000, 4096}) {
    const double t = model.gemm(s, 512, 512).seconds;
    EXPECT_GE(t, previous) << s;
    EXPECT_GE(model.gemm(512, s, 512).seconds, model.gemm(512, s / 2 + 1, 512).seconds) << s;
    EXPECT_GE(model.gemm(512, 512, s).seconds, model.gemm(512, 512, s / 2 + 1).seconds) << s;
    previous = t;
  }
  previous = 0;
  for (std::int64_t n : {0, 1, 1000, 1000000, 100000000}) {
    const double t = model.elementwise(n, 2, 1, Format::bf16, 3).seconds;
    EXPECT_GE(t, previous);
    previous = t;
  }
  ChipParameters slow;
  slow.gemm.compute = 0.35;  // half the default
  EXPECT_DOUBLE_EQ(CostModel(slow).gemm(4096, 4096, 4096).compute_seconds,
                   2 * model.gemm(4096, 4096, 4096).compute_seconds);
  ChipParameters overhead;
  overhead.kernel_overhead_seconds = 2e-6;
  EXPECT_DOUBLE_EQ(CostModel(overhead).elementwise(0, 1, 1, Format::fp32).seconds, 2e-6);
  EXPECT_DOUBLE_EQ(model.elementwise(0, 1, 1, Format::fp32).seconds, 0.0);
}

TEST(D1CostModel, OptimizerReductionAndConversionCountTheirBytes) {
  const CostModel model(ideal());
  const std::int64_t n = 1000000;
  // AdamW, FP32 state: reads grad + master + m + v (16 B), writes master + m + v (12 B).
  const KernelCost fp32 = model.optimizer_update(n, Format::fp32);
  EXPECT_DOUBLE_EQ(fp32.bytes_read, 16.0 * n);
  EXPECT_DOUBLE_EQ(fp32.bytes_written, 12.0 * n);
  EXPECT_DOUBLE_EQ(fp32.flops, 12.0 * n);
  // BF16 moments and a CFloat8 copy of the weights for the next forward pass.
  const KernelCost low =
      model.optimizer_update(n, Format::bf16, Format::cfp8_152, Format::cfp8_143);
  EXPECT_DOUBLE_EQ(low.bytes_read, (1.0 + 4 + 2 * 2) * n);
  EXPECT_DOUBLE_EQ(low.bytes_written, (4.0 + 2 * 2 + 1) * n);
  // D1's SRAM is fast enough that 12 FP32 FLOP per parameter bound the update (0.75 FLOP per byte
  // read against a balance of 22.6e12 / (354 x 400e9) = 0.16): smaller state only cuts SRAM time.
  EXPECT_EQ(fp32.bound, Bound::compute);
  EXPECT_LT(low.sram_seconds, fp32.sram_seconds);
  EXPECT_DOUBLE_EQ(low.seconds, fp32.seconds);
  const KernelCost sum = model.reduction(n, Format::bf16);
  EXPECT_DOUBLE_EQ(sum.bytes_read, 2.0 * n);
  EXPECT_DOUBLE_EQ(sum.flops, 1.0 * n);
  const KernelCost nearest = model.conversion(n, Format::fp32, Format::cfp8_143);
  const KernelCost stochastic =
      model.conversion(n, Format::fp32, Format::cfp8_143, numerics::Rounding::stochastic);
  EXPECT_DOUBLE_EQ(nearest.bytes_read, 4.0 * n);
  EXPECT_DOUBLE_EQ(nearest.bytes_written, 1.0 * n);
  EXPECT_GE(stochastic.seconds, nearest.seconds);
  EXPECT_GT(stochastic.flops, nearest.flops);
}

TEST(D1CostModel, TotalsAddKernelsByClassAndBound) {
  const CostModel model;
  const KernelCost g = model.gemm(1024, 1024, 1024);
  const KernelCost e = model.elementwise(1 << 20, 2, 1, Format::bf16, 0);
  const KernelCost o = model.optimizer_update(1 << 20, Format::fp32);
  CostTotals totals;
  for (const KernelCost& c : {g, e, e, o}) totals.add(c);
  EXPECT_EQ(totals.kernels, 4);
  EXPECT_DOUBLE_EQ(totals.seconds, g.seconds + 2 * e.seconds + o.seconds);
  EXPECT_DOUBLE_EQ(totals.seconds_of(KernelClass::gemm), g.seconds);
  EXPECT_DOUBLE_EQ(totals.seconds_of(KernelClass::elementwise), 2 * e.seconds);
  EXPECT_DOUBLE_EQ(totals.seconds_of(KernelClass::optimizer), o.seconds);
  EXPECT_DOUBLE_EQ(totals.seconds_of(KernelClass::reduction), 0.0);
  EXPECT_DOUBLE_EQ(totals.flops, g.flops + 2 * e.flops + o.flops);
  EXPECT_EQ(totals.bound_by[static_cast<int>(Bound::sram)], 2);  // the two copies
  EXPECT_EQ(g.kind, KernelClass::gemm);
}

TEST(D1CostModel, NonsenseIsRefused) {
  ChipParameters p;
  p.gemm.compute = 0;
  EXPECT_THROW(CostModel{p}, std::invalid_argument);
  p = ChipParameters{};
  p.nodes = 0;
  EXPECT_THROW(CostModel{p}, std::invalid_argument);
  p = ChipParameters{};
  p.elementwise.sram = 1.5;
  EXPECT_THROW(CostModel{p}, std::invalid_argument);
  const CostModel model;
  EXPECT_THROW(model.gemm(-1, 2, 3), std::invalid_argument);
  EXPECT_THROW(model.elementwise(10, -1, 1, Format::fp32), std::invalid_argument);
}

}  // namespace
}  // namespace dojo::d1
