// Pipeline stage ranges (balanced by parameter count or given) and the checks of a partition.
#include "dojo/model/gpt_partition.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

#include "dojo/common/error.hpp"

namespace dojo::model {

GptPartition GptPartition::whole(const GptConfig& config, int tp_rank, int tp_size) {
  const StageRange all{0, config.layers};
  return of_stage(std::span<const StageRange>(&all, 1), 0, tp_rank, tp_size);
}

GptPartition GptPartition::of_stage(std::span<const StageRange> stages, int stage, int tp_rank,
                                    int tp_size) {
  check(stage >= 0 && static_cast<std::size_t>(stage) < stages.size(), "stage in range");
  GptPartition p;
  p.tp_rank = tp_rank;
  p.tp_size = tp_size;
  p.first_layer = stages[static_cast<std::size_t>(stage)].first_layer;
  p.end_layer = stages[static_cast<std::size_t>(stage)].end_layer;
  p.has_embedding = stage == 0;
  p.has_head = static_cast<std::size_t>(stage) + 1 == stages.size();
  return p;
}

void GptPartition::validate(const GptConfig& config) const {
  config.validate();
  if (tp_size < 1 || tp_rank < 0 || tp_rank >= tp_size) {
    internal_error(str("gpt partition: tp_rank ", tp_rank, " of tp_size ", tp_size));
  }
  if (config.heads % tp_size != 0) {
    user_error(str("gpt: heads = ", config.heads, " cannot be split over tp = ", tp_size,
                   " tensor-parallel ranks; choose tp dividing heads"));
  }
  if (config.vocab_size % tp_size != 0) {
    user_error(str("gpt: vocab_size = ", config.vocab_size, " cannot be split over tp = ", tp_size,
                   " tensor-parallel ranks; pad the vocabulary to a multiple of ", tp_size));
  }
  if (!config.tied_embedding && tp_size > 1) {
    user_error(
        "gpt: an untied lm_head is not supported with tensor parallelism (tp > 1); use "
        "tied_embedding = true or tp = 1");
  }
  if (first_layer < 0 || end_layer > config.layers || first_layer >= end_layer) {
    user_error(str("gpt: a pipeline stage holds blocks [", first_layer, ", ", end_layer, ") of ",
                   config.layers, "; every stage needs at least one block"));
  }
  if (has_embedding != (first_layer == 0) || has_head != (end_layer == config.layers)) {
    internal_error(
        "gpt partition: the first stage holds the embeddings and block 0, the last "
        "the head and the last block");
  }
}

std::int64_t stage_parameter_count(const GptConfig& config, const StageRange& range, bool first,
                                   bool last) {
  const std::int64_t C = config.channels, V = config.vocab_size, T = config.context_length;
  std::int64_t count = (range.end_layer - range.first_layer) * (12 * C * C + 13 * C);
  if (first) count += V * C + T * C;
  if (last) count += 2 * C + ((first && config.tied_embedding) ? 0 : V * C);
  return count;
}

std::vector<StageRange> balanced_stages(const GptConfig& config, int stages) {
  const std::int64_t L = config.layers;
  if (stages < 1 || stages > L) {
    user_error(str("gpt: ", stages, " pipeline stages for ", L, " layers; use 1..", L,
                   " stages (each holds at least one block)"));
  }
  // best[s][l]: the smallest possible largest stage when stages 0..s hold blocks [0, l); the
  // last stage is s = stages - 1. O(stages * L^2), L is at most a few hundred.
  const auto S = static_cast<std::size_t>(stages);
  const auto n = static_cast<std::size_t>(L);
  constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::max();
  std::vector<std::vector<std::int64_t>> best(S, std::vector<std::int64_t>(n + 1, kNone));
  std::vector<std::vector<std::size_t>> cut(S, std::vector<std::size_t>(n + 1, 0));
  auto cost = [&](std::size_t s, std::size_t begin, std::size_t end) {
    return stage_parameter_count(config,
                                 {static_cast<std::int64_t>(begin), static_cast<std::int64_t>(end)},
                                 s == 0, s + 1 == S && end == n);
  };
  for (std::size_t l = 1; l <= n; ++l) best[0][l] = cost(0, 0, l);
  for (std::size_t s = 1; s < S; ++s) {
    for (std::size_t l = s + 1; l <= n; ++l) {
      for (std::size_t k = s; k < l; ++k) {  // stage s holds [k, l)
        if (best[s - 1][k] == kNone) continue;
        const std::int64_t worst = std::max(best[s - 1][k], cost(s, k, l));
        if (worst < best[s][l]) {
          best[s][l] = worst;
          cut[s][l] = k;
        }
      }
    }
  }
  std::vector<StageRange> ranges(S);
  std::size_t end = n;
  for (std::size_t s = S; s-- > 0;) {
    const std::size_t begin = s == 0 ? 0 : cut[s][end];
    ranges[s] = {static_cast<std::int64_t>(begin), static_cast<std::int64_t>(end)};
    end = begin;
  }
  return ranges;
}

std::vector<StageRange> stages_from_layer_counts(const GptConfig& config,
                                                 std::span<const std::int64_t> layers_per_stage) {
  std::ostringstream list;
  std::int64_t total = 0;
  bool positive = !layers_per_stage.empty();
  for (std::int64_t n : layers_per_stage) {
    list << (total == 0 && positive ? "" : ",") << n;
    total += n;
    positive = positive && n > 0;
  }
  if (!positive || total != config.layers) {
    user_error(str("gpt: pipeline stage sizes [", list.str(),
                   "] must be positive and sum to layers = ", config.layers));
  }
  std::vector<StageRange> ranges;
  std::int64_t next = 0;
  for (std::int64_t n : layers_per_stage) {
    ranges.push_back({next, next + n});
    next += n;
  }
  return ranges;
}

}  // namespace dojo::model
