// Naive double-precision kernel references; see naive_kernels.hpp.
#include "naive_kernels.hpp"

#include <cmath>

namespace dojo::device::test {

namespace {
const double kGeluScale = std::sqrt(2.0 / M_PI);
constexpr double kGeluCubic = 0.044715;
}  // namespace

double naive_gelu(double x) {
  return 0.5 * x * (1.0 + std::tanh(kGeluScale * (x + kGeluCubic * x * x * x)));
}

double naive_gelu_derivative(double x) {
  const double u = kGeluScale * (x + kGeluCubic * x * x * x);
  const double du = kGeluScale * (1.0 + 3.0 * kGeluCubic * x * x);
  const double sech = 1.0 / std::cosh(u);
  return 0.5 * (1.0 + std::tanh(u)) + 0.5 * x * sech * sech * du;
}

void naive_layernorm(const Vec& x, const Vec& gamma, const Vec& beta, i64 rows, i64 cols,
                     double eps, Vec& y, Vec& mean, Vec& rstd) {
  y.assign(rows * cols, 0.0);
  mean.assign(rows, 0.0);
  rstd.assign(rows, 0.0);
  for (i64 i = 0; i < rows; ++i) {
    double m = 0.0;
    for (i64 j = 0; j < cols; ++j) m += x[i * cols + j];
    m /= static_cast<double>(cols);
    double var = 0.0;
    for (i64 j = 0; j < cols; ++j) var += (x[i * cols + j] - m) * (x[i * cols + j] - m);
    var /= static_cast<double>(cols);
    const double s = 1.0 / std::sqrt(var + eps);
    for (i64 j = 0; j < cols; ++j) y[i * cols + j] = (x[i * cols + j] - m) * s * gamma[j] + beta[j];
    mean[i] = m;
    rstd[i] = s;
  }
}

void naive_layernorm_backward(const Vec& dy, const Vec& x, const Vec& gamma, const Vec& mean,
                              const Vec& rstd, i64 rows, i64 cols, Vec& dx, Vec& dgamma,
                              Vec& dbeta) {
  for (i64 i = 0; i < rows; ++i) {
    // xhat = (x - mean) rstd; y = gamma xhat + beta. With g = gamma dy:
    // dx = rstd (g - mean_j(g) - xhat mean_j(g xhat)).
    double g_mean = 0.0;
    double g_xhat_mean = 0.0;
    for (i64 j = 0; j < cols; ++j) {
      const double xhat = (x[i * cols + j] - mean[i]) * rstd[i];
      const double g = gamma[j] * dy[i * cols + j];
      g_mean += g;
      g_xhat_mean += g * xhat;
    }
    g_mean /= static_cast<double>(cols);
    g_xhat_mean /= static_cast<double>(cols);
    for (i64 j = 0; j < cols; ++j) {
      const double xhat = (x[i * cols + j] - mean[i]) * rstd[i];
      const double g = gamma[j] * dy[i * cols + j];
      dx[i * cols + j] += rstd[i] * (g - g_mean - xhat * g_xhat_mean);
      dgamma[j] += dy[i * cols + j] * xhat;
      dbeta[j] += dy[i * cols + j];
    }
  }
}

Vec naive_softmax(const Vec& x, i64 rows, i64 cols, double scale, bool causal) {
  Vec y(rows * cols, 0.0);
  for (i64 i = 0; i < rows; ++i) {
    const i64 visible = causal ? i % cols + 1 : cols;
    double max_value = -INFINITY;
    for (i64 j = 0; j < visible; ++j) max_value = std::max(max_value, scale * x[i * cols + j]);
    double sum = 0.0;
    for (i64 j = 0; j < visible; ++j) sum += std::exp(scale * x[i * cols + j] - max_value);
    for (i64 j = 0; j < visible; ++j) {
      y[i * cols + j] = std::exp(scale * x[i * cols + j] - max_value) / sum;
    }
  }
  return y;
}

void naive_softmax_backward(const Vec& y, const Vec& dy, i64 rows, i64 cols, double scale,
                            Vec& dx) {
  for (i64 i = 0; i < rows; ++i) {
    // With z = scale * x and the Jacobian dy_k/dz_j = y_k (delta_kj - y_j), the sum over k
    // collapses to y_j (dy_j - <y, dy>); the gradient checks test this against finite differences.
    double dot = 0.0;
    for (i64 k = 0; k < cols; ++k) dot += y[i * cols + k] * dy[i * cols + k];
    for (i64 j = 0; j < cols; ++j) {
      dx[i * cols + j] += scale * y[i * cols + j] * (dy[i * cols + j] - dot);
    }
  }
}

void naive_cross_entropy(const Vec& logits, const std::vector<std::int32_t>& targets, i64 rows,
                         i64 classes, Vec& probs, Vec& losses) {
  probs = naive_softmax(logits, rows, classes, 1.0, false);
  losses.assign(rows, 0.0);
  for (i64 i = 0; i < rows; ++i) losses[i] = -std::log(probs[i * classes + targets[i]]);
}

}  // namespace dojo::device::test
