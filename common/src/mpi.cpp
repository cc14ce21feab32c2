// MPI handle owners and the MPI error check.
#include "dojo/common/mpi.hpp"

#include <array>

namespace dojo::mpi {

void check(int rc, const char* call, std::source_location where) {
  if (rc == MPI_SUCCESS) return;
  std::array<char, MPI_MAX_ERROR_STRING> text{};
  int length = 0;
  MPI_Error_string(rc, text.data(), &length);
  internal_error(str("MPI call failed: ", call, ": ", std::string(text.data(), length)), where);
}

bool is_initialized() {
  int flag = 0;
  MPI_Initialized(&flag);
  return flag != 0;
}

bool is_finalized() {
  int flag = 0;
  MPI_Finalized(&flag);
  return flag != 0;
}

Comm Comm::duplicate(MPI_Comm comm) {
  MPI_Comm out = MPI_COMM_NULL;
  DOJO_CHECK_MPI(MPI_Comm_dup(comm, &out));
  return adopt(out);
}

Comm Comm::split(int color, int key) const {
  MPI_Comm out = MPI_COMM_NULL;
  DOJO_CHECK_MPI(MPI_Comm_split(comm_, color, key, &out));
  return adopt(out);
}

Comm Comm::split_shared(int key) const {
  MPI_Comm out = MPI_COMM_NULL;
  DOJO_CHECK_MPI(MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, key, MPI_INFO_NULL, &out));
  return adopt(out);
}

int Comm::rank() const {
  int r = 0;
  DOJO_CHECK_MPI(MPI_Comm_rank(comm_, &r));
  return r;
}

int Comm::size() const {
  int s = 0;
  DOJO_CHECK_MPI(MPI_Comm_size(comm_, &s));
  return s;
}

void Comm::barrier() const {
  DOJO_CHECK_MPI(MPI_Barrier(comm_));
}

void Comm::reset() noexcept {
  if (comm_ != MPI_COMM_NULL && comm_ != MPI_COMM_WORLD && comm_ != MPI_COMM_SELF &&
      !is_finalized())
    MPI_Comm_free(&comm_);
  comm_ = MPI_COMM_NULL;
}

void Request::wait() {
  if (request_ == MPI_REQUEST_NULL) return;
  DOJO_CHECK_MPI(MPI_Wait(&request_, MPI_STATUS_IGNORE));
}

bool Request::test() {
  if (request_ == MPI_REQUEST_NULL) return true;
  int done = 0;
  DOJO_CHECK_MPI(MPI_Test(&request_, &done, MPI_STATUS_IGNORE));
  return done != 0;
}

void Request::release() noexcept {
  if (request_ != MPI_REQUEST_NULL && !is_finalized()) MPI_Request_free(&request_);
  request_ = MPI_REQUEST_NULL;
}

std::string library_version() {
  std::array<char, MPI_MAX_LIBRARY_VERSION_STRING> text{};
  int length = 0;
  MPI_Get_library_version(text.data(), &length);
  std::string v(text.data(), length);
  while (!v.empty() && (v.back() == '\n' || v.back() == '\0')) v.pop_back();
  return v;
}

}  // namespace dojo::mpi
