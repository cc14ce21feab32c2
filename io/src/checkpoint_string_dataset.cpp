// Variable-length string datasets on top of the HDF5 id owners.
#include "checkpoint_string_dataset.hpp"

#include "dojo/common/error.hpp"
#include "dojo/io/hdf5.hpp"
#include "fixed_strings.hpp"

namespace dojo::io::detail {
namespace {

hdf5::Datatype utf8_string_type() {
  hdf5::Datatype type(DOJO_CHECK_HDF5(H5Tcopy(H5T_C_S1)));
  DOJO_CHECK_HDF5(H5Tset_size(type.get(), H5T_VARIABLE));
  DOJO_CHECK_HDF5(H5Tset_cset(type.get(), H5T_CSET_UTF8));
  return type;
}

void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values,
                   bool scalar) {
  hdf5::Datatype type = utf8_string_type();
  hsize_t size = values.size();
  hdf5::Dataspace space(
      DOJO_CHECK_HDF5(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &size, nullptr)));
  hdf5::Dataset dataset(DOJO_CHECK_HDF5(H5Dcreate2(parent, name.c_str(), type.get(), space.get(),
                                                   H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
  if (values.empty()) return;
  std::vector<const char*> pointers;
  for (const auto& v : values) pointers.push_back(v.c_str());
  DOJO_CHECK_HDF5(
      H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()));
}

std::vector<std::string> read_strings(hid_t parent, const std::string& name) {
  hdf5::Dataset dataset = hdf5::open_dataset(parent, name);
  hdf5::Datatype file_type = hdf5::datatype_of(dataset);
  hdf5::Dataspace space = hdf5::dataspace_of(dataset);
  check(H5Tget_class(file_type.get()) == H5T_STRING, "a string dataset");
  auto count = static_cast<std::size_t>(DOJO_CHECK_HDF5(H5Sget_simple_extent_npoints(space.get())));
  std::vector<std::string> values;
  if (count == 0) return values;
  if (DOJO_CHECK_HDF5(H5Tis_variable_str(file_type.get())) > 0) {
    hdf5::Datatype memory_type = utf8_string_type();
    DOJO_CHECK_HDF5(H5Tset_cset(memory_type.get(), H5Tget_cset(file_type.get())));
    std::vector<char*> pointers(count, nullptr);
    DOJO_CHECK_HDF5(
        H5Dread(dataset.get(), memory_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()));
    for (char* p : pointers) {
      values.emplace_back(p ? p : "");
      H5free_memory(p);
    }
    return values;
  }
  // Fixed-length strings (as other tools may write them): padded with nulls or spaces.
  std::size_t size = H5Tget_size(file_type.get());
  std::vector<char> buffer(count * size + 1, '\0');
  DOJO_CHECK_HDF5(
      H5Dread(dataset.get(), file_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()));
  detail::append_fixed_strings(buffer, count, size, values);
  return values;
}

}  // namespace

void write_string_dataset(hid_t parent, const std::string& name, const std::string& value) {
  write_strings(parent, name, {value}, true);
}

void write_string_list_dataset(hid_t parent, const std::string& name,
                               const std::vector<std::string>& values) {
  write_strings(parent, name, values, false);
}

std::string read_string_dataset(hid_t parent, const std::string& name) {
  auto values = read_strings(parent, name);
  check(values.size() == 1, "a scalar string dataset");
  return values.front();
}

std::vector<std::string> read_string_list_dataset(hid_t parent, const std::string& name) {
  return read_strings(parent, name);
}

}  // namespace dojo::io::detail
