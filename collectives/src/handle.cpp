// Handle: the caller's grip on a non-blocking collective's schedule.
#include "dojo/collectives/handle.hpp"

#include <exception>

#include "schedule.hpp"

namespace dojo::collectives {

Handle::Handle() = default;
Handle::Handle(std::unique_ptr<Schedule> schedule) : schedule_(std::move(schedule)) {}

Handle::~Handle() {
  if (!active()) return;
  // While unwinding from an error the job is ending: free the requests rather than wait on peers
  // that may never come.
  if (std::uncaught_exceptions() > 0)
    schedule_->abandon();
  else {
    try {
      schedule_->advance(true);
    } catch (...) {
      schedule_->abandon();
    }
  }
}

Handle::Handle(Handle&& other) noexcept = default;

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    if (active()) {
      try {
        schedule_->advance(true);
      } catch (...) {
        schedule_->abandon();
      }
    }
    schedule_ = std::move(other.schedule_);
  }
  return *this;
}

bool Handle::test() {
  return !schedule_ || schedule_->advance(false);
}

void Handle::wait() {
  if (schedule_) schedule_->advance(true);
}

bool Handle::active() const noexcept {
  return schedule_ && !schedule_->done();
}

}  // namespace dojo::collectives
