// GPT's input encoding: a token embedding looked up by id plus a learned position embedding. The
// position rows of a sequence are wpe[0:T], contiguous, so adding them is one axpy per sequence.
#pragma once

#include <cstdint>

#include "dojo/device/device.hpp"

namespace dojo::model {

// out(N, C) = wte(V, C)[tokens(N)]; a token outside [0, V) is a user error (bad data).
void token_embedding_forward(device::Device& device, float* out, const std::int32_t* tokens,
                             const float* wte, std::int64_t N, std::int64_t C, std::int64_t V);
// dwte(V, C)[tokens[i]] += dout(N, C)[i]; repeated tokens accumulate.
void token_embedding_backward(device::Device& device, float* dwte, const float* dout,
                              const std::int32_t* tokens, std::int64_t N, std::int64_t C,
                              std::int64_t V);

// out(B, T, C) += wpe(T, C) for every sequence b: position t gets row t.
void position_embedding_forward(device::Device& device, float* out, const float* wpe,
                                std::int64_t B, std::int64_t T, std::int64_t C);
// dwpe(T, C) += sum over b of dout(B, T, C)[b].
void position_embedding_backward(device::Device& device, float* dwpe, const float* dout,
                                 std::int64_t B, std::int64_t T, std::int64_t C);

}  // namespace dojo::model
