// Host reductions (sum, sum of squares for global gradient-norm clipping) and optimizer steps
// (AdamW as llm.c, SGD with momentum as PyTorch). Sums accumulate in double: a float running sum
// over 10^8 gradients loses most of its digits.
#include <cmath>

#include "dojo/device/host_device.hpp"
#include "host_parallel.hpp"

namespace dojo::device {

using i64 = std::int64_t;
using host::go_parallel;

void HostDevice::sum_impl(const float* x, i64 n, float* result) {
  double total = 0.0;
  const bool parallel = go_parallel(n, threads_);
#pragma omp parallel for simd num_threads(threads_) if (parallel : parallel) reduction(+ : total)
  for (i64 i = 0; i < n; ++i) total += static_cast<double>(x[i]);
  result[0] = static_cast<float>(total);
}

void HostDevice::sum_squares_impl(const float* x, i64 n, float* result) {
  double total = 0.0;
  const bool parallel = go_parallel(n, threads_);
#pragma omp parallel for simd num_threads(threads_) if (parallel : parallel) reduction(+ : total)
  for (i64 i = 0; i < n; ++i) total += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  result[0] = static_cast<float>(total);
}

void HostDevice::adamw_update_impl(float* params, const float* grads, float* m, float* v, i64 n,
                                   const AdamWParams& hyper) {
  const float lr = hyper.learning_rate;
  const float beta1 = hyper.beta1;
  const float beta2 = hyper.beta2;
  const float eps = hyper.eps;
  const float wd = hyper.weight_decay;
  // Bias corrections 1 - beta^t, once per call rather than llm.c's powf per element.
  const float correction1 = static_cast<float>(1.0 - std::pow(double{beta1}, hyper.step));
  const float correction2 = static_cast<float>(1.0 - std::pow(double{beta2}, hyper.step));
  const bool parallel = go_parallel(n, threads_);
#pragma omp parallel for simd num_threads(threads_) if (parallel : parallel) schedule(static)
  for (i64 i = 0; i < n; ++i) {
    const float g = grads[i];
    const float m_i = beta1 * m[i] + (1.0f - beta1) * g;
    const float v_i = beta2 * v[i] + (1.0f - beta2) * g * g;
    const float m_hat = m_i / correction1;
    const float v_hat = v_i / correction2;
    m[i] = m_i;
    v[i] = v_i;
    params[i] -= lr * (m_hat / (std::sqrt(v_hat) + eps) + wd * params[i]);
  }
}

void HostDevice::sgd_momentum_update_impl(float* params, const float* grads, float* velocity, i64 n,
                                          const SgdParams& hyper) {
  const float lr = hyper.learning_rate;
  const float momentum = hyper.momentum;
  const float wd = hyper.weight_decay;
  const bool parallel = go_parallel(n, threads_);
#pragma omp parallel for simd num_threads(threads_) if (parallel : parallel) schedule(static)
  for (i64 i = 0; i < n; ++i) {
    const float g = grads[i] + wd * params[i];
    const float v_i = momentum * velocity[i] + g;
    velocity[i] = v_i;
    params[i] -= lr * v_i;
  }
}

}  // namespace dojo::device
