/* The C ABI between dojo and a device plugin: a shared library that exports
 * dojo_device_plugin_v1_get(), returning a table of function pointers that dojo's PluginDevice
 * calls. Pure C so a plugin can be built by any toolchain; versioned so an old plugin is refused,
 * not misread.
 *
 * Conventions (the same as dojo::device::Device, see device.hpp):
 * - Every function that can fail returns DOJO_DEVICE_OK (0) or an error status; the message of the
 *   last failure on a context is read with last_error(ctx). DOJO_DEVICE_INVALID_ARGUMENT reports
 * bad input data (a token id outside the vocabulary); dojo shows it to the user as such.
 * - Matrices are row-major: element (i, j) of a matrix with leading dimension ld is at p[i * ld +
 * j]. Sizes, leading dimensions and strides are element counts; byte counts are named *_bytes.
 * - Backward kernels ADD into their gradient outputs (llm.c convention).
 * - Calls on a context are ordered. Kernels may run asynchronously; memcpy to or from host memory
 *   returns when the host memory may be reused or read; synchronize waits for everything.
 * - dojo validates shapes and pointers before calling, so a plugin may assume them valid.
 * - Functions marked OPTIONAL may be NULL; every other pointer must be set or the loader refuses
 * the plugin, naming the missing functions. */
#ifndef DOJO_DEVICE_PLUGIN_ABI_H
#define DOJO_DEVICE_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Raised whenever the table below changes in a way an older dojo or plugin would misread. */
#define DOJO_DEVICE_PLUGIN_ABI_VERSION 1

/* The exported entry point's name; a future ABI version exports a differently named symbol. */
#define DOJO_DEVICE_PLUGIN_ENTRY_V1 "dojo_device_plugin_v1_get"

#if defined(__GNUC__)
#define DOJO_DEVICE_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define DOJO_DEVICE_PLUGIN_EXPORT
#endif

typedef enum dojo_device_status {
  DOJO_DEVICE_OK = 0,
  DOJO_DEVICE_INVALID_ARGUMENT = 1, /* bad input data, e.g. an index outside a table */
  DOJO_DEVICE_OUT_OF_MEMORY = 2,
  DOJO_DEVICE_INTERNAL_ERROR = 3
} dojo_device_status;

typedef enum dojo_device_op {
  DOJO_DEVICE_OP_NONE = 0,
  DOJO_DEVICE_OP_TRANSPOSE = 1
} dojo_device_op;

typedef enum dojo_device_memcpy_kind {
  DOJO_DEVICE_HOST_TO_DEVICE = 0,
  DOJO_DEVICE_DEVICE_TO_HOST = 1,
  DOJO_DEVICE_DEVICE_TO_DEVICE = 2
} dojo_device_memcpy_kind;

/* Opaque per-device state, created by create() and passed to every other call. */
typedef struct dojo_device_context dojo_device_context;

typedef struct dojo_device_create_options_v1 {
  int32_t threads; /* host threads the plugin may use; 0 = its own choice */
} dojo_device_create_options_v1;

typedef struct dojo_device_properties_v1 {
  int32_t threads;       /* host threads the device uses */
  char description[256]; /* one line for logs, NUL-terminated */
} dojo_device_properties_v1;

