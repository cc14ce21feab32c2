// Where one rank's part of a GPT lies under tensor and pipeline parallelism: which blocks its
// pipeline stage holds (balanced by parameter count, or given), whether it holds the embeddings
// or the head, and its place in the tensor-parallel group.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "dojo/model/gpt.hpp"

namespace dojo::model {

// Blocks [first_layer, end_layer) of one pipeline stage.
struct StageRange {
  std::int64_t first_layer = 0;
  std::int64_t end_layer = 0;
  bool operator==(const StageRange&) const = default;
};

struct GptPartition {
  int tp_rank = 0;               // this rank's place in the tensor-parallel group
  int tp_size = 1;               // heads, 4*C and V must be multiples of it
  std::int64_t first_layer = 0;  // blocks [first_layer, end_layer), at least one
  std::int64_t end_layer = 0;
  bool has_embedding = true;  // the first stage: wte (its vocabulary rows) and wpe
  bool has_head = true;       // the last stage: ln_f and the LM head (tied: a copy of wte)

  // The whole model on one stage, split over tp ranks.
  static GptPartition whole(const GptConfig& config, int tp_rank = 0, int tp_size = 1);
  // Stage `stage` of `stages` (from balanced_stages or stages_from_layer_counts).
  static GptPartition of_stage(std::span<const StageRange> stages, int stage, int tp_rank = 0,
                               int tp_size = 1);

  std::int64_t layers() const noexcept { return end_layer - first_layer; }
  // A user error naming the field and the fix when this partition cannot split `config`.
  void validate(const GptConfig& config) const;
};

// Parameters one stage holds (tp = 1): its blocks, plus wte and wpe on the first, ln_f and the
// LM head (a tied copy of wte counted again: it is memory and work there) on the last.
std::int64_t stage_parameter_count(const GptConfig& config, const StageRange& range, bool first,
                                   bool last);

// `stages` contiguous ranges of at least one block each that minimise the largest stage's
// parameter count (stage_parameter_count). More stages than layers is a user error.
std::vector<StageRange> balanced_stages(const GptConfig& config, int stages);
// Ranges from blocks per stage, e.g. {3, 5, 5, 3}: each at least 1, summing to config.layers
// (else a user error naming the list).
std::vector<StageRange> stages_from_layer_counts(const GptConfig& config,
                                                 std::span<const std::int64_t> layers_per_stage);

}  // namespace dojo::model
