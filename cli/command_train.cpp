// `dojo train`: trains a model on the job's ranks laid out as data x tensor x pipeline parallel.
#include <iostream>

#include "commands.hpp"
#include "config_file.hpp"
#include "dojo/common/stop_signal.hpp"
#include "dojo/jobs/trainer.hpp"
#include "resolved_config.hpp"

namespace dojo::cli {
namespace {

class TrainCommand final : public Command {
 public:
  explicit TrainCommand(CLI::App& app) {
    command_ = app.add_subcommand(
        "train",
        "Train a model on a dojo data set; the ranks form a data x tensor x pipeline parallel "
        "grid (--layout DP,TP,PP; the MLP is data parallel only).\nExamples:\n"
        "  mpirun -n 4 dojo train --config configs/fashion-mlp.toml\n"
        "  mpirun -n 8 dojo train --config configs/fortunes-gpt-3d.toml --layout 2,2,2 --dry-run\n"
        "  srun dojo train --config configs/fortunes-gpt.toml --steps 200 --out runs/short\n"
        "  srun dojo train --config configs/fashion-mlp.toml --checkpoint-every 100 --resume auto\n"
        "Exit codes: 0 done; 2 bad input (one line from rank 0, nothing started); 75 stopped by "
        "SIGUSR1/SIGTERM after saving a checkpoint (run again with --resume auto); other: a "
        "failure, named with its rank.");
    add_config_option(*command_, config_path_);
    jobs::add_train_options(*command_, config_);
  }
  bool chosen() const override { return command_->parsed(); }
  bool polls_stop_signal() const override { return true; }

  int run(Context& context) override {
    auto& rt = context.runtime;
    // Only what applies to this model and optimizer; `dojo train --config` reads it back.
    std::string resolved = resolved_toml(
        *command_, [this](std::string_view name) { return jobs::option_applies(config_, name); });
    if (rt.rank() == 0) std::cout << "# resolved configuration\n" << resolved << std::flush;
    auto result = jobs::train(config_, rt, resolved);
    if (config_.dry_run) {
      if (rt.rank() == 0) std::cout << "# dry run: nothing trained\n" << result.dry_run_plan;
      return 0;
    }
    if (!result.stopped_by.empty()) {
      if (rt.rank() == 0)
        std::cout << "stopped by " << result.stopped_by << " after step " << result.steps
                  << "; checkpoint: " << result.checkpoint
                  << "\nresume with the same command and --resume auto (exit code "
                  << stop_signal::kExitStopped << ")\n";
      return stop_signal::kExitStopped;
    }
    if (rt.rank() == 0) {
      std::cout << "trained " << result.steps << " steps in " << result.seconds
                << " s; final eval loss " << result.eval_loss;
      if (result.eval_accuracy >= 0)
        std::cout << ", accuracy " << result.eval_accuracy * 100 << "%";
      std::cout << "\nmetrics: " << result.metrics_path << "\nplot:    tools/plot "
                << result.metrics_path << "\n";
      if (!result.checkpoint.empty()) std::cout << "checkpoint: " << result.checkpoint << "\n";
    }
    return 0;
  }

 private:
  CLI::App* command_ = nullptr;
  jobs::TrainConfig config_;
  std::string config_path_;
};

}  // namespace

std::unique_ptr<Command> make_train_command(CLI::App& app) {
  return std::make_unique<TrainCommand>(app);
}

}  // namespace dojo::cli
