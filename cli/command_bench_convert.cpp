// `dojo bench convert`: the host's throughput for emulating D1's number formats, per core. FP32 ->
// CFloat8 (or another format) with round-to-nearest-even and with stochastic rounding, as codes and
// as a round trip back to FP32, against a plain copy (memcpy) of the same FP32 buffer in the same
// run: the copy is the floor any conversion pass pays, so the ratio is the cost of the emulation.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <iostream>
#include <random>
#include <stdexcept>
#include <vector>

#include "commands.hpp"
#include "dojo/common/stats.hpp"
#include "dojo/config/cli.hpp"
#include "dojo/numerics/cfloat.hpp"
#include "table.hpp"

namespace dojo::cli {
namespace {

struct ConvertBenchOptions {
  std::string format = "cfp8_143";
  int bias = 7;
  double megabytes = 64;  // FP32 input per pass, MiB
  int repetitions = 15;
  std::vector<std::string> isas;  // empty: every ISA this machine runs
};

template <class F>
double seconds(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

class BenchConvertCommand final : public Command {
 public:
  explicit BenchConvertCommand(CLI::App& bench) {
    command_ = bench.add_subcommand(
        "convert",
        "FP32 -> D1 format conversion throughput on one core (round to nearest even and "
        "stochastic, to codes and round trip to FP32) against memcpy of the same FP32 buffer, "
        "interleaved in one run (median of repetitions), for each ISA kernel (AVX-512, AVX2, "
        "portable). GB/s count the FP32 bytes read.\nExample: dojo bench convert --format "
        "cfp8_152");
    command_
        ->add_option("--format", options_.format,
                     "Target format: cfp8_143, cfp8_152, cfp16, ucfp16, bf16")
        ->capture_default_str()
        ->check(CLI::IsMember({"cfp8_143", "cfp8_152", "cfp16", "ucfp16", "bf16"}));
    command_->add_option("--bias", options_.bias, "Exponent bias (cfp8_*, cfp16)")
        ->capture_default_str()
        ->check(CLI::Range(0, 63));
    command_->add_option("--megabytes", options_.megabytes, "FP32 input per pass, MiB")
        ->capture_default_str()
        ->check(config::real(0.001, 65536.0));
    command_->add_option("--repetitions", options_.repetitions, "Timed passes per kernel")
        ->capture_default_str()
        ->check(config::whole(1, 1000000));
    command_
        ->add_option("--isa", options_.isas,
                     "ISA kernels to measure (avx512, avx2, portable); default: all this "
                     "machine runs")
        ->delimiter(',');
  }
  bool chosen() const override { return command_->parsed(); }

  int run(Context& context) override {
    if (context.runtime.size() != 1)
      user_error(str("dojo bench convert measures one core of one rank, but the job has ",
                     context.runtime.size(), " ranks: run it without a launcher or with -n 1"));
    try {
      (void)numerics::active_isa();  // reads DOJO_NUMERICS_ISA: a bad value is the user's mistake
    } catch (const std::invalid_argument& e) {
      user_error(e.what());
    }
    const numerics::FormatSpec spec{*numerics::parse_format(options_.format), options_.bias};
    std::vector<std::string> isas = options_.isas;
    if (isas.empty())
      for (auto isa : numerics::available_isas()) isas.emplace_back(isa);
    const std::string initial(numerics::active_isa());
    for (const auto& isa : isas)
      if (!numerics::set_isa(isa))
        user_error(str("--isa ", isa, " is not available on this machine (it runs: ",
                       join(numerics::available_isas()), ")"));
    numerics::set_isa(initial);

    const auto n = static_cast<std::size_t>(options_.megabytes * 1024 * 1024 / sizeof(float));
    if (n == 0) user_error("--megabytes is too small for one float");
    // Inputs: Gaussian values scaled to the format's range, so both roundings do real work.
    std::vector<float> in(n), out(n);
    std::vector<std::uint8_t> codes8(numerics::bytes_per_element(spec.format) == 1 ? n : 0);
    std::vector<std::uint16_t> codes16(numerics::bytes_per_element(spec.format) == 2 ? n : 0);
    std::mt19937 rng(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const float scale = static_cast<float>(numerics::max_finite(spec) / 8);
    for (float& v : in) v = normal(rng) * scale;
    std::fill(out.begin(), out.end(), 0.0f);  // touch every page before timing

    std::cout << "bench convert: " << options_.format << " bias " << options_.bias << ", "
              << options_.megabytes << " MiB of FP32 per pass, median of " << options_.repetitions
              << " passes on one core; GB/s = FP32 bytes read per second\n";
    Table table({"isa", "kernel", "GB/s", "x memcpy", "ns/element"});
    const numerics::StochasticKey key{1, 2, 3};
    for (const auto& isa : isas) {
      numerics::set_isa(isa);
      struct Kernel {
        std::string name;
        std::function<void()> run;
      };
      std::vector<Kernel> kernels;
      kernels.push_back(
          {"memcpy fp32", [&] { std::memcpy(out.data(), in.data(), n * sizeof(float)); }});
      for (auto rounding : {numerics::Rounding::nearest_even, numerics::Rounding::stochastic}) {
        const std::string r =
            rounding == numerics::Rounding::nearest_even ? "nearest" : "stochastic";
        if (!codes8.empty())
          kernels.push_back({"encode8 " + r, [&, rounding] {
                               numerics::encode8(in.data(), codes8.data(), n, spec, rounding, &key);
                             }});
        if (!codes16.empty())
          kernels.push_back({"encode16 " + r, [&, rounding] {
                               numerics::encode16(in.data(), codes16.data(), n, spec, rounding,
                                                  &key);
                             }});
        kernels.push_back({"round trip " + r, [&, rounding] {
                             numerics::round_trip(in.data(), out.data(), n, spec, rounding, &key);
                           }});
      }
      std::vector<std::vector<double>> times(kernels.size());
      for (auto& k : kernels) k.run();  // warm-up
      for (int rep = 0; rep < options_.repetitions; ++rep)
        for (std::size_t k = 0; k < kernels.size(); ++k)
          times[k].push_back(seconds(kernels[k].run));
      const double copy_seconds = median(times[0]);
      for (std::size_t k = 0; k < kernels.size(); ++k) {
        const double t = median(times[k]);
        table.add({isa, kernels[k].name, fixed(n * sizeof(float) / t / 1e9, 2),
                   fixed(copy_seconds / t, 3), fixed(t / n * 1e9, 3)});
      }
    }
    numerics::set_isa(initial);
    table.print(std::cout);
    std::cout << "x memcpy: the copy's time over the kernel's (1 = as fast as copying the FP32 "
                 "buffer). Default ISA here: "
              << initial << "\n";
    return 0;
  }

 private:
  static std::string join(const std::vector<std::string_view>& names) {
    std::string out;
    for (auto n : names) out += std::string(out.empty() ? "" : ", ") + std::string(n);
    return out;
  }

  CLI::App* command_ = nullptr;
  ConvertBenchOptions options_;
};

}  // namespace

std::unique_ptr<Command> make_bench_convert_command(CLI::App& bench) {
  return std::make_unique<BenchConvertCommand>(bench);
}

}  // namespace dojo::cli
