// Draws the mesh in a terminal: every chip's label (its rank by default, '.' for a chip with no
// rank, 'X' for a dead chip), with '|' between tile columns and '-'/'+' lines between tile rows.
// A mesh too wide for max_width is drawn one cell per tile with the range of ranks it holds
// (an ExaPOD's 60 x 50 chips become 12 x 10 tiles).
#pragma once

#include <functional>
#include <string>

#include "dojo/topology/machine.hpp"
#include "dojo/topology/placement.hpp"

namespace dojo::topology {

enum class RenderMode {
  automatic,  // chips when they fit in max_width, else tiles
  chips,      // one cell per chip
  tiles       // one cell per tile: "lo-hi" ranks it holds, '.' for none, "xN" for N dead chips
};

struct RenderOptions {
  // Label of a chip's rank; default: the rank number. Used in chip mode only.
  std::function<std::string(int rank)> label;
  RenderMode mode = RenderMode::automatic;
  int max_width = 160;  // terminal columns
  bool legend = true;   // a first line saying what the drawing shows
};

std::string render_mesh(const Machine& machine, const Placement& placement,
                        const RenderOptions& options = {});

}  // namespace dojo::topology
