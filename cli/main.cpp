// `dojo`: the one command of the runtime. It starts MPI first so that a bad option is reported
// once, by rank 0, then parses the command line (and any --config TOML file) and runs the chosen
// command.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "dojo/common/log.hpp"
#include "dojo/runtime/guarded_main.hpp"
#include "dojo/runtime/runtime.hpp"

namespace {

struct GlobalOptions {
  std::string log_level = "info";
  std::string log_ranks = "0";
  int threads = 0;
  double watchdog = -1;
};

void add_global_options(CLI::App& app, GlobalOptions& options) {
  app.add_option("--log-level", options.log_level,
                 "How much to log: error, warn, info, debug, trace")
      ->capture_default_str()
      ->check(CLI::IsMember({"error", "warn", "info", "debug", "trace"}));
  app.add_option("--log-ranks", options.log_ranks,
                 "Which ranks log: 0 (rank 0 only) or all; errors always print from every rank")
      ->capture_default_str()
      ->check(CLI::IsMember({"0", "all"}));
  app.add_option("--threads", options.threads,
                 "Compute threads per rank (BLIS and dojo kernels); 0 = the rank's share of the "
                 "node's cores, or SLURM_CPUS_PER_TASK under Slurm")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--watchdog", options.watchdog,
                 "Hang watchdog: seconds one collective or receive may wait before the job is "
                 "aborted with the rank, operation and call number; 0 = off (default: "
                 "DOJO_WATCHDOG_SECONDS, else 600)")
      ->check(CLI::NonNegativeNumber);
  app.set_config("--config", "",
                 "Read global options from a TOML file; a command's options go in its [command] "
                 "section (command-line options win)");
}

// An option given twice takes the last value, as users of batch scripts expect when they append
// an override to a script's arguments (`sbatch train.sbatch --steps 500`). List options
// (--hidden 256 128) keep all the values of their last use... CLI11 joins them, so those are left
// as they are.
void last_value_wins(CLI::App& app) {
  for (CLI::Option* option : app.get_options())
    if (option->get_items_expected_max() == 1 && option->get_type_size() == 1)
      option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  for (CLI::App* sub : app.get_subcommands({})) last_value_wins(*sub);
}

int run(int argc, char** argv) {
  dojo::runtime::Runtime runtime(argc, argv);
  const bool speaker = runtime.rank() == 0;

  CLI::App app{
      "dojo: a training runtime for supercomputers. Launch it with srun or mpirun; every rank runs "
      "the same command.\nExamples:\n  mpirun -n 4 dojo info\n"
      "  dojo data prepare fashion-mnist --out data/fashion-mnist.h5\n"
      "  dojo serve --help   (training as a service: HTTP API and web page over Slurm)\n"
      "  mpirun -n 4 dojo train --config configs/fashion-mlp.toml\n  dojo bench gemm --threads 2",
      "dojo"};
  app.require_subcommand(1);
  app.fallthrough();  // global options such as --threads may follow the subcommand too
  app.get_formatter()->column_width(40);
  GlobalOptions global;
  add_global_options(app, global);
  std::vector<std::unique_ptr<dojo::cli::Command>> commands;
  commands.push_back(dojo::cli::make_info_command(app));
  commands.push_back(dojo::cli::make_bench_command(app));
  commands.push_back(dojo::cli::make_topology_command(app));
  commands.push_back(dojo::cli::make_data_command(app));
  commands.push_back(dojo::cli::make_train_command(app));
  commands.push_back(dojo::cli::make_checkpoint_command(app));
  last_value_wins(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help and --help-all
    if (speaker) app.exit(e, std::cout, std::cerr);
    return 0;
  } catch (const CLI::ParseError& e) {
    dojo::user_error(dojo::str(e.what(), " (run 'dojo --help' or 'dojo <command> --help')"));
  }

  dojo::runtime::RuntimeOptions options;
  options.threads_per_rank = global.threads;
  options.watchdog_seconds = global.watchdog;
  options.log.level = dojo::log::parse_level(global.log_level);
  options.log.all_ranks = global.log_ranks == "all";
  runtime.configure(options);

  dojo::cli::Context context{runtime};
  for (auto& command : commands)
    if (command->chosen()) return command->run(context);
  dojo::internal_error("no command was chosen although CLI11 requires one");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "serve") return dojo::cli::serve_main(argc, argv);
  return dojo::runtime::guarded_main([&] { return run(argc, argv); });
}
