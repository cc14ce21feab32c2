#include "resume.hpp"

#include <optional>
#include <vector>

#include "dojo/common/error.hpp"
#include "dojo/common/log.hpp"
#include "dojo/io/checkpoint.hpp"

namespace dojo::jobs {

ResumePoint resume_from_checkpoint(ResumeMode mode, const std::filesystem::path& file,
                                   const std::filesystem::path& dir, RunState& state,
                                   std::int64_t total_steps, bool checkpointing, MPI_Comm comm) {
  ScopedActivity activity("looking for a checkpoint to resume from");
  const std::vector<io::ExpectedTensor> expected = expected_tensors(state);
  std::filesystem::path from;
  if (mode == ResumeMode::never) {
    if (!io::list_checkpoints(dir).empty() && checkpointing)
      log::warn(dir.string(), " holds checkpoints of an earlier run; this run starts ",
                "from step 0 (--resume never) and its checkpoints will replace them");
    return {};
  }
  if (mode == ResumeMode::latest) {
    auto found = io::find_latest_valid(dir, expected, comm);
    if (!found) {
      if (!io::list_checkpoints(dir).empty())
        user_error(str("--resume auto: none of the checkpoints in ", dir.string(),
                       " can be resumed (see the warnings above); use another --out, or "
                       "--resume never to start again and replace them"));
      log::info("--resume auto: no checkpoint in ", dir.string(), ", starting from step 0");
      return {};
    }
    from = *found;
  } else {
    from = file;
    std::error_code error;
    if (!std::filesystem::is_regular_file(from, error))
      user_error(str("--resume ", file.string(),
                     ": no such checkpoint file (give a step-N.h5 file, auto or never)"));
    io::CheckpointReader reader(from, comm);
    if (std::string why = io::compatibility(reader, expected); !why.empty())
      user_error(str("cannot resume from ", from.string(), ": ", why));
    if (std::string bad = reader.verify(); !bad.empty())
      user_error(str("cannot resume from ", from.string(), ": ", bad));
  }
  ResumePoint point;
  point.step = load_training_checkpoint(from, state, comm);
  if (point.step > total_steps)
    user_error(str("cannot resume from ", from.string(), ": it is at step ", point.step,
                   ", beyond this run's ", total_steps, " steps (raise --steps)"));
  point.checkpoint = from;
  log::info("resumed from ", from.string(), " at step ", point.step);
  return point;
}

}  // namespace dojo::jobs
