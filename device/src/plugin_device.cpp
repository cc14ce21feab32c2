// PluginDevice: forwards each Device call to the plugin's C function table and turns a failing
// status into dojo's error with the plugin's own message. Arguments arrive already validated.
#include <utility>

#include "dojo/common/error.hpp"
#include "dojo/device/plugin_device.hpp"

namespace dojo::device {
namespace {

using i64 = std::int64_t;

dojo_device_op to_abi(Op op) {
  return op == Op::none ? DOJO_DEVICE_OP_NONE : DOJO_DEVICE_OP_TRANSPOSE;
}

}  // namespace

PluginDevice::PluginDevice(std::shared_ptr<const PluginLibrary> library, int threads)
    : library_(std::move(library)), fns_(&library_->table()) {
  if (threads < 0) user_error(str("device threads = ", threads, " must be 0 (any) or more"));
  const dojo_device_create_options_v1 options{.threads = threads};
  if (fns_->create(&options, &context_) != DOJO_DEVICE_OK || context_ == nullptr) {
    const char* reason = fns_->last_error(nullptr);
    user_error(str("device plugin '", library_->file().string(), "' could not create a device: ",
                   reason != nullptr ? reason : "no reason given"));
  }
  dojo_device_properties_v1 properties{};
  try {
    check(fns_->get_properties(context_, &properties), "get_properties");
  } catch (...) {
    fns_->destroy(context_);  // the destructor does not run for a half-built object
    throw;
  }
  properties.description[sizeof(properties.description) - 1] = '\0';  // trust, but terminate
  info_ = DeviceInfo{
      .name = library_->name(),
      .kind = DeviceKind::plugin,
      .threads = properties.threads > 0 ? properties.threads : 1,
      .description = str(properties.description, " [", library_->file().string(), "]"),
  };
}

PluginDevice::~PluginDevice() {
  fns_->destroy(context_);
}

void PluginDevice::check(int status, const char* call) const {
  if (status == DOJO_DEVICE_OK) return;
  const char* reason = fns_->last_error(context_);
  std::string message = str("device '", info_.name.empty() ? library_->name() : info_.name, "' ",
                            call, " failed: ", reason != nullptr ? reason : "no reason given");
  if (status == DOJO_DEVICE_INVALID_ARGUMENT) user_error(std::move(message));
  internal_error(std::move(message));
}

// ---- Memory ----

void* PluginDevice::allocate_impl(std::size_t bytes) {
  void* ptr = nullptr;
  check(fns_->mem_alloc(context_, bytes, &ptr), "mem_alloc");
  return ptr;
}

void PluginDevice::free_impl(void* ptr) noexcept {
  fns_->mem_free(context_, ptr);
}

void PluginDevice::copy_to_device_impl(void* dst, const void* host_src, std::size_t bytes) {
  check(fns_->mem_copy(context_, dst, host_src, bytes, DOJO_DEVICE_HOST_TO_DEVICE), "mem_copy");
}

void PluginDevice::copy_to_host_impl(void* host_dst, const void* src, std::size_t bytes) {
  check(fns_->mem_copy(context_, host_dst, src, bytes, DOJO_DEVICE_DEVICE_TO_HOST), "mem_copy");
}

void PluginDevice::copy_on_device_impl(void* dst, const void* src, std::size_t bytes) {
  check(fns_->mem_copy(context_, dst, src, bytes, DOJO_DEVICE_DEVICE_TO_DEVICE), "mem_copy");
}

void PluginDevice::memset_impl(void* dst, int byte_value, std::size_t bytes) {
  check(fns_->mem_set(context_, dst, byte_value, bytes), "mem_set");
}

void PluginDevice::synchronize_impl() {
  check(fns_->synchronize(context_), "synchronize");
}

// ---- GEMM; the batched forms fall back to the base class's loop when the plugin has none ----

void PluginDevice::sgemm_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, float alpha, const float* a,
                              i64 lda, const float* b, i64 ldb, float beta, float* c, i64 ldc) {
  check(fns_->sgemm(context_, to_abi(op_a), to_abi(op_b), m, n, k, alpha, a, lda, b, ldb, beta, c,
                    ldc),
        "sgemm");
}

void PluginDevice::dgemm_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, double alpha, const double* a,
                              i64 lda, const double* b, i64 ldb, double beta, double* c, i64 ldc) {
  check(fns_->dgemm(context_, to_abi(op_a), to_abi(op_b), m, n, k, alpha, a, lda, b, ldb, beta, c,
                    ldc),
        "dgemm");
}

void PluginDevice::sgemm_batched_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, float alpha,
                                      const float* a, i64 lda, i64 stride_a, const float* b,
                                      i64 ldb, i64 stride_b, float beta, float* c, i64 ldc,
                                      i64 stride_c, i64 batch_count) {
  if (fns_->sgemm_batched == nullptr) {
    Device::sgemm_batched_impl(op_a, op_b, m, n, k, alpha, a, lda, stride_a, b, ldb, stride_b, beta,
                               c, ldc, stride_c, batch_count);
    return;
  }
  check(fns_->sgemm_batched(context_, to_abi(op_a), to_abi(op_b), m, n, k, alpha, a, lda, stride_a,
                            b, ldb, stride_b, beta, c, ldc, stride_c, batch_count),
        "sgemm_batched");
}

void PluginDevice::dgemm_batched_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, double alpha,
                                      const double* a, i64 lda, i64 stride_a, const double* b,
                                      i64 ldb, i64 stride_b, double beta, double* c, i64 ldc,
                                      i64 stride_c, i64 batch_count) {
  if (fns_->dgemm_batched == nullptr) {
    Device::dgemm_batched_impl(op_a, op_b, m, n, k, alpha, a, lda, stride_a, b, ldb, stride_b, beta,
                               c, ldc, stride_c, batch_count);
    return;
  }
  check(fns_->dgemm_batched(context_, to_abi(op_a), to_abi(op_b), m, n, k, alpha, a, lda, stride_a,
                            b, ldb, stride_b, beta, c, ldc, stride_c, batch_count),
        "dgemm_batched");
}

