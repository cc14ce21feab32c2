// Mesh positions of ranks: layouts, rings in snake order, routes and link classes, and the
// sub-geometry of a subset of ranks.
#include "dojo/collectives/geometry.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "dojo/common/error.hpp"

namespace dojo::collectives {

MeshGeometry MeshGeometry::grid(int columns, int rows, Layout layout) {
  if (columns < 1 || rows < 1)
    user_error(str("mesh geometry ", columns, " x ", rows, ": both sides must be at least 1"));
  MeshGeometry g;
  g.columns = columns;
  g.rows = rows;
  for (int row = 0; row < rows; ++row)
    for (int i = 0; i < columns; ++i) {
      bool backwards = layout == Layout::snake && row % 2 == 1;
      g.x.push_back(backwards ? columns - 1 - i : i);
      g.y.push_back(row);
    }
  return g;
}

MeshGeometry MeshGeometry::default_for(int size) {
  if (size < 1) internal_error(str("mesh geometry for ", size, " ranks"));
  int rows = 1;
  for (int b = 1; b * b <= size; ++b)
    if (size % b == 0) rows = b;
  return grid(size / rows, rows);
}

int MeshGeometry::rank_at(int column, int row) const {
  for (int r = 0; r < size(); ++r)
    if (x[r] == column && y[r] == row) return r;
  return -1;
}

bool MeshGeometry::is_full() const {
  return size() == columns * rows && validate().empty();
}

int MeshGeometry::hops(int a, int b) const {
  return std::abs(x[a] - x[b]) + std::abs(y[a] - y[b]);
}

namespace {
// Whether the link between absolute coordinates c and c + 1 crosses a tile edge.
bool crosses_tile(int c, int tile) {
  return (c + 1) % tile == 0;
}
LinkCost slower(LinkCost a, LinkCost b) {
  return a.seconds_per_byte >= b.seconds_per_byte ? a : b;
}
}  // namespace

LinkCost MeshGeometry::route_cost(int a, int b) const {
  LinkCost worst = intra_tile;
  if (a == b) return worst;
  for (int c = std::min(x[a], x[b]); c < std::max(x[a], x[b]); ++c)
    if (crosses_tile(origin_x + c, tile_columns)) worst = slower(worst, tile_edge);
  for (int c = std::min(y[a], y[b]); c < std::max(y[a], y[b]); ++c)
    if (crosses_tile(origin_y + c, tile_rows)) worst = slower(worst, tile_edge);
  return worst;
}

double MeshGeometry::route_latency(int a, int b) const {
  double total = 0.0;
  for (int c = std::min(x[a], x[b]); c < std::max(x[a], x[b]); ++c)
    total += crosses_tile(origin_x + c, tile_columns) ? tile_edge.latency_s : intra_tile.latency_s;
  for (int c = std::min(y[a], y[b]); c < std::max(y[a], y[b]); ++c)
    total += crosses_tile(origin_y + c, tile_rows) ? tile_edge.latency_s : intra_tile.latency_s;
  return total;
}

LinkCost MeshGeometry::row_link() const {
  for (int c = 0; c + 1 < columns; ++c)
    if (crosses_tile(origin_x + c, tile_columns)) return slower(intra_tile, tile_edge);
  return intra_tile;
}

LinkCost MeshGeometry::column_link() const {
  for (int c = 0; c + 1 < rows; ++c)
    if (crosses_tile(origin_y + c, tile_rows)) return slower(intra_tile, tile_edge);
  return intra_tile;
}

std::optional<std::pair<int, int>> MeshGeometry::tile_shape() const {
  // The side of a tile along one axis, or 0 when the tiles along it are partial or uneven.
  auto side = [](int origin, int extent, int tile) {
    const int first = tile - origin % tile;  // chips left in the first tile
    if (extent <= first) return extent;
    if (origin % tile != 0) return 0;
    return extent % tile == 0 ? tile : 0;
  };
  if (!is_full()) return std::nullopt;
  const int width = side(origin_x, columns, tile_columns);
  const int height = side(origin_y, rows, tile_rows);
  if (width == 0 || height == 0) return std::nullopt;
  return std::pair{width, height};
}

std::vector<int> MeshGeometry::ring_order() const {
  std::vector<int> order;
  const int a = columns, b = rows;
  if (!is_full()) {
    for (int r = 0; r < size(); ++r) order.push_back(r);
    return order;
  }
  if (b % 2 == 0 && a >= 2) {
    // Row 0 left to right, rows 1.. snake over columns 1..a-1, back up column 0.
    for (int i = 0; i < a; ++i) order.push_back(rank_at(i, 0));
    for (int row = 1; row < b; ++row)
      for (int i = 1; i < a; ++i) order.push_back(rank_at(row % 2 == 1 ? a - i : i, row));
    for (int row = b - 1; row >= 1; --row) order.push_back(rank_at(0, row));
  } else if (a % 2 == 0 && b >= 2) {
    // The same, transposed: column 0 downwards, columns 1.. snake over rows 1..b-1, back along row
    // 0.
    for (int i = 0; i < b; ++i) order.push_back(rank_at(0, i));
    for (int col = 1; col < a; ++col)
      for (int i = 1; i < b; ++i) order.push_back(rank_at(col, col % 2 == 1 ? b - i : i));
    for (int col = a - 1; col >= 1; --col) order.push_back(rank_at(col, 0));
  } else {
    for (int row = 0; row < b; ++row)
      for (int i = 0; i < a; ++i) order.push_back(rank_at(row % 2 == 1 ? a - 1 - i : i, row));
  }
  return order;
}

std::optional<MeshGeometry> MeshGeometry::subset(const std::vector<int>& members) const {
  if (members.empty()) return std::nullopt;
  int min_x = columns, min_y = rows, max_x = -1, max_y = -1;
  std::set<std::pair<int, int>> seen;
  for (int m : members) {
    if (m < 0 || m >= size()) internal_error(str("geometry subset: rank ", m, " out of range"));
    min_x = std::min(min_x, x[m]);
    max_x = std::max(max_x, x[m]);
    min_y = std::min(min_y, y[m]);
    max_y = std::max(max_y, y[m]);
    seen.insert({x[m], y[m]});
  }
  const int width = max_x - min_x + 1, height = max_y - min_y + 1;
  if (static_cast<std::size_t>(width) * height != members.size() || seen.size() != members.size())
    return std::nullopt;
  MeshGeometry g = *this;
  g.columns = width;
  g.rows = height;
  g.origin_x = origin_x + min_x;
  g.origin_y = origin_y + min_y;
  g.x.clear();
  g.y.clear();
  for (int m : members) {
    g.x.push_back(x[m] - min_x);
    g.y.push_back(y[m] - min_y);
  }
  return g;
}

std::string MeshGeometry::validate() const {
  if (columns < 1 || rows < 1) return str("mesh ", columns, " x ", rows, " is empty");
  if (tile_columns < 1 || tile_rows < 1)
    return str("tile ", tile_columns, " x ", tile_rows, " is empty");
  if (x.size() != y.size()) return "x and y positions differ in length";
  if (x.empty()) return "no ranks";
  std::set<std::pair<int, int>> seen;
  for (std::size_t r = 0; r < x.size(); ++r) {
    if (x[r] < 0 || x[r] >= columns || y[r] < 0 || y[r] >= rows)
      return str("rank ", r, " at (", x[r], ", ", y[r], ") lies outside the ", columns, " x ", rows,
                 " mesh");
    if (!seen.insert({x[r], y[r]}).second)
      return str("rank ", r, " shares position (", x[r], ", ", y[r], ") with another rank");
  }
  if (intra_tile.seconds_per_byte < 0 || tile_edge.seconds_per_byte < 0 ||
      intra_tile.latency_s < 0 || tile_edge.latency_s < 0 || reduce_seconds_per_byte < 0)
    return "link costs must not be negative";
  return {};
}

std::string MeshGeometry::describe() const {
  return str(columns, " x ", rows, " mesh of ", size(), " ranks, tiles ", tile_columns, " x ",
             tile_rows, ", origin (", origin_x, ", ", origin_y, ")");
}

}  // namespace dojo::collectives
