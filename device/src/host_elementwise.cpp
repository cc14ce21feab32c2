// Host element-wise kernels: vector arithmetic, bias add and its gradient, ReLU and GELU.
// Plain loops under `omp parallel for simd`: the compiler vectorises, the device's threads split.
// GELU's tanh is the inline one of host_math.hpp, so its loops vectorise too.
#include <algorithm>

#include "dojo/device/host_device.hpp"
#include "host_math.hpp"
#include "host_parallel.hpp"

namespace dojo::device {

using i64 = std::int64_t;
using host::go_parallel;
using host::simd_tanh;

void HostDevice::fill_impl(float* x, i64 n, float value) {
  const bool parallel = go_parallel(n, threads_);
#pragma omp parallel for simd num_threads(threads_) if (parallel : parallel) schedule(static)
  for (i64 i = 0; i < n; ++i) x[i] = value;
}

void HostDevice::scale_impl(float* x, i64 n, float alpha) {
  const bool parallel = go_parallel(n, threads_);
#pragma omp parallel for simd num_threads(threads_) if (parallel : parallel) schedule(static)
  for (i64 i = 0; i < n; ++i) x[i] *= alpha;
}

void HostDevice::axpy_impl(i64 n, float alpha, const float* x, float* y) {
  const bool parallel = go_parallel(n, threads_);
#pragma omp parallel for simd num_threads(threads_) if (parallel : parallel) schedule(static)
  for (i64 i = 0; i < n; ++i) y[i] += alpha * x[i];
}

void HostDevice::add_impl(const float* x, const float* y, float* z, i64 n) {
  const bool parallel = go_parallel(n, threads_);
#pragma omp parallel for simd num_threads(threads_) if (parallel : parallel) schedule(static)
  for (i64 i = 0; i < n; ++i) z[i] = x[i] + y[i];
}

void HostDevice::mul_impl(const float* x, const float* y, float* z, i64 n) {
  const bool parallel = go_parallel(n, threads_);
#pragma omp parallel for simd num_threads(threads_) if (parallel : parallel) schedule(static)
  for (i64 i = 0; i < n; ++i) z[i] = x[i] * y[i];
}

void HostDevice::bias_add_impl(float* y, const float* bias, i64 rows, i64 cols) {
  const bool parallel = go_parallel(rows * cols, threads_);
#pragma omp parallel for num_threads(threads_) if (parallel) schedule(static)
  for (i64 i = 0; i < rows; ++i) {
    float* y_row = y + i * cols;
#pragma omp simd
    for (i64 j = 0; j < cols; ++j) y_row[j] += bias[j];
  }
}

void HostDevice::bias_backward_impl(float* dbias, const float* dy, i64 rows, i64 cols) {
  // Threads own column blocks and walk all rows, so no two threads write one dbias[j]; each block
  // sums into a local accumulator first and touches dbias once.
  constexpr i64 kBlock = 64;  // columns per task: 4 cache lines
  const i64 blocks = (cols + kBlock - 1) / kBlock;
  const bool parallel = blocks > 1 && go_parallel(rows * cols, threads_);
#pragma omp parallel for num_threads(threads_) if (parallel) schedule(static)
  for (i64 block = 0; block < blocks; ++block) {
    const i64 j0 = block * kBlock;
    const i64 width = std::min(kBlock, cols - j0);
    float sums[kBlock] = {};
    for (i64 i = 0; i < rows; ++i) {
      const float* dy_row = dy + i * cols + j0;
#pragma omp simd
      for (i64 j = 0; j < width; ++j) sums[j] += dy_row[j];
    }
    for (i64 j = 0; j < width; ++j) dbias[j0 + j] += sums[j];
  }
}

void HostDevice::relu_forward_impl(const float* x, float* y, i64 n) {
  const bool parallel = go_parallel(n, threads_);
#pragma omp parallel for simd num_threads(threads_) if (parallel : parallel) schedule(static)
  for (i64 i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void HostDevice::relu_backward_impl(const float* x, const float* dy, float* dx, i64 n) {
  const bool parallel = go_parallel(n, threads_);
#pragma omp parallel for simd num_threads(threads_) if (parallel : parallel) schedule(static)
  for (i64 i = 0; i < n; ++i) {
    const float grad = dy[i];  // load for every i: a load on one side of the select stays scalar
    dx[i] += x[i] > 0.0f ? grad : 0.0f;
  }
}

namespace {

constexpr float kGeluScale = 0.7978845608028654f;  // sqrt(2 / pi)
constexpr float kGeluCubic = 0.044715f;

// GELU is the one compute-bound element-wise kernel (a tanh per element), so its loops are free
// functions with an AVX2 clone (a virtual function cannot be multiversioned).
DOJO_HOST_AVX2_CLONES
void gelu_forward_loop(const float* x, float* y, i64 n, int threads) {
  const bool parallel = go_parallel(n, threads);
#pragma omp parallel for simd num_threads(threads) if (parallel : parallel) schedule(static)
  for (i64 i = 0; i < n; ++i) {
    const float v = x[i];
    y[i] = 0.5f * v * (1.0f + simd_tanh(kGeluScale * (v + kGeluCubic * v * v * v)));
  }
}

DOJO_HOST_AVX2_CLONES
void gelu_backward_loop(const float* x, const float* dy, float* dx, i64 n, int threads) {
  // llm.c's derivative, with sech^2 written as 1 - tanh^2 (same value, no coshf overflow).
  const bool parallel = go_parallel(n, threads);
#pragma omp parallel for simd num_threads(threads) if (parallel : parallel) schedule(static)
  for (i64 i = 0; i < n; ++i) {
    const float v = x[i];
    const float t = simd_tanh(kGeluScale * (v + kGeluCubic * v * v * v));
    const float sech2 = 1.0f - t * t;
    const float local_grad =
        0.5f * (1.0f + t) + v * 0.5f * sech2 * kGeluScale * (1.0f + 3.0f * kGeluCubic * v * v);
    dx[i] += local_grad * dy[i];
  }
}

}  // namespace

void HostDevice::gelu_forward_impl(const float* x, float* y, i64 n) {
  gelu_forward_loop(x, y, n, threads_);
}

void HostDevice::gelu_backward_impl(const float* x, const float* dy, float* dx, i64 n) {
  gelu_backward_loop(x, dy, dx, n, threads_);
}

}  // namespace dojo::device
