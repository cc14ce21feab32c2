// Strings stored as datasets rather than attributes (a config file or an RNG state may exceed
// the 64 KiB an object header holds): variable-length UTF-8, scalar or 1-D. Serial files only:
// parallel HDF5 cannot write variable-length data.
#pragma once

#include <hdf5.h>

#include <string>
#include <vector>

namespace dojo::io::detail {

void write_string_dataset(hid_t parent, const std::string& name, const std::string& value);
void write_string_list_dataset(hid_t parent, const std::string& name,
                               const std::vector<std::string>& values);
// Either kind of string (variable or fixed length); raises an internal error for anything else.
std::string read_string_dataset(hid_t parent, const std::string& name);
std::vector<std::string> read_string_list_dataset(hid_t parent, const std::string& name);

}  // namespace dojo::io::detail
