// Layout parsing and the default (Megatron) rank order.
#include <gtest/gtest.h>

#include <set>

#include "dojo/common/error.hpp"
#include "dojo/runtime/process_grid.hpp"

using namespace dojo::runtime;

TEST(Layout, ParsesBothForms) {
  Layout a = parse_layout("2,3,4");
  EXPECT_EQ(a.dp, 2);
  EXPECT_EQ(a.tp, 3);
  EXPECT_EQ(a.pp, 4);
  EXPECT_EQ(a.ranks(), 24);
  Layout b = parse_layout("pp=2,dp=3");
  EXPECT_EQ(b.dp, 3);
  EXPECT_EQ(b.tp, 1);
  EXPECT_EQ(b.pp, 2);
}

TEST(Layout, RejectsBadText) {
  for (const char* bad : {"2,2", "0,1,1", "a,b,c", "dp=2,dp=3", "xp=2", "2,-1,1", "dp=2,tp"})
    EXPECT_THROW(parse_layout(bad), dojo::Error) << bad;
}

TEST(RankOrder, MegatronOrderHasTensorFastestThenDataThenPipeline) {
  AxisMajorOrder order;
  Layout layout{2, 2, 2};
  // Ranks 0 and 1 differ in tp only; 0 and 2 in dp only; 0 and 4 in pp only.
  EXPECT_EQ(order.coord_of(layout, 1), (GridCoord{0, 1, 0}));
  EXPECT_EQ(order.coord_of(layout, 2), (GridCoord{1, 0, 0}));
  EXPECT_EQ(order.coord_of(layout, 4), (GridCoord{0, 0, 1}));
  EXPECT_EQ(order.name(), "tp-dp-pp");
}

TEST(RankOrder, EveryOrderIsABijection) {
  const std::array<Axis, 3> axes = {Axis::dp, Axis::tp, Axis::pp};
  for (Axis a : axes)
    for (Axis b : axes)
      for (Axis c : axes) {
        if (a == b || b == c || a == c) continue;
        AxisMajorOrder order({a, b, c});
        for (Layout layout : {Layout{3, 2, 5}, Layout{1, 4, 1}, Layout{2, 1, 3}}) {
          std::set<int> seen;
          for (int r = 0; r < layout.ranks(); ++r) {
            GridCoord coord = order.coord_of(layout, r);
            EXPECT_LT(coord.dp, layout.dp);
            EXPECT_LT(coord.tp, layout.tp);
            EXPECT_LT(coord.pp, layout.pp);
            EXPECT_EQ(order.rank_of(layout, coord), r);
            seen.insert(coord.dp * 100 + coord.tp * 10 + coord.pp);
          }
          EXPECT_EQ(static_cast<int>(seen.size()), layout.ranks());
        }
      }
}
