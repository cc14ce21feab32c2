// GEMM test problems: operands with padded leading dimensions and batch strides (padding holds NaN
// in A and B, a sentinel in C, so reading or writing outside the matrices fails), a run on any
// Device, and the naive reference with an error bound per element of C.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "dojo/device/device.hpp"

namespace dojo::device::test {

struct GemmProblem {
  Op op_a = Op::none;
  Op op_b = Op::none;
  std::int64_t m = 1, n = 1, k = 1;
  std::int64_t ld_pad = 0;  // extra elements per stored row of A, B and C
  double alpha = 1.0, beta = 0.0;
  std::int64_t batch_count = 1;
  std::int64_t batch_gap = 0;  // extra elements between consecutive matrices of a batch
};

std::string describe(const GemmProblem& p);
std::string ops_label(Op op_a, Op op_b);  // "NN", "NT", "TN", "TT"

template <typename T>
struct GemmOperands {
  std::int64_t lda = 0, ldb = 0, ldc = 0;
  std::int64_t stride_a = 0, stride_b = 0, stride_c = 0;  // elements between batch members
  std::vector<T> a, b, c;                                 // whole batches, padding included
};

template <typename T>
GemmOperands<T> make_operands(const GemmProblem& p, std::uint32_t seed);

// Runs gemm (batch_count == 1) or gemm_batched on `device`; returns all of C, padding included.
template <typename T>
std::vector<T> run_gemm(Device& device, const GemmProblem& p, const GemmOperands<T>& x);

// The product computed in double and the rounding-error bound per element of C, with u the unit
// roundoff of T: 2 (k + 2) u (|alpha| (|A||B|)_ij + |beta c_ij|), the classic gamma_k bound of a
// k-term dot product plus the alpha/beta update, once for the device and once for this reference
// (which for T = double rounds like the device). Padding must be untouched: bound 0.
template <typename T>
void naive_gemm(const GemmProblem& p, const GemmOperands<T>& x, std::vector<double>& want,
                std::vector<double>& bound);

// got within bound of want element by element; NaN fails.
template <typename T>
::testing::AssertionResult within_bound(const std::vector<T>& got, const std::vector<double>& want,
                                        const std::vector<double>& bound);

}  // namespace dojo::device::test
