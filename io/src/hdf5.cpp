// HDF5 error capture and the checked constructors of the id owners.
#include "dojo/io/hdf5.hpp"

#include <mutex>
#include <vector>

namespace dojo::io::hdf5 {
namespace {

struct StackEntry {
  std::string function;
  std::string description;
};

herr_t collect_entry(unsigned, const H5E_error2_t* error, void* out) {
  auto* entries = static_cast<std::vector<StackEntry>*>(out);
  entries->push_back({error->func_name ? error->func_name : "", error->desc ? error->desc : ""});
  return 0;
}

}  // namespace

void quiet_errors() {
  static std::once_flag once;
  std::call_once(once, [] {
    H5open();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  });
}

std::string take_error_stack(bool innermost_only) {
  std::vector<StackEntry> entries;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect_entry, &entries);
  H5Eclear2(H5E_DEFAULT);
  if (entries.empty()) return "no HDF5 error message";
  // The innermost entry says what went wrong; the outermost names the API call that failed.
  std::string text = entries.front().description;
  if (entries.size() > 1 && !innermost_only)
    text += str("; ", entries.back().function, ": ", entries.back().description);
  return text;
}

void fail(const char* call, std::source_location where) {
  // "H5Dread(dataset.get(), ...)" -> "H5Dread": the arguments are noise in a one-line message.
  std::string name(call);
  name = name.substr(0, name.find('('));
  internal_error(str("HDF5 call ", name, " failed: ", take_error_stack()), where);
}

File create_file(const std::string& path) {
  quiet_errors();
  return File(DOJO_CHECK_HDF5(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)));
}

File open_file(const std::string& path, hid_t access_plist) {
  quiet_errors();
  return File(DOJO_CHECK_HDF5(H5Fopen(path.c_str(), H5F_ACC_RDONLY, access_plist)));
}

Group create_group(hid_t parent, const std::string& name) {
  return Group(
      DOJO_CHECK_HDF5(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
}

Group open_group(hid_t parent, const std::string& name) {
  return Group(DOJO_CHECK_HDF5(H5Gopen2(parent, name.c_str(), H5P_DEFAULT)));
}

Dataset open_dataset(hid_t parent, const std::string& name) {
  return Dataset(DOJO_CHECK_HDF5(H5Dopen2(parent, name.c_str(), H5P_DEFAULT)));
}

Dataspace dataspace_of(const Dataset& dataset) {
  return Dataspace(DOJO_CHECK_HDF5(H5Dget_space(dataset.get())));
}

Datatype datatype_of(const Dataset& dataset) {
  return Datatype(DOJO_CHECK_HDF5(H5Dget_type(dataset.get())));
}

PropertyList create_plist(hid_t plist_class) {
  quiet_errors();
  return PropertyList(DOJO_CHECK_HDF5(H5Pcreate(plist_class)));
}

bool has_object(hid_t parent, const std::string& name, H5O_type_t type) {
  // H5Lexists fails (rather than answering false) when an intermediate group is missing, so the
  // path is checked one component at a time.
  std::string prefix;
  std::size_t begin = 0;
  while (begin <= name.size()) {
    std::size_t end = name.find('/', begin);
    if (end == std::string::npos) end = name.size();
    if (!prefix.empty()) prefix += '/';
    prefix.append(name, begin, end - begin);
    if (DOJO_CHECK_HDF5(H5Lexists(parent, prefix.c_str(), H5P_DEFAULT)) == 0) return false;
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info{};
    DOJO_CHECK_HDF5(
        H5Oget_info_by_name3(parent, prefix.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT));
#else
    H5O_info_t info{};
    DOJO_CHECK_HDF5(
        H5Oget_info_by_name2(parent, prefix.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT));
#endif
    bool last = end == name.size();
    if (!last && info.type != H5O_TYPE_GROUP) return false;
    if (last) return info.type == type;
    begin = end + 1;
  }
  return false;
}

int is_hdf5(const std::string& path) {
  quiet_errors();
  htri_t result = H5Fis_hdf5(path.c_str());
  H5Eclear2(H5E_DEFAULT);
  return static_cast<int>(result);
}

}  // namespace dojo::io::hdf5
