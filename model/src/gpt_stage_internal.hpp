// Pieces of the GPT stage shared between its layout file and its forward/backward file.
#pragma once

#include "dojo/model/gpt_stage.hpp"

namespace dojo::model {

// Local sizes of a stage's tensor-parallel shards.
struct StageDims {
  std::int64_t C = 0;    // channels (replicated)
  std::int64_t Cl = 0;   // attention channels of the local heads, C / tp
  std::int64_t NHl = 0;  // local heads, NH / tp
  std::int64_t Fl = 0;   // local MLP hidden units, 4C / tp
  std::int64_t Vl = 0;   // local vocabulary rows, V / tp
  std::int64_t Lb = 0;   // local blocks
};
StageDims stage_dims(const GptConfig& config, const GptPartition& partition);

// Groups in forward order: [transformer.embeddings] transformer.h.<first..end-1>
// [transformer.ln_f [lm_head | transformer.wte (head copy)]].
ParameterLayout gpt_stage_layout(const GptConfig& config, const GptPartition& partition);
GptStageTensors<std::int64_t> gpt_stage_offsets(const GptConfig& config,
                                                const GptPartition& partition,
                                                const ParameterStore& store);
GptStageTensors<float*> gpt_stage_pointers(const GptStageTensors<std::int64_t>& offsets,
                                           float* base);

}  // namespace dojo::model
