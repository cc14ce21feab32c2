// `dojo`: the one command of the runtime. It starts MPI first so that a bad option is reported
// once, by rank 0, then parses the command line (and any --config TOML file) and runs the chosen
// command.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "config_file.hpp"
#include "dojo/common/log.hpp"
#include "dojo/common/stop_point.hpp"
#include "dojo/common/stop_signal.hpp"
#include "dojo/config/cli.hpp"
#include "dojo/runtime/guarded_main.hpp"
#include "dojo/runtime/runtime.hpp"

namespace {

struct GlobalOptions {
  std::string log_level = "info";
  std::string log_ranks = "0";
  int threads = 0;
  double watchdog = -1;
  std::string config;  // the global TOML file
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
      ->check(dojo::config::whole<int>(0, 4096));
  app.add_option("--watchdog", options.watchdog,
                 "Hang watchdog: seconds one collective or receive may wait before the job is "
                 "aborted with the rank, operation and call number; 0 = off (default: "
                 "DOJO_WATCHDOG_SECONDS, else 600)")
      ->check(dojo::config::real<double>(0, 1e7));
  dojo::cli::add_global_config_option(app, options.config);
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
  dojo::cli::last_value_wins(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help and --help-all
    if (speaker) app.exit(e, std::cout, std::cerr);
    return 0;
  } catch (const CLI::ParseError& e) {
    dojo::user_error(dojo::str(e.what(), " (run 'dojo --help' or 'dojo <command> --help')"));
  }
  dojo::cli::refuse_repeated_lists(app, argc, argv);
  dojo::cli::apply_config_files(app, global.config);

  dojo::runtime::RuntimeOptions options;
  options.threads_per_rank = global.threads;
  options.watchdog_seconds = global.watchdog;
  options.log.level = dojo::log::parse_level(global.log_level);
  options.log.all_ranks = global.log_ranks == "all";
  runtime.configure(options);
  dojo::stop_point(runtime.world(), dojo::StopPoint::start);

  dojo::cli::Context context{runtime};
  for (auto& command : commands) {
    if (!command->chosen()) continue;
    // Commands that never look at the stop flag take signals the default way from here.
    if (!command->polls_stop_signal()) dojo::stop_signal::restore_defaults();
    return command->run(context);
  }
  dojo::internal_error("no command was chosen although CLI11 requires one");
}

}  // namespace

int main(int argc, char** argv) {
  // `dojo serve` is a long-lived service, not an MPI job: the default signal actions stop it.
  if (argc > 1 && std::string_view(argv[1]) == "serve") return dojo::cli::serve_main(argc, argv);
  // First: from the moment the process starts, SIGUSR1/SIGTERM/SIGINT end it cleanly (exit 75 at
  // the next stop point, or a checkpoint in the training loop), never by the default action.
  dojo::stop_signal::install();
  return dojo::runtime::guarded_main([&] { return run(argc, argv); });
}
