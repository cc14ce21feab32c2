// A non-blocking collective in flight. It advances only when the caller tests or waits on it (no
// helper thread), so a training loop can test a gradient bucket's handle between backward layers.
#pragma once

#include <memory>

namespace dojo::collectives {

class Schedule;  // the algorithm's state machine (internal)

class Handle {
 public:
  Handle();  // defined where Schedule is complete, so users need not see it
  explicit Handle(std::unique_ptr<Schedule> schedule);
  ~Handle();  // waits for an unfinished operation (its buffers must stay valid until then)
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  // Advances the operation as far as it can go without blocking; true once it has completed.
  bool test();
  // Blocks until the operation has completed.
  void wait();
  // True while the operation has not completed.
  bool active() const noexcept;

 private:
  std::unique_ptr<Schedule> schedule_;
};

}  // namespace dojo::collectives
