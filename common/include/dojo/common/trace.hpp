// A Chrome trace (the JSON "Trace Event Format": opens in Perfetto or chrome://tracing) with one
// track per rank: each rank records spans in memory; write() gathers them to rank 0, which writes
// the file. Off unless enable() is called; a Span then costs two clock reads and a push_back.
//
//   trace::enable();                                  // dojo train --trace FILE
//   { trace::Span span("forward", "compute", "micro 3"); ... }
//   trace::write("trace.json", world);               // collective
#pragma once

#include <mpi.h>

#include <string>

namespace dojo::trace {

void enable();
bool enabled() noexcept;

// Records [construction, destruction) as a complete event ("ph": "X") on this rank's track.
// `name` and `category` must outlive the program (string literals); `detail` goes to "args".
class Span {
 public:
  Span(const char* name, const char* category, std::string detail = {});
  ~Span();
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;

 private:
  const char* name_;
  const char* category_;
  std::string detail_;
  double start_us_ = -1;  // < 0 when tracing is off
};

// Collective over `comm`: rank 0 writes every rank's events to `path` (pid 0, one tid per rank,
// named "rank N"), through a temporary file and a rename. A user error when it cannot be written.
void write(const std::string& path, MPI_Comm comm);

}  // namespace dojo::trace
