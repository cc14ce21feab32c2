// What rank 0 shows and records while training: a progress line per logging interval (step, loss,
// learning rate, throughput, where the step's time went, time left) and JSON-lines metrics.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

namespace dojo::jobs {

// Seconds spent in each part of a step, summed over the steps of an interval.
struct StepTimes {
  double data = 0;       // reading the batch and copying it to the device
  double compute = 0;    // forward, backward (with overlapped communication), optimizer
  double comm_wait = 0;  // waiting for gradient buckets after backward
  double total() const { return data + compute + comm_wait; }
};

class Progress {
 public:
  // Only `enabled` (rank 0) prints and writes. samples_unit: "samples" or "tokens".
  // resumed_after > 0: a run resumed from the checkpoint of that step; the metrics file keeps
  // its records up to that step (later ones belong to the interrupted attempt) and grows from
  // there, so it reads as one uninterrupted run.
  Progress(bool enabled, const std::string& metrics_path, std::int64_t total_steps,
           double units_per_step, const std::string& units_name, double flops_per_step,
           std::int64_t resumed_after = 0);

  // Records one finished step; prints a line every `interval` steps and on the last one.
  void step(std::int64_t step, double loss, double lr, const StepTimes& times,
            std::int64_t interval);
  void evaluation(std::int64_t step, const std::string& split, double loss, double accuracy);
  // The mean loss of the last interval.
  double recent_loss() const { return last_interval_loss_; }

 private:
  void json_line(const std::string& line);

  bool enabled_;
  // Opened at the first record, so a run that fails before its first step leaves an earlier
  // run's metrics as they were.
  void open_metrics();
  std::string metrics_path_;
  std::int64_t resumed_after_ = 0;
  std::ofstream metrics_;
  std::int64_t total_steps_;
  double units_per_step_;
  std::string units_name_;
  double flops_per_step_;
  StepTimes interval_times_;
  double interval_loss_ = 0;
  std::int64_t interval_steps_ = 0;
  double last_interval_loss_ = 0;
  double elapsed_ = 0;
  std::int64_t steps_done_ = 0;
};

// "1h02m", "3m05s", "42s".
std::string format_duration(double seconds);

}  // namespace dojo::jobs
