// The two list grammars Slurm uses in its environment, expanded with bounds: host lists such as
// "node[01-04,7],gpu3" and tasks-per-node lists such as "2(x3),1". A value that does not parse, or
// that would expand to more entries than any machine has, is a user error naming the value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dojo::slurm {

// More hosts (or per-node entries) than Slurm can allocate (its limit is 65,533 nodes per job,
// a few times over): a list that expands beyond it is garbage, refused before anything is stored.
inline constexpr std::int64_t kMaxListEntries = 1 << 18;
// Longest host name (HOST_NAME_MAX) and longest list text accepted.
inline constexpr std::size_t kMaxHostName = 64;
inline constexpr std::size_t kMaxListText = 1 << 16;
// Most tasks one node runs in a step (far above any node's cores).
inline constexpr int kMaxTasksPerNode = 1 << 16;

// Expands a Slurm host list: "node[01-04,7]" -> node01 node02 node03 node04 node7 (zero padding
// kept), "a[1-2]b[3-4]" -> a1b3 a1b4 a2b3 a2b4, "x,y" -> x y. At most `max_hosts` names.
std::vector<std::string> expand_hostlist(std::string_view list,
                                         std::int64_t max_hosts = kMaxListEntries);

// Expands SLURM_STEP_TASKS_PER_NODE / SLURM_TASKS_PER_NODE: "2(x3),1" -> 2 2 2 1. At most
// `max_nodes` entries, each in [0, kMaxTasksPerNode].
std::vector<int> expand_tasks_per_node(std::string_view list,
                                       std::int64_t max_nodes = kMaxListEntries);

}  // namespace dojo::slurm
