#include "dojo/service/state.hpp"

#include <sstream>

namespace dojo::service {

SlurmJob parse_scontrol_line(const std::string& line) {
  SlurmJob job;
  std::istringstream in(line);
  std::string word;
  while (in >> word) {
    auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    job.fields.emplace(word.substr(0, eq), word.substr(eq + 1));
  }
  return job;
}

MappedState map_slurm_state(const std::string& slurm_state, const std::string& exit_code,
                            int restarts, bool cancel_requested, const std::string& slurm_reason) {
  const std::string& s = slurm_state;
  if (s == "PENDING" || s == "CONFIGURING") {
    if (restarts > 0) return {"requeued", ""};
    return {cancel_requested ? "stopping" : "pending", ""};
  }
  if (s == "RUNNING" || s == "COMPLETING" || s == "SUSPENDED" || s == "STOPPED" ||
      s == "SIGNALING" || s == "STAGE_OUT" || s == "RESIZING")
    return {cancel_requested ? "stopping" : "running", ""};
  if (s == "REQUEUED" || s == "REQUEUE_HOLD" || s == "REQUEUE_FED" || s == "PREEMPTED")
    return {cancel_requested ? "stopping" : "requeued", ""};
  if (s == "COMPLETED") return {"completed", ""};
  if (s == "CANCELLED") return {"cancelled", ""};
  std::string code = exit_code.substr(0, exit_code.find(':'));
  if (s == "TIMEOUT")
    return {"failed", "the job reached its time limit (its last checkpoint is kept)"};
  if (s == "OUT_OF_MEMORY") return {"failed", "the job ran out of memory"};
  if (s == "NODE_FAIL") return {"failed", "a node of the job failed"};
  if (s == "BOOT_FAIL") return {"failed", "a node of the job failed to boot"};
  if (s == "DEADLINE") return {"failed", "the job missed its deadline"};
  if (s == "FAILED") {
    if (code == "2")
      return {"failed", "dojo train refused its input (exit code 2); the log says why"};
    if (code == "75")
      return {"failed", "dojo stopped at a checkpoint and was not requeued (exit code 75)"};
    return {"failed", "dojo train failed with exit code " + code + "; the log says why" +
                          (slurm_reason.empty() || slurm_reason == "None"
                               ? std::string()
                               : " (Slurm: " + slurm_reason + ")")};
  }
  return {"failed", "Slurm reports the job as " + s};
}

std::optional<MappedState> state_from_output(const std::string& tail) {
  // The last verdict of slurm/train-job.bash wins (a requeued job prints several).
  struct Verdict {
    const char* text;
    MappedState state;
  };
  const Verdict verdicts[] = {
      {"training finished", {"completed", ""}},
      {"because the job is ending (cancelled", {"cancelled", ""}},
      {"refused its input", {"failed", "dojo train refused its input; the log says why"}},
      {"dojo train failed with exit code", {"failed", "dojo train failed; the log says why"}},
      {"not requeueing again", {"failed", "dojo stopped at a checkpoint too many times"}},
  };
  std::size_t best = std::string::npos;
  std::optional<MappedState> found;
  for (const auto& v : verdicts) {
    auto at = tail.rfind(v.text);
    if (at != std::string::npos && (best == std::string::npos || at > best)) {
      best = at;
      found = v.state;
    }
  }
  return found;
}

}  // namespace dojo::service
