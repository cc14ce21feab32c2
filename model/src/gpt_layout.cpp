// The GPT's configuration checks, parameter layout with GPT-2's initialisation, and FLOP count.
// Layout: embeddings, blocks 0..L-1, final layernorm, [lm_head]: forward order, one group each.
#include <cmath>

#include "dojo/common/error.hpp"
#include "dojo/model/gpt.hpp"
#include "gpt_internal.hpp"

namespace dojo::model {

void GptConfig::validate() const {
  auto positive = [](std::int64_t value, const char* name) {
    if (value <= 0) user_error(str("gpt: ", name, " = ", value, " must be positive"));
  };
  positive(layers, "layers");
  positive(channels, "channels");
  positive(heads, "heads");
  positive(context_length, "context_length");
  positive(vocab_size, "vocab_size");
  if (channels % heads != 0) {
    user_error(str("gpt: channels = ", channels, " is not a multiple of heads = ", heads,
                   "; choose heads dividing channels"));
  }
  if (vocab_size > (std::int64_t{1} << 31) - 1) user_error("gpt: vocab_size must fit int32");
}

std::int64_t GptConfig::parameter_count() const {
  const std::int64_t C = channels, V = vocab_size, T = context_length;
  const std::int64_t per_block = 12 * C * C + 13 * C;  // 4 weight matrices, biases, 2 layernorms
  return V * C + T * C + layers * per_block + 2 * C + (tied_embedding ? 0 : V * C);
}

ParameterLayout gpt_layout(const GptConfig& config) {
  config.validate();
  const std::int64_t C = config.channels, V = config.vocab_size, T = config.context_length;
  const float std = 0.02f;
  // GPT-2 scales the projections that write into the residual stream by 1/sqrt(2L): each block
  // adds two of them, and this keeps the stream's variance from growing with depth.
  const float residual_std = std / std::sqrt(2.0f * static_cast<float>(config.layers));
  ParameterLayout layout;
  layout.begin_group("transformer.embeddings");
  layout.add("transformer.wte.weight", {V, C}, Init::normal(std));
  layout.add("transformer.wpe.weight", {T, C}, Init::normal(std));
  for (std::int64_t l = 0; l < config.layers; ++l) {
    const std::string h = str("transformer.h.", l, ".");
    layout.begin_group(str("transformer.h.", l));
    layout.add(h + "ln_1.weight", {C}, Init::ones());
    layout.add(h + "ln_1.bias", {C}, Init::zeros());
    layout.add(h + "attn.c_attn.weight", {3 * C, C}, Init::normal(std));
    layout.add(h + "attn.c_attn.bias", {3 * C}, Init::zeros());
    layout.add(h + "attn.c_proj.weight", {C, C}, Init::normal(residual_std));
    layout.add(h + "attn.c_proj.bias", {C}, Init::zeros());
    layout.add(h + "ln_2.weight", {C}, Init::ones());
    layout.add(h + "ln_2.bias", {C}, Init::zeros());
    layout.add(h + "mlp.c_fc.weight", {4 * C, C}, Init::normal(std));
    layout.add(h + "mlp.c_fc.bias", {4 * C}, Init::zeros());
    layout.add(h + "mlp.c_proj.weight", {C, 4 * C}, Init::normal(residual_std));
    layout.add(h + "mlp.c_proj.bias", {C}, Init::zeros());
  }
  layout.begin_group("transformer.ln_f");
  layout.add("transformer.ln_f.weight", {C}, Init::ones());
  layout.add("transformer.ln_f.bias", {C}, Init::zeros());
  if (!config.tied_embedding) {
    layout.begin_group("lm_head");
    layout.add("lm_head.weight", {V, C}, Init::normal(std));
  }
  return layout;
}

GptTensors<std::int64_t> gpt_offsets(const GptConfig& config, const ParameterStore& store) {
  auto at = [&store](const std::string& name) {
    return store.table()[static_cast<std::size_t>(store.index(name))].offset;
  };
  GptTensors<std::int64_t> o;
  o.wte = at("transformer.wte.weight");
  o.wpe = at("transformer.wpe.weight");
  for (std::int64_t l = 0; l < config.layers; ++l) {
    const std::string h = str("transformer.h.", l, ".");
    GptBlockTensors<std::int64_t> b;
    b.ln1w = at(h + "ln_1.weight");
    b.ln1b = at(h + "ln_1.bias");
    b.qkvw = at(h + "attn.c_attn.weight");
    b.qkvb = at(h + "attn.c_attn.bias");
    b.attprojw = at(h + "attn.c_proj.weight");
    b.attprojb = at(h + "attn.c_proj.bias");
    b.ln2w = at(h + "ln_2.weight");
    b.ln2b = at(h + "ln_2.bias");
    b.fcw = at(h + "mlp.c_fc.weight");
    b.fcb = at(h + "mlp.c_fc.bias");
    b.fcprojw = at(h + "mlp.c_proj.weight");
    b.fcprojb = at(h + "mlp.c_proj.bias");
    o.blocks.push_back(b);
  }
  o.lnfw = at("transformer.ln_f.weight");
  o.lnfb = at("transformer.ln_f.bias");
  o.lm_head = config.tied_embedding ? o.wte : at("lm_head.weight");
  return o;
}

GptTensors<float*> gpt_pointers(const GptTensors<std::int64_t>& offsets, float* base) {
  GptTensors<float*> p;
  p.wte = base + offsets.wte;
  p.wpe = base + offsets.wpe;
  for (const GptBlockTensors<std::int64_t>& o : offsets.blocks) {
    p.blocks.push_back({base + o.ln1w, base + o.ln1b, base + o.qkvw, base + o.qkvb,
                        base + o.attprojw, base + o.attprojb, base + o.ln2w, base + o.ln2b,
                        base + o.fcw, base + o.fcb, base + o.fcprojw, base + o.fcprojb});
  }
  p.lnfw = base + offsets.lnfw;
  p.lnfb = base + offsets.lnfb;
  p.lm_head = base + offsets.lm_head;
  return p;
}

StepFlops Gpt::step_flops(std::int64_t batch_size) const {
  return step_flops(batch_size, config_.context_length);
}

// Per token, every weight matrix costs 2 FLOPs per element forward (L * 12 C^2 + V C elements:
// qkv 3C^2, attention projection C^2, MLP 8C^2, the LM head VC) and 4 backward (input and weight
// gradients): the usual 6N with N the matrix parameters, embeddings' lookups excluded. Attention
// adds 4 T C per token and layer forward (q k^T and att v over the full T x T that the GEMMs
// compute, the causal half included) and twice that backward: 12 L T C per token in all.
StepFlops Gpt::step_flops(std::int64_t B, std::int64_t T) const {
  const double C = static_cast<double>(config_.channels);
  const double V = static_cast<double>(config_.vocab_size);
  const double L = static_cast<double>(config_.layers);
  const double tokens = static_cast<double>(B) * static_cast<double>(T);
  const double matrix_params = L * 12.0 * C * C + V * C;
  const double attention = L * attention_forward_flops({B, T, config_.channels, config_.heads});
  return gpt_step_flops(tokens, matrix_params, attention);
}

}  // namespace dojo::model
