// From what Slurm says about a job to the service's explicit states:
//   submitting (before sbatch answered), pending, running, stopping (a cancel was asked, the job
//   has not ended yet), requeued (preempted or stopped at a checkpoint and queued again),
//   completed, failed (with a reason in words), cancelled.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace dojo::service {

// One job as `scontrol show job -o` prints it: KEY=VALUE fields.
struct SlurmJob {
  std::map<std::string, std::string> fields;
  std::string get(const std::string& key) const {
    auto it = fields.find(key);
    return it == fields.end() ? "" : it->second;
  }
};

// Parses one line of `scontrol show job -o`.
SlurmJob parse_scontrol_line(const std::string& line);

struct MappedState {
  std::string state;
  std::string reason;  // for failed: why, in words
};

// `slurm_state` is JobState (e.g. RUNNING, CANCELLED), `exit_code` ExitCode ("0:0", "2:0"),
// `restarts` the Restarts count, `cancel_requested` whether a cancel came through the API.
MappedState map_slurm_state(const std::string& slurm_state, const std::string& exit_code,
                            int restarts, bool cancel_requested, const std::string& slurm_reason);

// The final state of a job that Slurm has forgotten, from the last lines of its batch output
// (slurm/train-job.bash says how dojo ended). nullopt when the output says nothing final.
std::optional<MappedState> state_from_output(const std::string& output_tail);

}  // namespace dojo::service
