// Text rendering of the mesh per chip or per tile, with tile borders.
#include "dojo/topology/render.hpp"

#include <algorithm>
#include <vector>

#include "dojo/common/error.hpp"

namespace dojo::topology {
namespace {

std::string pad_left(const std::string& text, std::size_t width) {
  return std::string(width > text.size() ? width - text.size() : 0, ' ') + text;
}

// Draws a grid of cells grouped into blocks (tiles): " | " between block columns, a "-+-" line
// between block rows. cells[y][x].
std::string draw_grid(const std::vector<std::vector<std::string>>& cells, int block_x,
                      int block_y) {
  std::size_t cell_width = 1;
  for (const auto& row : cells)
    for (const auto& cell : row) cell_width = std::max(cell_width, cell.size());
  std::string out;
  std::string border;
  const int cols = cells.empty() ? 0 : static_cast<int>(cells[0].size());
  for (int x = 0; x < cols; ++x) {
    if (x > 0) border += x % block_x == 0 ? "-+-" : "-";
    border += std::string(cell_width, '-');
  }
  for (int y = 0; y < static_cast<int>(cells.size()); ++y) {
    if (y > 0 && y % block_y == 0) out += border + "\n";
    std::string line;
    for (int x = 0; x < cols; ++x) {
      if (x > 0) line += x % block_x == 0 ? " | " : " ";
      line += pad_left(cells[static_cast<std::size_t>(y)][static_cast<std::size_t>(x)], cell_width);
    }
    out += line + "\n";
  }
  return out;
}

std::vector<std::vector<std::string>> chip_cells(const Machine& machine, const Placement& placement,
                                                 const RenderOptions& options) {
  std::vector<std::vector<std::string>> cells(static_cast<std::size_t>(machine.height()));
  for (int gy = 0; gy < machine.height(); ++gy)
    for (int gx = 0; gx < machine.width(); ++gx) {
      Chip chip{gx, gy};
      std::optional<int> rank = placement.rank_at(chip);
      cells[static_cast<std::size_t>(gy)].push_back(machine.is_dead(chip) ? std::string(1, 'X')
                                                    : !rank               ? std::string(1, '.')
                                                    : options.label       ? options.label(*rank)
                                                                          : std::to_string(*rank));
    }
  return cells;
}

std::vector<std::vector<std::string>> tile_cells(const Machine& machine,
                                                 const Placement& placement) {
  const MachineSpec& spec = machine.spec();
  const auto num_tiles = static_cast<std::size_t>(machine.num_tiles());
  std::vector<int> low(num_tiles, -1);   // (tiles) lowest rank on the tile, -1 for none
  std::vector<int> high(num_tiles, -1);  // (tiles) highest rank on the tile
  std::vector<int> dead(num_tiles, 0);   // (tiles) dead chips on the tile
  for (int i = 0; i < machine.num_chips(); ++i) {
    Chip chip = machine.chip_at(i);
    auto tile = static_cast<std::size_t>(machine.tile_of(chip));
    if (machine.is_dead(chip)) ++dead[tile];
    if (auto rank = placement.rank_at(chip)) {
      low[tile] = low[tile] < 0 ? *rank : std::min(low[tile], *rank);
      high[tile] = std::max(high[tile], *rank);
    }
  }
  std::vector<std::vector<std::string>> cells(static_cast<std::size_t>(spec.tiles_y));
  for (int tile = 0; tile < machine.num_tiles(); ++tile) {
    auto t = static_cast<std::size_t>(tile);
    std::string cell = low[t] < 0          ? "."
                       : low[t] == high[t] ? std::to_string(low[t])
                                           : str(low[t], "-", high[t]);
    if (dead[t] > 0) cell += str(" x", dead[t]);
    cells[static_cast<std::size_t>(tile / spec.tiles_x)].push_back(cell);
  }
  return cells;
}

std::size_t widest_line(const std::string& text) {
  std::size_t widest = 0, start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    widest = std::max(widest, end - start);
  return widest;
}

}  // namespace

std::string render_mesh(const Machine& machine, const Placement& placement,
                        const RenderOptions& options) {
  check(placement.mesh_width() == machine.width() && placement.mesh_height() == machine.height(),
        "render_mesh: placement made for this machine");
  const MachineSpec& spec = machine.spec();
  std::string body;
  bool per_tile = options.mode == RenderMode::tiles;
  if (!per_tile) {
    body = draw_grid(chip_cells(machine, placement, options), spec.chips_x, spec.chips_y);
    per_tile = options.mode == RenderMode::automatic &&
               static_cast<int>(widest_line(body)) > options.max_width;
  }
  if (per_tile) body = draw_grid(tile_cells(machine, placement), 1, 1);
  if (!options.legend) return body;
  std::string legend =
      per_tile ? str(machine.spec().name, ": ", spec.tiles_x, " x ", spec.tiles_y,
                     " tiles, one cell per tile: ranks lo-hi it holds, '.' none, xN = N dead chips")
               : str(machine.spec().name, ": ", machine.width(), " x ", machine.height(),
                     " chips, tiles of ", spec.chips_x, " x ", spec.chips_y,
                     "; '.' no rank, 'X' dead chip");
  return legend + "\n" + body;
}

}  // namespace dojo::topology
