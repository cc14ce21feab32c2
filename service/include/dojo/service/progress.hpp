// A job's progress from its run's metrics.jsonl (one JSON object per line, written by dojo train):
// the last training step and loss, throughput and, when the step count is known, time left.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>

namespace dojo::service {

// {"step", "loss", "samples_per_s", "tokens_per_s" (GPT), "steps", "seconds_left",
//  "eval_loss", "eval_accuracy"}; fields are null when not known yet.
nlohmann::json read_progress(const std::filesystem::path& metrics, std::int64_t steps,
                             std::int64_t global_batch, std::int64_t context);

// Metrics records from byte `offset` on (whole lines only, at most `max_records`), and the offset
// to ask from next time.
nlohmann::json read_metrics(const std::filesystem::path& metrics, std::uint64_t offset,
                            std::size_t max_records);

}  // namespace dojo::service
