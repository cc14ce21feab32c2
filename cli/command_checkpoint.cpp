// `dojo checkpoint inspect FILE`: what a training checkpoint holds (step, layout, config, tensors
// with shapes and checksums) and whether its data still matches its checksums. Every rank takes
// part (the checksumming is shared); rank 0 prints.
#include <iostream>

#include "commands.hpp"
#include "dojo/io/checkpoint.hpp"

namespace dojo::cli {
namespace {

class CheckpointCommand final : public Command {
 public:
  explicit CheckpointCommand(CLI::App& app) {
    command_ = app.add_subcommand(
        "checkpoint", "Look into training checkpoints (HDF5, see docs/checkpoint-format.md)");
    command_->require_subcommand(1);
    inspect_ = command_->add_subcommand(
        "inspect", "Print a checkpoint's step, layout, config and tensors (shapes, checksums)");
    inspect_->add_option("file", file_, "Checkpoint file, e.g. runs/x/step-00001200.h5")
        ->required();
    inspect_
        ->add_flag("--verify,!--no-verify", verify_,
                   "Re-read every tensor and compare it with its stored CRC-32")
        ->capture_default_str();
  }
  bool chosen() const override { return command_->parsed(); }

  int run(Context& context) override {
    io::CheckpointInspection inspection =
        io::inspect_checkpoint(file_, verify_, context.runtime.world().get());
    if (context.runtime.rank() == 0) std::cout << inspection.report << std::flush;
    // The report names the tensor that does not match; the error line says what it means.
    if (!inspection.checksum_problem.empty())
      user_error(str(file_, " is corrupt: ", inspection.checksum_problem,
                     "; resume from an earlier checkpoint"));
    return 0;
  }

 private:
  CLI::App* command_ = nullptr;
  CLI::App* inspect_ = nullptr;
  std::string file_;
  bool verify_ = true;
};

}  // namespace

std::unique_ptr<Command> make_checkpoint_command(CLI::App& app) {
  return std::make_unique<CheckpointCommand>(app);
}

}  // namespace dojo::cli
