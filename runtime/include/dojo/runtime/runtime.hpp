// Start-up of a dojo process: MPI with the best thread level, a private duplicate of the world
// communicator, where this rank sits (node, local rank), Slurm's view of the job, and how many
// compute threads this rank may use without oversubscribing its node.
#pragma once

#include <optional>
#include <string>

#include "dojo/common/log.hpp"
#include "dojo/common/mpi.hpp"
#include "dojo/runtime/slurm_environment.hpp"

namespace dojo::runtime {

struct RuntimeOptions {
  int threads_per_rank =
      0;  // 0: derive from the affinity mask / SLURM_CPUS_PER_TASK and ranks per node
  log::Settings log;
  // Hang watchdog limit in seconds for one communication wait; 0 = off; negative = the
  // environment's DOJO_WATCHDOG_SECONDS, else kDefaultWatchdogSeconds.
  double watchdog_seconds = -1;
};
inline constexpr double kDefaultWatchdogSeconds = 600;

struct ThreadPlan {
  int threads = 1;        // compute threads this rank uses (BLIS and dojo kernels)
  int cores_visible = 1;  // CPUs in this process's affinity mask
  int node_cores = 1;     // CPUs online on the node
  std::string source;     // how `threads` was chosen, for `dojo info`
};

// Compute threads for one rank: the user's choice if given, else SLURM_CPUS_PER_TASK if set, else
// the rank's share of the cores it can see when several ranks share a node, never below 1.
ThreadPlan plan_threads(int requested, const std::optional<int>& slurm_cpus_per_task,
                        int cores_visible, int node_cores, int ranks_on_node);

class Runtime {
 public:
  // Initialises MPI (asking for MPI_THREAD_MULTIPLE) unless already initialised, and finalises it
  // in the destructor if it initialised it. Collective over all ranks of the job.
  Runtime(int& argc, char**& argv, const RuntimeOptions& options = {});
  // Applies options known only after the command line is parsed (which needs the rank first, so
  // that a bad option is reported once): log settings and the thread plan.
  void configure(const RuntimeOptions& options);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // dojo's own duplicate of MPI_COMM_WORLD: every communicator below the runtime derives from it.
  const mpi::Comm& world() const { return world_; }
  // Ranks on this rank's node (shared memory).
  const mpi::Comm& node() const { return node_comm_; }

  int rank() const { return rank_; }
  int size() const { return size_; }
  int node_index() const { return node_index_; }
  int node_count() const { return node_count_; }
  int local_rank() const { return local_rank_; }
  int ranks_per_node() const { return ranks_per_node_; }  // on this rank's node
  int max_ranks_per_node() const { return max_ranks_per_node_; }
  const std::string& hostname() const { return hostname_; }

  int thread_level_requested() const { return MPI_THREAD_MULTIPLE; }
  int thread_level_provided() const { return thread_level_; }
  const ThreadPlan& threads() const { return threads_; }
  const SlurmEnvironment& slurm() const { return slurm_; }
  // Which launcher started us: "srun", "mpirun" or "none" (a single process).
  const std::string& launcher() const { return launcher_; }

 private:
  bool owns_mpi_ = false;
  int thread_level_ = MPI_THREAD_SINGLE;
  mpi::Comm world_;
  mpi::Comm node_comm_;
  int rank_ = 0, size_ = 1;
  int node_index_ = 0, node_count_ = 1;
  int local_rank_ = 0, ranks_per_node_ = 1, max_ranks_per_node_ = 1;
  std::string hostname_;
  std::string launcher_;
  SlurmEnvironment slurm_;
  ThreadPlan threads_;
};

std::string thread_level_name(int level);

}  // namespace dojo::runtime
