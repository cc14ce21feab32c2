// `dojo train --dry-run`: the layout, the stage split and the schedules, without training.
#include "training_plan.hpp"

#include <sstream>

#include "dojo/common/error.hpp"
#include "dojo/io/validate.hpp"
#include "dojo/model/gpt_partition.hpp"
#include "dojo/runtime/pipeline.hpp"
#include "step_engine.hpp"
#include "train_choices.hpp"

namespace dojo::jobs {

model::GptConfig gpt_config(const TrainConfig& config, std::int64_t vocab_size) {
  model::GptConfig g;
  g.layers = config.layers;
  g.channels = config.channels;
  g.heads = config.heads;
  g.context_length = config.context;
  g.vocab_size = vocab_size;
  g.tied_embedding = config.tied_embedding;
  g.seed = config.seed;
  g.validate();
  return g;
}

std::string describe_training_plan(const TrainConfig& config, const mpi::Comm& world) {
  const runtime::Layout layout = resolved_layout(config, world.size());
  std::ostringstream out;
  out << "layout " << runtime::to_string(layout) << " on " << world.size()
      << " rank(s); rank order: tp fastest, then dp, then pp\n";
  const std::int64_t replica_batch = config.global_batch / layout.dp;
  if (parse_choices(config).model != ModelKind::gpt) {
    out << "model " << config.model << ": data parallel, " << replica_batch
        << " samples per rank and step\n";
    return out.str();
  }
  auto info = io::validate(config.data, io::DatasetKind::tokens, world.get());
  const model::GptConfig g = gpt_config(config, info.vocab_size);
  PipelineOptions options;
  options.layers_per_stage = config.stages;
  const auto ranges = gpt_stage_ranges(g, layout.pp, options);
  out << "model gpt: " << g.parameter_count() << " parameters, " << g.layers
      << " blocks, vocabulary " << g.vocab_size << "; tensor parallel over " << layout.tp
      << " rank(s) per stage\n";
  for (std::size_t s = 0; s < ranges.size(); ++s) {
    const bool first = s == 0, last = s + 1 == ranges.size();
    out << "stage " << s << ": blocks " << ranges[s].first_layer << ".." << ranges[s].end_layer - 1
        << (first ? " + embeddings" : "") << (last ? " + ln_f and head" : "") << ", "
        << model::stage_parameter_count(g, ranges[s], first, last) << " parameters (about "
        << model::stage_parameter_count(g, ranges[s], first, last) / layout.tp << " per tp rank)\n";
  }
  const auto kind = *runtime::parse_schedule(config.schedule);
  std::vector<std::vector<runtime::PipelineAction>> schedules;
  for (int s = 0; s < layout.pp; ++s)
    schedules.push_back(runtime::build_schedule(kind, s, layout.pp, config.micro_batches));
  if (std::string problem = runtime::validate_schedules(schedules); !problem.empty())
    internal_error(str("the ", config.schedule, " schedule is not valid: ", problem));
  out << "schedule " << config.schedule << ": " << config.micro_batches << " micro-batch(es) of "
      << replica_batch / config.micro_batches << " sequences per replica; at most "
      << runtime::peak_in_flight(schedules.front()) << " in flight on stage 0\n";
  out << runtime::format_schedules(schedules, layout.pp > 1);
  return out.str();
}

}  // namespace dojo::jobs
