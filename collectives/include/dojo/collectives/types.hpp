// The vocabulary of the collectives library: element types, reduction operators, operations and
// algorithms, with their names as users type them (config files, DOJO_COLL_* variables, bench
// flags).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dojo::collectives {

enum class DataType { float32, float64, bfloat16, int32, int64 };
// bfloat16 values are stored as std::uint16_t (the top half of a float32); reductions convert to
// float32, combine, and round back to nearest even once per combining step.

enum class ReduceOp { sum, avg, max, min };

enum class Operation { allreduce, reduce_scatter, allgather, broadcast, reduce, alltoall, barrier };

enum class Algorithm {
  automatic,           // let the cost model choose
  native,              // the plain MPI call: baseline and fallback
  ring,                // reduce-scatter + allgather around a ring in snake order of the mesh
  recursive_doubling,  // lg p exchanges of the whole vector (tiny messages)
  rabenseifner,        // recursive halving + doubling, folding extra ranks for non-powers of two
  mesh2d,              // rings along rows, then columns, and back
  mesh2d_multiport,    // four mesh2d streams in different orders/directions, every link busy
  hierarchical,        // reduce-scatter in each tile, across tiles, allgather in each tile
  binomial,            // binomial tree rooted at the root (broadcast, reduce)
  pipelined,           // segmented chain in snake order from the root (broadcast, reduce)
  pairwise,            // p-1 exchanges with rank +- s (alltoall)
  two_phase,           // alltoall along rows then along columns
};

inline constexpr int kOperationCount = 7;
inline constexpr int kAlgorithmCount = 12;  // with automatic

std::string_view name(DataType type);
std::string_view name(ReduceOp op);
std::string_view name(Operation operation);
std::string_view name(Algorithm algorithm);

// Parse the names above; std::nullopt when the name is unknown (callers raise a user error that
// lists the valid names, see valid_names()).
std::optional<DataType> parse_data_type(std::string_view text);
std::optional<ReduceOp> parse_reduce_op(std::string_view text);
std::optional<Operation> parse_operation(std::string_view text);
std::optional<Algorithm> parse_algorithm(std::string_view text);
std::string valid_algorithm_names();
std::string valid_operation_names();

std::vector<Operation> all_operations();
std::vector<Algorithm> all_algorithms();  // without automatic

std::size_t size_of(DataType type);  // bytes per element

// Whether `algorithm` implements `operation` at all (independent of the geometry).
bool implements(Algorithm algorithm, Operation operation);
// Operations that combine values (take a ReduceOp).
bool is_reduction(Operation operation);

// float32 <-> bfloat16 with round to nearest even (NaN stays NaN).
std::uint16_t to_bfloat16(float value);
float from_bfloat16(std::uint16_t value);

}  // namespace dojo::collectives
