// `dojo bench step`: the time of one GPT training step on one rank (forward, backward, AdamW) and
// the share of it spent in GEMMs, optionally beside the same step in PyTorch run as a subprocess
// (tools/bench_step_torch.py) with the same shapes and thread count.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "dojo/device/device.hpp"
#include "dojo/model/gpt.hpp"

namespace dojo::model {

// bench_step_torch.py (tools/ in the source tree) where the running program finds its data
// files: share/dojo of the build tree or of the installation (common/data_files.hpp); else empty.
std::string default_torch_script();

struct StepBenchOptions {
  GptConfig model;              // defaults: L=4, C=256, NH=4, T=128, V=256, tied
  std::int64_t batch_size = 8;  // B sequences of model.context_length tokens
  int warmup_steps = 3;         // untimed
  int steps = 10;               // timed; the median is reported
  // The PyTorch side of the comparison; empty: none. Defaults to default_torch_script().
  std::string torch_script = default_torch_script();
  // Debian's interpreter, the one python3-torch installs into (a pyenv or venv python3 on PATH
  // usually cannot import it).
  std::string python = "/usr/bin/python3";
};

struct StepBenchResult {
  int threads = 0;            // the device's CPU threads, also given to PyTorch
  double step_seconds = 0.0;  // median over the timed steps
  // Median CPU time of the process per step (all threads): the fairer figure on a shared
  // machine, where other jobs stretch wall time but not CPU time.
  double step_cpu_seconds = 0.0;
  double forward_seconds = 0.0;  // medians of the three phases
  double backward_seconds = 0.0;
  double optimizer_seconds = 0.0;
  double gemm_share = 0.0;      // GEMM time / step time, summed over the timed steps
  double flops_per_step = 0.0;  // GEMM FLOPs (Gpt::step_flops)
  double tokens_per_second = 0.0;
  float final_loss = 0.0f;
  std::optional<double> torch_step_seconds;      // median, when the comparison ran
  std::optional<double> torch_step_cpu_seconds;  // median CPU time per step
  std::string torch_note;                        // why it did not run, or PyTorch's version
};

// Builds the GPT on `device` (wrapped in a GemmTimingDevice), runs the steps, prints a report
// to `out` and returns the figures. A failing PyTorch run is reported, not raised.
StepBenchResult run_step_bench(const StepBenchOptions& options, device::Device& device,
                               std::ostream& out);

}  // namespace dojo::model
