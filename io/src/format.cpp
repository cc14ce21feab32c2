// Names of the layout's enumerations and DatasetInfo's look-ups.
#include "dojo/io/format.hpp"

namespace dojo::io {

std::string_view kind_name(DatasetKind kind) {
  return kind == DatasetKind::classification ? "classification" : "tokens";
}

bool parse_kind(std::string_view name, DatasetKind& kind) {
  if (name == "classification") {
    kind = DatasetKind::classification;
    return true;
  }
  if (name == "tokens") {
    kind = DatasetKind::tokens;
    return true;
  }
  return false;
}

std::string_view element_type_name(ElementType type) {
  switch (type) {
    case ElementType::float32:
      return "float32";
    case ElementType::uint8:
      return "uint8";
    case ElementType::int32:
      return "int32";
  }
  return "?";
}

const SplitInfo* DatasetInfo::find_split(std::string_view name) const {
  for (const auto& split : splits)
    if (split.name == name) return &split;
  return nullptr;
}

std::string DatasetInfo::split_list() const {
  std::string list;
  for (const auto& split : splits) list += (list.empty() ? "" : ", ") + split.name;
  return list.empty() ? "none" : list;
}

}  // namespace dojo::io
