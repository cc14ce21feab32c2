// Placement: which chip each MPI rank runs on. Made from the machine's snake order (default), from
// Slurm's node order and local ranks, from an explicit map file, or from a list of chips. Every
// way skips dead chips and fails with a user error when the ranks do not fit.
#pragma once

#include <istream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dojo/topology/machine.hpp"

namespace dojo::topology {

// One rank as Slurm starts it: its node's index in the job's node list (SLURM_NODEID) and its rank
// on that node (SLURM_LOCALID).
struct NodeSlot {
  int node = 0;
  int local_rank = 0;
};

class Placement {
 public:
  // Ranks 0..num_ranks-1 on the first num_ranks chips of snake_order(machine), so consecutive ranks
  // are neighbours and tiles fill one after another.
  static Placement snake(const Machine& machine, int num_ranks);

  // slots[r] for each rank r. Node n's ranks take snake positions n * ranks_per_node + local_rank,
  // so a node's ranks sit on consecutive, neighbouring chips.
  static Placement from_slurm(const Machine& machine, std::span<const NodeSlot> slots,
                              int ranks_per_node);

  // A map: one line per rank, "rank gx gy" or "rank tile x y"; '#' starts a comment. num_ranks is
  // the job's size (every rank 0..num_ranks-1 must appear), or nullopt for max rank + 1.
  static Placement from_map(const Machine& machine, std::istream& map, std::string_view source,
                            std::optional<int> num_ranks = std::nullopt);
  static Placement from_map_file(const Machine& machine, const std::string& path,
                                 std::optional<int> num_ranks = std::nullopt);

  // chip_of_rank[r] is rank r's chip; each must be live and used once.
  static Placement from_chips(const Machine& machine, std::vector<Chip> chip_of_rank);

  int num_ranks() const noexcept { return static_cast<int>(chip_of_rank_.size()); }
  Chip chip_of(int rank) const;                 // rank in [0, num_ranks)
  std::optional<int> rank_at(Chip chip) const;  // nullopt for no rank or off the mesh
  const std::vector<Chip>& chips() const noexcept { return chip_of_rank_; }  // (num_ranks) by rank
  // The mesh it was made for, to check it is used with the same machine.
  int mesh_width() const noexcept { return width_; }
  int mesh_height() const noexcept { return height_; }

 private:
  Placement(const Machine& machine, std::vector<Chip> chip_of_rank, std::string_view source);

  int width_ = 0;
  int height_ = 0;
  std::vector<Chip> chip_of_rank_;  // (num_ranks)
  std::vector<int> rank_at_chip_;   // (height * width) by Machine::index, -1 for no rank
};

}  // namespace dojo::topology
