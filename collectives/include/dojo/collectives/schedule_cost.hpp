// The cost model's check at the level of links (cost_model.hpp has the closed forms): the
// alpha-beta cost of an explicit communication schedule on the machine, with contention counted
// per directed link. A schedule is a list of steps; the messages of one step run at the same time
// and each follows route(). Per step, load(l) = bytes of all the step's messages crossing directed
// link l,
//   time(message) = sum of latencies along its route + max over its links of load(l) / bandwidth(l)
//                   + gamma * reduced_bytes,
//   time(step)    = max over its messages,   time(schedule) = sum over steps.
// This is conservative: a message is charged its bottleneck link's whole load, as if every sharer
// ran the whole step (max-min fair sharing would let a message finish early once sharers end).
#pragma once

#include <vector>

#include "dojo/topology/machine.hpp"
#include "dojo/topology/placement.hpp"

namespace dojo::collectives::contention {

using topology::Chip;
using topology::Machine;
using topology::Placement;

struct Message {
  Chip src;
  Chip dst;
  double bytes = 0;          // sent from src to dst
  double reduced_bytes = 0;  // bytes the receiver reduces (charged gamma each)
};

using Step = std::vector<Message>;   // messages that run concurrently
using Schedule = std::vector<Step>;  // steps that run one after another

struct CostOptions {
  double gamma_s_per_byte = 0;  // reduction cost, seconds per byte reduced
};

struct StepCost {
  double time_s = 0;
  double max_link_load_bytes = 0;  // heaviest directed link of the step
  int max_hops = 0;                // longest route of the step
  int slowest_message = -1;        // index of the message that sets time_s, -1 for an empty step
};

struct ScheduleCost {
  double time_s = 0;
  std::vector<StepCost> steps;
};

// A message between two ranks, by their chips.
Message rank_message(const Placement& placement, int src_rank, int dst_rank, double bytes,
                     double reduced_bytes = 0);

StepCost cost_step(const Machine& machine, const Step& step, const CostOptions& options = {});
ScheduleCost cost_schedule(const Machine& machine, const Schedule& schedule,
                           const CostOptions& options = {});

}  // namespace dojo::collectives::contention
