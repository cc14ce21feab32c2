// Token and position embeddings through the device's gather/scatter-add and axpy (embedding.hpp).
#include "dojo/model/layers/embedding.hpp"

namespace dojo::model {

void token_embedding_forward(device::Device& device, float* out, const std::int32_t* tokens,
                             const float* wte, std::int64_t N, std::int64_t C, std::int64_t V) {
  device.embedding_forward(wte, tokens, out, N, C, V);
}

void token_embedding_backward(device::Device& device, float* dwte, const float* dout,
                              const std::int32_t* tokens, std::int64_t N, std::int64_t C,
                              std::int64_t V) {
  device.embedding_backward(dout, tokens, dwte, N, C, V);
}

void position_embedding_forward(device::Device& device, float* out, const float* wpe,
                                std::int64_t B, std::int64_t T, std::int64_t C) {
  for (std::int64_t b = 0; b < B; ++b) device.axpy(T * C, 1.0f, wpe, out + b * T * C);
}

void position_embedding_backward(device::Device& device, float* dwpe, const float* dout,
                                 std::int64_t B, std::int64_t T, std::int64_t C) {
  for (std::int64_t b = 0; b < B; ++b) device.axpy(T * C, 1.0f, dout + b * T * C, dwpe);
}

}  // namespace dojo::model
