/* Reference kernels: each the plain loop of its definition (llm.c's math for layernorm, GELU,
 * softmax, cross-entropy and AdamW), one thread, no vectorisation tricks. Shapes as in
 * plugin_abi.h; gradients are added into their outputs. */
#include <math.h>

#include "reference.h"

#define REF_GELU_SCALE 0.7978845608028654f /* sqrt(2 / pi) */
#define REF_GELU_CUBIC 0.044715f

/* Indices come from data: report the first one outside [0, limit) instead of reading past it. */
static int check_indices(dojo_device_context* ctx, const int32_t* indices, int64_t n, int64_t limit,
                         const char* what) {
  for (int64_t i = 0; i < n; ++i) {
    if (indices[i] < 0 || indices[i] >= limit) {
      return ref_fail(ctx, DOJO_DEVICE_INVALID_ARGUMENT, "%s[%lld] = %d is outside [0, %lld)", what,
                      (long long)i, (int)indices[i], (long long)limit);
    }
  }
  return DOJO_DEVICE_OK;
}

int ref_fill(dojo_device_context* ctx, float* x, int64_t n, float value) {
  (void)ctx;
  for (int64_t i = 0; i < n; ++i) x[i] = value;
  return DOJO_DEVICE_OK;
}

int ref_scale(dojo_device_context* ctx, float* x, int64_t n, float alpha) {
  (void)ctx;
  for (int64_t i = 0; i < n; ++i) x[i] *= alpha;
  return DOJO_DEVICE_OK;
}

int ref_axpy(dojo_device_context* ctx, int64_t n, float alpha, const float* x, float* y) {
  (void)ctx;
  for (int64_t i = 0; i < n; ++i) y[i] += alpha * x[i];
  return DOJO_DEVICE_OK;
}

int ref_add(dojo_device_context* ctx, const float* x, const float* y, float* z, int64_t n) {
  (void)ctx;
  for (int64_t i = 0; i < n; ++i) z[i] = x[i] + y[i];
  return DOJO_DEVICE_OK;
}

int ref_mul(dojo_device_context* ctx, const float* x, const float* y, float* z, int64_t n) {
  (void)ctx;
  for (int64_t i = 0; i < n; ++i) z[i] = x[i] * y[i];
  return DOJO_DEVICE_OK;
}

int ref_bias_add(dojo_device_context* ctx, float* y, const float* bias, int64_t rows,
                 int64_t cols) {
  (void)ctx;
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) y[i * cols + j] += bias[j];
  }
  return DOJO_DEVICE_OK;
}

int ref_bias_backward(dojo_device_context* ctx, float* dbias, const float* dy, int64_t rows,
                      int64_t cols) {
  (void)ctx;
  for (int64_t j = 0; j < cols; ++j) {
    float sum = 0.0f;
    for (int64_t i = 0; i < rows; ++i) sum += dy[i * cols + j];
    dbias[j] += sum;
  }
  return DOJO_DEVICE_OK;
}

int ref_relu_forward(dojo_device_context* ctx, const float* x, float* y, int64_t n) {
  (void)ctx;
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
  return DOJO_DEVICE_OK;
}

int ref_relu_backward(dojo_device_context* ctx, const float* x, const float* dy, float* dx,
                      int64_t n) {
  (void)ctx;
  for (int64_t i = 0; i < n; ++i) {
    if (x[i] > 0.0f) dx[i] += dy[i];
  }
  return DOJO_DEVICE_OK;
}

int ref_gelu_forward(dojo_device_context* ctx, const float* x, float* y, int64_t n) {
  (void)ctx;
  for (int64_t i = 0; i < n; ++i) {
    float cube = REF_GELU_CUBIC * x[i] * x[i] * x[i];
    y[i] = 0.5f * x[i] * (1.0f + tanhf(REF_GELU_SCALE * (x[i] + cube)));
  }
  return DOJO_DEVICE_OK;
}

