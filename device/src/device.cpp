// The device front end: argument checks shared by every backend, then dispatch to its *_impl.
// Empty calls (n == 0, m == 0, ...) return here so backends never see them.
#include "dojo/device/device.hpp"

#include <algorithm>
#include <initializer_list>

#include "dojo/common/error.hpp"

namespace dojo::device {
namespace {

using i64 = std::int64_t;

void check_count(i64 value, const char* name, const char* call) {
  if (value < 0) internal_error(str(call, ": ", name, " = ", value, " must not be negative"));
}

void check_pointer(const void* ptr, const char* name, const char* call) {
  if (ptr == nullptr) internal_error(str(call, ": ", name, " is null"));
}

void check_leading_dim(i64 ld, i64 cols, const char* name, const char* call) {
  if (ld < std::max<i64>(1, cols)) {
    internal_error(
        str(call, ": ", name, " = ", ld, " is smaller than the ", cols, " columns stored per row"));
  }
}

// Checks one (possibly batched) GEMM; returns false when there is nothing to compute.
bool check_gemm(const char* call, i64 m, i64 n, i64 k, Op op_a, Op op_b, const void* a, i64 lda,
                const void* b, i64 ldb, const void* c, i64 ldc) {
  check_count(m, "m", call);
  check_count(n, "n", call);
  check_count(k, "k", call);
  check_leading_dim(lda, op_a == Op::none ? k : m, "lda", call);
  check_leading_dim(ldb, op_b == Op::none ? n : k, "ldb", call);
  check_leading_dim(ldc, n, "ldc", call);
  if (m == 0 || n == 0) return false;
  if (k > 0) {
    check_pointer(a, "A", call);
    check_pointer(b, "B", call);
  }
  check_pointer(c, "C", call);
  return true;
}

bool check_batched(const char* call, i64 stride_a, i64 stride_b, i64 stride_c, i64 batch_count) {
  check_count(stride_a, "stride_a", call);
  check_count(stride_b, "stride_b", call);
  check_count(stride_c, "stride_c", call);
  check_count(batch_count, "batch_count", call);
  return batch_count > 0;
}

struct Pointer {
  const void* ptr;
  const char* name;
};

// Checks an element count and the pointers a kernel reads or writes; false when n == 0.
bool check_elements(const char* call, i64 n, std::initializer_list<Pointer> pointers) {
  check_count(n, "n", call);
  if (n == 0) return false;
  for (const Pointer& p : pointers) check_pointer(p.ptr, p.name, call);
  return true;
}

bool check_rows(const char* call, i64 rows, i64 cols, std::initializer_list<Pointer> pointers) {
  check_count(rows, "rows", call);
  check_count(cols, "cols", call);
  if (rows == 0 || cols == 0) return false;
  for (const Pointer& p : pointers) check_pointer(p.ptr, p.name, call);
  return true;
}

}  // namespace

// ---- Memory ----

void* Device::allocate(std::size_t bytes) {
  return bytes == 0 ? nullptr : allocate_impl(bytes);
}

void Device::free(void* ptr) noexcept {
  if (ptr != nullptr) free_impl(ptr);
}

void Device::copy_to_device(void* dst, const void* host_src, std::size_t bytes) {
  if (bytes == 0) return;
  check_pointer(dst, "dst", "copy_to_device");
  check_pointer(host_src, "host_src", "copy_to_device");
  copy_to_device_impl(dst, host_src, bytes);
}

void Device::copy_to_host(void* host_dst, const void* src, std::size_t bytes) {
  if (bytes == 0) return;
  check_pointer(host_dst, "host_dst", "copy_to_host");
  check_pointer(src, "src", "copy_to_host");
  copy_to_host_impl(host_dst, src, bytes);
}

void Device::copy_on_device(void* dst, const void* src, std::size_t bytes) {
  if (bytes == 0 || dst == src) return;
  check_pointer(dst, "dst", "copy_on_device");
  check_pointer(src, "src", "copy_on_device");
  copy_on_device_impl(dst, src, bytes);
}

void Device::memset(void* dst, int byte_value, std::size_t bytes) {
  if (bytes == 0) return;
  check_pointer(dst, "dst", "memset");
  memset_impl(dst, byte_value, bytes);
}

void Device::synchronize() {
  synchronize_impl();
}

// ---- GEMM ----

void Device::gemm(Op op_a, Op op_b, i64 m, i64 n, i64 k, float alpha, const float* a, i64 lda,
                  const float* b, i64 ldb, float beta, float* c, i64 ldc) {
  if (!check_gemm("sgemm", m, n, k, op_a, op_b, a, lda, b, ldb, c, ldc)) return;
  sgemm_impl(op_a, op_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void Device::gemm(Op op_a, Op op_b, i64 m, i64 n, i64 k, double alpha, const double* a, i64 lda,
                  const double* b, i64 ldb, double beta, double* c, i64 ldc) {
  if (!check_gemm("dgemm", m, n, k, op_a, op_b, a, lda, b, ldb, c, ldc)) return;
  dgemm_impl(op_a, op_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void Device::gemm_batched(Op op_a, Op op_b, i64 m, i64 n, i64 k, float alpha, const float* a,
                          i64 lda, i64 stride_a, const float* b, i64 ldb, i64 stride_b, float beta,
                          float* c, i64 ldc, i64 stride_c, i64 batch_count) {
  if (!check_batched("sgemm_batched", stride_a, stride_b, stride_c, batch_count)) return;
  if (!check_gemm("sgemm_batched", m, n, k, op_a, op_b, a, lda, b, ldb, c, ldc)) return;
  sgemm_batched_impl(op_a, op_b, m, n, k, alpha, a, lda, stride_a, b, ldb, stride_b, beta, c, ldc,
                     stride_c, batch_count);
}

void Device::gemm_batched(Op op_a, Op op_b, i64 m, i64 n, i64 k, double alpha, const double* a,
                          i64 lda, i64 stride_a, const double* b, i64 ldb, i64 stride_b,
                          double beta, double* c, i64 ldc, i64 stride_c, i64 batch_count) {
  if (!check_batched("dgemm_batched", stride_a, stride_b, stride_c, batch_count)) return;
  if (!check_gemm("dgemm_batched", m, n, k, op_a, op_b, a, lda, b, ldb, c, ldc)) return;
  dgemm_batched_impl(op_a, op_b, m, n, k, alpha, a, lda, stride_a, b, ldb, stride_b, beta, c, ldc,
                     stride_c, batch_count);
}

void Device::sgemm_batched_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, float alpha, const float* a,
                                i64 lda, i64 stride_a, const float* b, i64 ldb, i64 stride_b,
                                float beta, float* c, i64 ldc, i64 stride_c, i64 batch_count) {
  for (i64 i = 0; i < batch_count; ++i) {
    sgemm_impl(op_a, op_b, m, n, k, alpha, a + i * stride_a, lda, b + i * stride_b, ldb, beta,
               c + i * stride_c, ldc);
  }
}

void Device::dgemm_batched_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, double alpha,
                                const double* a, i64 lda, i64 stride_a, const double* b, i64 ldb,
                                i64 stride_b, double beta, double* c, i64 ldc, i64 stride_c,
                                i64 batch_count) {
  for (i64 i = 0; i < batch_count; ++i) {
    dgemm_impl(op_a, op_b, m, n, k, alpha, a + i * stride_a, lda, b + i * stride_b, ldb, beta,
               c + i * stride_c, ldc);
  }
}

// ---- Element-wise ----

void Device::fill(float* x, i64 n, float value) {
  if (check_elements("fill", n, {{x, "x"}})) fill_impl(x, n, value);
}

void Device::scale(float* x, i64 n, float alpha) {
  if (check_elements("scale", n, {{x, "x"}})) scale_impl(x, n, alpha);
}

void Device::axpy(i64 n, float alpha, const float* x, float* y) {
  if (check_elements("axpy", n, {{x, "x"}, {y, "y"}})) axpy_impl(n, alpha, x, y);
}

void Device::add(const float* x, const float* y, float* z, i64 n) {
  if (check_elements("add", n, {{x, "x"}, {y, "y"}, {z, "z"}})) add_impl(x, y, z, n);
}

void Device::mul(const float* x, const float* y, float* z, i64 n) {
  if (check_elements("mul", n, {{x, "x"}, {y, "y"}, {z, "z"}})) mul_impl(x, y, z, n);
}

void Device::bias_add(float* y, const float* bias, i64 rows, i64 cols) {
  if (check_rows("bias_add", rows, cols, {{y, "y"}, {bias, "bias"}}))
    bias_add_impl(y, bias, rows, cols);
}

void Device::bias_backward(float* dbias, const float* dy, i64 rows, i64 cols) {
  if (check_rows("bias_backward", rows, cols, {{dbias, "dbias"}, {dy, "dy"}})) {
    bias_backward_impl(dbias, dy, rows, cols);
  }
}

void Device::relu_forward(const float* x, float* y, i64 n) {
  if (check_elements("relu_forward", n, {{x, "x"}, {y, "y"}})) relu_forward_impl(x, y, n);
}

void Device::relu_backward(const float* x, const float* dy, float* dx, i64 n) {
  if (check_elements("relu_backward", n, {{x, "x"}, {dy, "dy"}, {dx, "dx"}}))
    relu_backward_impl(x, dy, dx, n);
}

void Device::gelu_forward(const float* x, float* y, i64 n) {
  if (check_elements("gelu_forward", n, {{x, "x"}, {y, "y"}})) gelu_forward_impl(x, y, n);
}

void Device::gelu_backward(const float* x, const float* dy, float* dx, i64 n) {
  if (check_elements("gelu_backward", n, {{x, "x"}, {dy, "dy"}, {dx, "dx"}}))
    gelu_backward_impl(x, dy, dx, n);
}

// ---- Normalisation, softmax, loss ----

void Device::layernorm_forward(const float* x, const float* gamma, const float* beta, float* y,
                               float* mean, float* rstd, i64 rows, i64 cols, float eps) {
  if (!(eps > 0.0f)) internal_error(str("layernorm_forward: eps = ", eps, " must be positive"));
  if (check_rows(
          "layernorm_forward", rows, cols,
          {{x, "x"}, {gamma, "gamma"}, {beta, "beta"}, {y, "y"}, {mean, "mean"}, {rstd, "rstd"}})) {
    layernorm_forward_impl(x, gamma, beta, y, mean, rstd, rows, cols, eps);
  }
}

void Device::layernorm_backward(const float* dy, const float* x, const float* gamma,
                                const float* mean, const float* rstd, float* dx, float* dgamma,
                                float* dbeta, i64 rows, i64 cols) {
  if (check_rows("layernorm_backward", rows, cols,
                 {{dy, "dy"},
                  {x, "x"},
                  {gamma, "gamma"},
                  {mean, "mean"},
                  {rstd, "rstd"},
                  {dx, "dx"},
                  {dgamma, "dgamma"},
                  {dbeta, "dbeta"}})) {
    layernorm_backward_impl(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols);
  }
}

void Device::softmax_forward(const float* x, float* y, i64 rows, i64 cols, float scale,
                             bool causal) {
  if (!check_rows("softmax_forward", rows, cols, {{x, "x"}, {y, "y"}})) return;
  if (causal && rows % cols != 0) {
    internal_error(str("softmax_forward: causal scores need rows (", rows,
                       ") to be a multiple of T = cols (", cols, ")"));
  }
  softmax_forward_impl(x, y, rows, cols, scale, causal);
}

void Device::softmax_backward(const float* y, const float* dy, float* dx, i64 rows, i64 cols,
                              float scale) {
  if (check_rows("softmax_backward", rows, cols, {{y, "y"}, {dy, "dy"}, {dx, "dx"}})) {
    softmax_backward_impl(y, dy, dx, rows, cols, scale);
  }
}

void Device::cross_entropy_forward(const float* logits, const std::int32_t* targets, float* probs,
                                   float* losses, i64 rows, i64 classes) {
  if (check_rows(
          "cross_entropy_forward", rows, classes,
          {{logits, "logits"}, {targets, "targets"}, {probs, "probs"}, {losses, "losses"}})) {
    cross_entropy_forward_impl(logits, targets, probs, losses, rows, classes);
  }
}

void Device::cross_entropy_backward(const float* probs, const std::int32_t* targets, float* dlogits,
                                    i64 rows, i64 classes, float dloss_scale) {
  if (check_rows("cross_entropy_backward", rows, classes,
                 {{probs, "probs"}, {targets, "targets"}, {dlogits, "dlogits"}})) {
    cross_entropy_backward_impl(probs, targets, dlogits, rows, classes, dloss_scale);
  }
}

// ---- Embedding, reductions, optimizers ----

void Device::embedding_forward(const float* table, const std::int32_t* indices, float* out, i64 n,
                               i64 cols, i64 table_rows) {
  check_count(table_rows, "table_rows", "embedding_forward");
  if (check_rows("embedding_forward", n, cols,
                 {{table, "table"}, {indices, "indices"}, {out, "out"}})) {
    embedding_forward_impl(table, indices, out, n, cols, table_rows);
  }
}

void Device::embedding_backward(const float* dout, const std::int32_t* indices, float* dtable,
                                i64 n, i64 cols, i64 table_rows) {
  check_count(table_rows, "table_rows", "embedding_backward");
  if (check_rows("embedding_backward", n, cols,
                 {{dout, "dout"}, {indices, "indices"}, {dtable, "dtable"}})) {
    embedding_backward_impl(dout, indices, dtable, n, cols, table_rows);
  }
}

void Device::sum(const float* x, i64 n, float* result) {
  check_pointer(result, "result", "sum");
  if (check_elements("sum", n, {{x, "x"}})) {
    sum_impl(x, n, result);
  } else {
    fill_impl(result, 1, 0.0f);
  }
}

void Device::sum_squares(const float* x, i64 n, float* result) {
  check_pointer(result, "result", "sum_squares");
  if (check_elements("sum_squares", n, {{x, "x"}})) {
    sum_squares_impl(x, n, result);
  } else {
    fill_impl(result, 1, 0.0f);
  }
}

void Device::adamw_update(float* params, const float* grads, float* m, float* v, i64 n,
                          const AdamWParams& hyper) {
  if (hyper.step < 1) {
    internal_error(str("adamw_update: step = ", hyper.step, " must start at 1"));
  }
  if (check_elements("adamw_update", n,
                     {{params, "params"}, {grads, "grads"}, {m, "m"}, {v, "v"}})) {
    adamw_update_impl(params, grads, m, v, n, hyper);
  }
}

void Device::sgd_momentum_update(float* params, const float* grads, float* velocity, i64 n,
                                 const SgdParams& hyper) {
  if (check_elements("sgd_momentum_update", n,
                     {{params, "params"}, {grads, "grads"}, {velocity, "velocity"}})) {
    sgd_momentum_update_impl(params, grads, velocity, n, hyper);
  }
}

}  // namespace dojo::device
