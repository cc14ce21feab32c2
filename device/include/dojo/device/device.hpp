// The device interface: every training step's math (memory, GEMM, float32 kernels) runs through a
// Device. Public calls validate their arguments here, once, and dispatch to a backend's private
// virtual *_impl: the host CPU (BLIS + OpenMP) or a plugin loaded at run time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace dojo::device {

// Conventions for every call below (the plugin ABI in plugin_abi.h follows the same ones):
// - Pointers are device pointers from Device::allocate / DeviceBuffer, or offsets into them. They
//   may not be dereferenceable on the host (a plugin's chip memory).
// - Matrices are row-major: element (i, j) of a matrix with leading dimension ld is p[i * ld + j].
// - Sizes, leading dimensions and strides count elements (int64); byte counts are named *_bytes.
// - Backward kernels ADD into their gradient outputs (llm.c's convention), so the gradients of a
//   tensor used twice (residual stream, tied embedding) accumulate; zero gradients with fill().
// - Calls are ordered. Kernels may run asynchronously on a plugin device; copy_to_host returns
//   when the host memory holds the data; synchronize() waits for everything.
// - Bad shapes or null pointers are internal errors (a programming mistake); an index outside an
//   embedding table or a target outside the classes is a user error (bad data).

enum class Op { none, transpose };

enum class DeviceKind { host, plugin };

struct DeviceInfo {
  std::string name = {};  // "host" or the plugin's name, e.g. "reference"
  DeviceKind kind = DeviceKind::host;
  int threads = 1;               // host CPU threads the device uses
  std::string description = {};  // one line for logs: library versions, plugin file
};

// AdamW as llm.c: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; mhat = m / (1-b1^t);
// vhat = v / (1-b2^t); p -= lr * (mhat / (sqrt(vhat) + eps) + wd * p).
struct AdamWParams {
  float learning_rate = 3e-4f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float eps = 1e-8f;
  float weight_decay = 0.0f;
  std::int64_t step = 1;  // t, 1-based: the number of updates including this one
};

// SGD with momentum as PyTorch (no dampening): g += wd * p; v = momentum * v + g; p -= lr * v.
struct SgdParams {
  float learning_rate = 1e-2f;
  float momentum = 0.9f;
  float weight_decay = 0.0f;
};

class Device {
 public:
  Device() = default;
  virtual ~Device() = default;
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  DeviceInfo info() const { return info_impl(); }

  // ---- Memory. Prefer DeviceBuffer<T> (buffer.hpp), which frees what it allocates. ----
  // Returns nullptr for 0 bytes; otherwise memory aligned for any float/double kernel.
  void* allocate(std::size_t bytes);
  void free(void* ptr) noexcept;  // nullptr is ignored
  void copy_to_device(void* dst, const void* host_src, std::size_t bytes);
  void copy_to_host(void* host_dst, const void* src, std::size_t bytes);
  void copy_on_device(void* dst, const void* src, std::size_t bytes);
  void memset(void* dst, int byte_value, std::size_t bytes);
  void synchronize();

  // ---- GEMM, row-major: C(m,n) = alpha * op(A)(m,k) @ op(B)(k,n) + beta * C(m,n). ----
  // op_a == none: A is stored (m, k), lda >= k; transpose: A is stored (k, m), lda >= m.
  // op_b == none: B is stored (k, n), ldb >= n; transpose: B is stored (n, k), ldb >= k.
  // ldc >= n. beta == 0 overwrites C without reading it (NaN there does not propagate), as BLAS.
  // A Linear layer y(BT, OC) = x(BT, C) @ W(OC, C)^T + b is gemm(none, transpose, BT, OC, C, ...).
  void gemm(Op op_a, Op op_b, std::int64_t m, std::int64_t n, std::int64_t k, float alpha,
            const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta,
            float* c, std::int64_t ldc);
  void gemm(Op op_a, Op op_b, std::int64_t m, std::int64_t n, std::int64_t k, double alpha,
            const double* a, std::int64_t lda, const double* b, std::int64_t ldb, double beta,
            double* c, std::int64_t ldc);
  // batch_count independent products; product i reads a + i * stride_a, b + i * stride_b and
  // writes c + i * stride_c (strides in elements). The C matrices must not overlap (products may
  // run in parallel); A and B may (stride 0 reuses one matrix). Attention over (B, T, 3C) qkv
  // without a permute: per batch b, H products with lda = 3C and stride_a = hs (head size).
  void gemm_batched(Op op_a, Op op_b, std::int64_t m, std::int64_t n, std::int64_t k, float alpha,
                    const float* a, std::int64_t lda, std::int64_t stride_a, const float* b,
                    std::int64_t ldb, std::int64_t stride_b, float beta, float* c, std::int64_t ldc,
                    std::int64_t stride_c, std::int64_t batch_count);
  void gemm_batched(Op op_a, Op op_b, std::int64_t m, std::int64_t n, std::int64_t k, double alpha,
                    const double* a, std::int64_t lda, std::int64_t stride_a, const double* b,
                    std::int64_t ldb, std::int64_t stride_b, double beta, double* c,
                    std::int64_t ldc, std::int64_t stride_c, std::int64_t batch_count);

