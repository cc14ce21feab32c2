// The Dojo machine model: tiles of chips_x x chips_y D1 chips joined edge to edge into one 2D mesh,
// the bandwidth and latency of each class of link, and the dead (harvested) chips routes avoid.
// Defaults follow the hardware notes (docs/dojo-hardware.md); every latency is an assumption
// (README).
#pragma once

#include <string>
#include <vector>

#include "dojo/topology/chip.hpp"

namespace dojo::topology {

// Plain description of a machine, filled by a preset, a TOML file or flags (machine_options.hpp).
struct MachineSpec {
  std::string name = "tile";  // the preset it started from, for printing only
  int chips_x = 5;            // chips per tile along x
  int chips_y = 5;            // chips per tile along y
  int tiles_x = 1;            // tiles along x
  int tiles_y = 1;            // tiles along y
  // 4 TB/s per chip edge; 0.5 us per hop is an assumption (not published).
  LinkParams intra_tile{4e12, 0.5e-6};
  // 9 TB/s per tile edge shared by 5 boundary chips = 1.8 TB/s per chip link; 1 us is an
  // assumption.
  LinkParams tile_edge{1.8e12, 1e-6};
  // A DIP's link into the tile, 900 GB/s; 5 us through the DIP is an assumption.
  LinkParams dip{900e9, 5e-6};
  // PCIe Gen4 from host to DIP, 32 GB/s; 10 us is an assumption.
  LinkParams host{32e9, 10e-6};
  double chip_flops = 22.6e12;  // FLOP/s of one chip (FP32), the SimGrid host speed
  std::vector<Chip> dead;       // harvested chips: no rank, no route through them
  friend bool operator==(const MachineSpec&, const MachineSpec&) = default;
};

class Machine {
 public:
  // Validates the spec; a bad one raises dojo::user_error naming the key and the fix.
  explicit Machine(MachineSpec spec = {});

  const MachineSpec& spec() const noexcept { return spec_; }
  int width() const noexcept { return spec_.chips_x * spec_.tiles_x; }   // chips along x
  int height() const noexcept { return spec_.chips_y * spec_.tiles_y; }  // chips along y
  int num_tiles() const noexcept { return spec_.tiles_x * spec_.tiles_y; }
  int num_chips() const noexcept { return width() * height(); }  // dead ones included
  int num_live_chips() const noexcept { return num_chips() - num_dead_; }
  bool has_dead_chips() const noexcept { return num_dead_ > 0; }

  bool contains(Chip chip) const noexcept;
  bool is_dead(Chip chip) const;  // chip must be on the mesh
  bool is_live(Chip chip) const noexcept { return contains(chip) && !dead_[index(chip)]; }

  // Dense numbering gy * width + gx, for per-chip arrays.
  int index(Chip chip) const noexcept { return chip.gy * width() + chip.gx; }
  Chip chip_at(int index) const noexcept { return {index % width(), index / width()}; }

  int tile_of(Chip chip) const noexcept;
  TileChip to_tile(Chip chip) const noexcept;
  Chip to_global(TileChip chip) const;  // raises user_error when outside the machine
  Chip tile_origin(int tile) const;     // the tile's chip (0, 0)

  // True when a and b are on the mesh and one hop apart (dead or not).
  bool adjacent(Chip a, Chip b) const noexcept;
  // intra_tile or tile_edge for two adjacent chips.
  LinkClass link_class(Chip a, Chip b) const;
  const LinkParams& link_params(LinkClass link_class) const noexcept;
  const LinkParams& link_params(Chip a, Chip b) const { return link_params(link_class(a, b)); }

  // One line for the resolved configuration: "cabinet: 6 x 2 tiles of 5 x 5 chips, 300 chips ...".
  std::string describe() const;

 private:
  MachineSpec spec_;
  std::vector<char> dead_;  // (height * width) 1 for a dead chip, by index()
  int num_dead_ = 0;
};

}  // namespace dojo::topology
