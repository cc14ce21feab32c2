// Validation of a machine description and the coordinate conversions between global and tile views.
#include "dojo/topology/machine.hpp"

#include <deque>

#include "dojo/common/error.hpp"
#include "dojo/topology/presets.hpp"

namespace dojo::topology {
namespace {

// "key in the machine file or --key-with-dashes", so the message names both ways to fix it.
std::string where_to_set(std::string key) {
  std::string flag = key;
  for (char& c : flag)
    if (c == '_') c = '-';
  return str("set ", key, " in the machine file or --", flag);
}

void require_positive(int value, const char* key) {
  if (value <= 0)
    user_error(
        str("machine: ", key, " = ", value, " must be a positive number: ", where_to_set(key)));
}

void require_link(const LinkParams& link, const std::string& key) {
  if (!(link.bandwidth_Bps > 0))
    user_error(
        str("machine: ", key, "_bandwidth = ", link.bandwidth_Bps,
            " must be > 0 bytes per second (e.g. 4e12): ", where_to_set(key + "_bandwidth")));
  if (!(link.latency_s >= 0))
    user_error(str("machine: ", key, "_latency = ", link.latency_s,
                   " must be >= 0 seconds (e.g. 5e-7): ", where_to_set(key + "_latency")));
}

// Every live chip must reach every other, or some routes cannot exist.
void require_connected(const Machine& machine) {
  Chip start{-1, -1};
  for (int i = 0; i < machine.num_chips() && start.gx < 0; ++i)
    if (machine.is_live(machine.chip_at(i))) start = machine.chip_at(i);
  std::vector<char> seen(static_cast<std::size_t>(machine.num_chips()), 0);
  std::deque<Chip> queue{start};
  seen[static_cast<std::size_t>(machine.index(start))] = 1;
  int reached = 1;
  while (!queue.empty()) {
    Chip at = queue.front();
    queue.pop_front();
    for (Chip next : {Chip{at.gx + 1, at.gy}, Chip{at.gx - 1, at.gy}, Chip{at.gx, at.gy + 1},
                      Chip{at.gx, at.gy - 1}}) {
      if (!machine.is_live(next) || seen[static_cast<std::size_t>(machine.index(next))]) continue;
      seen[static_cast<std::size_t>(machine.index(next))] = 1;
      ++reached;
      queue.push_back(next);
    }
  }
  if (reached == machine.num_live_chips()) return;
  for (int i = 0; i < machine.num_chips(); ++i) {
    Chip chip = machine.chip_at(i);
    if (machine.is_live(chip) && !seen[static_cast<std::size_t>(i)])
      user_error(str("machine: the dead chips cut the mesh in two (chip ", to_string(chip),
                     " cannot reach ", to_string(start), "): remove some entries from 'dead'"));
  }
}

}  // namespace

Machine::Machine(MachineSpec spec) : spec_(std::move(spec)) {
  require_positive(spec_.chips_x, "chips_x");
  require_positive(spec_.chips_y, "chips_y");
  require_positive(spec_.tiles_x, "tiles_x");
  require_positive(spec_.tiles_y, "tiles_y");
  // 2^31 chips would overflow the dense index long before any real machine gets there.
  if (static_cast<long long>(width()) * height() > 100'000'000)
    user_error(str("machine: ", width(), " x ", height(),
                   " chips is too large for the model (at most 1e8 chips): use fewer tiles"));
  require_link(spec_.intra_tile, "intra_tile");
  require_link(spec_.tile_edge, "tile_edge");
  require_link(spec_.dip, "dip");
  require_link(spec_.host, "host");
  if (!(spec_.chip_flops > 0))
    user_error(
        str("machine: chip_flops = ", spec_.chip_flops, " must be > 0 (FLOP/s, e.g. 22.6e12)"));

  dead_.assign(static_cast<std::size_t>(num_chips()), 0);
  for (Chip chip : spec_.dead) {
    if (!contains(chip))
      user_error(str("machine: dead chip ", to_string(chip), " is outside the ", width(), " x ",
                     height(), " mesh: use 0 <= gx < ", width(), " and 0 <= gy < ", height()));
    char& slot = dead_[static_cast<std::size_t>(index(chip))];
    if (slot) user_error(str("machine: dead chip ", to_string(chip), " is listed twice in 'dead'"));
    slot = 1;
    ++num_dead_;
  }
  if (num_live_chips() == 0) user_error("machine: every chip is dead: 'dead' must leave one alive");
  require_connected(*this);
}

bool Machine::contains(Chip chip) const noexcept {
  return chip.gx >= 0 && chip.gy >= 0 && chip.gx < width() && chip.gy < height();
}

bool Machine::is_dead(Chip chip) const {
  check(contains(chip), "Machine::is_dead: chip on the mesh");
  return dead_[static_cast<std::size_t>(index(chip))] != 0;
}

int Machine::tile_of(Chip chip) const noexcept {
  return chip.gx / spec_.chips_x + (chip.gy / spec_.chips_y) * spec_.tiles_x;
}

TileChip Machine::to_tile(Chip chip) const noexcept {
  return {tile_of(chip), chip.gx % spec_.chips_x, chip.gy % spec_.chips_y};
}

Chip Machine::tile_origin(int tile) const {
  if (tile < 0 || tile >= num_tiles())
    user_error(str("tile ", tile, " does not exist: the machine has tiles 0..", num_tiles() - 1));
  return {(tile % spec_.tiles_x) * spec_.chips_x, (tile / spec_.tiles_x) * spec_.chips_y};
}

Chip Machine::to_global(TileChip chip) const {
  Chip origin = tile_origin(chip.tile);
  if (chip.x < 0 || chip.y < 0 || chip.x >= spec_.chips_x || chip.y >= spec_.chips_y)
    user_error(str("chip (", chip.x, ",", chip.y, ") of tile ", chip.tile, " is outside the ",
                   spec_.chips_x, " x ", spec_.chips_y, " tile"));
  return {origin.gx + chip.x, origin.gy + chip.y};
}

bool Machine::adjacent(Chip a, Chip b) const noexcept {
  if (!contains(a) || !contains(b)) return false;
  int dx = a.gx - b.gx, dy = a.gy - b.gy;
  return dx * dx + dy * dy == 1;
}

LinkClass Machine::link_class(Chip a, Chip b) const {
  check(adjacent(a, b), "Machine::link_class: chips are neighbours");
  return tile_of(a) == tile_of(b) ? LinkClass::intra_tile : LinkClass::tile_edge;
}

const LinkParams& Machine::link_params(LinkClass link_class) const noexcept {
  switch (link_class) {
    case LinkClass::intra_tile:
      return spec_.intra_tile;
    case LinkClass::tile_edge:
      return spec_.tile_edge;
    case LinkClass::dip:
      return spec_.dip;
    case LinkClass::host:
      return spec_.host;
  }
  return spec_.intra_tile;
}

std::string Machine::describe() const {
  // A preset name alone would mislead once flags or a file changed its grid.
  MachineSpec preset;
  bool known = false;
  for (std::string_view name : preset_names())
    if (name == spec_.name) known = true, preset = preset_spec(name);
  bool is_preset = known && preset.tiles_x == spec_.tiles_x && preset.tiles_y == spec_.tiles_y &&
                   preset.chips_x == spec_.chips_x && preset.chips_y == spec_.chips_y;
  std::string name = is_preset ? spec_.name : str("custom (from ", spec_.name, ")");
  return str(name, ": ", spec_.tiles_x, " x ", spec_.tiles_y, " tiles of ", spec_.chips_x, " x ",
             spec_.chips_y, " chips (", width(), " x ", height(), " mesh, ", num_chips(),
             " chips, ", num_dead_, " dead); links B/s, s: intra-tile ",
             spec_.intra_tile.bandwidth_Bps, ", ", spec_.intra_tile.latency_s, "; tile-edge ",
             spec_.tile_edge.bandwidth_Bps, ", ", spec_.tile_edge.latency_s, "; dip ",
             spec_.dip.bandwidth_Bps, ", ", spec_.dip.latency_s, "; host ",
             spec_.host.bandwidth_Bps, ", ", spec_.host.latency_s);
}

}  // namespace dojo::topology
