// `dojo topology show|platform`: the machine model from the command line — draw the mesh with each
// chip's rank and the tile borders (or, with --layout, each chip's dp/tp/pp grid point and the
// hop summary of the placement), or write a SimGrid platform and hostfile for simulated runs.
#include <fstream>
#include <iostream>
#include <map>

#include "commands.hpp"
#include "dojo/config/cli.hpp"
#include "dojo/runtime/mesh_grid.hpp"
#include "dojo/topology/placement.hpp"
#include "dojo/topology/render.hpp"
#include "dojo/topology/simgrid_platform.hpp"
#include "machine_options.hpp"
#include "table.hpp"

namespace dojo::cli {
namespace {

// Options shared by both subcommands: the machine and where the ranks go.
struct PlacementOptions {
  MachineOptions machine;
  int ranks = 0;         // 0: one rank per live chip
  std::string map_file;  // explicit placement, "rank gx gy" or "rank tile x y" per line

  void add_to(CLI::App& app) {
    machine.add_to(app);
    app.add_option("--ranks", ranks, "Ranks to place; 0 = one per live chip")
        ->capture_default_str()
        ->check(config::whole<int>(0, 1'000'000));
    app.add_option("--map", map_file,
                   "Placement file: one line per rank, 'rank gx gy' or 'rank tile x y' "
                   "(default: snake order, consecutive ranks on neighbouring chips)");
  }

  // ranks_wanted: the layout's rank count (0: none given), which --ranks must then agree with.
  std::pair<topology::Machine, topology::Placement> resolve(int ranks_wanted = 0) const {
    topology::Machine m = machine.resolve();
    int num_ranks = ranks;
    if (ranks_wanted > 0) {
      if (ranks > 0 && ranks != ranks_wanted)
        user_error(str("--layout needs ", ranks_wanted, " ranks (dp*tp*pp) but --ranks is ", ranks,
                       ": drop --ranks or give a layout whose product is ", ranks));
      num_ranks = ranks_wanted;
    }
    if (!map_file.empty()) {
      auto p = topology::Placement::from_map_file(
          m, map_file, num_ranks > 0 ? std::optional<int>(num_ranks) : std::nullopt);
      return {std::move(m), std::move(p)};
    }
    int n = num_ranks > 0 ? num_ranks : m.num_live_chips();
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
        "  dojo topology show --machine topology/machines/example.toml\n"
        "  dojo topology show --tiles 2x2 --layout 4,5,5 --label tp");
    show_options_.add_to(*show_);
    show_
        ->add_option("--layout", layout_text_,
                     "Place a dp,tp,pp process grid (e.g. 4,5,5) on the ranks' chips: label each "
                     "chip with its grid point and print the hops between group neighbours")
        ->type_name("DP,TP,PP");
    show_
        ->add_option("--label", label_,
                     "With --layout: label chips by grid point (coord, e.g. d0t1p2) or by one "
                     "coordinate (dp, tp, pp), or by rank")
        ->capture_default_str()
        ->check(CLI::IsMember({"coord", "dp", "tp", "pp", "rank"}));
    show_
        ->add_option("--width", max_width_,
                     "Terminal columns; wider meshes are drawn a tile per cell")
        ->capture_default_str()
        ->check(config::whole<int>(20, 100'000));
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
    if (show_->parsed() && !layout_text_.empty()) return show_grid(context);
    if (show_->parsed()) {
      if (label_ != "coord" && label_ != "rank")
        user_error(str("--label ", label_, " needs a grid: give --layout dp,tp,pp as well"));
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
  // `show --layout`: the mesh labelled by grid point, the placement's rules and its hop summary
  // against the default order on the same chips.
  int show_grid(Context& context) {
    const runtime::Layout layout = runtime::parse_layout(layout_text_);
    auto [machine, placement] = show_options_.resolve(layout.ranks());
    const runtime::MeshGridPlan plan(std::move(machine), std::move(placement), layout);
    if (context.runtime.rank() != 0) return 0;
    const topology::GridPlacement& grid = plan.grid();
    topology::RenderOptions options;
    options.max_width = max_width_;
    options.label = [&](int rank) {
      const topology::GridPoint& p = grid.point_of(rank);
      if (label_ == "dp") return std::to_string(p.dp);
      if (label_ == "tp") return std::to_string(p.tp);
      if (label_ == "pp") return std::to_string(p.pp);
      if (label_ == "rank") return std::to_string(rank);
      return str("d", p.dp, "t", p.tp, "p", p.pp);
    };
    std::cout << plan.machine().describe() << '\n'
              << "layout " << runtime::to_string(layout) << ": " << grid.strategy() << '\n'
              << topology::render_mesh(plan.machine(), plan.placement(), options) << '\n';
    const topology::GridHopSummary mesh = plan.hops(), fallback = plan.default_hops();
    Table table({"axis", "degree", "neighbour pairs", "mean hops", "max hops", "default mean",
                 "default max", "group 0 geometry"});
    const std::map<runtime::Axis, std::string> neighbours = {{runtime::Axis::tp, "tp t,t+1"},
                                                             {runtime::Axis::pp, "pp p,p+1"},
                                                             {runtime::Axis::dp, "dp ring"}};
    for (runtime::Axis axis : {runtime::Axis::tp, runtime::Axis::pp, runtime::Axis::dp}) {
      const topology::AxisHops& hops = mesh[runtime::grid_axis(axis)];
      const topology::AxisHops& old = fallback[runtime::grid_axis(axis)];
      const collectives::MeshGeometry geometry = plan.geometry(axis, {});
      table.add(
          {neighbours.at(axis), std::to_string(layout.degree(axis)), std::to_string(hops.pairs),
           fixed(hops.mean, 2), std::to_string(hops.max), fixed(old.mean, 2),
           std::to_string(old.max),
           str(geometry.columns, " x ", geometry.rows, geometry.is_full() ? "" : " partial")});
    }
    table.print(std::cout);
    std::cout << "hops between neighbours in each group; default = tp fastest, then dp, then pp, "
                 "on the same chips\n";
    return 0;
  }

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
  std::string layout_text_;      // dp,tp,pp for `show --layout`; empty: draw ranks
  std::string label_ = "coord";  // what a chip shows with --layout
  std::string xml_path_, hostfile_path_;
};

}  // namespace

std::unique_ptr<Command> make_topology_command(CLI::App& app) {
  return std::make_unique<TopologyCommand>(app);
}

}  // namespace dojo::cli
