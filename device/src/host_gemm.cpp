// Host GEMM: one BLIS expert call per product, row-major through BLIS's general strides (row stride
// ld, column stride 1), so no copies or transposition tricks. The thread count travels in an
// rntm_t, never through BLIS's global state.
#include <blis.h>

#include "dojo/device/host_device.hpp"
#include "host_blis.hpp"

namespace dojo::device {
namespace {

using i64 = std::int64_t;

trans_t to_blis(Op op) {
  return op == Op::none ? BLIS_NO_TRANSPOSE : BLIS_TRANSPOSE;
}

// BLIS 0.9's typed API takes non-const pointers for inputs it only reads.
template <typename T>
T* mutable_input(const T* p) {
  return const_cast<T*>(p);
}

void blis_gemm(rntm_t rntm, Op op_a, Op op_b, i64 m, i64 n, i64 k, float alpha, const float* a,
               i64 lda, const float* b, i64 ldb, float beta, float* c, i64 ldc) {
  bli_sgemm_ex(to_blis(op_a), to_blis(op_b), m, n, k, &alpha, mutable_input(a), lda, 1,
               mutable_input(b), ldb, 1, &beta, c, ldc, 1, nullptr, &rntm);
}

void blis_gemm(rntm_t rntm, Op op_a, Op op_b, i64 m, i64 n, i64 k, double alpha, const double* a,
               i64 lda, const double* b, i64 ldb, double beta, double* c, i64 ldc) {
  bli_dgemm_ex(to_blis(op_a), to_blis(op_b), m, n, k, &alpha, mutable_input(a), lda, 1,
               mutable_input(b), ldb, 1, &beta, c, ldc, 1, nullptr, &rntm);
}

// Many small products (attention heads) run one per thread, each single-threaded inside BLIS:
// splitting a 64x64 product over threads costs more than it saves. Few large products use all
// threads each. The C matrices must not overlap (documented on Device::gemm_batched).
template <typename T>
void batched(const rntm_t& all_threads, const rntm_t& one_thread, int threads, Op op_a, Op op_b,
             i64 m, i64 n, i64 k, T alpha, const T* a, i64 lda, i64 stride_a, const T* b, i64 ldb,
             i64 stride_b, T beta, T* c, i64 ldc, i64 stride_c, i64 batch_count) {
  if (threads > 1 && batch_count >= threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (i64 i = 0; i < batch_count; ++i) {
      blis_gemm(one_thread, op_a, op_b, m, n, k, alpha, a + i * stride_a, lda, b + i * stride_b,
                ldb, beta, c + i * stride_c, ldc);
    }
  } else {
    for (i64 i = 0; i < batch_count; ++i) {
      blis_gemm(all_threads, op_a, op_b, m, n, k, alpha, a + i * stride_a, lda, b + i * stride_b,
                ldb, beta, c + i * stride_c, ldc);
    }
  }
}

}  // namespace

void HostDevice::sgemm_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, float alpha, const float* a,
                            i64 lda, const float* b, i64 ldb, float beta, float* c, i64 ldc) {
  blis_gemm(blis_->all_threads, op_a, op_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void HostDevice::dgemm_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, double alpha, const double* a,
                            i64 lda, const double* b, i64 ldb, double beta, double* c, i64 ldc) {
  blis_gemm(blis_->all_threads, op_a, op_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void HostDevice::sgemm_batched_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, float alpha,
                                    const float* a, i64 lda, i64 stride_a, const float* b, i64 ldb,
                                    i64 stride_b, float beta, float* c, i64 ldc, i64 stride_c,
                                    i64 batch_count) {
  batched(blis_->all_threads, blis_->one_thread, threads_, op_a, op_b, m, n, k, alpha, a, lda,
          stride_a, b, ldb, stride_b, beta, c, ldc, stride_c, batch_count);
}

void HostDevice::dgemm_batched_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, double alpha,
                                    const double* a, i64 lda, i64 stride_a, const double* b,
                                    i64 ldb, i64 stride_b, double beta, double* c, i64 ldc,
                                    i64 stride_c, i64 batch_count) {
  batched(blis_->all_threads, blis_->one_thread, threads_, op_a, op_b, m, n, k, alpha, a, lda,
          stride_a, b, ldb, stride_b, beta, c, ldc, stride_c, batch_count);
}

}  // namespace dojo::device
