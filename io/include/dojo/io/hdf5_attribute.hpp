// Typed reading and writing of HDF5 attributes: strings (variable-length UTF-8 when written,
// either kind when read), integers (int64), reals (float64) and 1-D arrays of those.
// Readers raise internal errors; callers that read untrusted files check presence and type first.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace dojo::io::hdf5 {

void write_attribute(hid_t object, const std::string& name, const std::string& value);
void write_attribute(hid_t object, const std::string& name, const char* value);
void write_attribute(hid_t object, const std::string& name, std::int64_t value);
void write_attribute(hid_t object, const std::string& name, double value);
void write_attribute(hid_t object, const std::string& name,
                     const std::vector<std::int64_t>& values);
void write_attribute(hid_t object, const std::string& name, const std::vector<std::string>& values);

bool has_attribute(hid_t object, const std::string& name);

// What an attribute holds, for validating files written by someone else.
struct AttributeShape {
  H5T_class_t type_class = H5T_NO_CLASS;  // H5T_STRING, H5T_INTEGER, H5T_FLOAT, ...
  int rank = 0;                           // 0 scalar, 1 array
  std::int64_t elements = 0;              // 1 for a scalar
};
AttributeShape attribute_shape(hid_t object, const std::string& name);

std::string read_string_attribute(hid_t object, const std::string& name);
std::vector<std::string> read_string_array_attribute(hid_t object, const std::string& name);
std::int64_t read_int_attribute(hid_t object, const std::string& name);  // any integer type
double read_real_attribute(hid_t object, const std::string& name);       // float or integer
std::vector<std::int64_t> read_int_array_attribute(hid_t object, const std::string& name);

}  // namespace dojo::io::hdf5
