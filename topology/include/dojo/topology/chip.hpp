// Coordinates of one D1 chip on the Dojo mesh, the directed links between neighbouring chips and
// the classes of link with their bandwidth and latency. Global coordinates (gx, gy) run over the
// whole mesh: gx grows east (right on screen), gy grows south (down on screen).
#pragma once

#include <compare>
#include <ostream>
#include <string>
#include <string_view>

namespace dojo::topology {

// A chip by its global mesh coordinates.
struct Chip {
  int gx = 0;
  int gy = 0;
  friend auto operator<=>(const Chip&, const Chip&) = default;
};

// The same chip seen from its tile: tile index (tx + ty * tiles_x) and position inside the tile.
struct TileChip {
  int tile = 0;
  int x = 0;
  int y = 0;
  friend auto operator<=>(const TileChip&, const TileChip&) = default;
};

// A directed link between two neighbouring chips; a message crossing it loads only this direction.
struct Link {
  Chip from;
  Chip to;
  friend auto operator<=>(const Link&, const Link&) = default;
};

enum class LinkClass {
  intra_tile,  // chip edge to chip edge inside one training tile
  tile_edge,   // chip to chip across the edge between two tiles (the tile edge's bandwidth / chips)
  dip,         // a DIP (interface processor) into a boundary chip of a tile
  host         // host to DIP over PCIe
};

struct LinkParams {
  double bandwidth_Bps = 0;  // bytes per second, one direction
  double latency_s = 0;      // seconds per hop
  friend bool operator==(const LinkParams&, const LinkParams&) = default;
};

std::string_view link_class_name(LinkClass link_class);

// "(gx,gy)", the form every error message and rendering uses.
std::string to_string(Chip chip);
std::ostream& operator<<(std::ostream& out, Chip chip);
std::ostream& operator<<(std::ostream& out, const Link& link);

}  // namespace dojo::topology
