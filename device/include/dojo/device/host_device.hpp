// The host CPU device: GEMM through BLIS with a per-device thread count (no global BLIS state), the
// other kernels as OpenMP loops the compiler vectorises. Memory is ordinary host memory, so device
// pointers are host pointers and every call is synchronous.
#pragma once

#include <memory>

#include "dojo/device/device.hpp"

namespace dojo::device {

// CPUs this process may run on (its affinity mask), at least 1.
int available_cpus();

class HostDevice final : public Device {
 public:
  // threads: CPU threads for BLIS and the kernels; 0 = available_cpus(). The runtime passes the
  // number of cores it gives each rank.
  explicit HostDevice(int threads = 0);
  ~HostDevice() override;

  void set_threads(int threads);  // 0 = available_cpus()
  int threads() const noexcept { return threads_; }

 private:
  struct Blis;  // BLIS runtime objects (rntm_t), kept out of this header

  DeviceInfo info_impl() const override;
  void* allocate_impl(std::size_t bytes) override;
  void free_impl(void* ptr) noexcept override;
  void copy_to_device_impl(void* dst, const void* host_src, std::size_t bytes) override;
  void copy_to_host_impl(void* host_dst, const void* src, std::size_t bytes) override;
  void copy_on_device_impl(void* dst, const void* src, std::size_t bytes) override;
  void memset_impl(void* dst, int byte_value, std::size_t bytes) override;
  void synchronize_impl() override {}

  void sgemm_impl(Op op_a, Op op_b, std::int64_t m, std::int64_t n, std::int64_t k, float alpha,
                  const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta,
                  float* c, std::int64_t ldc) override;
  void dgemm_impl(Op op_a, Op op_b, std::int64_t m, std::int64_t n, std::int64_t k, double alpha,
                  const double* a, std::int64_t lda, const double* b, std::int64_t ldb, double beta,
                  double* c, std::int64_t ldc) override;
  void sgemm_batched_impl(Op op_a, Op op_b, std::int64_t m, std::int64_t n, std::int64_t k,
                          float alpha, const float* a, std::int64_t lda, std::int64_t stride_a,
                          const float* b, std::int64_t ldb, std::int64_t stride_b, float beta,
                          float* c, std::int64_t ldc, std::int64_t stride_c,
                          std::int64_t batch_count) override;
  void dgemm_batched_impl(Op op_a, Op op_b, std::int64_t m, std::int64_t n, std::int64_t k,
                          double alpha, const double* a, std::int64_t lda, std::int64_t stride_a,
                          const double* b, std::int64_t ldb, std::int64_t stride_b, double beta,
                          double* c, std::int64_t ldc, std::int64_t stride_c,
                          std::int64_t batch_count) override;

  void fill_impl(float* x, std::int64_t n, float value) override;
  void scale_impl(float* x, std::int64_t n, float alpha) override;
  void axpy_impl(std::int64_t n, float alpha, const float* x, float* y) override;
  void add_impl(const float* x, const float* y, float* z, std::int64_t n) override;
  void mul_impl(const float* x, const float* y, float* z, std::int64_t n) override;
  void bias_add_impl(float* y, const float* bias, std::int64_t rows, std::int64_t cols) override;
  void bias_backward_impl(float* dbias, const float* dy, std::int64_t rows,
                          std::int64_t cols) override;
  void relu_forward_impl(const float* x, float* y, std::int64_t n) override;
  void relu_backward_impl(const float* x, const float* dy, float* dx, std::int64_t n) override;
  void gelu_forward_impl(const float* x, float* y, std::int64_t n) override;
  void gelu_backward_impl(const float* x, const float* dy, float* dx, std::int64_t n) override;
  void layernorm_forward_impl(const float* x, const float* gamma, const float* beta, float* y,
                              float* mean, float* rstd, std::int64_t rows, std::int64_t cols,
                              float eps) override;
  void layernorm_backward_impl(const float* dy, const float* x, const float* gamma,
                               const float* mean, const float* rstd, float* dx, float* dgamma,
                               float* dbeta, std::int64_t rows, std::int64_t cols) override;
  void softmax_forward_impl(const float* x, float* y, std::int64_t rows, std::int64_t cols,
                            float scale, bool causal) override;
  void softmax_backward_impl(const float* y, const float* dy, float* dx, std::int64_t rows,
                             std::int64_t cols, float scale) override;
  void cross_entropy_forward_impl(const float* logits, const std::int32_t* targets, float* probs,
                                  float* losses, std::int64_t rows, std::int64_t classes) override;
  void cross_entropy_backward_impl(const float* probs, const std::int32_t* targets, float* dlogits,
                                   std::int64_t rows, std::int64_t classes,
                                   float dloss_scale) override;
  void embedding_forward_impl(const float* table, const std::int32_t* indices, float* out,
                              std::int64_t n, std::int64_t cols, std::int64_t table_rows) override;
  void embedding_backward_impl(const float* dout, const std::int32_t* indices, float* dtable,
                               std::int64_t n, std::int64_t cols, std::int64_t table_rows) override;
  void sum_impl(const float* x, std::int64_t n, float* result) override;
  void sum_squares_impl(const float* x, std::int64_t n, float* result) override;
  void adamw_update_impl(float* params, const float* grads, float* m, float* v, std::int64_t n,
                         const AdamWParams& hyper) override;
  void sgd_momentum_update_impl(float* params, const float* grads, float* velocity, std::int64_t n,
                                const SgdParams& hyper) override;

  int threads_ = 1;
  std::unique_ptr<Blis> blis_;
};

}  // namespace dojo::device
