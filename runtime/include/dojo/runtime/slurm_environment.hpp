// What a Slurm job tells its tasks through the environment, read in one place, and the expansion of
// Slurm host lists such as "node[01-04,7],gpu3".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dojo/common/slurm_lists.hpp"

namespace dojo::runtime {

struct SlurmEnvironment {
  std::string job_id;                // SLURM_JOB_ID
  std::optional<int> proc_id;        // SLURM_PROCID: this task's rank in the step
  std::optional<int> local_id;       // SLURM_LOCALID: rank on this node
  std::optional<int> node_id;        // SLURM_NODEID: index of this node in the step
  std::optional<int> ntasks;         // SLURM_NTASKS
  std::optional<int> cpus_per_task;  // SLURM_CPUS_PER_TASK
  std::vector<std::string> nodes;    // SLURM_JOB_NODELIST, expanded

  bool in_job() const { return !job_id.empty(); }
};

// Slurm's variables as dojo::env::settings() parsed them; fields absent from it stay empty.
SlurmEnvironment read_slurm_environment();

// Expands a Slurm host list: "node[01-04,7]" -> node01 node02 node03 node04 node7 (zero padding
// kept), "a[1-2]b[3-4]" -> a1b3 a1b4 a2b3 a2b4, "x,y" -> x y. A malformed list, or one of more than
// slurm::kMaxListEntries names, is a user error (see dojo/common/slurm_lists.hpp).
std::vector<std::string> expand_hostlist(std::string_view list);

// Expands SLURM_STEP_TASKS_PER_NODE / SLURM_TASKS_PER_NODE: "2(x3),1" -> 2 2 2 1. A malformed
// value is a user error.
std::vector<int> expand_tasks_per_node(std::string_view list);

// True when this task's node runs more tasks of the step than it has cores online: Open MPI must
// then yield the CPU while it waits (mpirun --oversubscribe does this itself; srun does not).
// Uses SLURM_STEP_TASKS_PER_NODE and SLURM_NODEID; false outside a Slurm step or when either is
// malformed (env::check() reports that once MPI is up).
bool slurm_node_oversubscribed(int cores_online);

}  // namespace dojo::runtime
