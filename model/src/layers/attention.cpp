// Causal self-attention forward and backward (see attention.hpp): per sequence, one batched GEMM
// over its heads for each product; the softmax and its backward run once over all B*NH*T rows.
#include "dojo/model/layers/attention.hpp"

#include <cmath>

#include "dojo/common/error.hpp"

namespace dojo::model {

using device::Op;

namespace {

void check_shape(const AttentionShape& s) {
  check(s.B > 0 && s.T > 0 && s.C > 0 && s.NH > 0, "attention: sizes must be positive");
  check(s.C % s.NH == 0, "attention: channels must divide into heads");
}

}  // namespace

void attention_forward(device::Device& device, float* y, float* att, float* preatt,
                       const float* qkv, const AttentionShape& s) {
  check_shape(s);
  const std::int64_t T = s.T, C = s.C, NH = s.NH, hs = C / NH;
  const std::int64_t C3 = 3 * C;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
  for (std::int64_t b = 0; b < s.B; ++b) {
    const float* q = qkv + b * T * C3;  // (T, hs) per head, leading dimension 3C
    const float* k = q + C;
    float* scores = preatt + b * NH * T * T;  // (NH, T, T)
    // scores[h] = q_h @ k_h^T
    device.gemm_batched(Op::none, Op::transpose, T, T, hs, 1.0f, q, C3, hs, k, C3, hs, 0.0f, scores,
                        T, T * T, NH);
  }
  device.softmax_forward(preatt, att, s.B * NH * T, T, scale, /*causal=*/true);
  for (std::int64_t b = 0; b < s.B; ++b) {
    const float* v = qkv + b * T * C3 + 2 * C;  // (T, hs) per head, leading dimension 3C
    const float* probs = att + b * NH * T * T;  // (NH, T, T)
    float* out = y + b * T * C;                 // (T, hs) per head, leading dimension C
    // out_h = att_h @ v_h
    device.gemm_batched(Op::none, Op::none, T, hs, T, 1.0f, probs, T, T * T, v, C3, hs, 0.0f, out,
                        C, hs, NH);
  }
}

void attention_backward(device::Device& device, float* dqkv, float* datt, float* dpreatt,
                        const float* dy, const float* qkv, const float* att,
                        const AttentionShape& s, GradWrite dqkv_write) {
  check_shape(s);
  const std::int64_t T = s.T, C = s.C, NH = s.NH, hs = C / NH;
  const std::int64_t C3 = 3 * C;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
  // Each of dq, dk, dv is written by exactly one product per head, so overwriting is beta = 0.
  const float beta = dqkv_write == GradWrite::accumulate ? 1.0f : 0.0f;
  for (std::int64_t b = 0; b < s.B; ++b) {
    const float* v = qkv + b * T * C3 + 2 * C;
    float* dv = dqkv + b * T * C3 + 2 * C;
    const float* probs = att + b * NH * T * T;
    const float* dout = dy + b * T * C;
    float* dprobs = datt + b * NH * T * T;
    // datt_h = dy_h @ v_h^T (overwrites the scratch)
    device.gemm_batched(Op::none, Op::transpose, T, T, hs, 1.0f, dout, C, hs, v, C3, hs, 0.0f,
                        dprobs, T, T * T, NH);
    // dv_h += att_h^T @ dy_h
    device.gemm_batched(Op::transpose, Op::none, T, hs, T, 1.0f, probs, T, T * T, dout, C, hs, beta,
                        dv, C3, hs, NH);
  }
  // The softmax backward adds, so its scratch output starts at zero; it carries the 1/sqrt(hs).
  device.fill(dpreatt, s.B * NH * T * T, 0.0f);
  device.softmax_backward(att, datt, dpreatt, s.B * NH * T, T, scale);
  for (std::int64_t b = 0; b < s.B; ++b) {
    const float* q = qkv + b * T * C3;
    const float* k = q + C;
    float* dq = dqkv + b * T * C3;
    float* dk = dq + C;
    const float* dscores = dpreatt + b * NH * T * T;
    // dq_h += dscores_h @ k_h; dk_h += dscores_h^T @ q_h
    device.gemm_batched(Op::none, Op::none, T, hs, T, 1.0f, dscores, T, T * T, k, C3, hs, beta, dq,
                        C3, hs, NH);
    device.gemm_batched(Op::transpose, Op::none, T, hs, T, 1.0f, dscores, T, T * T, q, C3, hs, beta,
                        dk, C3, hs, NH);
  }
}

double attention_forward_flops(const AttentionShape& s) {
  // Two products of (T x T x hs) per head and sequence: 2 * 2 * B * NH * T * T * hs.
  return 4.0 * static_cast<double>(s.B) * static_cast<double>(s.T) * static_cast<double>(s.T) *
         static_cast<double>(s.C);
}

}  // namespace dojo::model
