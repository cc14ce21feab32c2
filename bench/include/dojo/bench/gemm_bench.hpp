// `dojo bench gemm`: GFLOPS of a device's float32 GEMM next to a plain bli_sgemm call with the same
// thread count, measured interleaved in one run, on square and training-shaped products.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "dojo/device/device.hpp"

namespace dojo::device {

struct GemmBenchShape {
  std::string label = {};  // what the product is, e.g. "fc forward"
  std::int64_t m = 0, n = 0, k = 0;
  Op op_a = Op::none;
  Op op_b = Op::none;
};

// Squares 256..2048 and the products of a GPT Linear layer with B*T = 4096 tokens and C = 256:
// forward y = x W^T (none, transpose), backward dx = dy W (none, none), dW = dy^T x (transpose,
// none).
std::vector<GemmBenchShape> default_gemm_bench_shapes();

struct GemmBenchOptions {
  int threads = 0;       // threads of the plain BLIS call; 0 = the device's thread count
  int warmup = 2;        // untimed repetitions per shape (BLIS packs buffers, pages fault in)
  int repetitions = 10;  // timed repetitions per shape; the median is reported
  std::vector<GemmBenchShape> shapes = default_gemm_bench_shapes();
};

struct GemmBenchRow {
  GemmBenchShape shape;
  double device_gflops = 0;  // median over repetitions, 2 m n k / seconds / 1e9
  double blis_gflops = 0;    // the same product through bli_sgemm
  double ratio = 0;          // device_gflops / blis_gflops; 1.0 = no overhead
};

// Runs every shape on `device` (gemm + synchronize) and through plain bli_sgemm, alternating which
// goes first in each repetition so neither always finds warm caches.
std::vector<GemmBenchRow> run_gemm_bench(const GemmBenchOptions& options, Device& device);

// Prints the table: label, shape, ops, device GFLOPS, BLIS GFLOPS, ratio.
void print_gemm_bench(std::ostream& out, const std::vector<GemmBenchRow>& rows,
                      const Device& device, const GemmBenchOptions& options);

}  // namespace dojo::device
