// The GPT training-step benchmark (see step_bench.hpp): dojo's step timed phase by phase through a
// GEMM-timing device, then PyTorch's step from bench_step_torch.py (tools/, shipped in share/dojo)
// on the same shapes.
#include "dojo/bench/step_bench.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <vector>

#include <sys/resource.h>

#include "dojo/common/clock.hpp"
#include "dojo/common/data_files.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/stats.hpp"
#include "dojo/model/gemm_timing_device.hpp"
#include "dojo/model/init.hpp"
#include "dojo/model/optimizer.hpp"

namespace dojo::model {
namespace {

// User + system CPU time of this process, all threads.
double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Deterministic tokens in [0, V).
std::vector<std::int32_t> random_tokens(std::int64_t count, std::int64_t V, std::uint64_t seed) {
  const CounterRng rng(seed, "bench.tokens");
  std::vector<std::int32_t> tokens(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    tokens[i] = static_cast<std::int32_t>(rng.uniform(i) * static_cast<double>(V));
  }
  return tokens;
}

struct TorchTimes {
  double step_seconds = 0.0;
  double step_cpu_seconds = 0.0;
};

// Runs the PyTorch script and reads its "ms_per_step=<x>" and "cpu_ms_per_step=<x>" lines; the
// note says what happened.
std::optional<TorchTimes> run_torch(const StepBenchOptions& options, int threads,
                                    std::string& note) {
  if (options.torch_script.empty()) {
    note = "not run (no script given)";
    return std::nullopt;
  }
  const GptConfig& m = options.model;
  std::ostringstream command;
  command << options.python << " '" << options.torch_script << "' --layers " << m.layers
          << " --channels " << m.channels << " --heads " << m.heads << " --context "
          << m.context_length << " --vocab " << m.vocab_size << " --batch " << options.batch_size
          << " --threads " << threads << " --warmup " << options.warmup_steps << " --steps "
          << options.steps << (m.tied_embedding ? "" : " --untied") << " 2>&1";
  FILE* pipe = popen(command.str().c_str(), "r");
  if (pipe == nullptr) {
    note = "could not start " + options.python;
    return std::nullopt;
  }
  std::string output;
  char chunk[512];
  while (std::fgets(chunk, sizeof chunk, pipe) != nullptr) output += chunk;
  const int status = pclose(pipe);
  std::optional<double> ms;
  double cpu_ms = 0.0;
  std::istringstream lines(output);
  std::string line;
  std::string last_line;
  while (std::getline(lines, line)) {
    if (!line.empty()) last_line = line;
    if (line.rfind("torch_version=", 0) == 0) note = "PyTorch " + line.substr(14);
    if (line.rfind("ms_per_step=", 0) == 0) ms = std::stod(line.substr(12));
    if (line.rfind("cpu_ms_per_step=", 0) == 0) cpu_ms = std::stod(line.substr(16));
  }
  if (status != 0 || !ms) {
    note = "failed: " + (last_line.empty() ? std::string("no output") : last_line);
    return std::nullopt;
  }
  return TorchTimes{*ms / 1000.0, cpu_ms / 1000.0};
}

}  // namespace

std::string default_torch_script() {
  return find_data_file("bench_step_torch.py").string();
}

StepBenchResult run_step_bench(const StepBenchOptions& options, device::Device& device,
                               std::ostream& out) {
  if (options.steps < 1 || options.warmup_steps < 0 || options.batch_size < 1) {
    user_error("bench step: need steps >= 1, warmup >= 0 and batch >= 1");
  }
  GemmTimingDevice timing(device);
  Gpt gpt(timing, options.model);
  AdamW optimizer(gpt.parameters(), AdamWConfig{});
  const std::int64_t B = options.batch_size, T = options.model.context_length;
  const std::int64_t V = options.model.vocab_size;
  const Tensor tokens = make_tensor(timing, {B, T}, random_tokens(B * T, V, 1));
  const Tensor targets = make_tensor(timing, {B, T}, random_tokens(B * T, V, 2));

  StepBenchResult result;
  result.threads = device.info().threads;
  std::vector<double> step, step_cpu, forward, backward, update;
  double step_total = 0.0, gemm_total = 0.0;
  for (int i = 0; i < options.warmup_steps + options.steps; ++i) {
    timing.reset_totals();
    const double cpu_start = process_cpu_seconds();
    const Clock::time_point start = Clock::now();
    gpt.zero_grad();
    result.final_loss = gpt.forward(tokens.view(), targets.view());
    const double t_forward = seconds_since(start);
    gpt.backward();
    const double t_backward = seconds_since(start);
    optimizer.step(3e-4f);
    timing.synchronize();
    const double t_step = seconds_since(start);
    const double cpu_step = process_cpu_seconds() - cpu_start;
    if (i < options.warmup_steps) continue;
    step.push_back(t_step);
    step_cpu.push_back(cpu_step);
    forward.push_back(t_forward);
    backward.push_back(t_backward - t_forward);
    update.push_back(t_step - t_backward);
    step_total += t_step;
    gemm_total += timing.totals().seconds;
  }
  result.step_seconds = median(step);
  result.step_cpu_seconds = median(step_cpu);
  result.forward_seconds = median(forward);
  result.backward_seconds = median(backward);
  result.optimizer_seconds = median(update);
  result.gemm_share = gemm_total / step_total;
  result.flops_per_step = gpt.step_flops(B, T).total();
  result.tokens_per_second = static_cast<double>(B * T) / result.step_seconds;
  if (const auto torch = run_torch(options, result.threads, result.torch_note)) {
    result.torch_step_seconds = torch->step_seconds;
    result.torch_step_cpu_seconds = torch->step_cpu_seconds;
  }

  const GptConfig& m = options.model;
  out << std::fixed;
  out << "bench step: GPT L=" << m.layers << " C=" << m.channels << " NH=" << m.heads << " T=" << T
      << " V=" << V << " B=" << B << (m.tied_embedding ? " tied" : " untied") << ", "
      << m.parameter_count() << " parameters, device " << device.info().name << ", "
      << result.threads << " threads, median of " << options.steps << " steps\n";
  out << std::setprecision(2) << "  dojo   step " << result.step_seconds * 1e3 << " ms, cpu "
      << result.step_cpu_seconds * 1e3 << " ms (forward " << result.forward_seconds * 1e3
      << ", backward " << result.backward_seconds * 1e3 << ", adamw "
      << result.optimizer_seconds * 1e3 << ")" << std::setprecision(1) << ", GEMM share "
      << result.gemm_share * 100.0 << " %, " << result.flops_per_step / result.step_seconds / 1e9
      << " GFLOP/s, " << std::setprecision(0) << result.tokens_per_second << " tokens/s, loss "
      << std::setprecision(4) << result.final_loss << "\n";
  if (result.torch_step_seconds) {
    const double torch = *result.torch_step_seconds;
    const double torch_cpu = *result.torch_step_cpu_seconds;
    out << std::setprecision(2) << "  torch  step " << torch * 1e3 << " ms, cpu " << torch_cpu * 1e3
        << " ms (" << result.torch_note << "), " << std::setprecision(1)
        << result.flops_per_step / torch / 1e9 << " GFLOP/s\n";
    out << std::setprecision(2) << "  dojo / torch: step time " << result.step_seconds / torch
        << ", cpu time " << result.step_cpu_seconds / torch_cpu << " (below 1: dojo faster)\n";
  } else {
    out << "  torch  " << result.torch_note << "\n";
  }
  return result;
}

}  // namespace dojo::model
