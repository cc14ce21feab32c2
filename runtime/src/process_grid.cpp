// Process grid: layout parsing, the default rank order, and the axis and pair sub-communicators.
#include "dojo/runtime/process_grid.hpp"

#include <charconv>
#include <set>
#include <sstream>
#include <vector>

#include "dojo/common/error.hpp"

namespace dojo::runtime {
namespace {

const char* axis_name(Axis a) {
  return a == Axis::dp ? "dp" : a == Axis::tp ? "tp" : "pp";
}

int parse_degree(std::string_view text, const std::string& whole) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1)
    user_error(str("bad layout '", whole, "': '", text,
                   "' is not a positive integer; write it as dp,tp,pp (e.g. 2,1,2) or dp=2,pp=2"));
  return value;
}

}  // namespace

Layout parse_layout(const std::string& text) {
  Layout layout;
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) parts.push_back(part);
  bool named = text.find('=') != std::string::npos;
  if (!named) {
    if (parts.size() != 3)
      user_error(str("bad layout '", text, "': give three degrees dp,tp,pp (e.g. 2,1,2)"));
    layout.dp = parse_degree(parts[0], text);
    layout.tp = parse_degree(parts[1], text);
    layout.pp = parse_degree(parts[2], text);
    return layout;
  }
  std::set<std::string> seen;
  for (const auto& part : parts) {
    auto eq = part.find('=');
    std::string key = part.substr(0, eq);
    if (eq == std::string::npos || (key != "dp" && key != "tp" && key != "pp"))
      user_error(str("bad layout '", text, "': '", part, "' should be dp=N, tp=N or pp=N"));
    if (!seen.insert(key).second) user_error(str("bad layout '", text, "': ", key, " given twice"));
    int value = parse_degree(std::string_view(part).substr(eq + 1), text);
    (key == "dp" ? layout.dp : key == "tp" ? layout.tp : layout.pp) = value;
  }
  return layout;
}

std::string to_string(const Layout& layout) {
  return str("dp=", layout.dp, " tp=", layout.tp, " pp=", layout.pp);
}

AxisMajorOrder::AxisMajorOrder(std::array<Axis, 3> fastest_first) : order_(fastest_first) {
  std::set<Axis> axes(order_.begin(), order_.end());
  check(axes.size() == 3, "rank order names each axis once");
}

std::string AxisMajorOrder::name() const {
  return str(axis_name(order_[0]), "-", axis_name(order_[1]), "-", axis_name(order_[2]));
}

int AxisMajorOrder::rank_of(const Layout& layout, const GridCoord& coord) const {
  int rank = 0;
  for (int i = 2; i >= 0; --i) rank = rank * layout.degree(order_[i]) + coord[order_[i]];
  return rank;
}

GridCoord AxisMajorOrder::coord_of(const Layout& layout, int rank) const {
  GridCoord coord;
  for (Axis a : order_) {
    int value = rank % layout.degree(a);
    rank /= layout.degree(a);
    (a == Axis::dp ? coord.dp : a == Axis::tp ? coord.tp : coord.pp) = value;
  }
  return coord;
}

MeshGridOrder::MeshGridOrder(Layout layout, std::vector<GridCoord> coord_of_rank,
                             std::string description)
    : layout_(layout),
      coord_of_rank_(std::move(coord_of_rank)),
      description_(std::move(description)) {
  check(static_cast<int>(coord_of_rank_.size()) == layout_.ranks(), "mesh order: a point per rank");
  const AxisMajorOrder dense;  // numbers the points 0..ranks-1
  rank_of_point_.assign(coord_of_rank_.size(), -1);
  for (int rank = 0; rank < layout_.ranks(); ++rank) {
    const GridCoord& c = coord_of_rank_[static_cast<std::size_t>(rank)];
    check(c.dp >= 0 && c.dp < layout_.dp && c.tp >= 0 && c.tp < layout_.tp && c.pp >= 0 &&
              c.pp < layout_.pp,
          "mesh order: points inside the grid");
    int& slot = rank_of_point_[static_cast<std::size_t>(dense.rank_of(layout_, c))];
    check(slot == -1, "mesh order: each point taken once");
    slot = rank;
  }
}

std::string MeshGridOrder::name() const {
  return str("mesh: ", description_);
}

void MeshGridOrder::require_layout(const Layout& layout) const {
  if (layout.dp != layout_.dp || layout.tp != layout_.tp || layout.pp != layout_.pp)
    internal_error(
        str("mesh order made for ", to_string(layout_), " used with ", to_string(layout)));
}

int MeshGridOrder::rank_of(const Layout& layout, const GridCoord& coord) const {
  require_layout(layout);
  return rank_of_point_[static_cast<std::size_t>(AxisMajorOrder().rank_of(layout, coord))];
}

GridCoord MeshGridOrder::coord_of(const Layout& layout, int rank) const {
  require_layout(layout);
  check(rank >= 0 && rank < layout.ranks(), "mesh order: rank inside the job");
  return coord_of_rank_[static_cast<std::size_t>(rank)];
}

ProcessGrid::ProcessGrid(const mpi::Comm& world, Layout layout,
                         std::shared_ptr<const RankOrder> order)
    : layout_(layout), order_(std::move(order)) {
  int size = world.size();
  if (layout_.ranks() != size)
    user_error(str("layout ", to_string(layout_), " needs ", layout_.ranks(),
                   " ranks but the job has ", size, ": choose degrees whose product dp*tp*pp is ",
                   size, " or start ", layout_.ranks(), " ranks"));
  rank_ = world.rank();
  coord_ = order_->coord_of(layout_, rank_);
  check(order_->rank_of(layout_, coord_) == rank_, "rank order is a bijection");

  // Colour = the coordinates that stay fixed; key = the coordinate that varies along the group.
  const std::array<Axis, 3> axes = {Axis::dp, Axis::tp, Axis::pp};
  for (Axis a : axes) {
    int color = 0;
    for (Axis other : axes)
      if (other != a) color = color * layout_.degree(other) + coord_[other];
    axis_comms_[static_cast<int>(a)] = world.split(color, coord_[a]);
  }
  for (Axis left_out : axes)
    pair_comms_[static_cast<int>(left_out)] = world.split(coord_[left_out], rank_);
}

const mpi::Comm& ProcessGrid::pair(Axis a, Axis b) const {
  check(a != b, "a pair of two different axes");
  int left_out = 3 - static_cast<int>(a) - static_cast<int>(b);
  return pair_comms_[left_out];
}

}  // namespace dojo::runtime
