// The 3D process grid of data (dp), tensor (tp) and pipeline (pp) parallelism: which rank holds
// which coordinates, and a communicator for each axis and each pair of axes. Rank order is a
// swappable policy; the default is Megatron's (tp fastest, then dp, then pp), and MeshGridOrder
// takes a table made from a placement on the mesh.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "dojo/common/mpi.hpp"

namespace dojo::runtime {

enum class Axis { dp = 0, tp = 1, pp = 2 };

struct Layout {
  int dp = 1;
  int tp = 1;
  int pp = 1;
  int ranks() const { return dp * tp * pp; }
  int degree(Axis a) const { return a == Axis::dp ? dp : a == Axis::tp ? tp : pp; }
};

// Parses "2,1,2" or "dp=2,tp=1,pp=2" (missing axes are 1). A user error says the accepted forms.
Layout parse_layout(const std::string& text);
std::string to_string(const Layout& layout);

struct GridCoord {
  int dp = 0;
  int tp = 0;
  int pp = 0;
  int operator[](Axis a) const { return a == Axis::dp ? dp : a == Axis::tp ? tp : pp; }
  bool operator==(const GridCoord&) const = default;
};

// Maps grid coordinates to ranks and back; must be a bijection over [0, layout.ranks()).
class RankOrder {
 public:
  virtual ~RankOrder() = default;
  virtual std::string name() const = 0;
  virtual int rank_of(const Layout& layout, const GridCoord& coord) const = 0;
  virtual GridCoord coord_of(const Layout& layout, int rank) const = 0;
};

// Axes listed fastest-varying first: {tp, dp, pp} is Megatron's order and the default.
class AxisMajorOrder final : public RankOrder {
 public:
  explicit AxisMajorOrder(std::array<Axis, 3> fastest_first = {Axis::tp, Axis::dp, Axis::pp});
  std::string name() const override;
  int rank_of(const Layout& layout, const GridCoord& coord) const override;
  GridCoord coord_of(const Layout& layout, int rank) const override;

 private:
  std::array<Axis, 3> order_;
};

// An explicit table, e.g. from a placement on the mesh (mesh_grid.hpp): coord_of_rank[r] is rank
// r's grid point. Built for one layout; a table that is not a bijection onto the layout's grid is
// an internal error.
class MeshGridOrder final : public RankOrder {
 public:
  MeshGridOrder(Layout layout, std::vector<GridCoord> coord_of_rank, std::string description);
  std::string name() const override;  // "mesh: <description>"
  int rank_of(const Layout& layout, const GridCoord& coord) const override;
  GridCoord coord_of(const Layout& layout, int rank) const override;

 private:
  void require_layout(const Layout& layout) const;

  Layout layout_;
  std::vector<GridCoord> coord_of_rank_;  // (ranks)
  std::vector<int> rank_of_point_;        // (dp * tp * pp) by AxisMajorOrder's rank of the point
  std::string description_;
};

class ProcessGrid {
 public:
  // Collective over `world`. A layout whose product is not world's size is a user error.
  ProcessGrid(const mpi::Comm& world, Layout layout,
              std::shared_ptr<const RankOrder> order = std::make_shared<AxisMajorOrder>());

  const Layout& layout() const { return layout_; }
  const GridCoord& coord() const { return coord_; }
  const RankOrder& order() const { return *order_; }
  int rank() const { return rank_; }

  // Ranks that differ only along `axis` (e.g. the tensor-parallel group), ordered by that
  // coordinate.
  const mpi::Comm& axis(Axis a) const { return axis_comms_[static_cast<int>(a)]; }
  // Ranks that differ along both axes and share the third, ordered by rank.
  const mpi::Comm& pair(Axis a, Axis b) const;

 private:
  Layout layout_;
  std::shared_ptr<const RankOrder> order_;
  int rank_ = 0;
  GridCoord coord_;
  std::array<mpi::Comm, 3> axis_comms_;
  std::array<mpi::Comm, 3> pair_comms_;  // indexed by the axis left out
};

}  // namespace dojo::runtime
