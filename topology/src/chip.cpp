// Names and printing of chips, links and link classes.
#include "dojo/topology/chip.hpp"

namespace dojo::topology {

std::string_view link_class_name(LinkClass link_class) {
  switch (link_class) {
    case LinkClass::intra_tile:
      return "intra-tile";
    case LinkClass::tile_edge:
      return "tile-edge";
    case LinkClass::dip:
      return "dip";
    case LinkClass::host:
      return "host";
  }
  return "unknown";
}

std::string to_string(Chip chip) {
  std::string text = std::to_string(chip.gx);
  text.insert(text.begin(), '(');  // not "(" + ...: GCC 12 warns falsely (-Wrestrict) on that
  text += ',';
  text += std::to_string(chip.gy);
  text += ')';
  return text;
}

std::ostream& operator<<(std::ostream& out, Chip chip) {
  return out << to_string(chip);
}

std::ostream& operator<<(std::ostream& out, const Link& link) {
  return out << link.from << "->" << link.to;
}

}  // namespace dojo::topology
