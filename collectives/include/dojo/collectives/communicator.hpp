// The front end of dojo's collectives: a Communicator owns a duplicate of the caller's MPI
// communicator and its mesh geometry; each call validates its arguments, picks an algorithm (cost
// model, config, environment or the caller's choice) and dispatches to that algorithm's file.
#pragma once

#include <mpi.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "dojo/collectives/cost_model.hpp"
#include "dojo/collectives/geometry.hpp"
#include "dojo/collectives/handle.hpp"
#include "dojo/collectives/types.hpp"
#include "dojo/common/mpi.hpp"

namespace dojo::collectives {

namespace detail {
struct Call;  // one call's arguments as the algorithms see them (src/call.hpp)
}

// Pass as the send buffer for an in-place call, with MPI's meaning: allreduce and reduce read and
// write recv; reduce_scatter reads p * count elements of recv and leaves the result in its first
// count; allgather finds this rank's block already at recv + rank * count.
inline const void* const in_place = MPI_IN_PLACE;

struct Config {
  // Where the ranks sit; default MeshGeometry::default_for(size).
  std::optional<MeshGeometry> geometry;
  // Preferred algorithm per operation (indexed by Operation); automatic = cost model. A preferred
  // algorithm that cannot run a given call falls back to native with a note in the log.
  std::array<Algorithm, kOperationCount> algorithm{};
  // Agree on every call's signature before running it: a mismatch raises an error on every rank
  // instead of a hang. Costs one small allgather per call.
  bool debug = false;
  // When all ranks share one node (shared memory), the mesh model does not describe the machine
  // and Open MPI's shared-memory collectives are the baseline: choose native there.
  bool prefer_native_on_one_node = true;
  // Read DOJO_COLL_<OPERATION>=<algorithm> and DOJO_COLL_DEBUG=1 at creation (the only place
  // the library reads the environment); they override the fields above.
  bool read_environment = true;
};

// Per call: force an algorithm (a user error if it cannot run this call).
struct CallOptions {
  Algorithm algorithm = Algorithm::automatic;
};

class Communicator {
 public:
  // Duplicates `comm` (the caller keeps it). Collective over `comm`.
  explicit Communicator(MPI_Comm comm, Config config = {});
  ~Communicator();
  Communicator(Communicator&&) noexcept;
  Communicator& operator=(Communicator&&) noexcept;

  int rank() const { return rank_; }
  int size() const { return size_; }
  MPI_Comm mpi() const { return comm_.get(); }
  const MeshGeometry& geometry() const { return geometry_; }
  const Config& config() const { return config_; }
  bool on_one_node() const { return on_one_node_; }

  // Ranks with the same colour form a new Communicator ordered by key; it keeps the parent's
  // geometry when its members form a full rectangle of the mesh (a row, a tile, a TP group),
  // else it gets the default geometry for its size. Collective over this communicator.
  Communicator split(int color, int key) const;

  // The algorithm a call would use (after config and environment), and the estimates behind it.
  Algorithm choose(Operation operation, std::size_t count, DataType type,
                   Algorithm requested = Algorithm::automatic) const;
  std::vector<CostEstimate> estimates(Operation operation, std::size_t count, DataType type) const;

  // Blocking calls; `count` is elements (per rank block for reduce_scatter, allgather, alltoall).
  void allreduce(const void* send, void* recv, std::size_t count, DataType type, ReduceOp op,
                 CallOptions options = {});
  void reduce_scatter(const void* send, void* recv, std::size_t count_per_rank, DataType type,
                      ReduceOp op, CallOptions options = {});
  void allgather(const void* send, void* recv, std::size_t count_per_rank, DataType type,
                 CallOptions options = {});
  void broadcast(void* buffer, std::size_t count, DataType type, int root,
                 CallOptions options = {});
  void reduce(const void* send, void* recv, std::size_t count, DataType type, ReduceOp op, int root,
              CallOptions options = {});
  void alltoall(const void* send, void* recv, std::size_t count_per_rank, DataType type,
                CallOptions options = {});
  void barrier(CallOptions options = {});

  // Non-blocking: the buffers must stay valid and untouched until the handle completes.
  Handle iallreduce(const void* send, void* recv, std::size_t count, DataType type, ReduceOp op,
                    CallOptions options = {});
  Handle ireduce_scatter(const void* send, void* recv, std::size_t count_per_rank, DataType type,
                         ReduceOp op, CallOptions options = {});
  Handle iallgather(const void* send, void* recv, std::size_t count_per_rank, DataType type,
                    CallOptions options = {});
  Handle ibroadcast(void* buffer, std::size_t count, DataType type, int root,
                    CallOptions options = {});
  Handle ireduce(const void* send, void* recv, std::size_t count, DataType type, ReduceOp op,
                 int root, CallOptions options = {});
  Handle ialltoall(const void* send, void* recv, std::size_t count_per_rank, DataType type,
                   CallOptions options = {});
  Handle ibarrier(CallOptions options = {});

  // Typed convenience: allreduce(std::span<float>) in place.
  template <typename T>
  void allreduce(std::span<T> data, ReduceOp op, CallOptions options = {}) {
    allreduce(in_place, data.data(), data.size(), type_of<T>(), op, options);
  }
  template <typename T>
  Handle iallreduce(std::span<T> data, ReduceOp op, CallOptions options = {}) {
    return iallreduce(in_place, data.data(), data.size(), type_of<T>(), op, options);
  }
  template <typename T>
  static constexpr DataType type_of() {
    if constexpr (std::is_same_v<T, float>)
      return DataType::float32;
    else if constexpr (std::is_same_v<T, double>)
      return DataType::float64;
    else if constexpr (std::is_same_v<T, std::uint16_t>)
      return DataType::bfloat16;
    else if constexpr (std::is_same_v<T, std::int32_t>)
      return DataType::int32;
    else {
      static_assert(std::is_same_v<T, std::int64_t>, "unsupported element type");
      return DataType::int64;
    }
  }

 private:
  Communicator() = default;
  Handle start(detail::Call& call, Algorithm requested, bool blocking);
  Algorithm resolve(const detail::Call& call, Algorithm requested) const;

  mpi::Comm comm_;
  MeshGeometry geometry_;
  Config config_;
  int rank_ = 0;
  int size_ = 1;
  bool on_one_node_ = false;
  std::uint64_t sequence_ = 0;  // calls so far: tags, debug signatures
  // Schedules started on this communicator and not finished: a rank blocked in one call keeps
  // them all moving (see schedule.hpp).
  std::shared_ptr<std::vector<Schedule*>> active_ = std::make_shared<std::vector<Schedule*>>();
  // Whether the fallback note for a preferred algorithm that cannot run was printed (once per
  // operation).
  mutable std::array<bool, kOperationCount> fallback_noted_{};
};

}  // namespace dojo::collectives
