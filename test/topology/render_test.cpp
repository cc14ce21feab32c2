// Terminal rendering: every rank drawn once, tile borders where tiles meet, dead and empty chips,
// caller labels, and the per-tile view of an ExaPOD.
#include "dojo/topology/render.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "dojo/common/error.hpp"
#include "dojo/topology/presets.hpp"

namespace dojo::topology {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Counts every whitespace-separated token of the drawing, legend excluded.
std::map<std::string, int> tokens(const std::string& drawing) {
  std::map<std::string, int> count;
  std::vector<std::string> lines = lines_of(drawing);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::istringstream words(lines[i]);
    for (std::string word; words >> word;) ++count[word];
  }
  return count;
}

void expect_each_rank_once(const std::string& drawing, int num_ranks) {
  std::map<std::string, int> count = tokens(drawing);
  for (int rank = 0; rank < num_ranks; ++rank)
    EXPECT_EQ(count[std::to_string(rank)], 1) << "rank " << rank << " in\n" << drawing;
}

TEST(TopologyRender, OneTileHasEveryRankAndNoBorders) {
  Machine machine;
  std::string drawing = render_mesh(machine, Placement::snake(machine, 25));
  std::vector<std::string> lines = lines_of(drawing);
  ASSERT_EQ(lines.size(), 6u) << drawing;  // legend + 5 rows
  expect_each_rank_once(drawing, 25);
  EXPECT_EQ(drawing.find('|'), std::string::npos);
  EXPECT_EQ(lines[1], " 0  1  2  3  4");
  EXPECT_EQ(lines[2], " 9  8  7  6  5");
}

TEST(TopologyRender, CabinetDrawsTileBorders) {
  Machine machine = preset_machine("cabinet");
  std::string drawing = render_mesh(machine, Placement::snake(machine, 300));
  std::vector<std::string> lines = lines_of(drawing);
  ASSERT_EQ(lines.size(), 1u + 10u + 1u) << drawing;  // legend, 10 chip rows, 1 border
  expect_each_rank_once(drawing, 300);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (i == 6) {
      EXPECT_EQ(std::count(lines[i].begin(), lines[i].end(), '+'), 5) << lines[i];
      EXPECT_EQ(lines[i].find_first_not_of("-+"), std::string::npos) << lines[i];
    } else {
      EXPECT_EQ(std::count(lines[i].begin(), lines[i].end(), '|'), 5) << lines[i];
    }
    EXPECT_EQ(lines[i].size(), lines[1].size()) << "rows line up";
  }
  // The border's '+' sits where the rows' '|' are.
  EXPECT_EQ(lines[6].find('+'), lines[1].find('|'));
}

TEST(TopologyRender, DeadAndEmptyChips) {
  MachineSpec spec;
  spec.dead = {{0, 0}, {3, 2}};
  Machine machine(spec);
  std::string drawing = render_mesh(machine, Placement::snake(machine, 20));
  std::map<std::string, int> count = tokens(drawing);
  EXPECT_EQ(count["X"], 2);
  EXPECT_EQ(count["."], 3);
  expect_each_rank_once(drawing, 20);
  EXPECT_EQ(lines_of(drawing)[1].substr(0, 2), " X");
}

TEST(TopologyRender, CallerLabels) {
  Machine machine = preset_machine("tray");
  RenderOptions options;
  options.label = [](int rank) { return dojo::str("d", rank / 25, "t", rank % 25); };
  options.legend = false;
  options.mode = RenderMode::chips;  // 5-character labels would not fit 160 columns
  std::string drawing = render_mesh(machine, Placement::snake(machine, 150), options);
  EXPECT_NE(drawing.find("d5t24"), std::string::npos);
  EXPECT_NE(drawing.find("d0t0"), std::string::npos);
  EXPECT_EQ(lines_of(drawing).size(), 5u);
}

TEST(TopologyRender, ExapodFallsBackToTilesAndFits) {
  Machine machine = preset_machine("exapod");
  Placement placement = Placement::snake(machine, 3000);
  std::string drawing = render_mesh(machine, placement);
  std::vector<std::string> lines = lines_of(drawing);
  ASSERT_EQ(lines.size(), 1u + 10u + 9u) << drawing;  // legend, 10 tile rows, 9 borders
  for (const std::string& line : lines) EXPECT_LE(static_cast<int>(line.size()), 160) << line;
  std::map<std::string, int> count = tokens(drawing);
  EXPECT_EQ(count["0-24"], 1);
  EXPECT_EQ(count["2975-2999"], 1);
  EXPECT_EQ(count["|"], 10 * 11);
  // The second tile row is walked east to west: its west tile holds the row's last ranks.
  std::istringstream row(lines[3]);
  std::string first;
  row >> first;
  EXPECT_EQ(first, "575-599") << lines[3];
  EXPECT_EQ(lines[3].substr(lines[3].rfind(' ') + 1), "300-324") << lines[3];
}

TEST(TopologyRender, ForcedChipsModeOnExapodShowsEveryRank) {
  Machine machine = preset_machine("exapod");
  RenderOptions options;
  options.mode = RenderMode::chips;
  std::string drawing = render_mesh(machine, Placement::snake(machine, 3000), options);
  expect_each_rank_once(drawing, 3000);
  EXPECT_EQ(lines_of(drawing).size(), 1u + 50u + 9u);
}

TEST(TopologyRender, TileModeCountsDeadChips) {
  MachineSpec spec = preset_spec("tray");
  spec.dead = {{6, 1}, {7, 1}};
  Machine machine(spec);
  RenderOptions options;
  options.mode = RenderMode::tiles;
  std::string drawing = render_mesh(machine, Placement::snake(machine, 30), options);
  std::map<std::string, int> count = tokens(drawing);
  EXPECT_EQ(count["0-24"], 1);
  EXPECT_EQ(count["25-29"], 1);
  EXPECT_EQ(count["x2"], 1);
  EXPECT_EQ(count["."], 4);
}

}  // namespace
}  // namespace dojo::topology