  // ---- Element-wise float32 kernels over n elements. Outputs may alias inputs. ----
  void fill(float* x, std::int64_t n, float value);                    // x = value
  void scale(float* x, std::int64_t n, float alpha);                   // x *= alpha
  void axpy(std::int64_t n, float alpha, const float* x, float* y);    // y += alpha * x
  void add(const float* x, const float* y, float* z, std::int64_t n);  // z = x + y
  void mul(const float* x, const float* y, float* z, std::int64_t n);  // z = x * y

  // y(rows, cols) += bias(cols) on every row.
  void bias_add(float* y, const float* bias, std::int64_t rows, std::int64_t cols);
  // dbias(cols) += sum over rows of dy(rows, cols).
  void bias_backward(float* dbias, const float* dy, std::int64_t rows, std::int64_t cols);

  // y(n) = max(x, 0); backward dx(n) += dy * (x > 0).
  void relu_forward(const float* x, float* y, std::int64_t n);
  void relu_backward(const float* x, const float* dy, float* dx, std::int64_t n);
  // GPT-2's tanh GELU: y = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))); dx(n) += gelu'(x) dy.
  void gelu_forward(const float* x, float* y, std::int64_t n);
  void gelu_backward(const float* x, const float* dy, float* dx, std::int64_t n);

  // Layernorm over the last dimension of x(rows, cols), as llm.c: mean(rows) and
  // rstd(rows) = 1 / sqrt(biased variance + eps) are written for the backward pass;
  // y(rows, cols) = (x - mean) * rstd * gamma(cols) + beta(cols).
  void layernorm_forward(const float* x, const float* gamma, const float* beta, float* y,
                         float* mean, float* rstd, std::int64_t rows, std::int64_t cols,
                         float eps = 1e-5f);
  // Adds into dx(rows, cols), dgamma(cols) and dbeta(cols).
  void layernorm_backward(const float* dy, const float* x, const float* gamma, const float* mean,
                          const float* rstd, float* dx, float* dgamma, float* dbeta,
                          std::int64_t rows, std::int64_t cols);

  // y(rows, cols) = softmax over each row of scale * x (max subtracted first).
  // causal: x holds (B*H, T, T) attention scores with T == cols, so row r is query t = r % T and
  // columns j > t are masked: y = 0 there. Requires rows % cols == 0.
  void softmax_forward(const float* x, float* y, std::int64_t rows, std::int64_t cols,
                       float scale = 1.0f, bool causal = false);
  // dx(rows, cols) += scale * y * (dy - sum_j y_j dy_j); masked entries (y = 0) get nothing.
  void softmax_backward(const float* y, const float* dy, float* dx, std::int64_t rows,
                        std::int64_t cols, float scale = 1.0f);

  // probs(rows, classes) = softmax(logits(rows, classes)); losses(rows) = -log probs[targets].
  // targets(rows) must lie in [0, classes).
  void cross_entropy_forward(const float* logits, const std::int32_t* targets, float* probs,
                             float* losses, std::int64_t rows, std::int64_t classes);
  // dlogits(rows, classes) += (probs - onehot(targets)) * dloss_scale; 1/rows for a mean loss.
  void cross_entropy_backward(const float* probs, const std::int32_t* targets, float* dlogits,
                              std::int64_t rows, std::int64_t classes, float dloss_scale);

  // out(n, cols) = table(table_rows, cols)[indices(n)]; indices must lie in [0, table_rows).
  void embedding_forward(const float* table, const std::int32_t* indices, float* out,
                         std::int64_t n, std::int64_t cols, std::int64_t table_rows);
  // dtable[indices[i]] += dout(n, cols)[i]; repeated indices accumulate.
  void embedding_backward(const float* dout, const std::int32_t* indices, float* dtable,
                          std::int64_t n, std::int64_t cols, std::int64_t table_rows);

  // result[0] = sum of x(n) (of x^2 for sum_squares), accumulated in double. result is device
  // memory so a norm can stay on the device; read it with copy_to_host.
  void sum(const float* x, std::int64_t n, float* result);
  void sum_squares(const float* x, std::int64_t n, float* result);

  // One optimizer step over n parameters; m, v, velocity are the optimizer state (start at 0).
  void adamw_update(float* params, const float* grads, float* m, float* v, std::int64_t n,
                    const AdamWParams& hyper);
  void sgd_momentum_update(float* params, const float* grads, float* velocity, std::int64_t n,
                           const SgdParams& hyper);

 private:
  // Backends implement these; arguments arrive validated and non-empty (n > 0 etc.).
  virtual DeviceInfo info_impl() const = 0;
  virtual void* allocate_impl(std::size_t bytes) = 0;
  virtual void free_impl(void* ptr) noexcept = 0;
  virtual void copy_to_device_impl(void* dst, const void* host_src, std::size_t bytes) = 0;
  virtual void copy_to_host_impl(void* host_dst, const void* src, std::size_t bytes) = 0;
  virtual void copy_on_device_impl(void* dst, const void* src, std::size_t bytes) = 0;
  virtual void memset_impl(void* dst, int byte_value, std::size_t bytes) = 0;
  virtual void synchronize_impl() = 0;

