// The GEMM benchmark behind `dojo bench gemm`: device GEMM against plain bli_sgemm, interleaved,
// median of repetitions. The host device must stay within a few percent of plain BLIS.
#include "dojo/bench/gemm_bench.hpp"

#include <blis.h>

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <random>

#include "dojo/common/clock.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/stats.hpp"
#include "dojo/device/buffer.hpp"

namespace dojo::device {
namespace {

using i64 = std::int64_t;

std::vector<float> random_values(std::size_t count, std::mt19937& rng) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> values(count);
  for (float& v : values) v = uniform(rng);
  return values;
}

// Columns stored per row of an operand that is (rows, cols) after `op`.
i64 stored_cols(Op op, i64 rows, i64 cols) {
  return op == Op::none ? cols : rows;
}

trans_t to_blis(Op op) {
  return op == Op::none ? BLIS_NO_TRANSPOSE : BLIS_TRANSPOSE;
}

const char* op_name(Op op) {
  return op == Op::none ? "N" : "T";
}

// Sets BLIS's global thread count for the plain calls and restores it when done.
class GlobalBlisThreads {
 public:
  explicit GlobalBlisThreads(int threads) : previous_(bli_thread_get_num_threads()) {
    bli_thread_set_num_threads(threads);
  }
  ~GlobalBlisThreads() { bli_thread_set_num_threads(previous_); }
  GlobalBlisThreads(const GlobalBlisThreads&) = delete;
  GlobalBlisThreads& operator=(const GlobalBlisThreads&) = delete;

 private:
  dim_t previous_;
};

GemmBenchRow bench_shape(const GemmBenchShape& s, const GemmBenchOptions& options, Device& device,
                         std::mt19937& rng) {
  const i64 lda = stored_cols(s.op_a, s.m, s.k);  // A stored (m, k) or (k, m)
  const i64 ldb = stored_cols(s.op_b, s.k, s.n);  // B stored (k, n) or (n, k)
  const i64 ldc = s.n;                            // C (m, n)
  std::vector<float> a = random_values(static_cast<std::size_t>(s.m * s.k), rng);
  std::vector<float> b = random_values(static_cast<std::size_t>(s.k * s.n), rng);
  std::vector<float> c(static_cast<std::size_t>(s.m * s.n), 0.0f);
  DeviceBuffer<float> a_dev = make_buffer(device, a);
  DeviceBuffer<float> b_dev = make_buffer(device, b);
  DeviceBuffer<float> c_dev(device, c.size());

  float alpha = 1.0f;
  float beta = 0.0f;
  auto time_device = [&] {
    const auto start = Clock::now();
    device.gemm(s.op_a, s.op_b, s.m, s.n, s.k, alpha, a_dev.data(), lda, b_dev.data(), ldb, beta,
                c_dev.data(), ldc);
    device.synchronize();
    return seconds_since(start);
  };
  auto time_blis = [&] {
    const auto start = Clock::now();
    bli_sgemm(to_blis(s.op_a), to_blis(s.op_b), s.m, s.n, s.k, &alpha, a.data(), lda, 1, b.data(),
              ldb, 1, &beta, c.data(), ldc, 1);
    return seconds_since(start);
  };

  for (int i = 0; i < options.warmup; ++i) {
    time_device();
    time_blis();
  }
  std::vector<double> device_seconds;
  std::vector<double> blis_seconds;
  for (int i = 0; i < options.repetitions; ++i) {
    if (i % 2 == 0) {
      device_seconds.push_back(time_device());
      blis_seconds.push_back(time_blis());
    } else {
      blis_seconds.push_back(time_blis());
      device_seconds.push_back(time_device());
    }
  }
  const double gflop =
      2.0 * static_cast<double>(s.m) * static_cast<double>(s.n) * static_cast<double>(s.k) * 1e-9;
  const double device_gflops = gflop / median(device_seconds);
  const double blis_gflops = gflop / median(blis_seconds);
  return GemmBenchRow{.shape = s,
                      .device_gflops = device_gflops,
                      .blis_gflops = blis_gflops,
                      .ratio = device_gflops / blis_gflops};
}

}  // namespace

std::vector<GemmBenchShape> default_gemm_bench_shapes() {
  constexpr i64 tokens = 4096;   // B * T
  constexpr i64 channels = 256;  // C
  return {
      {"square", 256, 256, 256},
      {"square", 512, 512, 512},
      {"square", 1024, 1024, 1024},
      {"square", 2048, 2048, 2048},
      {"fc forward", tokens, 4 * channels, channels, Op::none, Op::transpose},
      {"fc proj forward", tokens, channels, 4 * channels, Op::none, Op::transpose},
      {"qkv forward", tokens, 3 * channels, channels, Op::none, Op::transpose},
      {"fc proj backward dx", tokens, 4 * channels, channels, Op::none, Op::none},
      {"fc backward dx", tokens, channels, 4 * channels, Op::none, Op::none},
      {"fc backward dW", 4 * channels, channels, tokens, Op::transpose, Op::none},
  };
}

std::vector<GemmBenchRow> run_gemm_bench(const GemmBenchOptions& options, Device& device) {
  if (options.threads < 0) user_error(str("bench gemm: threads = ", options.threads, " < 0"));
  if (options.warmup < 0) user_error(str("bench gemm: warmup = ", options.warmup, " < 0"));
  if (options.repetitions < 1) {
    user_error(str("bench gemm: repetitions = ", options.repetitions, " must be at least 1"));
  }
  for (const auto& s : options.shapes) {
    if (s.m < 1 || s.n < 1 || s.k < 1) {
      user_error(str("bench gemm: shape ", s.m, "x", s.n, "x", s.k, " must be positive"));
    }
  }
  const int threads = options.threads > 0 ? options.threads : device.info().threads;
  GlobalBlisThreads plain_threads(threads);
  std::mt19937 rng(20240521);
  std::vector<GemmBenchRow> rows;
  for (const auto& shape : options.shapes) rows.push_back(bench_shape(shape, options, device, rng));
  return rows;
}

void print_gemm_bench(std::ostream& out, const std::vector<GemmBenchRow>& rows,
                      const Device& device, const GemmBenchOptions& options) {
  const DeviceInfo info = device.info();
  const int threads = options.threads > 0 ? options.threads : info.threads;
  out << "GEMM float32, row-major: device '" << info.name << "' (" << info.description
      << ") vs plain bli_sgemm, " << threads << " threads, median of " << options.repetitions
      << " after " << options.warmup << " warm-up\n";
  out << std::left << std::setw(22) << "product" << std::right << std::setw(6) << "m"
      << std::setw(6) << "n" << std::setw(6) << "k" << std::setw(5) << "op" << std::setw(12)
      << "device GF/s" << std::setw(12) << "BLIS GF/s" << std::setw(8) << "ratio" << '\n';
  for (const auto& row : rows) {
    const auto& s = row.shape;
    out << std::left << std::setw(22) << s.label << std::right << std::setw(6) << s.m
        << std::setw(6) << s.n << std::setw(6) << s.k << std::setw(4) << op_name(s.op_a)
        << op_name(s.op_b) << std::fixed << std::setprecision(1) << std::setw(12)
        << row.device_gflops << std::setw(12) << row.blis_gflops << std::setprecision(3)
        << std::setw(8) << row.ratio << '\n';
  }
  out.unsetf(std::ios::floatfield);
}

}  // namespace dojo::device
