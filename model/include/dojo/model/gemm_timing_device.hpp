// A Device decorator that forwards every call to another device and adds up the wall time and
// FLOPs spent in GEMMs, so a benchmark can report which share of a training step is GEMM. It
// synchronizes the wrapped device around each GEMM, so on an asynchronous plugin the times are
// the GEMMs' own (at the cost of overlap); on the host device synchronize() is free.
#pragma once

#include <cstdint>

#include "dojo/device/device.hpp"

namespace dojo::model {

struct GemmTotals {
  double seconds = 0.0;    // wall time inside gemm / gemm_batched
  double flops = 0.0;      // 2 m n k per product
  std::int64_t calls = 0;  // gemm and gemm_batched calls (a batched call counts once)
};

class GemmTimingDevice final : public device::Device {
 public:
  explicit GemmTimingDevice(device::Device& inner) : inner_(&inner) {}

  const GemmTotals& totals() const noexcept { return totals_; }
  void reset_totals() noexcept { totals_ = {}; }
  device::Device& inner() const noexcept { return *inner_; }

 private:
  using i64 = std::int64_t;
  using Op = device::Op;

  template <typename Call>
  void timed(double flops, Call&& call);

  device::DeviceInfo info_impl() const override { return inner_->info(); }
  void* allocate_impl(std::size_t bytes) override { return inner_->allocate(bytes); }
  void free_impl(void* ptr) noexcept override { inner_->free(ptr); }
  void copy_to_device_impl(void* dst, const void* src, std::size_t bytes) override {
    inner_->copy_to_device(dst, src, bytes);
  }
  void copy_to_host_impl(void* dst, const void* src, std::size_t bytes) override {
    inner_->copy_to_host(dst, src, bytes);
  }
  void copy_on_device_impl(void* dst, const void* src, std::size_t bytes) override {
    inner_->copy_on_device(dst, src, bytes);
  }
  void memset_impl(void* dst, int value, std::size_t bytes) override {
    inner_->memset(dst, value, bytes);
  }
  void synchronize_impl() override { inner_->synchronize(); }

  void sgemm_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, float alpha, const float* a, i64 lda,
                  const float* b, i64 ldb, float beta, float* c, i64 ldc) override;
  void dgemm_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, double alpha, const double* a, i64 lda,
                  const double* b, i64 ldb, double beta, double* c, i64 ldc) override;
  void sgemm_batched_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, float alpha, const float* a,
                          i64 lda, i64 stride_a, const float* b, i64 ldb, i64 stride_b, float beta,
                          float* c, i64 ldc, i64 stride_c, i64 batch_count) override;
  void dgemm_batched_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, double alpha, const double* a,
                          i64 lda, i64 stride_a, const double* b, i64 ldb, i64 stride_b,
                          double beta, double* c, i64 ldc, i64 stride_c, i64 batch_count) override;

  void fill_impl(float* x, i64 n, float value) override { inner_->fill(x, n, value); }
  void scale_impl(float* x, i64 n, float alpha) override { inner_->scale(x, n, alpha); }
  void axpy_impl(i64 n, float alpha, const float* x, float* y) override {
    inner_->axpy(n, alpha, x, y);
  }
  void add_impl(const float* x, const float* y, float* z, i64 n) override {
    inner_->add(x, y, z, n);
  }
  void mul_impl(const float* x, const float* y, float* z, i64 n) override {
    inner_->mul(x, y, z, n);
  }
  void bias_add_impl(float* y, const float* bias, i64 rows, i64 cols) override {
    inner_->bias_add(y, bias, rows, cols);
  }
  void bias_backward_impl(float* dbias, const float* dy, i64 rows, i64 cols) override {
    inner_->bias_backward(dbias, dy, rows, cols);
  }
  void relu_forward_impl(const float* x, float* y, i64 n) override {
    inner_->relu_forward(x, y, n);
  }
  void relu_backward_impl(const float* x, const float* dy, float* dx, i64 n) override {
    inner_->relu_backward(x, dy, dx, n);
  }
  void gelu_forward_impl(const float* x, float* y, i64 n) override {
    inner_->gelu_forward(x, y, n);
  }
  void gelu_backward_impl(const float* x, const float* dy, float* dx, i64 n) override {
    inner_->gelu_backward(x, dy, dx, n);
  }
  void layernorm_forward_impl(const float* x, const float* gamma, const float* beta, float* y,
                              float* mean, float* rstd, i64 rows, i64 cols, float eps) override {
    inner_->layernorm_forward(x, gamma, beta, y, mean, rstd, rows, cols, eps);
  }
  void layernorm_backward_impl(const float* dy, const float* x, const float* gamma,
                               const float* mean, const float* rstd, float* dx, float* dgamma,
                               float* dbeta, i64 rows, i64 cols) override {
    inner_->layernorm_backward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols);
  }
  void softmax_forward_impl(const float* x, float* y, i64 rows, i64 cols, float scale,
                            bool causal) override {
    inner_->softmax_forward(x, y, rows, cols, scale, causal);
  }
  void softmax_backward_impl(const float* y, const float* dy, float* dx, i64 rows, i64 cols,
                             float scale) override {
    inner_->softmax_backward(y, dy, dx, rows, cols, scale);
  }
  void cross_entropy_forward_impl(const float* logits, const std::int32_t* targets, float* probs,
                                  float* losses, i64 rows, i64 classes) override {
    inner_->cross_entropy_forward(logits, targets, probs, losses, rows, classes);
  }
  void cross_entropy_backward_impl(const float* probs, const std::int32_t* targets, float* dlogits,
                                   i64 rows, i64 classes, float dloss_scale) override {
    inner_->cross_entropy_backward(probs, targets, dlogits, rows, classes, dloss_scale);
  }
  void embedding_forward_impl(const float* table, const std::int32_t* indices, float* out, i64 n,
                              i64 cols, i64 table_rows) override {
    inner_->embedding_forward(table, indices, out, n, cols, table_rows);
  }
  void embedding_backward_impl(const float* dout, const std::int32_t* indices, float* dtable, i64 n,
                               i64 cols, i64 table_rows) override {
    inner_->embedding_backward(dout, indices, dtable, n, cols, table_rows);
  }
  void sum_impl(const float* x, i64 n, float* result) override { inner_->sum(x, n, result); }
  void sum_squares_impl(const float* x, i64 n, float* result) override {
    inner_->sum_squares(x, n, result);
  }
  void adamw_update_impl(float* params, const float* grads, float* m, float* v, i64 n,
                         const device::AdamWParams& hyper) override {
    inner_->adamw_update(params, grads, m, v, n, hyper);
  }
  void sgd_momentum_update_impl(float* params, const float* grads, float* velocity, i64 n,
                                const device::SgdParams& hyper) override {
    inner_->sgd_momentum_update(params, grads, velocity, n, hyper);
  }

  device::Device* inner_;
  GemmTotals totals_;
};

}  // namespace dojo::model
