/* Private to the reference plugin: its context, error reporting and the functions its table
 * points to. Every kernel is the most literal loop of its definition, in float like a chip would
 * compute it, with sums in double where dojo's interface promises it. */
#ifndef DOJO_DEVICE_REFERENCE_H
#define DOJO_DEVICE_REFERENCE_H

#include "dojo/device/plugin_abi.h"

enum { REF_ERROR_SIZE = 256 };

struct dojo_device_context {
  int32_t threads;            /* what the caller asked for; the reference runs on one thread */
  char error[REF_ERROR_SIZE]; /* message of the last failing call */
};

/* Records a printf-style message on ctx (or for create failures when ctx is NULL); returns status.
 */
int ref_fail(dojo_device_context* ctx, int status, const char* format, ...);

/* reference_gemm.c */
int ref_sgemm(dojo_device_context* ctx, dojo_device_op op_a, dojo_device_op op_b, int64_t m,
              int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
              int64_t ldb, float beta, float* c, int64_t ldc);
int ref_dgemm(dojo_device_context* ctx, dojo_device_op op_a, dojo_device_op op_b, int64_t m,
              int64_t n, int64_t k, double alpha, const double* a, int64_t lda, const double* b,
              int64_t ldb, double beta, double* c, int64_t ldc);
int ref_sgemm_batched(dojo_device_context* ctx, dojo_device_op op_a, dojo_device_op op_b, int64_t m,
                      int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                      int64_t stride_a, const float* b, int64_t ldb, int64_t stride_b, float beta,
                      float* c, int64_t ldc, int64_t stride_c, int64_t batch_count);

/* reference_kernels.c */
int ref_fill(dojo_device_context* ctx, float* x, int64_t n, float value);
int ref_scale(dojo_device_context* ctx, float* x, int64_t n, float alpha);
int ref_axpy(dojo_device_context* ctx, int64_t n, float alpha, const float* x, float* y);
int ref_add(dojo_device_context* ctx, const float* x, const float* y, float* z, int64_t n);
int ref_mul(dojo_device_context* ctx, const float* x, const float* y, float* z, int64_t n);
int ref_bias_add(dojo_device_context* ctx, float* y, const float* bias, int64_t rows, int64_t cols);
int ref_bias_backward(dojo_device_context* ctx, float* dbias, const float* dy, int64_t rows,
                      int64_t cols);
int ref_relu_forward(dojo_device_context* ctx, const float* x, float* y, int64_t n);
int ref_relu_backward(dojo_device_context* ctx, const float* x, const float* dy, float* dx,
                      int64_t n);
int ref_gelu_forward(dojo_device_context* ctx, const float* x, float* y, int64_t n);
int ref_gelu_backward(dojo_device_context* ctx, const float* x, const float* dy, float* dx,
                      int64_t n);
int ref_layernorm_forward(dojo_device_context* ctx, const float* x, const float* gamma,
                          const float* beta, float* y, float* mean, float* rstd, int64_t rows,
                          int64_t cols, float eps);
int ref_layernorm_backward(dojo_device_context* ctx, const float* dy, const float* x,
                           const float* gamma, const float* mean, const float* rstd, float* dx,
                           float* dgamma, float* dbeta, int64_t rows, int64_t cols);
int ref_softmax_forward(dojo_device_context* ctx, const float* x, float* y, int64_t rows,
                        int64_t cols, float scale, int32_t causal);
int ref_softmax_backward(dojo_device_context* ctx, const float* y, const float* dy, float* dx,
                         int64_t rows, int64_t cols, float scale);
int ref_cross_entropy_forward(dojo_device_context* ctx, const float* logits, const int32_t* targets,
                              float* probs, float* losses, int64_t rows, int64_t classes);
int ref_cross_entropy_backward(dojo_device_context* ctx, const float* probs, const int32_t* targets,
                               float* dlogits, int64_t rows, int64_t classes, float dloss_scale);
int ref_embedding_forward(dojo_device_context* ctx, const float* table, const int32_t* indices,
                          float* out, int64_t n, int64_t cols, int64_t table_rows);
int ref_embedding_backward(dojo_device_context* ctx, const float* dout, const int32_t* indices,
                           float* dtable, int64_t n, int64_t cols, int64_t table_rows);
int ref_sum(dojo_device_context* ctx, const float* x, int64_t n, float* result);
int ref_sum_squares(dojo_device_context* ctx, const float* x, int64_t n, float* result);
int ref_adamw_update(dojo_device_context* ctx, float* params, const float* grads, float* m,
                     float* v, int64_t n, float learning_rate, float beta1, float beta2, float eps,
                     float weight_decay, int64_t step);
int ref_sgd_momentum_update(dojo_device_context* ctx, float* params, const float* grads,
                            float* velocity, int64_t n, float learning_rate, float momentum,
                            float weight_decay);

#endif /* DOJO_DEVICE_REFERENCE_H */
