// SimGrid (3.32) platform of the mesh for SMPI: one host per live chip ("chip-gx-gy"), one
// SPLITDUPLEX link per mesh edge between live chips (intra-tile or tile-edge bandwidth and
// latency), a route per direction of each edge, all in one DijkstraCache zone. The hostfile lists
// each rank's host in rank order, which is how smpirun maps ranks to chips.
#pragma once

#include <ostream>
#include <string>

#include "dojo/topology/machine.hpp"
#include "dojo/topology/placement.hpp"

namespace dojo::topology {

std::string simgrid_host_name(Chip chip);  // "chip-gx-gy"

void write_simgrid_platform(const Machine& machine, std::ostream& xml);

// One host name per line, line r for rank r.
void write_hostfile(const Machine& machine, const Placement& placement, std::ostream& hosts);

}  // namespace dojo::topology