// ---- Kernels: one call each ----

void PluginDevice::fill_impl(float* x, i64 n, float value) {
  check(fns_->fill(context_, x, n, value), "fill");
}

void PluginDevice::scale_impl(float* x, i64 n, float alpha) {
  check(fns_->scale(context_, x, n, alpha), "scale");
}

void PluginDevice::axpy_impl(i64 n, float alpha, const float* x, float* y) {
  check(fns_->axpy(context_, n, alpha, x, y), "axpy");
}

void PluginDevice::add_impl(const float* x, const float* y, float* z, i64 n) {
  check(fns_->add(context_, x, y, z, n), "add");
}

void PluginDevice::mul_impl(const float* x, const float* y, float* z, i64 n) {
  check(fns_->mul(context_, x, y, z, n), "mul");
}

void PluginDevice::bias_add_impl(float* y, const float* bias, i64 rows, i64 cols) {
  check(fns_->bias_add(context_, y, bias, rows, cols), "bias_add");
}

void PluginDevice::bias_backward_impl(float* dbias, const float* dy, i64 rows, i64 cols) {
  check(fns_->bias_backward(context_, dbias, dy, rows, cols), "bias_backward");
}

void PluginDevice::relu_forward_impl(const float* x, float* y, i64 n) {
  check(fns_->relu_forward(context_, x, y, n), "relu_forward");
}

void PluginDevice::relu_backward_impl(const float* x, const float* dy, float* dx, i64 n) {
  check(fns_->relu_backward(context_, x, dy, dx, n), "relu_backward");
}

void PluginDevice::gelu_forward_impl(const float* x, float* y, i64 n) {
  check(fns_->gelu_forward(context_, x, y, n), "gelu_forward");
}

void PluginDevice::gelu_backward_impl(const float* x, const float* dy, float* dx, i64 n) {
  check(fns_->gelu_backward(context_, x, dy, dx, n), "gelu_backward");
}

void PluginDevice::layernorm_forward_impl(const float* x, const float* gamma, const float* beta,
                                          float* y, float* mean, float* rstd, i64 rows, i64 cols,
                                          float eps) {
  check(fns_->layernorm_forward(context_, x, gamma, beta, y, mean, rstd, rows, cols, eps),
        "layernorm_forward");
}

void PluginDevice::layernorm_backward_impl(const float* dy, const float* x, const float* gamma,
                                           const float* mean, const float* rstd, float* dx,
                                           float* dgamma, float* dbeta, i64 rows, i64 cols) {
  check(fns_->layernorm_backward(context_, dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols),
        "layernorm_backward");
}

void PluginDevice::softmax_forward_impl(const float* x, float* y, i64 rows, i64 cols, float scale,
                                        bool causal) {
  check(fns_->softmax_forward(context_, x, y, rows, cols, scale, causal ? 1 : 0),
        "softmax_forward");
}

void PluginDevice::softmax_backward_impl(const float* y, const float* dy, float* dx, i64 rows,
                                         i64 cols, float scale) {
  check(fns_->softmax_backward(context_, y, dy, dx, rows, cols, scale), "softmax_backward");
}

void PluginDevice::cross_entropy_forward_impl(const float* logits, const std::int32_t* targets,
                                              float* probs, float* losses, i64 rows, i64 classes) {
  check(fns_->cross_entropy_forward(context_, logits, targets, probs, losses, rows, classes),
        "cross_entropy_forward");
}

void PluginDevice::cross_entropy_backward_impl(const float* probs, const std::int32_t* targets,
                                               float* dlogits, i64 rows, i64 classes,
                                               float dloss_scale) {
  check(fns_->cross_entropy_backward(context_, probs, targets, dlogits, rows, classes, dloss_scale),
        "cross_entropy_backward");
}

void PluginDevice::embedding_forward_impl(const float* table, const std::int32_t* indices,
                                          float* out, i64 n, i64 cols, i64 table_rows) {
  check(fns_->embedding_forward(context_, table, indices, out, n, cols, table_rows),
        "embedding_forward");
}

void PluginDevice::embedding_backward_impl(const float* dout, const std::int32_t* indices,
                                           float* dtable, i64 n, i64 cols, i64 table_rows) {
  check(fns_->embedding_backward(context_, dout, indices, dtable, n, cols, table_rows),
        "embedding_backward");
}

void PluginDevice::sum_impl(const float* x, i64 n, float* result) {
  check(fns_->sum(context_, x, n, result), "sum");
}

void PluginDevice::sum_squares_impl(const float* x, i64 n, float* result) {
  check(fns_->sum_squares(context_, x, n, result), "sum_squares");
}

void PluginDevice::adamw_update_impl(float* params, const float* grads, float* m, float* v, i64 n,
                                     const AdamWParams& hyper) {
  check(fns_->adamw_update(context_, params, grads, m, v, n, hyper.learning_rate, hyper.beta1,
                           hyper.beta2, hyper.eps, hyper.weight_decay, hyper.step),
        "adamw_update");
}

void PluginDevice::sgd_momentum_update_impl(float* params, const float* grads, float* velocity,
                                            i64 n, const SgdParams& hyper) {
  check(fns_->sgd_momentum_update(context_, params, grads, velocity, n, hyper.learning_rate,
                                  hyper.momentum, hyper.weight_decay),
        "sgd_momentum_update");
}

}  // namespace dojo::device
