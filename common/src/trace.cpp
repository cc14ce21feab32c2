// Trace events in memory per rank, gathered to rank 0 and written as Chrome trace JSON.
#include "dojo/common/trace.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"

namespace dojo::trace {
namespace {

struct Event {
  const char* name;
  const char* category;
  std::string detail;
  double start_us;
  double duration_us;
};

std::atomic<bool> on{false};
std::mutex events_mutex;
std::vector<Event>& events() {
  static std::vector<Event> list;
  return list;
}

double now_us() {
  using namespace std::chrono;
  return duration<double, std::micro>(steady_clock::now().time_since_epoch()).count();
}

void append_json_string(std::ostringstream& out, const std::string& text) {
  out << '"';
  for (char c : text) {
    switch (c) {
      case '"': out << "\\\""; break;
      case '\\': out << "\\\\"; break;
      case '\n': out << "\\n"; break;
      case '\t': out << "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char code[8];
          std::snprintf(code, sizeof code, "\\u%04x", c);
          out << code;
        } else {
          out << c;
        }
    }
  }
  out << '"';
}

}  // namespace

void enable() { on.store(true); }
bool enabled() noexcept { return on.load(std::memory_order_relaxed); }

Span::Span(const char* name, const char* category, std::string detail)
    : name_(name), category_(category) {
  if (!enabled()) return;
  detail_ = std::move(detail);
  start_us_ = now_us();
}

Span::~Span() {
  if (start_us_ < 0) return;
  const double end = now_us();
  std::lock_guard lock(events_mutex);
  events().push_back({name_, category_, std::move(detail_), start_us_, end - start_us_});
}

void write(const std::string& path, MPI_Comm comm) {
  int rank = 0, size = 1;
  DOJO_CHECK_MPI(MPI_Comm_rank(comm, &rank));
  DOJO_CHECK_MPI(MPI_Comm_size(comm, &size));
  // A common time origin: the earliest event of any rank (steady clocks of one node agree; across
  // nodes each rank's track is shifted by its clock offset, which Perfetto shows as is).
  double local_first = 1e300;
  std::ostringstream mine;
  {
    std::lock_guard lock(events_mutex);
    for (const Event& e : events()) local_first = std::min(local_first, e.start_us);
    double origin = local_first;
    DOJO_CHECK_MPI(MPI_Allreduce(&local_first, &origin, 1, MPI_DOUBLE, MPI_MIN, comm));
    for (const Event& e : events()) {
      mine << ",\n{\"name\":";
      append_json_string(mine, e.name);
      mine << ",\"cat\":";
      append_json_string(mine, e.category);
      mine << ",\"ph\":\"X\",\"pid\":0,\"tid\":" << rank << ",\"ts\":" << std::fixed
           << (e.start_us - origin) << ",\"dur\":" << e.duration_us;
      if (!e.detail.empty()) {
        mine << ",\"args\":{\"detail\":";
        append_json_string(mine, e.detail);
        mine << "}";
      }
      mine << "}";
    }
  }
  const std::string text = mine.str();
  int length = static_cast<int>(text.size());
  std::vector<int> lengths(static_cast<std::size_t>(size)), offsets(static_cast<std::size_t>(size));
  DOJO_CHECK_MPI(MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, comm));
  std::string all;
  if (rank == 0) {
    long long total = 0;
    for (int r = 0; r < size; ++r) {
      offsets[static_cast<std::size_t>(r)] = static_cast<int>(total);
      total += lengths[static_cast<std::size_t>(r)];
    }
    all.resize(static_cast<std::size_t>(total));
  }
  DOJO_CHECK_MPI(MPI_Gatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(),
                             offsets.data(), MPI_CHAR, 0, comm));
  int ok = 1;
  std::string problem;
  if (rank == 0) {
    std::ostringstream head;
    head << "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n"
         << "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"args\":{\"name\":\"dojo\"}}";
    for (int r = 0; r < size; ++r)
      head << ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":" << r
           << ",\"args\":{\"name\":\"rank " << r << "\"}}";
    const std::string temporary = path + ".tmp";
    std::ofstream file(temporary, std::ios::trunc);
    file << head.str() << all << "\n]}\n";
    if (!file.flush()) {
      ok = 0;
      problem = "cannot write " + temporary;
    } else {
      file.close();
      std::error_code error;
      std::filesystem::rename(temporary, path, error);
      if (error) {
        ok = 0;
        problem = error.message();
      }
    }
  }
  DOJO_CHECK_MPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  if (!ok) user_error(str("--trace ", path, ": ", problem.empty() ? "cannot be written" : problem,
                          " (choose a writable path)"));
}

}  // namespace dojo::trace
