// Attribute I/O on top of the HDF5 id owners.
#include "dojo/io/hdf5_attribute.hpp"

#include <cstring>

#include "dojo/io/hdf5.hpp"
#include "fixed_strings.hpp"

namespace dojo::io::hdf5 {
namespace {

Datatype utf8_string_type() {
  Datatype type(DOJO_CHECK_HDF5(H5Tcopy(H5T_C_S1)));
  DOJO_CHECK_HDF5(H5Tset_size(type.get(), H5T_VARIABLE));
  DOJO_CHECK_HDF5(H5Tset_cset(type.get(), H5T_CSET_UTF8));
  return type;
}

Dataspace make_space(int rank, hsize_t elements) {
  if (rank == 0) return Dataspace(DOJO_CHECK_HDF5(H5Screate(H5S_SCALAR)));
  return Dataspace(DOJO_CHECK_HDF5(H5Screate_simple(1, &elements, nullptr)));
}

// Replaces any attribute of the same name, so rewriting a file's metadata is idempotent.
Attribute create_attribute(hid_t object, const std::string& name, hid_t file_type,
                           const Dataspace& space) {
  if (DOJO_CHECK_HDF5(H5Aexists(object, name.c_str())) > 0)
    DOJO_CHECK_HDF5(H5Adelete(object, name.c_str()));
  return Attribute(DOJO_CHECK_HDF5(
      H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT)));
}

void write_strings(hid_t object, const std::string& name, const std::vector<std::string>& values,
                   int rank) {
  Datatype type = utf8_string_type();
  Dataspace space = make_space(rank, values.size());
  Attribute attribute = create_attribute(object, name, type.get(), space);
  std::vector<const char*> pointers;
  for (const auto& v : values) pointers.push_back(v.c_str());
  DOJO_CHECK_HDF5(H5Awrite(attribute.get(), type.get(), pointers.data()));
}

Attribute open_attribute(hid_t object, const std::string& name) {
  return Attribute(DOJO_CHECK_HDF5(H5Aopen(object, name.c_str(), H5P_DEFAULT)));
}

std::int64_t element_count(const Attribute& attribute) {
  Dataspace space(DOJO_CHECK_HDF5(H5Aget_space(attribute.get())));
  return DOJO_CHECK_HDF5(H5Sget_simple_extent_npoints(space.get()));
}

std::vector<std::string> read_strings(hid_t object, const std::string& name) {
  Attribute attribute = open_attribute(object, name);
  Datatype file_type(DOJO_CHECK_HDF5(H5Aget_type(attribute.get())));
  dojo::check(H5Tget_class(file_type.get()) == H5T_STRING, "string attribute expected");
  auto count = static_cast<std::size_t>(element_count(attribute));
  std::vector<std::string> values;
  if (DOJO_CHECK_HDF5(H5Tis_variable_str(file_type.get())) > 0) {
    Datatype memory_type = utf8_string_type();
    DOJO_CHECK_HDF5(H5Tset_cset(memory_type.get(), H5Tget_cset(file_type.get())));
    std::vector<char*> pointers(count, nullptr);
    DOJO_CHECK_HDF5(H5Aread(attribute.get(), memory_type.get(), pointers.data()));
    for (char* p : pointers) {
      values.emplace_back(p ? p : "");
      H5free_memory(p);
    }
    return values;
  }
  // Fixed-length strings: padded with nulls or spaces to the type's size.
  std::size_t size = H5Tget_size(file_type.get());
  Datatype memory_type(DOJO_CHECK_HDF5(H5Tcopy(file_type.get())));
  std::vector<char> buffer(count * size + 1, '\0');
  DOJO_CHECK_HDF5(H5Aread(attribute.get(), memory_type.get(), buffer.data()));
  detail::append_fixed_strings(buffer, count, size, values);
  return values;
}

}  // namespace

void write_attribute(hid_t object, const std::string& name, const std::string& value) {
  write_strings(object, name, {value}, 0);
}

void write_attribute(hid_t object, const std::string& name, const char* value) {
  write_strings(object, name, {std::string(value)}, 0);
}

void write_attribute(hid_t object, const std::string& name, std::int64_t value) {
  Dataspace space = make_space(0, 1);
  Attribute attribute = create_attribute(object, name, H5T_STD_I64LE, space);
  DOJO_CHECK_HDF5(H5Awrite(attribute.get(), H5T_NATIVE_INT64, &value));
}

void write_attribute(hid_t object, const std::string& name, double value) {
  Dataspace space = make_space(0, 1);
  Attribute attribute = create_attribute(object, name, H5T_IEEE_F64LE, space);
  DOJO_CHECK_HDF5(H5Awrite(attribute.get(), H5T_NATIVE_DOUBLE, &value));
}

void write_attribute(hid_t object, const std::string& name,
                     const std::vector<std::int64_t>& values) {
  Dataspace space = make_space(1, values.size());
  Attribute attribute = create_attribute(object, name, H5T_STD_I64LE, space);
  DOJO_CHECK_HDF5(H5Awrite(attribute.get(), H5T_NATIVE_INT64, values.data()));
}

void write_attribute(hid_t object, const std::string& name,
                     const std::vector<std::string>& values) {
  write_strings(object, name, values, 1);
}

bool has_attribute(hid_t object, const std::string& name) {
  return DOJO_CHECK_HDF5(H5Aexists(object, name.c_str())) > 0;
}

AttributeShape attribute_shape(hid_t object, const std::string& name) {
  Attribute attribute = open_attribute(object, name);
  Datatype type(DOJO_CHECK_HDF5(H5Aget_type(attribute.get())));
  Dataspace space(DOJO_CHECK_HDF5(H5Aget_space(attribute.get())));
  AttributeShape shape;
  shape.type_class = H5Tget_class(type.get());
  shape.rank = DOJO_CHECK_HDF5(H5Sget_simple_extent_ndims(space.get()));
  shape.elements = DOJO_CHECK_HDF5(H5Sget_simple_extent_npoints(space.get()));
  return shape;
}

std::string read_string_attribute(hid_t object, const std::string& name) {
  auto values = read_strings(object, name);
  dojo::check(values.size() == 1, "scalar string attribute expected");
  return values.front();
}

std::vector<std::string> read_string_array_attribute(hid_t object, const std::string& name) {
  return read_strings(object, name);
}

std::int64_t read_int_attribute(hid_t object, const std::string& name) {
  auto values = read_int_array_attribute(object, name);
  dojo::check(values.size() == 1, "scalar integer attribute expected");
  return values.front();
}

double read_real_attribute(hid_t object, const std::string& name) {
  Attribute attribute = open_attribute(object, name);
  dojo::check(element_count(attribute) == 1, "scalar real attribute expected");
  double value = 0;
  DOJO_CHECK_HDF5(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value));
  return value;
}

std::vector<std::int64_t> read_int_array_attribute(hid_t object, const std::string& name) {
  Attribute attribute = open_attribute(object, name);
  std::vector<std::int64_t> values(static_cast<std::size_t>(element_count(attribute)));
  DOJO_CHECK_HDF5(H5Aread(attribute.get(), H5T_NATIVE_INT64, values.data()));
  return values;
}

}  // namespace dojo::io::hdf5
