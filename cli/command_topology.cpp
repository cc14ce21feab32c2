// `dojo topology show|platform`: the machine model from the command line — draw the mesh with each
// chip's rank and the tile borders, or write a SimGrid platform and hostfile for simulated runs.
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "dojo/topology/machine_options.hpp"
#include "dojo/topology/placement.hpp"
#include "dojo/topology/render.hpp"
#include "dojo/topology/simgrid_platform.hpp"

namespace dojo::cli {
namespace {

// Options shared by both subcommands: the machine and where the ranks go.
struct PlacementOptions {
  topology::MachineOptions machine;
  int ranks = 0;         // 0: one rank per live chip
  std::string map_file;  // explicit placement, "rank gx gy" or "rank tile x y" per line

  void add_to(CLI::App& app) {
    machine.add_to(app);
    app.add_option("--ranks", ranks, "Ranks to place; 0 = one per live chip")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    app.add_option("--map", map_file,
                   "Placement file: one line per rank, 'rank gx gy' or 'rank tile x y' "
                   "(default: snake order, consecutive ranks on neighbouring chips)");
  }

  std::pair<topology::Machine, topology::Placement> resolve() const {
    topology::Machine m = machine.resolve();
    if (!map_file.empty()) {
      auto p = topology::Placement::from_map_file(
          m, map_file, ranks > 0 ? std::optional<int>(ranks) : std::nullopt);
      return {std::move(m), std::move(p)};
    }
    int n = ranks > 0 ? ranks : m.num_live_chips();
    auto p = topology::Placement::snake(m, n);
    return {std::move(m), std::move(p)};
  }
};

class TopologyCommand final : public Command {
 public:
  explicit TopologyCommand(CLI::App& app) {
    command_ = app.add_subcommand(
        "topology", "The Dojo machine model: show the mesh, write a SimGrid platform");
    command_->require_subcommand(1);
    show_ = command_->add_subcommand(
        "show",
        "Draw the mesh: each chip's rank ('.' no rank, 'X' dead), tile borders.\nExamples:\n"
        "  dojo topology show --preset tray\n  dojo topology show --tiles 2x2 --ranks 60\n"
        "  dojo topology show --machine topology/machines/example.toml");
    show_options_.add_to(*show_);
    show_
        ->add_option("--width", max_width_,
                     "Terminal columns; wider meshes are drawn a tile per cell")
        ->capture_default_str();
    platform_ = command_->add_subcommand(
        "platform",
        "Write a SimGrid platform (one host per chip, one link per mesh edge) and the hostfile "
        "that "
        "puts rank i on its chip, for: smpirun -platform FILE.xml -hostfile HOSTS ...");
    platform_options_.add_to(*platform_);
    platform_->add_option("--out", xml_path_, "Platform XML to write")->required();
    platform_->add_option("--hostfile", hostfile_path_, "Hostfile to write (rank order)")
        ->required();
  }
  bool chosen() const override { return command_->parsed(); }

  int run(Context& context) override {
    // The machine model is the same on every rank; one rank prints or writes.
    if (show_->parsed()) {
      auto [machine, placement] = show_options_.resolve();
      if (context.runtime.rank() == 0) {
        topology::RenderOptions options;
        options.max_width = max_width_;
        std::cout << machine.describe() << '\n'
                  << topology::render_mesh(machine, placement, options);
      }
      return 0;
    }
    auto [machine, placement] = platform_options_.resolve();
    if (context.runtime.rank() == 0) {
      write_file(xml_path_,
                 [&](std::ostream& out) { topology::write_simgrid_platform(machine, out); });
      write_file(hostfile_path_,
                 [&](std::ostream& out) { topology::write_hostfile(machine, placement, out); });
      std::cout << "wrote " << xml_path_ << " (" << machine.num_live_chips() << " hosts) and "
                << hostfile_path_ << " (" << placement.num_ranks() << " ranks)\nrun: smpirun -np "
                << placement.num_ranks() << " -platform " << xml_path_ << " -hostfile "
                << hostfile_path_
                << " --cfg=network/model:CM02 --cfg=smpi/simulate-computation:no PROGRAM\n";
    }
    return 0;
  }

 private:
  template <typename Write>
  static void write_file(const std::string& path, Write&& write) {
    std::ofstream out(path, std::ios::trunc);
    if (!out) user_error(str("cannot write '", path, "': check the folder exists and is writable"));
    write(out);
    out.flush();
    if (!out) user_error(str("writing '", path, "' failed (disk full?)"));
  }

  CLI::App* command_ = nullptr;
  CLI::App* show_ = nullptr;
  CLI::App* platform_ = nullptr;
  PlacementOptions show_options_, platform_options_;
  int max_width_ = 160;
  std::string xml_path_, hostfile_path_;
};

}  // namespace

std::unique_ptr<Command> make_topology_command(CLI::App& app) {
  return std::make_unique<TopologyCommand>(app);
}

}  // namespace dojo::cli
