// The GEMM-timing decorator's GEMM entry points (see gemm_timing_device.hpp); every other call is
// forwarded inline in the header.
#include "dojo/model/gemm_timing_device.hpp"

#include "dojo/common/clock.hpp"

namespace dojo::model {

template <typename Call>
void GemmTimingDevice::timed(double flops, Call&& call) {
  inner_->synchronize();
  const Clock::time_point start = Clock::now();
  call();
  inner_->synchronize();
  totals_.seconds += seconds_since(start);
  totals_.flops += flops;
  totals_.calls += 1;
}

namespace {
double gemm_flops(std::int64_t m, std::int64_t n, std::int64_t k, std::int64_t batch = 1) {
  return 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) *
         static_cast<double>(batch);
}
}  // namespace

void GemmTimingDevice::sgemm_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, float alpha,
                                  const float* a, i64 lda, const float* b, i64 ldb, float beta,
                                  float* c, i64 ldc) {
  timed(gemm_flops(m, n, k),
        [&] { inner_->gemm(op_a, op_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); });
}

void GemmTimingDevice::dgemm_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, double alpha,
                                  const double* a, i64 lda, const double* b, i64 ldb, double beta,
                                  double* c, i64 ldc) {
  timed(gemm_flops(m, n, k),
        [&] { inner_->gemm(op_a, op_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); });
}

void GemmTimingDevice::sgemm_batched_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, float alpha,
                                          const float* a, i64 lda, i64 stride_a, const float* b,
                                          i64 ldb, i64 stride_b, float beta, float* c, i64 ldc,
                                          i64 stride_c, i64 batch_count) {
  timed(gemm_flops(m, n, k, batch_count), [&] {
    inner_->gemm_batched(op_a, op_b, m, n, k, alpha, a, lda, stride_a, b, ldb, stride_b, beta, c,
                         ldc, stride_c, batch_count);
  });
}

void GemmTimingDevice::dgemm_batched_impl(Op op_a, Op op_b, i64 m, i64 n, i64 k, double alpha,
                                          const double* a, i64 lda, i64 stride_a, const double* b,
                                          i64 ldb, i64 stride_b, double beta, double* c, i64 ldc,
                                          i64 stride_c, i64 batch_count) {
  timed(gemm_flops(m, n, k, batch_count), [&] {
    inner_->gemm_batched(op_a, op_b, m, n, k, alpha, a, lda, stride_a, b, ldb, stride_b, beta, c,
                         ldc, stride_c, batch_count);
  });
}

}  // namespace dojo::model
