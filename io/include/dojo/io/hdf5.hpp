// Move-only owners of HDF5 ids and the one HDF5 error check, DOJO_CHECK_HDF5.
// HDF5's own printing of its error stack is switched off; a failed call's error names the call and
// carries HDF5's innermost message instead ("truncated file: eof = 5000, ...").
#pragma once

#include <hdf5.h>

#include <source_location>
#include <string>
#include <type_traits>
#include <utility>

#include "dojo/common/error.hpp"

namespace dojo::io::hdf5 {

// Switches off HDF5's automatic error printing (once per process). Every function below that
// opens, creates or probes a file calls it; call it yourself before using the raw C API first.
void quiet_errors();

// HDF5's current error stack as one line, then clears the stack: the innermost message (what went
// wrong, e.g. "truncated file: eof = 5000, ..."), followed unless `innermost_only` by the
// outermost (the API call that failed).
std::string take_error_stack(bool innermost_only = false);

// Raises an internal dojo::Error naming `call` and HDF5's message.
[[noreturn]] void fail(const char* call, std::source_location where);

// Returns `value` when it is non-negative (an id, a count, a tri-state true/false), else fails.
template <typename T>
T check(T value, const char* call, std::source_location where = std::source_location::current()) {
  static_assert(std::is_signed_v<T>, "HDF5 signals errors with negative values");
  if (value < 0) fail(call, where);
  return value;
}

#define DOJO_CHECK_HDF5(call) ::dojo::io::hdf5::check((call), #call)

// An owned HDF5 id, closed by `Close`; a moved-from or released owner closes nothing.
template <herr_t (*Close)(hid_t)>
class Owner {
 public:
  Owner() = default;
  explicit Owner(hid_t id) noexcept : id_(id) {}
  ~Owner() { reset(); }
  Owner(Owner&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Owner& operator=(Owner&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Owner(const Owner&) = delete;
  Owner& operator=(const Owner&) = delete;

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  // Gives up ownership without closing (used when closing would need peers that are gone).
  hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }
  void reset() noexcept {
    // H5Iis_valid: ids are already gone when HDF5 shut down first (parallel HDF5 closes itself in
    // MPI_Finalize), and closing them then would only print errors.
    if (id_ >= 0 && H5Iis_valid(id_) > 0) Close(id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Owner<H5Fclose>;
using Group = Owner<H5Gclose>;
using Dataset = Owner<H5Dclose>;
using Dataspace = Owner<H5Sclose>;
using Datatype = Owner<H5Tclose>;
using Attribute = Owner<H5Aclose>;
using PropertyList = Owner<H5Pclose>;

// Checked constructors: each raises an internal error on failure.
File create_file(const std::string& path);  // truncates; serial (sec2) driver
File open_file(const std::string& path, hid_t access_plist = H5P_DEFAULT);  // read-only
Group create_group(hid_t parent, const std::string& name);
Group open_group(hid_t parent, const std::string& name);
Dataset open_dataset(hid_t parent, const std::string& name);
Dataspace dataspace_of(const Dataset& dataset);
Datatype datatype_of(const Dataset& dataset);
PropertyList create_plist(hid_t plist_class);

// True when `parent` has a link `name` (a path relative to parent, e.g. "train/labels") that
// leads to an object of `type` (H5O_TYPE_GROUP, H5O_TYPE_DATASET).
bool has_object(hid_t parent, const std::string& name, H5O_type_t type);

// H5Fis_hdf5 without the error stack: 1 HDF5, 0 not HDF5, negative when unreadable.
int is_hdf5(const std::string& path);

}  // namespace dojo::io::hdf5
