// Host softmax cross-entropy (the language-model and classifier loss) and the embedding lookup
// with its scatter-add gradient. Indices come from data files, so they are checked and a bad one
// is reported as the user's data error rather than read out of bounds.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "dojo/common/error.hpp"
#include "dojo/device/host_device.hpp"
#include "host_parallel.hpp"

namespace dojo::device {

using i64 = std::int64_t;
using host::go_parallel;

namespace {

void check_indices(const std::int32_t* indices, i64 n, i64 limit, const char* call,
                   const char* what) {
  for (i64 i = 0; i < n; ++i) {
    if (indices[i] < 0 || indices[i] >= limit) {
      user_error(str(call, ": ", what, "[", i, "] = ", indices[i], " is outside [0, ", limit,
                     "); check that the data's vocabulary matches the model's"));
    }
  }
}

}  // namespace

void HostDevice::cross_entropy_forward_impl(const float* logits, const std::int32_t* targets,
                                            float* probs, float* losses, i64 rows, i64 classes) {
  check_indices(targets, rows, classes, "cross_entropy_forward", "targets");
  const bool parallel = go_parallel(rows * classes, threads_);
#pragma omp parallel for num_threads(threads_) if (parallel) schedule(static)
  for (i64 i = 0; i < rows; ++i) {
    const float* logits_row = logits + i * classes;  // (classes)
    float* probs_row = probs + i * classes;          // (classes)
    float max_value = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : max_value)
    for (i64 j = 0; j < classes; ++j) max_value = std::max(max_value, logits_row[j]);
    float sum = 0.0f;
    for (i64 j = 0; j < classes; ++j) {
      probs_row[j] = std::exp(logits_row[j] - max_value);
      sum += probs_row[j];
    }
    const float inv_sum = 1.0f / sum;
#pragma omp simd
    for (i64 j = 0; j < classes; ++j) probs_row[j] *= inv_sum;
    // -log(probs[target]) written as log-sum-exp minus the target's logit: equal to llm.c's
    // -logf(prob) but finite when the probability underflows to 0.
    losses[i] = std::log(sum) - (logits_row[targets[i]] - max_value);
  }
}

void HostDevice::cross_entropy_backward_impl(const float* probs, const std::int32_t* targets,
                                             float* dlogits, i64 rows, i64 classes,
                                             float dloss_scale) {
  check_indices(targets, rows, classes, "cross_entropy_backward", "targets");
  const bool parallel = go_parallel(rows * classes, threads_);
#pragma omp parallel for num_threads(threads_) if (parallel) schedule(static)
  for (i64 i = 0; i < rows; ++i) {
    const float* probs_row = probs + i * classes;
    float* dlogits_row = dlogits + i * classes;
#pragma omp simd
    for (i64 j = 0; j < classes; ++j) dlogits_row[j] += probs_row[j] * dloss_scale;
    dlogits_row[targets[i]] -= dloss_scale;  // the one-hot term
  }
}

void HostDevice::embedding_forward_impl(const float* table, const std::int32_t* indices, float* out,
                                        i64 n, i64 cols, i64 table_rows) {
  check_indices(indices, n, table_rows, "embedding_forward", "indices");
  const bool parallel = go_parallel(n * cols, threads_);
#pragma omp parallel for num_threads(threads_) if (parallel) schedule(static)
  for (i64 i = 0; i < n; ++i) {
    std::memcpy(out + i * cols, table + static_cast<i64>(indices[i]) * cols,
                static_cast<std::size_t>(cols) * sizeof(float));
  }
}

void HostDevice::embedding_backward_impl(const float* dout, const std::int32_t* indices,
                                         float* dtable, i64 n, i64 cols, i64 table_rows) {
  check_indices(indices, n, table_rows, "embedding_backward", "indices");
  // Repeated indices add into one table row, so threads split columns, not rows: every thread
  // walks all n indices over its own column block.
  constexpr i64 kBlock = 64;  // columns per task: 4 cache lines
  const i64 blocks = (cols + kBlock - 1) / kBlock;
  const bool parallel = blocks > 1 && go_parallel(n * cols, threads_);
#pragma omp parallel for num_threads(threads_) if (parallel) schedule(static)
  for (i64 block = 0; block < blocks; ++block) {
    const i64 j0 = block * kBlock;
    const i64 width = std::min(kBlock, cols - j0);
    for (i64 i = 0; i < n; ++i) {
      const float* dout_row = dout + i * cols + j0;
      float* dtable_row = dtable + static_cast<i64>(indices[i]) * cols + j0;
#pragma omp simd
      for (i64 j = 0; j < width; ++j) dtable_row[j] += dout_row[j];
    }
  }
}

}  // namespace dojo::device
