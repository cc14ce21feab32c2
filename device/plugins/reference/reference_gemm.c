/* Reference GEMM: the triple loop of the definition, row-major, C = alpha op(A) op(B) + beta C,
 * with beta == 0 not reading C (as BLAS). Batched calls loop; dgemm_batched is left to dojo. */
#include "reference.h"

/* Element (i, j) of op(M) where M is stored row-major with leading dimension ld. */
static inline float at_f(const float* p, dojo_device_op op, int64_t ld, int64_t i, int64_t j) {
  return op == DOJO_DEVICE_OP_NONE ? p[i * ld + j] : p[j * ld + i];
}

static inline double at_d(const double* p, dojo_device_op op, int64_t ld, int64_t i, int64_t j) {
  return op == DOJO_DEVICE_OP_NONE ? p[i * ld + j] : p[j * ld + i];
}

int ref_sgemm(dojo_device_context* ctx, dojo_device_op op_a, dojo_device_op op_b, int64_t m,
              int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
              int64_t ldb, float beta, float* c, int64_t ldc) {
  (void)ctx;
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      float acc = 0.0f;
      for (int64_t p = 0; p < k; ++p) acc += at_f(a, op_a, lda, i, p) * at_f(b, op_b, ldb, p, j);
      float* out = &c[i * ldc + j];
      *out = beta == 0.0f ? alpha * acc : alpha * acc + beta * *out;
    }
  }
  return DOJO_DEVICE_OK;
}

int ref_dgemm(dojo_device_context* ctx, dojo_device_op op_a, dojo_device_op op_b, int64_t m,
              int64_t n, int64_t k, double alpha, const double* a, int64_t lda, const double* b,
              int64_t ldb, double beta, double* c, int64_t ldc) {
  (void)ctx;
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0.0;
      for (int64_t p = 0; p < k; ++p) acc += at_d(a, op_a, lda, i, p) * at_d(b, op_b, ldb, p, j);
      double* out = &c[i * ldc + j];
      *out = beta == 0.0 ? alpha * acc : alpha * acc + beta * *out;
    }
  }
  return DOJO_DEVICE_OK;
}

int ref_sgemm_batched(dojo_device_context* ctx, dojo_device_op op_a, dojo_device_op op_b, int64_t m,
                      int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                      int64_t stride_a, const float* b, int64_t ldb, int64_t stride_b, float beta,
                      float* c, int64_t ldc, int64_t stride_c, int64_t batch_count) {
  for (int64_t i = 0; i < batch_count; ++i) {
    ref_sgemm(ctx, op_a, op_b, m, n, k, alpha, a + i * stride_a, lda, b + i * stride_b, ldb, beta,
              c + i * stride_c, ldc);
  }
  return DOJO_DEVICE_OK;
}
