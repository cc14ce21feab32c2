// GEMM test problems and their naive reference; see gemm_check.hpp.
#include "gemm_check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <sstream>

#include "dojo/device/buffer.hpp"

namespace dojo::device::test {
namespace {

using i64 = std::int64_t;

constexpr double kSentinel = 12345.0;  // C padding must keep this value

i64 stored_rows(Op op, i64 rows, i64 cols) {
  return op == Op::none ? rows : cols;
}
i64 stored_cols(Op op, i64 rows, i64 cols) {
  return op == Op::none ? cols : rows;
}

// Element (i, j) of op(M) for M stored row-major with leading dimension ld.
template <typename T>
T at(const T* m, Op op, i64 ld, i64 i, i64 j) {
  return op == Op::none ? m[i * ld + j] : m[j * ld + i];
}

// Fills a (batch, rows, ld) storage: values inside the matrices, `pad` in the padding.
template <typename T>
std::vector<T> storage(i64 batch, i64 stride, i64 rows, i64 cols, i64 ld, T pad,
                       std::mt19937& rng) {
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::vector<T> values(static_cast<std::size_t>(batch * stride), pad);
  for (i64 b = 0; b < batch; ++b) {
    for (i64 i = 0; i < rows; ++i) {
      for (i64 j = 0; j < cols; ++j) values[b * stride + i * ld + j] = static_cast<T>(uniform(rng));
    }
  }
  return values;
}

}  // namespace

std::string ops_label(Op op_a, Op op_b) {
  return std::string(op_a == Op::none ? "N" : "T") + (op_b == Op::none ? "N" : "T");
}

std::string describe(const GemmProblem& p) {
  std::ostringstream out;
  out << ops_label(p.op_a, p.op_b) << " m=" << p.m << " n=" << p.n << " k=" << p.k
      << " ld_pad=" << p.ld_pad << " alpha=" << p.alpha << " beta=" << p.beta
      << " batch=" << p.batch_count;
  return out.str();
}

template <typename T>
GemmOperands<T> make_operands(const GemmProblem& p, std::uint32_t seed) {
  std::mt19937 rng(seed);
  GemmOperands<T> x;
  x.lda = std::max<i64>(1, stored_cols(p.op_a, p.m, p.k)) + p.ld_pad;
  x.ldb = std::max<i64>(1, stored_cols(p.op_b, p.k, p.n)) + p.ld_pad;
  x.ldc = std::max<i64>(1, p.n) + p.ld_pad;
  x.stride_a = stored_rows(p.op_a, p.m, p.k) * x.lda + p.batch_gap;
  x.stride_b = stored_rows(p.op_b, p.k, p.n) * x.ldb + p.batch_gap;
  x.stride_c = p.m * x.ldc + p.batch_gap;
  const T nan = std::numeric_limits<T>::quiet_NaN();
  x.a = storage<T>(p.batch_count, x.stride_a, stored_rows(p.op_a, p.m, p.k),
                   stored_cols(p.op_a, p.m, p.k), x.lda, nan, rng);
  x.b = storage<T>(p.batch_count, x.stride_b, stored_rows(p.op_b, p.k, p.n),
                   stored_cols(p.op_b, p.k, p.n), x.ldb, nan, rng);
  x.c = storage<T>(p.batch_count, x.stride_c, p.m, p.n, x.ldc, static_cast<T>(kSentinel), rng);
  return x;
}

template <typename T>
std::vector<T> run_gemm(Device& device, const GemmProblem& p, const GemmOperands<T>& x) {
  auto a = make_buffer(device, x.a);
  auto b = make_buffer(device, x.b);
  auto c = make_buffer(device, x.c);
  const T alpha = static_cast<T>(p.alpha);
  const T beta = static_cast<T>(p.beta);
  if (p.batch_count == 1) {
    device.gemm(p.op_a, p.op_b, p.m, p.n, p.k, alpha, a.data(), x.lda, b.data(), x.ldb, beta,
                c.data(), x.ldc);
  } else {
    device.gemm_batched(p.op_a, p.op_b, p.m, p.n, p.k, alpha, a.data(), x.lda, x.stride_a, b.data(),
                        x.ldb, x.stride_b, beta, c.data(), x.ldc, x.stride_c, p.batch_count);
  }
  return c.download();
}

template <typename T>
void naive_gemm(const GemmProblem& p, const GemmOperands<T>& x, std::vector<double>& want,
                std::vector<double>& bound) {
  const double u = std::numeric_limits<T>::epsilon() / 2;  // unit roundoff of T
  want.assign(x.c.begin(), x.c.end());
  bound.assign(x.c.size(), 0.0);
  std::vector<double> a_op(p.m * p.k), b_op(p.k * p.n);  // op(A) (m, k), op(B) (k, n), dense
  std::vector<double> dot(p.n), dot_abs(p.n);
  for (i64 batch = 0; batch < p.batch_count; ++batch) {
    const T* a = x.a.data() + batch * x.stride_a;
    const T* b = x.b.data() + batch * x.stride_b;
    for (i64 i = 0; i < p.m; ++i) {
      for (i64 l = 0; l < p.k; ++l) a_op[i * p.k + l] = at(a, p.op_a, x.lda, i, l);
    }
    for (i64 l = 0; l < p.k; ++l) {
      for (i64 j = 0; j < p.n; ++j) b_op[l * p.n + j] = at(b, p.op_b, x.ldb, l, j);
    }
    for (i64 i = 0; i < p.m; ++i) {
      // Row i of C as sum over l of a(i, l) * row l of op(B): contiguous, so large cases stay fast.
      std::fill(dot.begin(), dot.end(), 0.0);
      std::fill(dot_abs.begin(), dot_abs.end(), 0.0);
      for (i64 l = 0; l < p.k; ++l) {
        const double a_il = a_op[i * p.k + l];
        const double* b_row = b_op.data() + l * p.n;
        for (i64 j = 0; j < p.n; ++j) {
          dot[j] += a_il * b_row[j];
          dot_abs[j] += std::abs(a_il * b_row[j]);
        }
      }
      for (i64 j = 0; j < p.n; ++j) {
        const std::size_t at_c = batch * x.stride_c + i * x.ldc + j;
        // beta == 0 means C is not read: NaN or not, the old value drops out.
        const double old_part = p.beta == 0.0 ? 0.0 : p.beta * x.c[at_c];
        want[at_c] = p.alpha * dot[j] + old_part;
        bound[at_c] = 2.0 * static_cast<double>(p.k + 2) * u *
                      (std::abs(p.alpha) * dot_abs[j] + std::abs(old_part));
      }
    }
  }
}

template <typename T>
::testing::AssertionResult within_bound(const std::vector<T>& got, const std::vector<double>& want,
                                        const std::vector<double>& bound) {
  if (got.size() != want.size()) return ::testing::AssertionFailure() << "size differs";
  std::size_t failures = 0;
  std::size_t first = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!(std::abs(static_cast<double>(got[i]) - want[i]) <= bound[i])) {
      if (failures++ == 0) first = i;
    }
  }
  if (failures == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << failures << " of " << got.size() << " elements of C outside the bound; first at "
         << first << ": got " << got[first] << ", want " << want[first] << " +- " << bound[first];
}

template GemmOperands<float> make_operands<float>(const GemmProblem&, std::uint32_t);
template GemmOperands<double> make_operands<double>(const GemmProblem&, std::uint32_t);
template std::vector<float> run_gemm<float>(Device&, const GemmProblem&,
                                            const GemmOperands<float>&);
template std::vector<double> run_gemm<double>(Device&, const GemmProblem&,
                                              const GemmOperands<double>&);
template void naive_gemm<float>(const GemmProblem&, const GemmOperands<float>&,
                                std::vector<double>&, std::vector<double>&);
template void naive_gemm<double>(const GemmProblem&, const GemmOperands<double>&,
                                 std::vector<double>&, std::vector<double>&);
template ::testing::AssertionResult within_bound<float>(const std::vector<float>&,
                                                        const std::vector<double>&,
                                                        const std::vector<double>&);
template ::testing::AssertionResult within_bound<double>(const std::vector<double>&,
                                                         const std::vector<double>&,
                                                         const std::vector<double>&);

}  // namespace dojo::device::test