int ref_gelu_backward(dojo_device_context* ctx, const float* x, const float* dy, float* dx,
                      int64_t n) {
  (void)ctx;
  for (int64_t i = 0; i < n; ++i) { /* llm.c's gelu_backward, verbatim in its math */
    float cube = REF_GELU_CUBIC * x[i] * x[i] * x[i];
    float tanh_arg = REF_GELU_SCALE * (x[i] + cube);
    float tanh_out = tanhf(tanh_arg);
    float cosh_out = coshf(tanh_arg);
    float sech_out = 1.0f / (cosh_out * cosh_out);
    float local_grad = 0.5f * (1.0f + tanh_out) + x[i] * 0.5f * sech_out * REF_GELU_SCALE *
                                                      (1.0f + 3.0f * REF_GELU_CUBIC * x[i] * x[i]);
    dx[i] += local_grad * dy[i];
  }
  return DOJO_DEVICE_OK;
}

int ref_layernorm_forward(dojo_device_context* ctx, const float* x, const float* gamma,
                          const float* beta, float* y, float* mean, float* rstd, int64_t rows,
                          int64_t cols, float eps) {
  (void)ctx;
  for (int64_t i = 0; i < rows; ++i) {
    const float* xi = x + i * cols;
    float m = 0.0f;
    for (int64_t j = 0; j < cols; ++j) m += xi[j];
    m = m / (float)cols;
    float v = 0.0f;
    for (int64_t j = 0; j < cols; ++j) v += (xi[j] - m) * (xi[j] - m);
    v = v / (float)cols;
    float s = 1.0f / sqrtf(v + eps);
    for (int64_t j = 0; j < cols; ++j) y[i * cols + j] = s * (xi[j] - m) * gamma[j] + beta[j];
    mean[i] = m;
    rstd[i] = s;
  }
  return DOJO_DEVICE_OK;
}

int ref_layernorm_backward(dojo_device_context* ctx, const float* dy, const float* x,
                           const float* gamma, const float* mean, const float* rstd, float* dx,
                           float* dgamma, float* dbeta, int64_t rows, int64_t cols) {
  (void)ctx;
  for (int64_t i = 0; i < rows; ++i) { /* llm.c's layernorm_backward */
    const float* dyi = dy + i * cols;
    const float* xi = x + i * cols;
    float dnorm_mean = 0.0f;
    float dnorm_norm_mean = 0.0f;
    for (int64_t j = 0; j < cols; ++j) {
      float norm = (xi[j] - mean[i]) * rstd[i];
      float dnorm = gamma[j] * dyi[j];
      dnorm_mean += dnorm;
      dnorm_norm_mean += dnorm * norm;
    }
    dnorm_mean = dnorm_mean / (float)cols;
    dnorm_norm_mean = dnorm_norm_mean / (float)cols;
    for (int64_t j = 0; j < cols; ++j) {
      float norm = (xi[j] - mean[i]) * rstd[i];
      float dnorm = gamma[j] * dyi[j];
      dbeta[j] += dyi[j];
      dgamma[j] += norm * dyi[j];
      dx[i * cols + j] += (dnorm - dnorm_mean - norm * dnorm_norm_mean) * rstd[i];
    }
  }
  return DOJO_DEVICE_OK;
}

int ref_softmax_forward(dojo_device_context* ctx, const float* x, float* y, int64_t rows,
                        int64_t cols, float scale, int32_t causal) {
  (void)ctx;
  for (int64_t i = 0; i < rows; ++i) {
    const float* xi = x + i * cols;
    float* yi = y + i * cols;
    int64_t visible = causal ? i % cols + 1 : cols;
    float max_value = -INFINITY;
    for (int64_t j = 0; j < visible; ++j) {
      if (scale * xi[j] > max_value) max_value = scale * xi[j];
    }
    float sum = 0.0f;
    for (int64_t j = 0; j < visible; ++j) {
      yi[j] = expf(scale * xi[j] - max_value);
      sum += yi[j];
    }
    for (int64_t j = 0; j < cols; ++j) yi[j] = j < visible ? yi[j] / sum : 0.0f;
  }
  return DOJO_DEVICE_OK;
}

int ref_softmax_backward(dojo_device_context* ctx, const float* y, const float* dy, float* dx,
                         int64_t rows, int64_t cols, float scale) {
  (void)ctx;
  for (int64_t i = 0; i < rows; ++i) {
    const float* yi = y + i * cols;
    const float* dyi = dy + i * cols;
    float dot = 0.0f;
    for (int64_t j = 0; j < cols; ++j) dot += yi[j] * dyi[j];
    for (int64_t j = 0; j < cols; ++j) dx[i * cols + j] += scale * yi[j] * (dyi[j] - dot);
  }
  return DOJO_DEVICE_OK;
}

