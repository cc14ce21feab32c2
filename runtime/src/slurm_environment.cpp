// Slurm's view of the job, from the environment as dojo::env parsed it.
#include "dojo/runtime/slurm_environment.hpp"

#include "dojo/common/environment.hpp"

namespace dojo::runtime {

SlurmEnvironment read_slurm_environment() {
  const env::Settings& s = env::settings();
  SlurmEnvironment slurm;
  slurm.job_id = s.slurm_job_id;
  slurm.proc_id = s.slurm_proc_id;
  slurm.local_id = s.slurm_local_id;
  slurm.node_id = s.slurm_node_id;
  slurm.ntasks = s.slurm_ntasks;
  slurm.cpus_per_task = s.slurm_cpus_per_task;
  slurm.nodes = s.slurm_nodes;
  return slurm;
}

std::vector<std::string> expand_hostlist(std::string_view list) {
  return slurm::expand_hostlist(list);
}

std::vector<int> expand_tasks_per_node(std::string_view list) {
  return slurm::expand_tasks_per_node(list);
}

bool slurm_node_oversubscribed(int cores_online) {
  const env::Settings& s = env::settings();
  const std::vector<int>& per_node = s.slurm_step_tasks_per_node;
  if (per_node.empty() || !s.slurm_node_id) return false;
  const auto index = static_cast<std::size_t>(*s.slurm_node_id);
  return index < per_node.size() && per_node[index] > cores_online;
}

}  // namespace dojo::runtime
