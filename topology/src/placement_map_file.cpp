// Reads an explicit rank-to-chip map: one line per rank, "rank gx gy" or "rank tile x y", with '#'
// comments. Every error names the file and line.
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include "dojo/common/error.hpp"
#include "dojo/topology/placement.hpp"

namespace dojo::topology {
namespace {

struct MapLine {
  int line_number;
  Chip chip;
};

bool parse_ints(const std::string& text, std::vector<int>& values) {
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    int value = 0;
    auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
    if (error != std::errc() || end != word.data() + word.size()) return false;
    values.push_back(value);
  }
  return true;
}

}  // namespace

Placement Placement::from_map(const Machine& machine, std::istream& map, std::string_view source,
                              std::optional<int> num_ranks) {
  if (num_ranks && *num_ranks <= 0)
    user_error(str(source, ": the job has ", *num_ranks, " ranks: need at least one"));
  std::map<int, MapLine> by_rank;
  std::map<Chip, std::pair<int, int>> rank_and_line_by_chip;
  std::string line;
  for (int line_number = 1; std::getline(map, line); ++line_number) {
    auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    std::vector<int> v;
    if (!parse_ints(line, v) || (v.size() != 3 && v.size() != 4 && !v.empty()))
      user_error(str(source, ":", line_number,
                     ": expected \"rank gx gy\" or \"rank tile x y\", got \"", line, "\""));
    if (v.empty()) continue;
    int rank = v[0];
    if (rank < 0) user_error(str(source, ":", line_number, ": rank ", rank, " is negative"));
    if (num_ranks && rank >= *num_ranks)
      user_error(str(source, ":", line_number, ": rank ", rank, " but the job has ", *num_ranks,
                     " ranks (0..", *num_ranks - 1, ")"));
    Chip chip{v[1], v[2]};
    if (v.size() == 4) {
      const MachineSpec& spec = machine.spec();
      if (v[1] < 0 || v[1] >= machine.num_tiles() || v[2] < 0 || v[2] >= spec.chips_x || v[3] < 0 ||
          v[3] >= spec.chips_y)
        user_error(str(source, ":", line_number, ": tile ", v[1], " chip (", v[2], ",", v[3],
                       ") is outside the machine: tiles 0..", machine.num_tiles() - 1, ", x 0..",
                       spec.chips_x - 1, ", y 0..", spec.chips_y - 1));
      chip = machine.to_global({v[1], v[2], v[3]});
    }
    if (!machine.contains(chip))
      user_error(str(source, ":", line_number, ": chip ", to_string(chip), " is outside the ",
                     machine.width(), " x ", machine.height(), " mesh"));
    if (machine.is_dead(chip))
      user_error(str(source, ":", line_number, ": chip ", to_string(chip), " is dead: place rank ",
                     rank, " on a live chip"));
    auto [it, inserted] = by_rank.emplace(rank, MapLine{line_number, chip});
    if (!inserted)
      user_error(str(source, ":", line_number, ": rank ", rank, " is placed twice (first on line ",
                     it->second.line_number, ")"));
    auto [held, free] = rank_and_line_by_chip.emplace(chip, std::pair{rank, line_number});
    if (!free)
      user_error(str(source, ":", line_number, ": chip ", to_string(chip), " already holds rank ",
                     held->second.first, " (line ", held->second.second, "): one rank per chip"));
  }
  if (by_rank.empty()) user_error(str(source, ": the map places no rank"));
  int count = num_ranks.value_or(by_rank.rbegin()->first + 1);
  std::vector<Chip> chips;
  chips.reserve(static_cast<std::size_t>(count));
  for (int rank = 0; rank < count; ++rank) {
    auto it = by_rank.find(rank);
    if (it == by_rank.end())
      user_error(
          str(source, ": rank ", rank, " has no line: every rank 0..", count - 1, " needs one"));
    chips.push_back(it->second.chip);
  }
  return Placement(machine, std::move(chips), source);
}

Placement Placement::from_map_file(const Machine& machine, const std::string& path,
                                   std::optional<int> num_ranks) {
  std::ifstream in(path);
  if (!in) user_error(str("cannot open rank map file '", path, "': check its path"));
  return from_map(machine, in, path, num_ranks);
}

}  // namespace dojo::topology