int ref_cross_entropy_forward(dojo_device_context* ctx, const float* logits, const int32_t* targets,
                              float* probs, float* losses, int64_t rows, int64_t classes) {
  int status = check_indices(ctx, targets, rows, classes, "targets");
  if (status != DOJO_DEVICE_OK) return status;
  ref_softmax_forward(ctx, logits, probs, rows, classes, 1.0f, 0);
  for (int64_t i = 0; i < rows; ++i) losses[i] = -logf(probs[i * classes + targets[i]]);
  return DOJO_DEVICE_OK;
}

int ref_cross_entropy_backward(dojo_device_context* ctx, const float* probs, const int32_t* targets,
                               float* dlogits, int64_t rows, int64_t classes, float dloss_scale) {
  int status = check_indices(ctx, targets, rows, classes, "targets");
  if (status != DOJO_DEVICE_OK) return status;
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < classes; ++j) {
      float indicator = j == targets[i] ? 1.0f : 0.0f;
      dlogits[i * classes + j] += (probs[i * classes + j] - indicator) * dloss_scale;
    }
  }
  return DOJO_DEVICE_OK;
}

int ref_embedding_forward(dojo_device_context* ctx, const float* table, const int32_t* indices,
                          float* out, int64_t n, int64_t cols, int64_t table_rows) {
  int status = check_indices(ctx, indices, n, table_rows, "indices");
  if (status != DOJO_DEVICE_OK) return status;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < cols; ++j) out[i * cols + j] = table[indices[i] * cols + j];
  }
  return DOJO_DEVICE_OK;
}

int ref_embedding_backward(dojo_device_context* ctx, const float* dout, const int32_t* indices,
                           float* dtable, int64_t n, int64_t cols, int64_t table_rows) {
  int status = check_indices(ctx, indices, n, table_rows, "indices");
  if (status != DOJO_DEVICE_OK) return status;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < cols; ++j) dtable[indices[i] * cols + j] += dout[i * cols + j];
  }
  return DOJO_DEVICE_OK;
}

int ref_sum(dojo_device_context* ctx, const float* x, int64_t n, float* result) {
  (void)ctx;
  double total = 0.0;
  for (int64_t i = 0; i < n; ++i) total += x[i];
  result[0] = (float)total;
  return DOJO_DEVICE_OK;
}

int ref_sum_squares(dojo_device_context* ctx, const float* x, int64_t n, float* result) {
  (void)ctx;
  double total = 0.0;
  for (int64_t i = 0; i < n; ++i) total += (double)x[i] * (double)x[i];
  result[0] = (float)total;
  return DOJO_DEVICE_OK;
}

int ref_adamw_update(dojo_device_context* ctx, float* params, const float* grads, float* m,
                     float* v, int64_t n, float learning_rate, float beta1, float beta2, float eps,
                     float weight_decay, int64_t step) {
  (void)ctx;
  for (int64_t i = 0; i < n; ++i) { /* llm.c's gpt2_update */
    float grad = grads[i];
    float m_i = beta1 * m[i] + (1.0f - beta1) * grad;
    float v_i = beta2 * v[i] + (1.0f - beta2) * grad * grad;
    float m_hat = m_i / (1.0f - powf(beta1, (float)step));
    float v_hat = v_i / (1.0f - powf(beta2, (float)step));
    m[i] = m_i;
    v[i] = v_i;
    params[i] -= learning_rate * (m_hat / (sqrtf(v_hat) + eps) + weight_decay * params[i]);
  }
  return DOJO_DEVICE_OK;
}

int ref_sgd_momentum_update(dojo_device_context* ctx, float* params, const float* grads,
                            float* velocity, int64_t n, float learning_rate, float momentum,
                            float weight_decay) {
  (void)ctx;
  for (int64_t i = 0; i < n; ++i) {
    float g = grads[i] + weight_decay * params[i];
    velocity[i] = momentum * velocity[i] + g;
    params[i] -= learning_rate * velocity[i];
  }
  return DOJO_DEVICE_OK;
}
