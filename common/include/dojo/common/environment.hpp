// The one place dojo reads its process environment. Every variable it looks at is listed in
// Settings, parsed once (at the first call of settings()), typed, and checked against its domain.
// A malformed value is not thrown where it is found, which may be before MPI is up and would print
// once per rank: it is kept, and check() raises it as a user error once the rank is known, so that
// rank 0 alone reports it (the runtime calls check() right after MPI_Init).
//
// The collectives' DOJO_COLL_<OPERATION> algorithm names are read here as text (raw()) and parsed
// by the collectives library, which owns their domain (the algorithm names).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dojo::env {

struct Settings {
  // --- dojo's own settings
  std::optional<double> watchdog_seconds;  // DOJO_WATCHDOG_SECONDS, in [0, 1e7]; 0 = off
  std::vector<std::string> device_path;    // DOJO_DEVICE_PATH: plugin directories, ':'-separated
  std::optional<bool> coll_debug;          // DOJO_COLL_DEBUG: 1/true/on or 0/false/off

  // --- test hooks (the fault tests; never needed in a real run)
  std::optional<std::int64_t> test_hold_after_step;  // DOJO_TEST_HOLD_AFTER_STEP, >= 0
  double test_hold_seconds = 60;                     // DOJO_TEST_HOLD_SECONDS, in (0, 86400]
  std::string test_hold_at;  // DOJO_TEST_HOLD_AT: a stop point (start, data, resume) or empty
  std::string checkpoint_crash_at;  // DOJO_CHECKPOINT_CRASH_AT: a checkpoint save phase or empty
  std::string checkpoint_hang_at;   // DOJO_CHECKPOINT_HANG_AT: a checkpoint save phase or empty

  // --- Slurm (set by srun/sbatch in the tasks it starts)
  std::string slurm_job_id;                    // SLURM_JOB_ID: digits, or empty outside a job
  bool slurm_step = false;                     // SLURM_STEP_ID is set: started by srun
  std::optional<int> slurm_proc_id;            // SLURM_PROCID: rank in the step, [0, 2^24)
  std::optional<int> slurm_local_id;           // SLURM_LOCALID: rank on the node, [0, 2^24)
  std::optional<int> slurm_node_id;            // SLURM_NODEID: node index in the step, [0, 2^24)
  std::optional<int> slurm_ntasks;             // SLURM_NTASKS, [1, 2^24]
  std::optional<int> slurm_cpus_per_task;      // SLURM_CPUS_PER_TASK, [1, 65536]
  std::vector<std::string> slurm_nodes;        // SLURM_JOB_NODELIST (else SLURM_NODELIST), expanded
  std::vector<int> slurm_step_tasks_per_node;  // SLURM_STEP_TASKS_PER_NODE, expanded

  // --- Open MPI / PMIx (set by mpirun in the processes it starts)
  bool mpirun = false;       // OMPI_COMM_WORLD_SIZE or PMIX_RANK is set
  std::string ompi_mca_btl;  // OMPI_MCA_btl: the BTLs the user chose, or empty

  // One message per malformed variable, in the order above ("SLURM_NTASKS='x' is not ...").
  std::vector<std::string> problems;
};

// The environment as this process found it, parsed at the first call (thread-safe). Never throws:
// a malformed variable leaves its field at the default and adds a problem.
const Settings& settings();

// Raises the first problem as a user error (one line from rank 0): call once the rank is known.
void check();

// The raw value of a variable dojo reads but parses elsewhere (DOJO_COLL_*), nullopt when unset
// or empty.
std::optional<std::string> raw(const char* name);

// Parses the environment again (tests that set variables; not thread-safe against readers).
void reread();

// Parses one Settings from a list of NAME=VALUE strings instead of the process environment (the
// fuzz target and tests).
Settings parse(const std::vector<std::string>& assignments);

// `value` as it may be echoed in a one-line message: quoted, control and non-ASCII bytes escaped
// as \xHH, at most about 60 characters (a longer one is cut with "...").
std::string quoted(std::string_view value);

}  // namespace dojo::env
