// `dojo info`: what this job is made of, printed once by rank 0 — ranks, nodes, threads, MPI, the
// transport (and whether UCX carries it), BLIS, devices, Slurm — and, with --layout, the process
// grid each rank sits in.
#include <blis.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <iostream>
#include <map>
#include <set>

#include "commands.hpp"
#include "dojo/device/registry.hpp"
#include "dojo/runtime/process_grid.hpp"
#include "dojo/runtime/transport.hpp"
#include "table.hpp"

namespace dojo::cli {
namespace {

// What each rank reports to rank 0; fixed size so one MPI_Gather carries it.
struct RankReport {
  int rank;
  int node;
  int local_rank;
  int threads;
  std::array<char, 64> host;
};

std::string blis_description() {
  return str("BLIS ", bli_info_get_version_str(), ", kernels for ",
             bli_arch_string(bli_arch_query_id()), ", threading ",
             bli_info_get_enable_openmp()     ? "OpenMP"
             : bli_info_get_enable_pthreads() ? "pthreads"
                                              : "none");
}

class InfoCommand final : public Command {
 public:
  explicit InfoCommand(CLI::App& app) {
    command_ = app.add_subcommand("info",
                                  "Print what this job runs on: ranks, nodes, threads, MPI, "
                                  "transport, BLIS, devices and Slurm");
    command_->add_option("--layout", layout_text_,
                         "Also show the process grid for this data,tensor,pipeline layout, e.g. "
                         "2,2,1 (dp*tp*pp must equal the number of ranks)");
  }
  bool chosen() const override { return command_->parsed(); }

  int run(Context& context) override {
    auto& rt = context.runtime;
    std::optional<runtime::ProcessGrid> grid;
    if (!layout_text_.empty()) grid.emplace(rt.world(), runtime::parse_layout(layout_text_));

    RankReport mine{rt.rank(), rt.node_index(), rt.local_rank(), rt.threads().threads, {}};
    std::strncpy(mine.host.data(), rt.hostname().c_str(), mine.host.size() - 1);
    std::vector<RankReport> all(rt.rank() == 0 ? rt.size() : 0);
    DOJO_CHECK_MPI(MPI_Gather(&mine, sizeof mine, MPI_BYTE, all.data(), sizeof mine, MPI_BYTE, 0,
                              rt.world().get()));
    std::vector<GridCoord> coords(rt.rank() == 0 ? rt.size() : 0);
    if (grid) {
      GridCoord c = grid->coord();
      DOJO_CHECK_MPI(MPI_Gather(&c, sizeof c, MPI_BYTE, coords.data(), sizeof c, MPI_BYTE, 0,
                                rt.world().get()));
    }
    if (rt.rank() != 0) return 0;

    std::map<int, std::string> node_hosts;
    int min_threads = all[0].threads, max_threads = all[0].threads;
    for (const auto& r : all) {
      node_hosts[r.node] = r.host.data();
      min_threads = std::min(min_threads, r.threads);
      max_threads = std::max(max_threads, r.threads);
    }
    std::string hosts;
    for (const auto& [node, host] : node_hosts) hosts += (hosts.empty() ? "" : ", ") + host;

    Table table({"item", "value"});
    table.align_numbers_right(false);
    table.add({"ranks", std::to_string(rt.size())});
    table.add({"nodes", str(rt.node_count(), " (", hosts, ")")});
    table.add({"ranks per node", std::to_string(rt.max_ranks_per_node())});
    table.add({"threads per rank", min_threads == max_threads
                                       ? str(min_threads, " (", rt.threads().source, ")")
                                       : str(min_threads, "-", max_threads)});
    table.add({"cores on node 0", str(rt.threads().node_cores, " online, ",
                                      rt.threads().cores_visible, " in rank 0's affinity mask")});
    table.add({"launcher", rt.launcher()});
    table.add({"MPI library", first_line(mpi::library_version())});
    int version = 0, subversion = 0;
    MPI_Get_version(&version, &subversion);
    table.add({"MPI standard", str(version, ".", subversion)});
    table.add({"thread level",
               str(runtime::thread_level_name(rt.thread_level_provided()), " granted (asked for ",
                   runtime::thread_level_name(rt.thread_level_requested()), ")")});
    const runtime::Transport transport = runtime::point_to_point_transport();
    table.add({"point-to-point", runtime::describe_point_to_point(transport)});
    table.add({"UCX", runtime::describe_ucx(transport)});
    table.add({"BLIS", blis_description()});
    table.add({"devices", device::describe_devices(device::list_devices())});
    const auto& slurm = rt.slurm();
    table.add({"Slurm job", slurm.in_job()
                                ? str(slurm.job_id, " on ", slurm.nodes.size(), " node(s)")
                                : std::string("none")});
    if (grid)
      table.add({"layout", str(runtime::to_string(grid->layout()), " (rank order ",
                               grid->order().name(), ")")});
    table.print(std::cout);

    if (grid) {
      std::cout << '\n';
      Table ranks({"rank", "node", "host", "dp", "tp", "pp"});
      for (std::size_t i = 0; i < all.size(); ++i)
        ranks.add({std::to_string(all[i].rank), std::to_string(all[i].node), all[i].host.data(),
                   std::to_string(coords[i].dp), std::to_string(coords[i].tp),
                   std::to_string(coords[i].pp)});
      ranks.print(std::cout);
    }
    return 0;
  }

 private:
  using GridCoord = runtime::GridCoord;
  static std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

  CLI::App* command_ = nullptr;
  std::string layout_text_;
};

}  // namespace

std::unique_ptr<Command> make_info_command(CLI::App& app) {
  return std::make_unique<InfoCommand>(app);
}

}  // namespace dojo::cli
