// Encoding of DatasetInfo for its broadcast from the rank that validated the file.
#pragma once

#include <string>

#include "dojo/io/format.hpp"

namespace dojo::io::detail {

std::string encode(const DatasetInfo& info);
DatasetInfo decode_info(const std::string& bytes);

}  // namespace dojo::io::detail
