// The subcommands of `dojo`. Each registers its options on the CLI11 app at start-up and runs when
// chosen; `Context` carries what every command may need.
#pragma once

#include <CLI/CLI.hpp>

#include "dojo/runtime/runtime.hpp"

namespace dojo::cli {

struct Context {
  runtime::Runtime& runtime;
};

class Command {
 public:
  virtual ~Command() = default;
  // True when the user chose this command on the command line.
  virtual bool chosen() const = 0;
  virtual int run(Context& context) = 0;
  // True when the command stops cleanly on SIGUSR1/SIGTERM/SIGINT by polling the stop flag
  // (training); the others get the signals' default actions once they run.
  virtual bool polls_stop_signal() const { return false; }
};

std::unique_ptr<Command> make_info_command(CLI::App& app);
std::unique_ptr<Command> make_bench_command(CLI::App& app);
// `dojo bench convert`, a subcommand of the bench command given (command_bench_convert.cpp).
std::unique_ptr<Command> make_bench_convert_command(CLI::App& bench);
std::unique_ptr<Command> make_topology_command(CLI::App& app);
std::unique_ptr<Command> make_data_command(CLI::App& app);
std::unique_ptr<Command> make_train_command(CLI::App& app);
std::unique_ptr<Command> make_checkpoint_command(CLI::App& app);
// `dojo serve ...` runs outside MPI: main() calls this before the runtime starts.
int serve_main(int argc, char** argv);

}  // namespace dojo::cli
