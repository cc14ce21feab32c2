// `dojo data prepare ...`: converts public data into dojo's HDF5 data-set layout.
#include <iostream>

#include "commands.hpp"
#include "dojo/config/cli.hpp"
#include "dojo/io/prepare.hpp"

namespace dojo::cli {
namespace {

class DataCommand final : public Command {
 public:
  explicit DataCommand(CLI::App& app) {
    command_ = app.add_subcommand("data", "Prepare data sets (HDF5, see docs/data-format.md)");
    command_->require_subcommand(1);
    auto* prepare = command_->add_subcommand("prepare", "Convert public data into a dojo data set");
    prepare->require_subcommand(1);
    fashion_ = prepare->add_subcommand(
        "fashion-mnist",
        "Fashion-MNIST (Debian package dataset-fashion-mnist) -> train (60000) and test (10000)");
    fashion_->add_option("--out", fashion_options_.out, "File to write")->required();
    fashion_->add_option("--source", fashion_options_.source, "Folder with the IDX files")
        ->capture_default_str();
    text_ = prepare->add_subcommand(
        "text",
        "Byte-level tokens from text files (default: Debian's fortunes) -> train, validation");
    text_->add_option("--in", text_options_.inputs, "Text files; default: the fortunes corpus");
    text_->add_option("--out", text_options_.out, "File to write")->required();
    text_
        ->add_option("--validation-fraction", text_options_.validation_fraction,
                     "Share of each file (its end) kept for validation")
        ->capture_default_str()
        ->check(config::real<double>(0.0, 0.99));
  }
  bool chosen() const override { return command_->parsed(); }

  int run(Context& context) override {
    auto comm = context.runtime.world().get();
    io::PrepareSummary summary = fashion_->parsed()
                                     ? io::prepare_fashion_mnist(fashion_options_, comm)
                                     : io::prepare_text(text_options_, comm);
    if (context.runtime.rank() == 0)
      for (const auto& line : summary.describe()) std::cout << line << '\n';
    return 0;
  }

 private:
  CLI::App* command_ = nullptr;
  CLI::App* fashion_ = nullptr;
  CLI::App* text_ = nullptr;
  io::FashionMnistOptions fashion_options_;
  io::TextOptions text_options_;
};

}  // namespace

std::unique_ptr<Command> make_data_command(CLI::App& app) {
  return std::make_unique<DataCommand>(app);
}

}  // namespace dojo::cli
