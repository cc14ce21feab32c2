// Writes the SimGrid platform XML of the mesh and the SMPI hostfile of a placement.
#include "dojo/topology/simgrid_platform.hpp"

#include <charconv>

#include "dojo/common/error.hpp"

namespace dojo::topology {
namespace {

// Shortest round-trip text of a double: SimGrid reads "4e+12Bps", "5e-07s", "2.26e+13f".
std::string number(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  check(error == std::errc(), "to_chars of a double fits 64 chars");
  return std::string(buffer, end);
}

// The link of the edge from chip to its east ('e') or south ('s') neighbour. UP carries traffic
// east or south, DOWN west or north.
std::string link_name(Chip chip, char side) {
  return str("link-", chip.gx, "-", chip.gy, "-", side);
}

void write_route(std::ostream& xml, Chip src, Chip dst, const std::string& link,
                 const char* direction) {
  xml << "    <route src=\"" << simgrid_host_name(src) << "\" dst=\"" << simgrid_host_name(dst)
      << "\" symmetrical=\"NO\"><link_ctn id=\"" << link << "\" direction=\"" << direction
      << "\"/></route>\n";
}

}  // namespace

std::string simgrid_host_name(Chip chip) {
  return str("chip-", chip.gx, "-", chip.gy);
}

void write_simgrid_platform(const Machine& machine, std::ostream& xml) {
  xml << "<?xml version='1.0'?>\n"
      << "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
      << "<!-- dojo " << machine.describe() << " -->\n"
      << "<platform version=\"4.1\">\n"
      << "  <zone id=\"dojo-mesh\" routing=\"DijkstraCache\">\n";
  const std::string speed = number(machine.spec().chip_flops) + "f";
  for (int i = 0; i < machine.num_chips(); ++i) {
    Chip chip = machine.chip_at(i);
    if (machine.is_live(chip))
      xml << "    <host id=\"" << simgrid_host_name(chip) << "\" speed=\"" << speed << "\"/>\n";
  }
  // Links first, then routes: SimGrid needs a link declared before a route names it.
  struct Edge {
    Chip from, to;
    std::string link;
  };
  std::vector<Edge> edges;
  for (int i = 0; i < machine.num_chips(); ++i) {
    Chip chip = machine.chip_at(i);
    if (!machine.is_live(chip)) continue;
    for (auto [next, side] :
         {std::pair{Chip{chip.gx + 1, chip.gy}, 'e'}, std::pair{Chip{chip.gx, chip.gy + 1}, 's'}}) {
      if (!machine.is_live(next)) continue;
      const LinkParams& params = machine.link_params(chip, next);
      edges.push_back({chip, next, link_name(chip, side)});
      xml << "    <link id=\"" << edges.back().link << "\" bandwidth=\""
          << number(params.bandwidth_Bps) << "Bps\" latency=\"" << number(params.latency_s)
          << "s\" sharing_policy=\"SPLITDUPLEX\"/>\n";
    }
  }
  for (const Edge& edge : edges) {
    write_route(xml, edge.from, edge.to, edge.link, "UP");
    write_route(xml, edge.to, edge.from, edge.link, "DOWN");
  }
  xml << "  </zone>\n</platform>\n";
}

void write_hostfile(const Machine& machine, const Placement& placement, std::ostream& hosts) {
  check(placement.mesh_width() == machine.width() && placement.mesh_height() == machine.height(),
        "write_hostfile: placement made for this machine");
  for (Chip chip : placement.chips()) hosts << simgrid_host_name(chip) << "\n";
}

}  // namespace dojo::topology
