// Naive double-precision references for the device kernels, written from each kernel's definition
// (llm.c's math), one plain loop at a time. Inputs are the same float values the device gets.
#pragma once

#include <cstdint>
#include <vector>

namespace dojo::device::test {

using Vec = std::vector<double>;
using i64 = std::int64_t;

double naive_gelu(double x);
double naive_gelu_derivative(double x);

// x(rows, cols) -> y(rows, cols), mean(rows), rstd(rows); biased variance.
void naive_layernorm(const Vec& x, const Vec& gamma, const Vec& beta, i64 rows, i64 cols,
                     double eps, Vec& y, Vec& mean, Vec& rstd);
// Adds into dx(rows, cols), dgamma(cols), dbeta(cols).
void naive_layernorm_backward(const Vec& dy, const Vec& x, const Vec& gamma, const Vec& mean,
                              const Vec& rstd, i64 rows, i64 cols, Vec& dx, Vec& dgamma,
                              Vec& dbeta);

// Row softmax of scale * x(rows, cols); causal masks columns j > row % cols (y = 0 there).
Vec naive_softmax(const Vec& x, i64 rows, i64 cols, double scale, bool causal);
// Adds scale * y * (dy - <y, dy>) into dx(rows, cols).
void naive_softmax_backward(const Vec& y, const Vec& dy, i64 rows, i64 cols, double scale, Vec& dx);

// probs(rows, classes) and losses(rows) = -log probs[target].
void naive_cross_entropy(const Vec& logits, const std::vector<std::int32_t>& targets, i64 rows,
                         i64 classes, Vec& probs, Vec& losses);

}  // namespace dojo::device::test
