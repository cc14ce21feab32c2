// Progress lines and metrics records.
#include "dojo/jobs/progress.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

#include "dojo/common/error.hpp"
#include "dojo/common/json.hpp"
#include "dojo/common/log.hpp"

namespace dojo::jobs {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  auto s = static_cast<long>(std::lround(seconds));
  char text[32];
  if (s >= 3600)
    std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  else if (s >= 60)
    std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(text, sizeof text, "%lds", s);
  return text;
}

Progress::Progress(bool enabled, const std::string& metrics_path, std::int64_t total_steps,
                   double units_per_step, const std::string& units_name, double flops_per_step,
                   std::int64_t resumed_after)
    : enabled_(enabled),
      total_steps_(total_steps),
      units_per_step_(units_per_step),
      units_name_(units_name),
      flops_per_step_(flops_per_step) {
  metrics_path_ = metrics_path;
  resumed_after_ = resumed_after;
}

void Progress::open_metrics() {
  const std::string& metrics_path = metrics_path_;
  const std::int64_t resumed_after = resumed_after_;
  if (resumed_after > 0) {
    // Keep the records of steps up to the checkpoint; write them back through a temporary file.
    std::vector<std::string> kept;
    std::ifstream old(metrics_path);
    for (std::string line; std::getline(old, line);) {
      auto at = line.find("\"step\": ");
      if (at == std::string::npos) continue;
      if (std::stoll(line.substr(at + 8)) <= resumed_after) kept.push_back(line);
    }
    const std::string temporary = metrics_path + ".tmp";
    {
      std::ofstream rewritten(temporary, std::ios::out | std::ios::trunc);
      for (const auto& line : kept) rewritten << line << '\n';
      if (!rewritten.flush()) internal_error(str("cannot write metrics to ", temporary));
    }
    std::error_code error;
    std::filesystem::rename(temporary, metrics_path, error);
    if (error) internal_error(str("cannot replace ", metrics_path, ": ", error.message()));
    metrics_.open(metrics_path, std::ios::out | std::ios::app);
  } else {
    metrics_.open(metrics_path, std::ios::out | std::ios::trunc);
  }
  if (!metrics_) internal_error(str("cannot write metrics to ", metrics_path));
}

void Progress::json_line(const std::string& line) {
  if (!metrics_.is_open()) open_metrics();
  metrics_ << line << '\n';
  metrics_.flush();
}

void Progress::step(std::int64_t step, double loss, double lr, const StepTimes& times,
                    std::int64_t interval) {
  interval_times_.data += times.data;
  interval_times_.compute += times.compute;
  interval_times_.comm_wait += times.comm_wait;
  interval_loss_ += loss;
  ++interval_steps_;
  elapsed_ += times.total();
  ++steps_done_;
  if (!enabled_) return;
  {
    std::ostringstream j;
    json::Writer(j)
        .object()
        .field("step", step)
        .field("loss", loss)
        .field("lr", lr)
        .field("time_data_s", times.data)
        .field("time_compute_s", times.compute)
        .field("time_comm_wait_s", times.comm_wait)
        .field(units_name_ + "_per_s", units_per_step_ / std::max(times.total(), 1e-12))
        .end();
    json_line(j.str());
  }
  const bool last = step == total_steps_;
  if (!(step % interval == 0 || last || step == 1)) return;

  const double n = static_cast<double>(interval_steps_);
  const double per_step = interval_times_.total() / n;
  last_interval_loss_ = interval_loss_ / n;
  const double eta = per_step * static_cast<double>(total_steps_ - step);
  std::ostringstream line;
  line << "step " << std::setw(static_cast<int>(std::to_string(total_steps_).size())) << step << "/"
       << total_steps_ << " | loss " << std::fixed << std::setprecision(4) << last_interval_loss_
       << " | lr " << std::scientific << std::setprecision(2) << lr << std::fixed << " | "
       << std::setprecision(0) << units_per_step_ / per_step << " " << units_name_ << "/s, "
       << std::setprecision(2) << flops_per_step_ / per_step / 1e9 << " GFLOP/s | "
       << std::setprecision(1) << per_step * 1e3 << " ms/step (compute "
       << interval_times_.compute / n * 1e3 << ", comm wait " << interval_times_.comm_wait / n * 1e3
       << ", data " << interval_times_.data / n * 1e3 << ") | "
       << (last ? "done in " + format_duration(elapsed_) : "ETA " + format_duration(eta));
  log::info(line.str());
  interval_times_ = {};
  interval_loss_ = 0;
  interval_steps_ = 0;
}

void Progress::evaluation(std::int64_t step, const std::string& split, double loss,
                          double accuracy) {
  if (!enabled_) return;
  std::ostringstream j;
  json::Writer record(j);
  record.object().field("step", step).field("eval_split", split).field("eval_loss", loss);
  if (accuracy >= 0) record.field("eval_accuracy", accuracy);
  record.end();
  json_line(j.str());
  std::ostringstream line;
  line << "eval at step " << step << " on " << split << ": loss " << std::fixed
       << std::setprecision(4) << loss;
  if (accuracy >= 0) line << ", accuracy " << std::setprecision(2) << accuracy * 100 << "%";
  log::info(line.str());
}

}  // namespace dojo::jobs
