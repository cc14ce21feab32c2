// Per-link contention cost of schedules: routes every message, sums bytes per directed link, then
// charges each message its route's latency plus its most loaded link's time.
#include "dojo/collectives/schedule_cost.hpp"

#include <algorithm>

#include "dojo/common/error.hpp"
#include "dojo/topology/mesh_routes.hpp"

namespace dojo::collectives::contention {

using topology::Link;
using topology::LinkParams;
namespace {

// Directed links numbered chip index * 4 + direction (east, west, south, north).
int link_slot(const Machine& machine, const Link& link) {
  int direction = link.to.gx > link.from.gx   ? 0
                  : link.to.gx < link.from.gx ? 1
                  : link.to.gy > link.from.gy ? 2
                                              : 3;
  return machine.index(link.from) * 4 + direction;
}

}  // namespace

Message rank_message(const Placement& placement, int src_rank, int dst_rank, double bytes,
                     double reduced_bytes) {
  return {placement.chip_of(src_rank), placement.chip_of(dst_rank), bytes, reduced_bytes};
}

StepCost cost_step(const Machine& machine, const Step& step, const CostOptions& options) {
  std::vector<std::vector<Link>> routes;
  routes.reserve(step.size());
  std::vector<double> load_bytes(static_cast<std::size_t>(machine.num_chips()) * 4, 0.0);
  for (const Message& message : step) {
    if (message.bytes < 0 || message.reduced_bytes < 0)
      user_error(str("cost model: message ", topology::to_string(message.src), "->",
                     topology::to_string(message.dst), " has negative bytes"));
    routes.push_back(topology::route(machine, message.src, message.dst));
    for (const Link& link : routes.back())
      load_bytes[static_cast<std::size_t>(link_slot(machine, link))] += message.bytes;
  }
  StepCost cost;
  for (std::size_t m = 0; m < step.size(); ++m) {
    double latency_s = 0, transfer_s = 0;
    for (const Link& link : routes[m]) {
      const LinkParams& params = machine.link_params(link.from, link.to);
      double load = load_bytes[static_cast<std::size_t>(link_slot(machine, link))];
      latency_s += params.latency_s;
      transfer_s = std::max(transfer_s, load / params.bandwidth_Bps);
      cost.max_link_load_bytes = std::max(cost.max_link_load_bytes, load);
    }
    double time_s = latency_s + transfer_s + options.gamma_s_per_byte * step[m].reduced_bytes;
    cost.max_hops = std::max(cost.max_hops, static_cast<int>(routes[m].size()));
    if (cost.slowest_message < 0 || time_s > cost.time_s) {
      cost.time_s = time_s;
      cost.slowest_message = static_cast<int>(m);
    }
  }
  return cost;
}

ScheduleCost cost_schedule(const Machine& machine, const Schedule& schedule,
                           const CostOptions& options) {
  ScheduleCost cost;
  cost.steps.reserve(schedule.size());
  for (const Step& step : schedule) {
    cost.steps.push_back(cost_step(machine, step, options));
    cost.time_s += cost.steps.back().time_s;
  }
  return cost;
}

}  // namespace dojo::collectives::contention
