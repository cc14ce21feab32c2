// Causal multi-head self-attention on a packed qkv tensor (the output of the qkv projection),
// without permuting it: head h of sequence b is a strided (T, hs) slice of qkv(B, T, 3C), so each
// sequence's NH heads are one batched GEMM. The projections around it are ordinary linear layers.
#pragma once

#include <cstdint>

#include "dojo/device/device.hpp"
#include "dojo/model/layers/linear.hpp"

namespace dojo::model {

struct AttentionShape {
  std::int64_t B = 0;   // sequences
  std::int64_t T = 0;   // tokens per sequence
  std::int64_t C = 0;   // channels, NH * hs
  std::int64_t NH = 0;  // heads; hs = C / NH
};

// qkv(B, T, 3C) holds q, k, v side by side per token, head h at columns h*hs of each.
// preatt(B, NH, T, T): scratch for the scores q k^T. att(B, NH, T, T): the causal softmax of
// scores / sqrt(hs), kept for backward (zero above the diagonal). y(B, T, C) = att @ v per head.
void attention_forward(device::Device& device, float* y, float* att, float* preatt,
                       const float* qkv, const AttentionShape& shape);

// dqkv(B, T, 3C) += the gradient through q, k and v of dy(B, T, C) (= with
// GradWrite::overwrite). datt and dpreatt (B, NH, T, T) are scratch, overwritten.
void attention_backward(device::Device& device, float* dqkv, float* datt, float* dpreatt,
                        const float* dy, const float* qkv, const float* att,
                        const AttentionShape& shape, GradWrite dqkv_write = GradWrite::accumulate);

// The GEMM FLOPs of one forward pass (q k^T and att v over the full T x T, as executed).
double attention_forward_flops(const AttentionShape& shape);

}  // namespace dojo::model
