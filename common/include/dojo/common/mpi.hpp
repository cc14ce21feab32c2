// Move-only owners of MPI handles, the MPI error check, and the MPI datatype of a C++ type.
// Only the runtime touches MPI_COMM_WORLD; everything below it is handed a Comm.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <source_location>
#include <string>
#include <utility>

#include "dojo/common/error.hpp"

namespace dojo::mpi {

// Turns an MPI return code into an internal dojo::Error naming the call.
void check(int rc, const char* call, std::source_location where = std::source_location::current());

#define DOJO_CHECK_MPI(call) ::dojo::mpi::check((call), #call)

bool is_initialized();
bool is_finalized();

// An owned communicator: freed on destruction; a moved-from Comm owns nothing.
class Comm {
 public:
  Comm() = default;
  ~Comm() { reset(); }
  Comm(Comm&& other) noexcept : comm_(std::exchange(other.comm_, MPI_COMM_NULL)) {}
  Comm& operator=(Comm&& other) noexcept {
    if (this != &other) {
      reset();
      comm_ = std::exchange(other.comm_, MPI_COMM_NULL);
    }
    return *this;
  }
  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;

  // Duplicates `comm` (which the caller keeps): the result has its own context, so dojo's
  // messages never match the caller's.
  static Comm duplicate(MPI_Comm comm);
  // Takes ownership of a communicator someone created (e.g. MPI_Comm_split's result).
  static Comm adopt(MPI_Comm comm) {
    Comm c;
    c.comm_ = comm;
    return c;
  }

  Comm dup() const { return duplicate(comm_); }
  // Ranks with the same colour form one communicator, ordered by key (then old rank).
  Comm split(int color, int key) const;
  // Ranks that share memory (one node).
  Comm split_shared(int key) const;

  int rank() const;
  int size() const;
  MPI_Comm get() const noexcept { return comm_; }
  bool valid() const noexcept { return comm_ != MPI_COMM_NULL; }
  void barrier() const;

  void reset() noexcept;

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
};

// An outstanding non-blocking operation. Waiting completes it; destroying an active request
// frees it without waiting (only done while unwinding on an error, when the job is ending).
class Request {
 public:
  Request() = default;
  explicit Request(MPI_Request r) : request_(r) {}
  ~Request() { release(); }
  Request(Request&& other) noexcept : request_(std::exchange(other.request_, MPI_REQUEST_NULL)) {}
  Request& operator=(Request&& other) noexcept {
    if (this != &other) {
      release();
      request_ = std::exchange(other.request_, MPI_REQUEST_NULL);
    }
    return *this;
  }
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;

  void wait();
  // True once the operation has completed (then the request is null).
  bool test();
  bool active() const noexcept { return request_ != MPI_REQUEST_NULL; }
  MPI_Request* handle() noexcept { return &request_; }

 private:
  void release() noexcept;
  MPI_Request request_ = MPI_REQUEST_NULL;
};

// The MPI datatype of T: mpi::datatype<float>() == MPI_FLOAT.
template <typename T>
MPI_Datatype datatype();
template <>
inline MPI_Datatype datatype<float>() {
  return MPI_FLOAT;
}
template <>
inline MPI_Datatype datatype<double>() {
  return MPI_DOUBLE;
}
template <>
inline MPI_Datatype datatype<std::int32_t>() {
  return MPI_INT32_T;
}
template <>
inline MPI_Datatype datatype<std::int64_t>() {
  return MPI_INT64_T;
}
template <>
inline MPI_Datatype datatype<std::uint8_t>() {
  return MPI_UINT8_T;
}
template <>
inline MPI_Datatype datatype<char>() {
  return MPI_CHAR;
}

// The library's own version string (e.g. "Open MPI v4.1.4, ...").
std::string library_version();

}  // namespace dojo::mpi
