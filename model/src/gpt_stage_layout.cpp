// The GPT stage's parameter layout: which boxes of each logical tensor a (tp rank, stage) holds,
// initialised from the logical element index so every layout starts from Gpt's values; and its
// FLOP count.
#include <cmath>

#include "dojo/common/error.hpp"
#include "dojo/model/layers/attention.hpp"
#include "gpt_internal.hpp"
#include "gpt_stage_internal.hpp"

namespace dojo::model {
namespace {

// Rows [first_row, first_row + rows) of a logical (R, cols) matrix, or (R) vector when cols = 0.
TensorBox row_box(std::int64_t local_offset, std::int64_t first_row, std::int64_t rows,
                  std::int64_t cols) {
  if (cols == 0) return {local_offset, {first_row}, {rows}};
  return {local_offset, {first_row, 0}, {rows, cols}};
}

}  // namespace

StageDims stage_dims(const GptConfig& config, const GptPartition& partition) {
  const std::int64_t tp = partition.tp_size;
  return {config.channels,          config.channels / tp,   config.heads / tp,
          4 * config.channels / tp, config.vocab_size / tp, partition.layers()};
}

ParameterLayout gpt_stage_layout(const GptConfig& config, const GptPartition& partition) {
  partition.validate(config);
  const StageDims d = stage_dims(config, partition);
  const std::int64_t C = config.channels, V = config.vocab_size, T = config.context_length;
  const std::int64_t r = partition.tp_rank, Cl = d.Cl, Fl = d.Fl, Vl = d.Vl;
  // GPT-2's initialisation, as gpt_layout (gpt_layout.cpp).
  const float std = 0.02f;
  const float residual_std = std / std::sqrt(2.0f * static_cast<float>(config.layers));
  ParameterLayout layout;
  auto add_wte = [&] {
    layout.add_part("transformer.wte.weight", {Vl, C}, Init::normal(std), {V, C},
                    {row_box(0, r * Vl, Vl, C)});
  };
  if (partition.has_embedding) {
    layout.begin_group("transformer.embeddings");
    add_wte();
    layout.add("transformer.wpe.weight", {T, C}, Init::normal(std));
  }
  for (std::int64_t l = partition.first_layer; l < partition.end_layer; ++l) {
    const std::string h = str("transformer.h.", l, ".");
    layout.begin_group(str("transformer.h.", l));
    layout.add(h + "ln_1.weight", {C}, Init::ones());
    layout.add(h + "ln_1.bias", {C}, Init::zeros());
    // The q, k and v rows of the local heads: three boxes, stored one after another, so the
    // local qkv activations are q | k | v of the local heads as attention expects.
    std::vector<TensorBox> qkv_rows, qkv_bias;
    for (std::int64_t part = 0; part < 3; ++part) {
      qkv_rows.push_back(row_box(part * Cl * C, part * C + r * Cl, Cl, C));
      qkv_bias.push_back(row_box(part * Cl, part * C + r * Cl, Cl, 0));
    }
    layout.add_part(h + "attn.c_attn.weight", {3 * Cl, C}, Init::normal(std), {3 * C, C},
                    std::move(qkv_rows));
    layout.add_part(h + "attn.c_attn.bias", {3 * Cl}, Init::zeros(), {3 * C}, std::move(qkv_bias));
    layout.add_part(h + "attn.c_proj.weight", {C, Cl}, Init::normal(residual_std), {C, C},
                    {{0, {0, r * Cl}, {C, Cl}}});
    layout.add(h + "attn.c_proj.bias", {C}, Init::zeros());
    layout.add(h + "ln_2.weight", {C}, Init::ones());
    layout.add(h + "ln_2.bias", {C}, Init::zeros());
    layout.add_part(h + "mlp.c_fc.weight", {Fl, C}, Init::normal(std), {4 * C, C},
                    {row_box(0, r * Fl, Fl, C)});
    layout.add_part(h + "mlp.c_fc.bias", {Fl}, Init::zeros(), {4 * C}, {row_box(0, r * Fl, Fl, 0)});
    layout.add_part(h + "mlp.c_proj.weight", {C, Fl}, Init::normal(residual_std), {C, 4 * C},
                    {{0, {0, r * Fl}, {C, Fl}}});
    layout.add(h + "mlp.c_proj.bias", {C}, Init::zeros());
  }
  if (partition.has_head) {
    layout.begin_group("transformer.ln_f");
    layout.add("transformer.ln_f.weight", {C}, Init::ones());
    layout.add("transformer.ln_f.bias", {C}, Init::zeros());
    if (!config.tied_embedding) {
      layout.begin_group("lm_head");
      layout.add("lm_head.weight", {V, C}, Init::normal(std));
    } else if (!partition.has_embedding) {
      // The last stage's own copy of the tied wte: same name and values as the first stage's.
      layout.begin_group("transformer.wte (LM head copy)");
      add_wte();
    }
  }
  return layout;
}

GptStageTensors<std::int64_t> gpt_stage_offsets(const GptConfig& config,
                                                const GptPartition& partition,
                                                const ParameterStore& store) {
  auto at = [&store](const std::string& name) {
    return store.table()[static_cast<std::size_t>(store.index(name))].offset;
  };
  GptStageTensors<std::int64_t> o{-1, -1, {}, -1, -1, -1};
  if (partition.has_embedding) {
    o.wte = at("transformer.wte.weight");
    o.wpe = at("transformer.wpe.weight");
  }
  for (std::int64_t l = partition.first_layer; l < partition.end_layer; ++l) {
    const std::string h = str("transformer.h.", l, ".");
    o.blocks.push_back({at(h + "ln_1.weight"), at(h + "ln_1.bias"), at(h + "attn.c_attn.weight"),
                        at(h + "attn.c_attn.bias"), at(h + "attn.c_proj.weight"),
                        at(h + "attn.c_proj.bias"), at(h + "ln_2.weight"), at(h + "ln_2.bias"),
                        at(h + "mlp.c_fc.weight"), at(h + "mlp.c_fc.bias"),
                        at(h + "mlp.c_proj.weight"), at(h + "mlp.c_proj.bias")});
  }
  if (partition.has_head) {
    o.lnfw = at("transformer.ln_f.weight");
    o.lnfb = at("transformer.ln_f.bias");
    o.head = config.tied_embedding ? at("transformer.wte.weight") : at("lm_head.weight");
  }
  return o;
}

GptStageTensors<float*> gpt_stage_pointers(const GptStageTensors<std::int64_t>& offsets,
                                           float* base) {
  auto at = [base](std::int64_t offset) { return offset < 0 ? nullptr : base + offset; };
  GptStageTensors<float*> p{at(offsets.wte),  at(offsets.wpe),  {},
                            at(offsets.lnfw), at(offsets.lnfb), at(offsets.head)};
  for (const GptBlockTensors<std::int64_t>& o : offsets.blocks) {
    p.blocks.push_back({at(o.ln1w), at(o.ln1b), at(o.qkvw), at(o.qkvb), at(o.attprojw),
                        at(o.attprojb), at(o.ln2w), at(o.ln2b), at(o.fcw), at(o.fcb), at(o.fcprojw),
                        at(o.fcprojb)});
  }
  return p;
}

StepFlops GptStage::step_flops(std::int64_t batch_size) const {
  return step_flops(batch_size, config_.context_length);
}

// Gpt::step_flops (gpt_layout.cpp) restricted to this rank: its blocks' weight-matrix shards,
// its heads' attention products, and its vocabulary shard of the LM head on the last stage.
StepFlops GptStage::step_flops(std::int64_t B, std::int64_t T) const {
  const StageDims d = stage_dims(config_, partition_);
  const double C = static_cast<double>(d.C);
  const double Lb = static_cast<double>(d.Lb);
  const double tokens = static_cast<double>(B) * static_cast<double>(T);
  const double tp = static_cast<double>(partition_.tp_size);
  double matrix_params = Lb * 12.0 * C * C / tp;
  if (last_stage()) matrix_params += static_cast<double>(d.Vl) * C;
  const double attention = Lb * attention_forward_flops({B, T, d.Cl, d.NHl});
  return gpt_step_flops(tokens, matrix_params, attention);
}

}  // namespace dojo::model
