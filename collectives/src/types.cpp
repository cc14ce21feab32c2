// Names of types, operators, operations and algorithms; which algorithm implements which
// operation; bfloat16 rounding.
#include "dojo/collectives/types.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <utility>

namespace dojo::collectives {
namespace {

constexpr std::array<std::pair<DataType, std::string_view>, 5> kTypes{{
    {DataType::float32, "float32"},
    {DataType::float64, "float64"},
    {DataType::bfloat16, "bfloat16"},
    {DataType::int32, "int32"},
    {DataType::int64, "int64"},
}};
constexpr std::array<std::pair<ReduceOp, std::string_view>, 4> kOps{{{ReduceOp::sum, "sum"},
                                                                     {ReduceOp::avg, "avg"},
                                                                     {ReduceOp::max, "max"},
                                                                     {ReduceOp::min, "min"}}};
constexpr std::array<std::pair<Operation, std::string_view>, kOperationCount> kOperations{{
    {Operation::allreduce, "allreduce"},
    {Operation::reduce_scatter, "reduce_scatter"},
    {Operation::allgather, "allgather"},
    {Operation::broadcast, "broadcast"},
    {Operation::reduce, "reduce"},
    {Operation::alltoall, "alltoall"},
    {Operation::barrier, "barrier"},
}};
constexpr std::array<std::pair<Algorithm, std::string_view>, kAlgorithmCount> kAlgorithms{{
    {Algorithm::automatic, "auto"},
    {Algorithm::native, "native"},
    {Algorithm::ring, "ring"},
    {Algorithm::recursive_doubling, "recursive_doubling"},
    {Algorithm::rabenseifner, "rabenseifner"},
    {Algorithm::mesh2d, "mesh2d"},
    {Algorithm::mesh2d_multiport, "mesh2d_multiport"},
    {Algorithm::hierarchical, "hierarchical"},
    {Algorithm::binomial, "binomial"},
    {Algorithm::pipelined, "pipelined"},
    {Algorithm::pairwise, "pairwise"},
    {Algorithm::two_phase, "two_phase"},
}};

template <typename Table, typename Key>
std::string_view lookup(const Table& table, Key key) {
  for (const auto& [k, n] : table)
    if (k == key) return n;
  return "?";
}
template <typename Key, typename Table>
std::optional<Key> parse(const Table& table, std::string_view text) {
  for (const auto& [k, n] : table)
    if (n == text) return k;
  return std::nullopt;
}
template <typename Table>
std::string names(const Table& table) {
  std::string out;
  for (const auto& [k, n] : table) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

}  // namespace

std::string_view name(DataType type) {
  return lookup(kTypes, type);
}
std::string_view name(ReduceOp op) {
  return lookup(kOps, op);
}
std::string_view name(Operation operation) {
  return lookup(kOperations, operation);
}
std::string_view name(Algorithm algorithm) {
  return lookup(kAlgorithms, algorithm);
}

std::optional<DataType> parse_data_type(std::string_view text) {
  return parse<DataType>(kTypes, text);
}
std::optional<ReduceOp> parse_reduce_op(std::string_view text) {
  return parse<ReduceOp>(kOps, text);
}
std::optional<Operation> parse_operation(std::string_view text) {
  return parse<Operation>(kOperations, text);
}
std::optional<Algorithm> parse_algorithm(std::string_view text) {
  if (text == "automatic") return Algorithm::automatic;
  return parse<Algorithm>(kAlgorithms, text);
}
std::string valid_algorithm_names() {
  return names(kAlgorithms);
}
std::string valid_operation_names() {
  return names(kOperations);
}

std::vector<Operation> all_operations() {
  std::vector<Operation> out;
  for (const auto& [k, n] : kOperations) out.push_back(k);
  return out;
}
std::vector<Algorithm> all_algorithms() {
  std::vector<Algorithm> out;
  for (const auto& [k, n] : kAlgorithms)
    if (k != Algorithm::automatic) out.push_back(k);
  return out;
}

std::size_t size_of(DataType type) {
  switch (type) {
    case DataType::float32:
      return 4;
    case DataType::float64:
      return 8;
    case DataType::bfloat16:
      return 2;
    case DataType::int32:
      return 4;
    case DataType::int64:
      return 8;
  }
  return 0;
}

bool is_reduction(Operation operation) {
  return operation == Operation::allreduce || operation == Operation::reduce_scatter ||
         operation == Operation::reduce;
}

bool implements(Algorithm algorithm, Operation operation) {
  using O = Operation;
  switch (algorithm) {
    case Algorithm::automatic:
    case Algorithm::native:
      return true;
    case Algorithm::ring:
    case Algorithm::rabenseifner:
    case Algorithm::mesh2d:
    case Algorithm::mesh2d_multiport:
    case Algorithm::hierarchical:
      return operation == O::allreduce || operation == O::reduce_scatter ||
             operation == O::allgather;
    case Algorithm::recursive_doubling:
      return operation == O::allreduce || operation == O::barrier;
    case Algorithm::binomial:
    case Algorithm::pipelined:
      return operation == O::broadcast || operation == O::reduce;
    case Algorithm::pairwise:
    case Algorithm::two_phase:
      return operation == O::alltoall;
  }
  return false;
}

std::uint16_t to_bfloat16(float value) {
  auto bits = std::bit_cast<std::uint32_t>(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((bits >> 16) | 0x40u);
  // Round to nearest, ties to even: add 0x7fff plus the lowest kept bit, then truncate.
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<std::uint16_t>(bits >> 16);
}

float from_bfloat16(std::uint16_t value) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(value) << 16);
}

}  // namespace dojo::collectives
