// Pieces of the GPT shared between its layout file and its forward/backward file.
#pragma once

#include <cstdint>

#include "dojo/model/gpt.hpp"
#include "dojo/model/layers/attention.hpp"

namespace dojo::model {

ParameterLayout gpt_layout(const GptConfig& config);
GptTensors<std::int64_t> gpt_offsets(const GptConfig& config, const ParameterStore& store);
GptTensors<float*> gpt_pointers(const GptTensors<std::int64_t>& offsets, float* base);

}  // namespace dojo::model
