// The GPT's forward and backward pass, llm.c's order: every activation backward needs is kept,
// one array per kind stacked over the layers; backward walks the layers in reverse and reports
// each layer's gradients to the hook as soon as nothing else will add to them.
#include <cmath>
#include <limits>

#include "arena.hpp"
#include "dojo/common/error.hpp"
#include "dojo/model/gpt.hpp"
#include "dojo/model/layers/activation.hpp"
#include "dojo/model/layers/cross_entropy.hpp"
#include "dojo/model/layers/embedding.hpp"
#include "dojo/model/layers/layernorm.hpp"
#include "dojo/model/layers/linear.hpp"
#include "dojo/model/layers/residual.hpp"
#include "gpt_internal.hpp"

namespace dojo::model {

struct Gpt::Activations {
  Tensor memory;
  Tensor tokens;     // int32 (B, T)
  Tensor targets;    // int32 (B, T)
  float* encoded;    // (B, T, C) wte[tokens] + wpe
  float* ln1;        // (L, B, T, C)
  float* ln1_mean;   // (L, B, T)
  float* ln1_rstd;   // (L, B, T)
  float* qkv;        // (L, B, T, 3*C)
  float* atty;       // (L, B, T, C) attention output before its projection
  float* att;        // (L, B, NH, T, T) attention probabilities
  float* attproj;    // (L, B, T, C)
  float* residual2;  // (L, B, T, C) stream after the attention branch
  float* ln2;        // (L, B, T, C)
  float* ln2_mean;   // (L, B, T)
  float* ln2_rstd;   // (L, B, T)
  float* fch;        // (L, B, T, 4*C)
  float* fch_gelu;   // (L, B, T, 4*C)
  float* fcproj;     // (L, B, T, C)
  float* residual3;  // (L, B, T, C) stream after the MLP branch: the block's output
  float* lnf;        // (B, T, C)
  float* lnf_mean;   // (B, T)
  float* lnf_rstd;   // (B, T)
  float* logits;     // (B, T, V); backward reuses it for dlogits
  float* probs;      // (B, T, V)
  float* losses;     // (B, T)
  float* loss_sum;   // (1)
  float* preatt;     // (B, NH, T, T) forward scratch: scores before the softmax
};

struct Gpt::Scratch {
  Tensor memory;
  float* dresidual;  // (B, T, C) gradient of the residual stream, carried down the layers
  float* dln;        // (B, T, C) gradient of a layernorm's output
  float* dqkv;       // (B, T, 3*C)
  float* datty;      // (B, T, C)
  float* datt;       // (B, NH, T, T)
  float* dpreatt;    // (B, NH, T, T)
  float* dfch;       // (B, T, 4*C)
  float* dfch_gelu;  // (B, T, 4*C)
};

Gpt::Gpt(device::Device& device, const GptConfig& config)
    : Model(device, gpt_layout(config), config.seed),
      config_(config),
      offsets_(gpt_offsets(config, parameters())) {}

Gpt::~Gpt() = default;

GptTensors<float*> Gpt::weights() const {
  return gpt_pointers(offsets_, parameters().params());
}
GptTensors<float*> Gpt::gradients() const {
  return gpt_pointers(offsets_, parameters().grads());
}

TensorView Gpt::logits() const {
  check(acts_ != nullptr, "Gpt::logits before forward");
  return TensorView::of<float>(acts_->logits, {B_, T_, config_.vocab_size});
}

void Gpt::ensure_batch(std::int64_t B, std::int64_t T) {
  if (acts_ != nullptr && B == B_ && T == T_) return;
  const std::int64_t L = config_.layers, C = config_.channels, NH = config_.heads;
  const std::int64_t V = config_.vocab_size;
  const std::int64_t N = B * T;
  device::Device& dev = device();
  acts_ = std::make_unique<Activations>();
  Activations& a = *acts_;
  Arena arena;
  arena.add(&a.encoded, N * C);
  arena.add(&a.ln1, L * N * C);
  arena.add(&a.ln1_mean, L * N);
  arena.add(&a.ln1_rstd, L * N);
  arena.add(&a.qkv, L * N * 3 * C);
  arena.add(&a.atty, L * N * C);
  arena.add(&a.att, L * B * NH * T * T);
  arena.add(&a.attproj, L * N * C);
  arena.add(&a.residual2, L * N * C);
  arena.add(&a.ln2, L * N * C);
  arena.add(&a.ln2_mean, L * N);
  arena.add(&a.ln2_rstd, L * N);
  arena.add(&a.fch, L * N * 4 * C);
  arena.add(&a.fch_gelu, L * N * 4 * C);
  arena.add(&a.fcproj, L * N * C);
  arena.add(&a.residual3, L * N * C);
  arena.add(&a.lnf, N * C);
  arena.add(&a.lnf_mean, N);
  arena.add(&a.lnf_rstd, N);
  arena.add(&a.logits, N * V);
  arena.add(&a.probs, N * V);
  arena.add(&a.losses, N);
  arena.add(&a.loss_sum, 1);
  arena.add(&a.preatt, B * NH * T * T);
  a.memory = arena.allocate(dev);
  a.tokens = Tensor(dev, DType::int32, {B, T});
  a.targets = Tensor(dev, DType::int32, {B, T});

  scratch_ = std::make_unique<Scratch>();
  Scratch& s = *scratch_;
  arena.add(&s.dresidual, N * C);
  arena.add(&s.dln, N * C);
  arena.add(&s.dqkv, N * 3 * C);
  arena.add(&s.datty, N * C);
  arena.add(&s.datt, B * NH * T * T);
  arena.add(&s.dpreatt, B * NH * T * T);
  arena.add(&s.dfch, N * 4 * C);
  arena.add(&s.dfch_gelu, N * 4 * C);
  s.memory = arena.allocate(dev);
  B_ = B;
  T_ = T;
}

float Gpt::forward(const TensorView& inputs, const TensorView& targets) {
  if (inputs.shape().rank() != 2) {
    internal_error(str("gpt: inputs must be tokens (B, T), got ", inputs.shape().to_string()));
  }
  const std::int64_t B = inputs.shape()[0], T = inputs.shape()[1];
  if (T > config_.context_length || B == 0 || T == 0) {
    user_error(str("gpt: a batch of shape ", inputs.shape().to_string(),
                   " does not fit context_length = ", config_.context_length,
                   "; use sequences of 1..", config_.context_length, " tokens"));
  }
  if (!targets.empty() && targets.shape() != inputs.shape()) {
    internal_error(str("gpt: targets ", targets.shape().to_string(), " do not match inputs ",
                       inputs.shape().to_string()));
  }
  ensure_batch(B, T);
  device::Device& dev = device();
  Activations& a = *acts_;
  const std::int64_t L = config_.layers, C = config_.channels, NH = config_.heads;
  const std::int64_t V = config_.vocab_size, N = B * T;
  const GptTensors<float*> w = weights();
  const AttentionShape attention_shape{B, T, C, NH};

  const auto bytes = static_cast<std::size_t>(N) * sizeof(std::int32_t);
  dev.copy_on_device(a.tokens.data<std::int32_t>(), inputs.data<std::int32_t>(), bytes);
  have_targets_ = !targets.empty();
  if (have_targets_) {
    dev.copy_on_device(a.targets.data<std::int32_t>(), targets.data<std::int32_t>(), bytes);
  }

  token_embedding_forward(dev, a.encoded, a.tokens.data<std::int32_t>(), w.wte, N, C, V);
  position_embedding_forward(dev, a.encoded, w.wpe, B, T, C);
  for (std::int64_t l = 0; l < L; ++l) {
    const GptBlockTensors<float*>& bw = w.blocks[static_cast<std::size_t>(l)];
    const float* residual = l == 0 ? a.encoded : a.residual3 + (l - 1) * N * C;
    float* ln1 = a.ln1 + l * N * C;
    float* ln1_mean = a.ln1_mean + l * N;
    float* ln1_rstd = a.ln1_rstd + l * N;
    float* qkv = a.qkv + l * N * 3 * C;
    float* atty = a.atty + l * N * C;
    float* att = a.att + l * B * NH * T * T;
    float* attproj = a.attproj + l * N * C;
    float* residual2 = a.residual2 + l * N * C;
    float* ln2 = a.ln2 + l * N * C;
    float* ln2_mean = a.ln2_mean + l * N;
    float* ln2_rstd = a.ln2_rstd + l * N;
    float* fch = a.fch + l * N * 4 * C;
    float* fch_gelu = a.fch_gelu + l * N * 4 * C;
    float* fcproj = a.fcproj + l * N * C;
    float* residual3 = a.residual3 + l * N * C;

    layernorm_forward(dev, ln1, ln1_mean, ln1_rstd, residual, bw.ln1w, bw.ln1b, N, C);
    linear_forward(dev, qkv, ln1, bw.qkvw, bw.qkvb, N, C, 3 * C);
    attention_forward(dev, atty, att, a.preatt, qkv, attention_shape);
    linear_forward(dev, attproj, atty, bw.attprojw, bw.attprojb, N, C, C);
    residual_forward(dev, residual2, residual, attproj, N * C);
    layernorm_forward(dev, ln2, ln2_mean, ln2_rstd, residual2, bw.ln2w, bw.ln2b, N, C);
    linear_forward(dev, fch, ln2, bw.fcw, bw.fcb, N, C, 4 * C);
    activation_forward(dev, Activation::gelu, fch_gelu, fch, N * 4 * C);
    linear_forward(dev, fcproj, fch_gelu, bw.fcprojw, bw.fcprojb, N, 4 * C, C);
    residual_forward(dev, residual3, residual2, fcproj, N * C);
  }
  const float* last = a.residual3 + (L - 1) * N * C;
  layernorm_forward(dev, a.lnf, a.lnf_mean, a.lnf_rstd, last, w.lnfw, w.lnfb, N, C);
  linear_forward(dev, a.logits, a.lnf, w.lm_head, nullptr, N, C, V);
  if (!have_targets_) return std::numeric_limits<float>::quiet_NaN();
  return cross_entropy_forward(dev, a.probs, a.losses, a.loss_sum, a.logits,
                               a.targets.data<std::int32_t>(), N, V);
}

void Gpt::backward() {
  check(acts_ != nullptr && have_targets_, "Gpt::backward needs a forward with targets");
  device::Device& dev = device();
  Activations& a = *acts_;
  Scratch& s = *scratch_;
  const std::int64_t B = B_, T = T_, L = config_.layers, C = config_.channels;
  const std::int64_t NH = config_.heads, V = config_.vocab_size, N = B * T;
  const GptTensors<float*> w = weights();
  const GptTensors<float*> g = gradients();
  const AttentionShape attention_shape{B, T, C, NH};
  const int lnf_group = static_cast<int>(L) + 1;  // embeddings, L blocks, ln_f, [lm_head]

  begin_backward();
  // Kernels that add into their input gradient (cross-entropy, GELU, layernorm) get a zeroed
  // scratch; GEMMs that are a scratch's only producer overwrite it (GradWrite::overwrite). The
  // logits are dead after the loss, so their memory holds dlogits.
  float* dlogits = a.logits;
  dev.fill(dlogits, N * V, 0.0f);
  cross_entropy_backward(dev, dlogits, a.probs, a.targets.data<std::int32_t>(), N, V);
  linear_backward(dev, s.dln, g.lm_head, nullptr, dlogits, a.lnf, w.lm_head, N, C, V,
                  GradWrite::overwrite);
  if (!config_.tied_embedding) gradients_ready(lnf_group + 1);

  const float* last = a.residual3 + (L - 1) * N * C;
  dev.fill(s.dresidual, N * C, 0.0f);
  layernorm_backward(dev, s.dresidual, g.lnfw, g.lnfb, s.dln, last, w.lnfw, a.lnf_mean, a.lnf_rstd,
                     N, C);
  gradients_ready(lnf_group);

  for (std::int64_t l = L - 1; l >= 0; --l) {
    const GptBlockTensors<float*>& bw = w.blocks[static_cast<std::size_t>(l)];
    const GptBlockTensors<float*>& bg = g.blocks[static_cast<std::size_t>(l)];
    const float* residual = l == 0 ? a.encoded : a.residual3 + (l - 1) * N * C;
    const float* ln1 = a.ln1 + l * N * C;
    const float* ln1_mean = a.ln1_mean + l * N;
    const float* ln1_rstd = a.ln1_rstd + l * N;
    const float* qkv = a.qkv + l * N * 3 * C;
    const float* atty = a.atty + l * N * C;
    const float* att = a.att + l * B * NH * T * T;
    const float* residual2 = a.residual2 + l * N * C;
    const float* ln2 = a.ln2 + l * N * C;
    const float* ln2_mean = a.ln2_mean + l * N;
    const float* ln2_rstd = a.ln2_rstd + l * N;
    const float* fch = a.fch + l * N * 4 * C;
    const float* fch_gelu = a.fch_gelu + l * N * 4 * C;

    // residual3 = residual2 + fcproj: both get dresidual unchanged, so dresidual is used as
    // dfcproj as it is, and the MLP branch's input gradient is added into it below, making it
    // d(residual2) -- residual_backward without copying.
    linear_backward(dev, s.dfch_gelu, bg.fcprojw, bg.fcprojb, s.dresidual, fch_gelu, bw.fcprojw, N,
                    4 * C, C, GradWrite::overwrite);
    dev.fill(s.dfch, N * 4 * C, 0.0f);
    activation_backward(dev, Activation::gelu, s.dfch, s.dfch_gelu, fch, N * 4 * C);
    linear_backward(dev, s.dln, bg.fcw, bg.fcb, s.dfch, ln2, bw.fcw, N, C, 4 * C,
                    GradWrite::overwrite);
    layernorm_backward(dev, s.dresidual, bg.ln2w, bg.ln2b, s.dln, residual2, bw.ln2w, ln2_mean,
                       ln2_rstd, N, C);
    // Same identity for residual2 = residual + attproj.
    linear_backward(dev, s.datty, bg.attprojw, bg.attprojb, s.dresidual, atty, bw.attprojw, N, C, C,
                    GradWrite::overwrite);
    attention_backward(dev, s.dqkv, s.datt, s.dpreatt, s.datty, qkv, att, attention_shape,
                       GradWrite::overwrite);
    linear_backward(dev, s.dln, bg.qkvw, bg.qkvb, s.dqkv, ln1, bw.qkvw, N, C, 3 * C,
                    GradWrite::overwrite);
    layernorm_backward(dev, s.dresidual, bg.ln1w, bg.ln1b, s.dln, residual, bw.ln1w, ln1_mean,
                       ln1_rstd, N, C);
    gradients_ready(static_cast<int>(l) + 1);
  }

  position_embedding_backward(dev, g.wpe, s.dresidual, B, T, C);
  token_embedding_backward(dev, g.wte, s.dresidual, a.tokens.data<std::int32_t>(), N, C, V);
  gradients_ready(0);
  end_backward();
}

}  // namespace dojo::model
