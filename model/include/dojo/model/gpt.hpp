// A GPT-2 decoder (pre-LayerNorm blocks, tanh GELU, learned positions) trained as a language
// model: tokens (B, T) -> logits (B, T, V) -> mean cross-entropy against the next tokens.
// Embeddings are tied by default as GPT-2 (the LM head is wte); untied adds lm_head.weight.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "dojo/model/model.hpp"

namespace dojo::model {

struct GptConfig {
  std::int64_t layers = 4;            // L
  std::int64_t channels = 256;        // C
  std::int64_t heads = 4;             // NH, divides C
  std::int64_t context_length = 128;  // T, the longest sequence (wpe rows)
  std::int64_t vocab_size = 256;      // V
  // true (GPT-2): logits = lnf @ wte^T, one (V, C) matrix whose gradient gets both uses and is
  // final only after the embedding backward, so it is reduced with the last bucket.
  bool tied_embedding = true;
  std::uint64_t seed = 1337;

  // A user error naming the field and the fix when a size is impossible.
  void validate() const;
  // Parameters, counting a tied wte once.
  std::int64_t parameter_count() const;
};

// Parameter tensors of the model: offsets into the flat buffers (P = std::int64_t) or pointers
// into the parameters or the gradients (P = float*). Names are nanoGPT's.
template <typename P>
struct GptBlockTensors {
  P ln1w;      // (C)       transformer.h.<l>.ln_1.weight
  P ln1b;      // (C)       transformer.h.<l>.ln_1.bias
  P qkvw;      // (3*C, C)  transformer.h.<l>.attn.c_attn.weight
  P qkvb;      // (3*C)     transformer.h.<l>.attn.c_attn.bias
  P attprojw;  // (C, C)    transformer.h.<l>.attn.c_proj.weight
  P attprojb;  // (C)       transformer.h.<l>.attn.c_proj.bias
  P ln2w;      // (C)       transformer.h.<l>.ln_2.weight
  P ln2b;      // (C)       transformer.h.<l>.ln_2.bias
  P fcw;       // (4*C, C)  transformer.h.<l>.mlp.c_fc.weight
  P fcb;       // (4*C)     transformer.h.<l>.mlp.c_fc.bias
  P fcprojw;   // (C, 4*C)  transformer.h.<l>.mlp.c_proj.weight
  P fcprojb;   // (C)       transformer.h.<l>.mlp.c_proj.bias
};

template <typename P>
struct GptTensors {
  P wte;                                   // (V, C)  transformer.wte.weight
  P wpe;                                   // (T, C)  transformer.wpe.weight
  std::vector<GptBlockTensors<P>> blocks;  // (L)
  P lnfw;                                  // (C)     transformer.ln_f.weight
  P lnfb;                                  // (C)     transformer.ln_f.bias
  P lm_head;                               // (V, C)  lm_head.weight, == wte when tied
};

class Gpt final : public Model {
 public:
  Gpt(device::Device& device, const GptConfig& config);
  ~Gpt() override;

  std::string_view kind() const override { return "gpt"; }
  const GptConfig& config() const noexcept { return config_; }

  // inputs: int32 tokens (B, T) with T <= context_length; targets: int32 (B, T) or empty.
  float forward(const TensorView& inputs, const TensorView& targets) override;
  void backward() override;
  // GEMM FLOPs of a step, as executed: per token 6 N + 12 L T C with N = L 12 C^2 + V C the
  // weight-matrix elements (embedding lookups excluded; the LM head counted) and 12 L T C the
  // attention products over the full T x T; forward is a third of it.
  StepFlops step_flops(std::int64_t batch_size) const override;  // B sequences of context_length
  StepFlops step_flops(std::int64_t B, std::int64_t T) const;

  // logits (B, T, V) of the last forward; valid until backward.
  TensorView logits() const;

  // Pointers into the parameters or the gradients.
  GptTensors<float*> weights() const;
  GptTensors<float*> gradients() const;

 private:
  struct Activations;  // saved by forward for backward
  struct Scratch;      // backward's temporary gradients

  void ensure_batch(std::int64_t B, std::int64_t T);

  GptConfig config_;
  GptTensors<std::int64_t> offsets_;
  std::int64_t B_ = 0;  // batch of the allocated activations
  std::int64_t T_ = 0;
  bool have_targets_ = false;
  std::unique_ptr<Activations> acts_;
  std::unique_ptr<Scratch> scratch_;
};

}  // namespace dojo::model
