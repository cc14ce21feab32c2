// Pieces of the GPT shared between its layout file and its forward/backward file.
#pragma once

#include <cstdint>

#include "dojo/model/gpt.hpp"
#include "dojo/model/layers/attention.hpp"

namespace dojo::model {

ParameterLayout gpt_layout(const GptConfig& config);
GptTensors<std::int64_t> gpt_offsets(const GptConfig& config, const ParameterStore& store);
GptTensors<float*> gpt_pointers(const GptTensors<std::int64_t>& offsets, float* base);

// A GPT step's FLOPs (the rule is explained at Gpt::step_flops): 2 per weight-matrix element and
// token forward plus the attention products, backward twice forward.
inline StepFlops gpt_step_flops(double tokens, double matrix_params, double attention_forward) {
  StepFlops flops;
  flops.forward = 2.0 * tokens * matrix_params + attention_forward;
  flops.backward = 2.0 * flops.forward;
  return flops;
}

}  // namespace dojo::model
