// Runtime start-up: MPI initialisation, node discovery and the thread plan.
#include "dojo/runtime/runtime.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <exception>

#include "dojo/common/environment.hpp"
#include "dojo/common/peers.hpp"
#include "dojo/common/watchdog.hpp"

namespace dojo::runtime {
namespace {

int cores_in_affinity_mask() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

int cores_online() {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

std::string detect_launcher() {
  // Both launchers leave their mark in the environment of the tasks they start.
  const env::Settings& s = env::settings();
  if (s.slurm_step && s.slurm_proc_id) return "srun";
  if (s.mpirun) return "mpirun";
  return "none";
}

}  // namespace

ThreadPlan plan_threads(int requested, const std::optional<int>& slurm_cpus_per_task,
                        int cores_visible, int node_cores, int ranks_on_node) {
  ThreadPlan plan;
  plan.cores_visible = cores_visible;
  plan.node_cores = node_cores;
  if (requested > 0) {
    plan.threads = requested;
    plan.source = "--threads";
  } else if (slurm_cpus_per_task && *slurm_cpus_per_task > 0) {
    // Slurm never gives a task more CPUs than its node has; a larger value is not Slurm's, and
    // OpenMP fails on thousands of threads: cap it at the node's cores.
    plan.threads = std::min(*slurm_cpus_per_task, std::max(1, node_cores));
    plan.source = plan.threads < *slurm_cpus_per_task
                      ? "SLURM_CPUS_PER_TASK, capped at the node's cores"
                      : "SLURM_CPUS_PER_TASK";
  } else {
    // A launcher that does not bind leaves every rank seeing every core: share them out.
    int share = std::max(1, node_cores / std::max(1, ranks_on_node));
    plan.threads = std::max(1, std::min(cores_visible, share));
    plan.source = cores_visible < node_cores ? "affinity mask" : "node cores / ranks on node";
  }
  return plan;
}

Runtime::Runtime(int& argc, char**& argv, const RuntimeOptions& options) {
  // Before MPI_Init: a singleton Open MPI process sets the launcher's variables itself.
  launcher_ = detect_launcher();
  // More ranks than cores under srun (a test cluster, --overcommit): ranks that busy-poll while
  // they wait take the CPU from the very peer they wait for, and every collective crawls (50x
  // here). mpirun --oversubscribe tells Open MPI to yield; srun cannot, so dojo does, unless the
  // user chose.
  if (launcher_ == "srun" && slurm_node_oversubscribed(cores_online()))
    setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0);
  if (!mpi::is_initialized()) {
    DOJO_CHECK_MPI(MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &thread_level_));
    owns_mpi_ = true;
  } else {
    DOJO_CHECK_MPI(MPI_Query_thread(&thread_level_));
  }
  // Errors inside MPI come back as codes that DOJO_CHECK_MPI turns into dojo errors with the rank.
  DOJO_CHECK_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
  world_ = mpi::Comm::duplicate(MPI_COMM_WORLD);
  rank_ = world_.rank();
  size_ = world_.size();
  set_error_rank(rank_);
  log::set_rank(rank_, size_);
  // The environment was parsed before MPI_Init (the launcher, the oversubscription): a malformed
  // variable is reported now, once, by rank 0.
  env::check();

  node_comm_ = world_.split_shared(rank_);
  local_rank_ = node_comm_.rank();
  ranks_per_node_ = node_comm_.size();
  // A peer of this node that is killed is named, and its waiting peers leave (peers.hpp).
  peers::attach(node_comm_.get(), world_.get(), rank_);
  watchdog::watch_peers();
  // Node index: number the node leaders (local rank 0) in world order, then share within the node.
  mpi::Comm leaders = world_.split(local_rank_ == 0 ? 0 : MPI_UNDEFINED, rank_);
  if (local_rank_ == 0) {
    node_index_ = leaders.rank();
    node_count_ = leaders.size();
    leaders = mpi::Comm();  // MPI_Comm_split gave MPI_COMM_NULL to the others
  }
  std::array<int, 2> node_info = {node_index_, node_count_};
  DOJO_CHECK_MPI(MPI_Bcast(node_info.data(), 2, MPI_INT, 0, node_comm_.get()));
  node_index_ = node_info[0];
  node_count_ = node_info[1];
  DOJO_CHECK_MPI(
      MPI_Allreduce(&ranks_per_node_, &max_ranks_per_node_, 1, MPI_INT, MPI_MAX, world_.get()));

  std::array<char, 256> host{};
  gethostname(host.data(), host.size() - 1);
  hostname_ = host.data();
  slurm_ = read_slurm_environment();
  if (slurm_.proc_id && launcher_ == "srun" && *slurm_.proc_id != rank_)
    log::warn("SLURM_PROCID=", *slurm_.proc_id, " differs from the MPI rank ", rank_,
              "; dojo uses the MPI rank");
  configure(options);
  log::debug("runtime up: rank ", rank_, "/", size_, " on ", hostname_, " (node ", node_index_,
             ", local rank ", local_rank_, "), ", threads_.threads, " threads");
}

void Runtime::configure(const RuntimeOptions& options) {
  log::configure(options.log);
  watchdog::set_timeout(options.watchdog_seconds >= 0
                            ? options.watchdog_seconds
                            : watchdog::timeout_from_environment(kDefaultWatchdogSeconds));
  threads_ = plan_threads(options.threads_per_rank, slurm_.cpus_per_task, cores_in_affinity_mask(),
                          cores_online(), ranks_per_node_);
}

Runtime::~Runtime() {
  // While an error unwinds, the other ranks may be inside a collective: MPI_Finalize could wait for
  // them forever. The error handler (guarded_main) decides how the job ends instead.
  if (std::uncaught_exceptions() > 0) {
    peers::forget();
    return;
  }
  peers::detach();
  node_comm_.reset();
  world_.reset();
  if (owns_mpi_ && !mpi::is_finalized()) MPI_Finalize();
}

std::string thread_level_name(int level) {
  switch (level) {
    case MPI_THREAD_SINGLE:
      return "MPI_THREAD_SINGLE";
    case MPI_THREAD_FUNNELED:
      return "MPI_THREAD_FUNNELED";
    case MPI_THREAD_SERIALIZED:
      return "MPI_THREAD_SERIALIZED";
    case MPI_THREAD_MULTIPLE:
      return "MPI_THREAD_MULTIPLE";
    default:
      return str("level ", level);
  }
}

}  // namespace dojo::runtime
