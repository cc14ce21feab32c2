// SimGrid platform XML and hostfile: counts of hosts, links and routes, link classes, dead chips,
// and a hostfile that follows the placement.
#include "dojo/topology/simgrid_platform.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "dojo/topology/presets.hpp"

namespace dojo::topology {
namespace {

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string platform(const Machine& machine) {
  std::ostringstream xml;
  write_simgrid_platform(machine, xml);
  return xml.str();
}

// Mesh edges of a W x H grid: H (W-1) horizontal + W (H-1) vertical.
int edges(int width, int height) {
  return height * (width - 1) + width * (height - 1);
}

TEST(TopologySimgridPlatform, TwoByTwoTilesCountsAndHeader) {
  MachineSpec spec;
  spec.tiles_x = spec.tiles_y = 2;
  Machine machine(spec);
  std::string xml = platform(machine);
  EXPECT_EQ(
      xml.rfind(
          "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">",
          0),
      0u);
  EXPECT_NE(xml.find("<platform version=\"4.1\">"), std::string::npos);
  EXPECT_EQ(count(xml, "routing=\"DijkstraCache\""), 1);
  EXPECT_EQ(count(xml, "<host "), 100);
  EXPECT_EQ(count(xml, "<link "), edges(10, 10));
  EXPECT_EQ(count(xml, "sharing_policy=\"SPLITDUPLEX\""), edges(10, 10));
  EXPECT_EQ(count(xml, "<route "), 2 * edges(10, 10));
  EXPECT_EQ(count(xml, "direction=\"UP\""), edges(10, 10));
  EXPECT_EQ(count(xml, "direction=\"DOWN\""), edges(10, 10));
  // Tile-edge links: 2 tile borders (one vertical, one horizontal) x 10 chips each.
  EXPECT_EQ(count(xml, "bandwidth=\"1.8e+12Bps\""), 20);
  EXPECT_EQ(count(xml, "bandwidth=\"4e+12Bps\""), edges(10, 10) - 20);
  EXPECT_NE(xml.find("<link id=\"link-4-0-e\" bandwidth=\"1.8e+12Bps\" latency=\"1e-06s\""),
            std::string::npos);
  EXPECT_NE(xml.find("<link id=\"link-3-0-e\" bandwidth=\"4e+12Bps\" latency=\"5e-07s\""),
            std::string::npos);
  EXPECT_NE(xml.find("<host id=\"chip-9-9\" speed=\"2.26e+13f\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<route src=\"chip-4-0\" dst=\"chip-5-0\" symmetrical=\"NO\"><link_ctn "
                     "id=\"link-4-0-e\" direction=\"UP\"/></route>"),
            std::string::npos);
  EXPECT_NE(xml.find("<route src=\"chip-5-0\" dst=\"chip-4-0\" symmetrical=\"NO\"><link_ctn "
                     "id=\"link-4-0-e\" direction=\"DOWN\"/></route>"),
            std::string::npos);
}

TEST(TopologySimgridPlatform, EveryRouteNamesDeclaredHostsAndLinks) {
  MachineSpec spec = preset_spec("tray");
  spec.dead = {{7, 2}, {0, 0}};
  Machine machine(spec);
  std::string xml = platform(machine);
  std::set<std::string> hosts, links;
  std::smatch m;
  for (auto it = xml.cbegin();
       std::regex_search(it, xml.cend(), m, std::regex("<host id=\"([^\"]+)\""));
       it = m.suffix().first)
    hosts.insert(m[1]);
  for (auto it = xml.cbegin();
       std::regex_search(it, xml.cend(), m, std::regex("<link id=\"([^\"]+)\""));
       it = m.suffix().first)
    links.insert(m[1]);
  EXPECT_EQ(static_cast<int>(hosts.size()), 148);
  EXPECT_EQ(hosts.count("chip-7-2"), 0u);
  // A dead chip removes its 4 (or, in a corner, 2) edges.
  EXPECT_EQ(static_cast<int>(links.size()), edges(30, 5) - 4 - 2);
  int routes = 0;
  std::regex route(
      "<route src=\"([^\"]+)\" dst=\"([^\"]+)\" symmetrical=\"NO\"><link_ctn id=\"([^\"]+)\"");
  for (auto it = xml.cbegin(); std::regex_search(it, xml.cend(), m, route); it = m.suffix().first) {
    ++routes;
    EXPECT_EQ(hosts.count(m[1]), 1u) << m[1];
    EXPECT_EQ(hosts.count(m[2]), 1u) << m[2];
    EXPECT_EQ(links.count(m[3]), 1u) << m[3];
  }
  EXPECT_EQ(routes, 2 * static_cast<int>(links.size()));
}

TEST(TopologySimgridPlatform, HostfileFollowsThePlacement) {
  MachineSpec spec = preset_spec("tray");
  spec.dead = {{1, 0}};
  Machine machine(spec);
  Placement placement = Placement::snake(machine, 40);
  std::ostringstream out;
  write_hostfile(machine, placement, out);
  std::istringstream in(out.str());
  std::string line;
  int rank = 0;
  for (; std::getline(in, line); ++rank)
    EXPECT_EQ(line, simgrid_host_name(placement.chip_of(rank))) << "rank " << rank;
  EXPECT_EQ(rank, 40);
  EXPECT_EQ(simgrid_host_name({12, 3}), "chip-12-3");
}

}  // namespace
}  // namespace dojo::topology
