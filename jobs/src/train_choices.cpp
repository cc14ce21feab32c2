#include "train_choices.hpp"

#include <initializer_list>
#include <string_view>
#include <utility>

#include "dojo/common/error.hpp"

namespace dojo::jobs {
namespace {

template <typename Enum>
Enum choose(const std::string& value, const char* option,
            std::initializer_list<std::pair<std::string_view, Enum>> choices) {
  std::string names;
  for (const auto& [name, kind] : choices) {
    if (value == name) return kind;
    names += str(names.empty() ? "" : ", ", name);
  }
  user_error(str(option, " '", value, "': choose one of ", names));
}

}  // namespace

TrainChoices parse_choices(const TrainConfig& config) {
  TrainChoices c;
  c.model = choose<ModelKind>(config.model, "--model",
                              {{"mlp", ModelKind::mlp}, {"gpt", ModelKind::gpt}});
  c.optimizer =
      choose<OptimizerKind>(config.optimizer, "--optimizer",
                            {{"adamw", OptimizerKind::adamw}, {"sgd", OptimizerKind::sgd}});
  c.placement = choose<PlacementKind>(
      config.placement, "--placement",
      {{"mesh", PlacementKind::mesh}, {"rank-order", PlacementKind::rank_order}});
  if (config.resume == "never") {
    c.resume = ResumeMode::never;
  } else if (config.resume == "auto") {
    c.resume = ResumeMode::latest;
  } else {
    c.resume = ResumeMode::file;
    c.resume_file = config.resume;
  }
  return c;
}

}  // namespace dojo::jobs
