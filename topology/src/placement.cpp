// Placements by snake order, by Slurm node order and from explicit chip lists; the map-file reader
// lives in placement_map_file.cpp.
#include "dojo/topology/placement.hpp"

#include "dojo/common/error.hpp"
#include "dojo/topology/snake_order.hpp"

namespace dojo::topology {
namespace {

void require_fits(const Machine& machine, long long positions, std::string_view what) {
  if (positions > machine.num_live_chips())
    user_error(str(what, " needs ", positions, " chips but the machine (", machine.spec().name,
                   ", ", machine.width(), " x ", machine.height(), ") has only ",
                   machine.num_live_chips(),
                   " live chips: choose a bigger machine (--preset, --tiles) or fewer ranks"));
}

}  // namespace

Placement::Placement(const Machine& machine, std::vector<Chip> chip_of_rank,
                     std::string_view source)
    : width_(machine.width()),
      height_(machine.height()),
      chip_of_rank_(std::move(chip_of_rank)),
      rank_at_chip_(static_cast<std::size_t>(machine.num_chips()), -1) {
  for (int rank = 0; rank < num_ranks(); ++rank) {
    Chip chip = chip_of_rank_[static_cast<std::size_t>(rank)];
    if (!machine.contains(chip))
      user_error(str(source, ": rank ", rank, " is on chip ", to_string(chip), ", outside the ",
                     width_, " x ", height_, " mesh"));
    if (machine.is_dead(chip))
      user_error(str(source, ": rank ", rank, " is on chip ", to_string(chip),
                     ", which is dead: move it to a live chip"));
    int& holder = rank_at_chip_[static_cast<std::size_t>(machine.index(chip))];
    if (holder >= 0)
      user_error(str(source, ": ranks ", holder, " and ", rank, " are both on chip ",
                     to_string(chip), ": give each rank its own chip"));
    holder = rank;
  }
}

Placement Placement::snake(const Machine& machine, int num_ranks) {
  if (num_ranks <= 0) user_error(str("placement: ", num_ranks, " ranks: need at least one"));
  require_fits(machine, num_ranks, str(num_ranks, " ranks"));
  std::vector<Chip> order = snake_order(machine);
  order.resize(static_cast<std::size_t>(num_ranks));
  return Placement(machine, std::move(order), "snake placement");
}

Placement Placement::from_slurm(const Machine& machine, std::span<const NodeSlot> slots,
                                int ranks_per_node) {
  if (slots.empty()) user_error("Slurm placement: no ranks given");
  if (ranks_per_node <= 0)
    user_error(str("Slurm placement: ranks per node = ", ranks_per_node, " must be positive"));
  std::vector<Chip> order = snake_order(machine);
  std::vector<int> rank_at_position(order.size(), -1);
  std::vector<Chip> chips;
  chips.reserve(slots.size());
  for (std::size_t rank = 0; rank < slots.size(); ++rank) {
    const NodeSlot& slot = slots[rank];
    if (slot.node < 0 || slot.local_rank < 0 || slot.local_rank >= ranks_per_node)
      user_error(str("Slurm placement: rank ", rank, " has node ", slot.node, ", local rank ",
                     slot.local_rank, ": need node >= 0 and 0 <= local rank < ", ranks_per_node,
                     " (ranks per node)"));
    long long position = static_cast<long long>(slot.node) * ranks_per_node + slot.local_rank;
    require_fits(
        machine, position + 1,
        str("Slurm placement: node ", slot.node, " with ", ranks_per_node, " ranks per node"));
    int& holder = rank_at_position[static_cast<std::size_t>(position)];
    if (holder >= 0)
      user_error(str("Slurm placement: ranks ", holder, " and ", rank, " both claim node ",
                     slot.node, ", local rank ", slot.local_rank,
                     ": each (node, local rank) must be unique"));
    holder = static_cast<int>(rank);
    chips.push_back(order[static_cast<std::size_t>(position)]);
  }
  return Placement(machine, std::move(chips), "Slurm placement");
}

Placement Placement::from_chips(const Machine& machine, std::vector<Chip> chip_of_rank) {
  if (chip_of_rank.empty()) user_error("placement: no ranks given");
  return Placement(machine, std::move(chip_of_rank), "placement");
}

Chip Placement::chip_of(int rank) const {
  check(rank >= 0 && rank < num_ranks(), "Placement::chip_of: rank in range");
  return chip_of_rank_[static_cast<std::size_t>(rank)];
}

std::optional<int> Placement::rank_at(Chip chip) const {
  if (chip.gx < 0 || chip.gy < 0 || chip.gx >= width_ || chip.gy >= height_) return std::nullopt;
  int rank = rank_at_chip_[static_cast<std::size_t>(chip.gy * width_ + chip.gx)];
  if (rank < 0) return std::nullopt;
  return rank;
}

}  // namespace dojo::topology