typedef struct dojo_device_plugin_v1 {
  /* First, so the loader can read it before trusting anything else. */
  uint32_t abi_version; /* DOJO_DEVICE_PLUGIN_ABI_VERSION */
  uint32_t struct_size; /* sizeof(dojo_device_plugin_v1) as the plugin was compiled */
  const char* name;     /* short device name, e.g. "reference" */

  /* Lifetime and errors. last_error(NULL) reports a failed create(). */
  int (*create)(const dojo_device_create_options_v1* options, dojo_device_context** out);
  void (*destroy)(dojo_device_context* ctx);
  const char* (*last_error)(dojo_device_context* ctx);
  int (*get_properties)(dojo_device_context* ctx, dojo_device_properties_v1* out);

  /* Memory. mem_alloc of 0 bytes may return NULL; mem_free(NULL) does nothing. */
  int (*mem_alloc)(dojo_device_context* ctx, size_t bytes, void** out);
  void (*mem_free)(dojo_device_context* ctx, void* ptr);
  int (*mem_copy)(dojo_device_context* ctx, void* dst, const void* src, size_t bytes,
                  dojo_device_memcpy_kind kind);
  int (*mem_set)(dojo_device_context* ctx, void* dst, int byte_value, size_t bytes);
  int (*synchronize)(dojo_device_context* ctx);

  /* C(m,n) = alpha * op(A)(m,k) @ op(B)(k,n) + beta * C, row-major; beta == 0 must not read C. */
  int (*sgemm)(dojo_device_context* ctx, dojo_device_op op_a, dojo_device_op op_b, int64_t m,
               int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
               int64_t ldb, float beta, float* c, int64_t ldc);
  int (*dgemm)(dojo_device_context* ctx, dojo_device_op op_a, dojo_device_op op_b, int64_t m,
               int64_t n, int64_t k, double alpha, const double* a, int64_t lda, const double* b,
               int64_t ldb, double beta, double* c, int64_t ldc);
  /* OPTIONAL: batch_count products, matrix i at a + i * stride_a (elements), same for b and c.
   * When NULL, dojo loops over sgemm / dgemm. */
  int (*sgemm_batched)(dojo_device_context* ctx, dojo_device_op op_a, dojo_device_op op_b,
                       int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                       int64_t stride_a, const float* b, int64_t ldb, int64_t stride_b, float beta,
                       float* c, int64_t ldc, int64_t stride_c, int64_t batch_count);
  int (*dgemm_batched)(dojo_device_context* ctx, dojo_device_op op_a, dojo_device_op op_b,
                       int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t lda,
                       int64_t stride_a, const double* b, int64_t ldb, int64_t stride_b,
                       double beta, double* c, int64_t ldc, int64_t stride_c, int64_t batch_count);

  /* Element-wise, x/y/z of n floats. */
  int (*fill)(dojo_device_context* ctx, float* x, int64_t n, float value);
  int (*scale)(dojo_device_context* ctx, float* x, int64_t n, float alpha);
  int (*axpy)(dojo_device_context* ctx, int64_t n, float alpha, const float* x, float* y);
  int (*add)(dojo_device_context* ctx, const float* x, const float* y, float* z, int64_t n);
  int (*mul)(dojo_device_context* ctx, const float* x, const float* y, float* z, int64_t n);

  /* y(rows, cols) += bias(cols); dbias(cols) += column sums of dy(rows, cols). */
  int (*bias_add)(dojo_device_context* ctx, float* y, const float* bias, int64_t rows,
                  int64_t cols);
  int (*bias_backward)(dojo_device_context* ctx, float* dbias, const float* dy, int64_t rows,
                       int64_t cols);

  /* Activations over n floats; backward: dx += f'(x) * dy. GELU is the tanh form of GPT-2. */
  int (*relu_forward)(dojo_device_context* ctx, const float* x, float* y, int64_t n);
  int (*relu_backward)(dojo_device_context* ctx, const float* x, const float* dy, float* dx,
                       int64_t n);
  int (*gelu_forward)(dojo_device_context* ctx, const float* x, float* y, int64_t n);
  int (*gelu_backward)(dojo_device_context* ctx, const float* x, const float* dy, float* dx,
                       int64_t n);

  /* Layernorm over the last dimension of x(rows, cols); mean(rows), rstd(rows).
   * Backward adds into dx(rows, cols), dgamma(cols), dbeta(cols). */
  int (*layernorm_forward)(dojo_device_context* ctx, const float* x, const float* gamma,
                           const float* beta, float* y, float* mean, float* rstd, int64_t rows,
                           int64_t cols, float eps);
  int (*layernorm_backward)(dojo_device_context* ctx, const float* dy, const float* x,
                            const float* gamma, const float* mean, const float* rstd, float* dx,
                            float* dgamma, float* dbeta, int64_t rows, int64_t cols);

  /* y(rows, cols) = softmax over cols of scale * x; causal != 0 masks columns j > (row % cols).
   * Backward: dx += scale * y * (dy - sum_j y * dy). */
  int (*softmax_forward)(dojo_device_context* ctx, const float* x, float* y, int64_t rows,
                         int64_t cols, float scale, int32_t causal);
  int (*softmax_backward)(dojo_device_context* ctx, const float* y, const float* dy, float* dx,
                          int64_t rows, int64_t cols, float scale);

  /* probs(rows, classes) = softmax(logits), losses(rows) = -log(probs[target]);
   * backward: dlogits += (probs - onehot(targets)) * dloss_scale. */
  int (*cross_entropy_forward)(dojo_device_context* ctx, const float* logits,
                               const int32_t* targets, float* probs, float* losses, int64_t rows,
                               int64_t classes);
  int (*cross_entropy_backward)(dojo_device_context* ctx, const float* probs,
                                const int32_t* targets, float* dlogits, int64_t rows,
                                int64_t classes, float dloss_scale);

  /* out(n, cols) = table(table_rows, cols)[indices(n)]; backward: dtable[indices[i]] += dout[i]. */
  int (*embedding_forward)(dojo_device_context* ctx, const float* table, const int32_t* indices,
                           float* out, int64_t n, int64_t cols, int64_t table_rows);
  int (*embedding_backward)(dojo_device_context* ctx, const float* dout, const int32_t* indices,
                            float* dtable, int64_t n, int64_t cols, int64_t table_rows);

  /* result[0] = sum of x(n), or of its squares; result is device memory. */
  int (*sum)(dojo_device_context* ctx, const float* x, int64_t n, float* result);
  int (*sum_squares)(dojo_device_context* ctx, const float* x, int64_t n, float* result);

  /* AdamW as llm.c (decoupled weight decay, bias correction with 1-based step) and SGD with
   * momentum as PyTorch (g += wd * p; v = momentum * v + g; p -= lr * v), over n floats. */
  int (*adamw_update)(dojo_device_context* ctx, float* params, const float* grads, float* m,
                      float* v, int64_t n, float learning_rate, float beta1, float beta2, float eps,
                      float weight_decay, int64_t step);
  int (*sgd_momentum_update)(dojo_device_context* ctx, float* params, const float* grads,
                             float* velocity, int64_t n, float learning_rate, float momentum,
                             float weight_decay);
} dojo_device_plugin_v1;

/* The one symbol a plugin exports. The returned table must live as long as the library is loaded.
 */
typedef const dojo_device_plugin_v1* (*dojo_device_plugin_v1_get_fn)(void);
DOJO_DEVICE_PLUGIN_EXPORT const dojo_device_plugin_v1* dojo_device_plugin_v1_get(void);

#ifdef __cplusplus
}
#endif

#endif /* DOJO_DEVICE_PLUGIN_ABI_H */
