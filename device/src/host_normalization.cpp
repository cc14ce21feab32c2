// Host layernorm and row softmax (attention scores, optionally causal), forward and backward,
// following llm.c's math. Rows are independent, so threads split rows; column sums of the
// layernorm parameter gradients are split by columns instead, so no two threads write one value.
#include <algorithm>
#include <cmath>
#include <limits>

#include "dojo/device/host_device.hpp"
#include "host_parallel.hpp"

namespace dojo::device {

using i64 = std::int64_t;
using host::go_parallel;

void HostDevice::layernorm_forward_impl(const float* x, const float* gamma, const float* beta,
                                        float* y, float* mean, float* rstd, i64 rows, i64 cols,
                                        float eps) {
  const float inv_cols = 1.0f / static_cast<float>(cols);
  const bool parallel = go_parallel(rows * cols, threads_);
#pragma omp parallel for num_threads(threads_) if (parallel) schedule(static)
  for (i64 i = 0; i < rows; ++i) {
    const float* x_row = x + i * cols;  // (cols)
    float* y_row = y + i * cols;        // (cols)
    float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
    for (i64 j = 0; j < cols; ++j) sum += x_row[j];
    const float m = sum * inv_cols;
    // Two passes: the variance of (x - mean) does not cancel catastrophically as E[x^2] - m^2 can.
    float sum_sq = 0.0f;
#pragma omp simd reduction(+ : sum_sq)
    for (i64 j = 0; j < cols; ++j) {
      const float d = x_row[j] - m;
      sum_sq += d * d;
    }
    const float s = 1.0f / std::sqrt(sum_sq * inv_cols + eps);
#pragma omp simd
    for (i64 j = 0; j < cols; ++j) y_row[j] = (x_row[j] - m) * s * gamma[j] + beta[j];
    mean[i] = m;
    rstd[i] = s;
  }
}

void HostDevice::layernorm_backward_impl(const float* dy, const float* x, const float* gamma,
                                         const float* mean, const float* rstd, float* dx,
                                         float* dgamma, float* dbeta, i64 rows, i64 cols) {
  const float inv_cols = 1.0f / static_cast<float>(cols);
  const bool parallel = go_parallel(rows * cols, threads_);
  // dx: per row, dx += rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = gamma * dy.
#pragma omp parallel for num_threads(threads_) if (parallel) schedule(static)
  for (i64 i = 0; i < rows; ++i) {
    const float* dy_row = dy + i * cols;
    const float* x_row = x + i * cols;
    float* dx_row = dx + i * cols;
    const float m = mean[i];
    const float s = rstd[i];
    float g_sum = 0.0f;
    float g_xhat_sum = 0.0f;
#pragma omp simd reduction(+ : g_sum, g_xhat_sum)
    for (i64 j = 0; j < cols; ++j) {
      const float g = gamma[j] * dy_row[j];
      g_sum += g;
      g_xhat_sum += g * (x_row[j] - m) * s;
    }
    const float g_mean = g_sum * inv_cols;
    const float g_xhat_mean = g_xhat_sum * inv_cols;
#pragma omp simd
    for (i64 j = 0; j < cols; ++j) {
      const float xhat = (x_row[j] - m) * s;
      dx_row[j] += s * (gamma[j] * dy_row[j] - g_mean - xhat * g_xhat_mean);
    }
  }
  // dgamma(cols) += sum_i dy * xhat, dbeta(cols) += sum_i dy: threads own column blocks.
  constexpr i64 kBlock = 64;  // columns per task: 4 cache lines
  const i64 blocks = (cols + kBlock - 1) / kBlock;
#pragma omp parallel for num_threads(threads_) if (parallel && blocks > 1) schedule(static)
  for (i64 block = 0; block < blocks; ++block) {
    const i64 j0 = block * kBlock;
    const i64 width = std::min(kBlock, cols - j0);
    float dgamma_sums[kBlock] = {};
    float dbeta_sums[kBlock] = {};
    for (i64 i = 0; i < rows; ++i) {
      const float* dy_row = dy + i * cols + j0;
      const float* x_row = x + i * cols + j0;
      const float m = mean[i];
      const float s = rstd[i];
#pragma omp simd
      for (i64 j = 0; j < width; ++j) {
        dgamma_sums[j] += dy_row[j] * (x_row[j] - m) * s;
        dbeta_sums[j] += dy_row[j];
      }
    }
    for (i64 j = 0; j < width; ++j) {
      dgamma[j0 + j] += dgamma_sums[j];
      dbeta[j0 + j] += dbeta_sums[j];
    }
  }
}

void HostDevice::softmax_forward_impl(const float* x, float* y, i64 rows, i64 cols, float scale,
                                      bool causal) {
  const bool parallel = go_parallel(rows * cols, threads_);
#pragma omp parallel for num_threads(threads_) if (parallel) schedule(static)
  for (i64 i = 0; i < rows; ++i) {
    const float* x_row = x + i * cols;
    float* y_row = y + i * cols;
    // Causal: row i is query t = i % T of its (T, T) block and sees keys 0..t.
    const i64 visible = causal ? i % cols + 1 : cols;
    float max_value = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : max_value)
    for (i64 j = 0; j < visible; ++j) max_value = std::max(max_value, scale * x_row[j]);
    float sum = 0.0f;
    for (i64 j = 0; j < visible; ++j) {
      y_row[j] = std::exp(scale * x_row[j] - max_value);
      sum += y_row[j];
    }
    const float inv_sum = 1.0f / sum;
#pragma omp simd
    for (i64 j = 0; j < visible; ++j) y_row[j] *= inv_sum;
    for (i64 j = visible; j < cols; ++j) y_row[j] = 0.0f;
  }
}

void HostDevice::softmax_backward_impl(const float* y, const float* dy, float* dx, i64 rows,
                                       i64 cols, float scale) {
  const bool parallel = go_parallel(rows * cols, threads_);
#pragma omp parallel for num_threads(threads_) if (parallel) schedule(static)
  for (i64 i = 0; i < rows; ++i) {
    const float* y_row = y + i * cols;
    const float* dy_row = dy + i * cols;
    float* dx_row = dx + i * cols;
    float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
    for (i64 j = 0; j < cols; ++j) dot += y_row[j] * dy_row[j];
#pragma omp simd
    for (i64 j = 0; j < cols; ++j) dx_row[j] += scale * y_row[j] * (dy_row[j] - dot);
  }
}

}  // namespace dojo::device