  virtual void sgemm_impl(Op op_a, Op op_b, std::int64_t m, std::int64_t n, std::int64_t k,
                          float alpha, const float* a, std::int64_t lda, const float* b,
                          std::int64_t ldb, float beta, float* c, std::int64_t ldc) = 0;
  virtual void dgemm_impl(Op op_a, Op op_b, std::int64_t m, std::int64_t n, std::int64_t k,
                          double alpha, const double* a, std::int64_t lda, const double* b,
                          std::int64_t ldb, double beta, double* c, std::int64_t ldc) = 0;

 protected:
  // Default: a loop over sgemm_impl / dgemm_impl; a backend may call it as its fallback.
  virtual void sgemm_batched_impl(Op op_a, Op op_b, std::int64_t m, std::int64_t n, std::int64_t k,
                                  float alpha, const float* a, std::int64_t lda,
                                  std::int64_t stride_a, const float* b, std::int64_t ldb,
                                  std::int64_t stride_b, float beta, float* c, std::int64_t ldc,
                                  std::int64_t stride_c, std::int64_t batch_count);
  virtual void dgemm_batched_impl(Op op_a, Op op_b, std::int64_t m, std::int64_t n, std::int64_t k,
                                  double alpha, const double* a, std::int64_t lda,
                                  std::int64_t stride_a, const double* b, std::int64_t ldb,
                                  std::int64_t stride_b, double beta, double* c, std::int64_t ldc,
                                  std::int64_t stride_c, std::int64_t batch_count);

 private:
  virtual void fill_impl(float* x, std::int64_t n, float value) = 0;
  virtual void scale_impl(float* x, std::int64_t n, float alpha) = 0;
  virtual void axpy_impl(std::int64_t n, float alpha, const float* x, float* y) = 0;
  virtual void add_impl(const float* x, const float* y, float* z, std::int64_t n) = 0;
  virtual void mul_impl(const float* x, const float* y, float* z, std::int64_t n) = 0;
  virtual void bias_add_impl(float* y, const float* bias, std::int64_t rows, std::int64_t cols) = 0;
  virtual void bias_backward_impl(float* dbias, const float* dy, std::int64_t rows,
                                  std::int64_t cols) = 0;
  virtual void relu_forward_impl(const float* x, float* y, std::int64_t n) = 0;
  virtual void relu_backward_impl(const float* x, const float* dy, float* dx, std::int64_t n) = 0;
  virtual void gelu_forward_impl(const float* x, float* y, std::int64_t n) = 0;
  virtual void gelu_backward_impl(const float* x, const float* dy, float* dx, std::int64_t n) = 0;
  virtual void layernorm_forward_impl(const float* x, const float* gamma, const float* beta,
                                      float* y, float* mean, float* rstd, std::int64_t rows,
                                      std::int64_t cols, float eps) = 0;
  virtual void layernorm_backward_impl(const float* dy, const float* x, const float* gamma,
                                       const float* mean, const float* rstd, float* dx,
                                       float* dgamma, float* dbeta, std::int64_t rows,
                                       std::int64_t cols) = 0;
  virtual void softmax_forward_impl(const float* x, float* y, std::int64_t rows, std::int64_t cols,
                                    float scale, bool causal) = 0;
  virtual void softmax_backward_impl(const float* y, const float* dy, float* dx, std::int64_t rows,
                                     std::int64_t cols, float scale) = 0;
  virtual void cross_entropy_forward_impl(const float* logits, const std::int32_t* targets,
                                          float* probs, float* losses, std::int64_t rows,
                                          std::int64_t classes) = 0;
  virtual void cross_entropy_backward_impl(const float* probs, const std::int32_t* targets,
                                           float* dlogits, std::int64_t rows, std::int64_t classes,
                                           float dloss_scale) = 0;
  virtual void embedding_forward_impl(const float* table, const std::int32_t* indices, float* out,
                                      std::int64_t n, std::int64_t cols,
                                      std::int64_t table_rows) = 0;
  virtual void embedding_backward_impl(const float* dout, const std::int32_t* indices,
                                       float* dtable, std::int64_t n, std::int64_t cols,
                                       std::int64_t table_rows) = 0;
  virtual void sum_impl(const float* x, std::int64_t n, float* result) = 0;
  virtual void sum_squares_impl(const float* x, std::int64_t n, float* result) = 0;
  virtual void adamw_update_impl(float* params, const float* grads, float* m, float* v,
                                 std::int64_t n, const AdamWParams& hyper) = 0;
  virtual void sgd_momentum_update_impl(float* params, const float* grads, float* velocity,
                                        std::int64_t n, const SgdParams& hyper) = 0;
};

}  // namespace dojo::device
