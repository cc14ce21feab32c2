// Planning the collective write of a checkpoint's tensors from the boxes each rank holds.
//
// Every rank sends one descriptor (int64) per tensor: a fingerprint of its name, its shape, and
// its box; every rank then runs the same deterministic checks and split on the same data, so they
// agree on the plan, and on the error, without further messages.
#include "checkpoint_plan.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <set>
#include <string>

#include "checkpoint_agreement.hpp"
#include "checkpoint_layout.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"

namespace dojo::io::detail {
namespace {

constexpr int kMaxDims = 8;

// Why a rank's own piece is unusable, found locally and checked by everyone.
enum class PieceStatus : std::int64_t { ok = 0, wrong_data_size, wrong_box_rank, box_outside };

struct Box {
  std::vector<std::int64_t> start, count;
  bool operator==(const Box&) const = default;
};

struct Descriptor {
  std::int64_t name_fingerprint = 0;
  std::vector<std::int64_t> shape;
  bool held = false;
  PieceStatus status = PieceStatus::ok;
  Box box;  // whole tensor when the piece named none; empty when not held
};

std::int64_t product(const std::vector<std::int64_t>& values) {
  return std::accumulate(values.begin(), values.end(), std::int64_t{1}, std::multiplies<>());
}

std::int64_t fingerprint(const std::string& name) {
  return static_cast<std::int64_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(name.data()), static_cast<uInt>(name.size())));
}

Descriptor describe_piece(const TensorPiece& piece) {
  Descriptor d;
  d.name_fingerprint = fingerprint(piece.name);
  d.shape = piece.shape;
  d.held = piece.held;
  if (!piece.held) return d;
  auto dims = piece.shape.size();
  d.box = piece.start.empty() && piece.count.empty()
              ? Box{std::vector<std::int64_t>(dims, 0), piece.shape}
              : Box{piece.start, piece.count};
  if (d.box.start.size() != dims || d.box.count.size() != dims) {
    d.status = PieceStatus::wrong_box_rank;
    d.box = Box{std::vector<std::int64_t>(dims, 0), std::vector<std::int64_t>(dims, 0)};
    return d;
  }
  for (std::size_t k = 0; k < dims; ++k)
    if (d.box.start[k] < 0 || d.box.count[k] < 0 ||
        d.box.start[k] + d.box.count[k] > piece.shape[k])
      d.status = PieceStatus::box_outside;
  if (d.status == PieceStatus::ok &&
      static_cast<std::int64_t>(piece.data.size()) != product(d.box.count))
    d.status = PieceStatus::wrong_data_size;
  return d;
}

// [fingerprint, dims, shape..., held, status, start..., count...] per tensor.
void append(std::vector<std::int64_t>& out, const Descriptor& d) {
  out.push_back(d.name_fingerprint);
  out.push_back(static_cast<std::int64_t>(d.shape.size()));
  out.insert(out.end(), d.shape.begin(), d.shape.end());
  out.push_back(d.held ? 1 : 0);
  out.push_back(static_cast<std::int64_t>(d.status));
  std::size_t dims = d.shape.size();
  for (const auto* part : {&d.box.start, &d.box.count})
    for (std::size_t k = 0; k < dims; ++k) out.push_back(part->empty() ? 0 : (*part)[k]);
}

std::vector<Descriptor> parse(std::span<const std::int64_t> in, std::size_t tensors) {
  std::vector<Descriptor> out(tensors);
  std::size_t at = 0;
  auto next = [&] {
    check(at < in.size(), "checkpoint piece descriptor fits its buffer");
    return in[at++];
  };
  for (auto& d : out) {
    d.name_fingerprint = next();
    auto dims = static_cast<std::size_t>(next());
    check(dims <= kMaxDims, "checkpoint tensor rank within limits");
    for (std::size_t k = 0; k < dims; ++k) d.shape.push_back(next());
    d.held = next() != 0;
    d.status = static_cast<PieceStatus>(next());
    for (auto* part : {&d.box.start, &d.box.count})
      for (std::size_t k = 0; k < dims; ++k) part->push_back(next());
    if (!d.held) d.box = Box{};
  }
  return out;
}

bool overlap(const Box& a, const Box& b) {
  for (std::size_t k = 0; k < a.start.size(); ++k)
    if (a.start[k] >= b.start[k] + b.count[k] || b.start[k] >= a.start[k] + a.count[k])
      return false;
  return true;
}

std::string box_text(const Box& box) {
  std::vector<std::int64_t> end(box.start.size());
  for (std::size_t k = 0; k < end.size(); ++k) end[k] = box.start[k] + box.count[k];
  return str("[", checkpoint::shape_text(box.start), " .. ", checkpoint::shape_text(end), ")");
}

// Checks one tensor's boxes over all ranks (same on every rank) and returns `rank`'s share.
WriteTask plan_tensor(const TensorPiece& piece, const std::vector<Descriptor>& all, int rank) {
  const std::string where = str("checkpoint tensor ", piece.name, ": ");
  const auto& shape = all.front().shape;
  for (std::size_t r = 0; r < all.size(); ++r) {
    switch (all[r].status) {
      case PieceStatus::ok:
        break;
      case PieceStatus::wrong_data_size:
        internal_error(str(where, "rank ", r,
                           " hands in data whose size is not the product of its box ",
                           box_text(all[r].box)));
      case PieceStatus::wrong_box_rank:
        internal_error(str(where, "rank ", r, "'s start/count do not have ", shape.size(),
                           " entries like the shape ", checkpoint::shape_text(shape)));
      case PieceStatus::box_outside:
        internal_error(str(where, "rank ", r, "'s box lies outside the shape ",
                           checkpoint::shape_text(shape)));
    }
  }
  // Distinct boxes, each with its holders in rank order; boxes without elements write nothing.
  std::vector<Box> boxes;
  std::vector<std::vector<int>> holders;
  for (std::size_t r = 0; r < all.size(); ++r) {
    if (!all[r].held || product(all[r].box.count) == 0) continue;
    auto found = std::find(boxes.begin(), boxes.end(), all[r].box);
    if (found == boxes.end()) {
      boxes.push_back(all[r].box);
      holders.push_back({static_cast<int>(r)});
    } else {
      holders[static_cast<std::size_t>(found - boxes.begin())].push_back(static_cast<int>(r));
    }
  }
  std::int64_t covered = 0;
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    covered += product(boxes[i].count);
    for (std::size_t j = 0; j < i; ++j)
      if (overlap(boxes[i], boxes[j]))
        internal_error(str(where, "ranks ", holders[j].front(), " and ", holders[i].front(),
                           " hold overlapping but different boxes ", box_text(boxes[j]), " and ",
                           box_text(boxes[i]), " (replicas must hand in identical boxes)"));
  }
  if (covered != product(shape))
    internal_error(str(where, "the ranks' boxes cover ", covered, " of its ", product(shape),
                       " elements (every element must be held by some rank)"));

  WriteTask task;
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const auto& ranks = holders[i];
    auto mine = std::find(ranks.begin(), ranks.end(), rank);
    if (mine == ranks.end()) continue;
    // Replicas share the box's rows (dim 0) as evenly as they go.
    auto k = static_cast<std::int64_t>(ranks.size());
    auto index = static_cast<std::int64_t>(mine - ranks.begin());
    std::int64_t rows = boxes[i].count[0];
    std::int64_t first = rows * index / k, last = rows * (index + 1) / k;
    if (last == first) break;
    std::int64_t row_elements = product(boxes[i].count) / rows;
    task.writes = true;
    task.start.assign(boxes[i].start.begin(), boxes[i].start.end());
    task.count.assign(boxes[i].count.begin(), boxes[i].count.end());
    task.start[0] += static_cast<hsize_t>(first);
    task.count[0] = static_cast<hsize_t>(last - first);
    task.source_offset = static_cast<std::size_t>(first * row_elements);
    break;
  }
  return task;
}

void check_names_and_shapes(std::span<const TensorPiece> pieces) {
  for (const auto& piece : pieces) {
    const std::string& name = piece.name;
    bool bad_name = name.empty() || name.front() == '/' || name.back() == '/' ||
                    name.find("//") != std::string::npos || name == checkpoint::kMetaGroup ||
                    name.starts_with(str(checkpoint::kMetaGroup, "/"));
    if (bad_name)
      internal_error(
          str("checkpoint tensor name '", name,
              "' is not a relative dataset path outside meta/ (e.g. params/fc1.weight)"));
    if (piece.shape.empty() || piece.shape.size() > kMaxDims)
      internal_error(str("checkpoint tensor ", name, " has ", piece.shape.size(),
                         " dimensions; 1 to ", kMaxDims, " are supported"));
    for (auto extent : piece.shape)
      if (extent < 0) internal_error(str("checkpoint tensor ", name, " has a negative extent"));
  }
  std::set<std::string> seen;
  for (const auto& piece : pieces)
    if (!seen.insert(piece.name).second)
      internal_error(str("checkpoint tensor ", piece.name, " is handed in twice"));
}

}  // namespace

std::vector<WriteTask> plan_writes(std::span<const TensorPiece> pieces, MPI_Comm comm) {
  int rank = 0, size = 1;
  DOJO_CHECK_MPI(MPI_Comm_rank(comm, &rank));
  DOJO_CHECK_MPI(MPI_Comm_size(comm, &size));

  // Checks of this rank's own names and shapes, agreed on before anything is gathered.
  every_rank_or_none(comm, [&] { check_names_and_shapes(pieces); });

  std::vector<std::int64_t> mine;
  for (const auto& piece : pieces) append(mine, describe_piece(piece));
  std::int64_t counts[2] = {static_cast<std::int64_t>(pieces.size()),
                            static_cast<std::int64_t>(mine.size())};
  std::vector<std::int64_t> all_counts(2 * static_cast<std::size_t>(size));
  DOJO_CHECK_MPI(MPI_Allgather(counts, 2, MPI_INT64_T, all_counts.data(), 2, MPI_INT64_T, comm));
  std::vector<int> lengths(static_cast<std::size_t>(size)), offsets(static_cast<std::size_t>(size));
  for (int r = 0; r < size; ++r) {
    auto ru = static_cast<std::size_t>(r);
    if (all_counts[2 * ru] != counts[0])
      internal_error(str("checkpoint: rank ", r, " hands in ", all_counts[2 * ru],
                         " tensors, rank ", rank, " ", counts[0],
                         " (every rank must name the same tensors)"));
    lengths[ru] = static_cast<int>(all_counts[2 * ru + 1]);
    offsets[ru] = r == 0 ? 0 : offsets[ru - 1] + lengths[ru - 1];
  }
  std::vector<std::int64_t> gathered(static_cast<std::size_t>(offsets.back() + lengths.back()));
  DOJO_CHECK_MPI(MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_INT64_T,
                                gathered.data(), lengths.data(), offsets.data(), MPI_INT64_T,
                                comm));
  std::vector<std::vector<Descriptor>> by_rank;
  for (int r = 0; r < size; ++r) {
    auto ru = static_cast<std::size_t>(r);
    by_rank.push_back(parse(std::span(gathered).subspan(static_cast<std::size_t>(offsets[ru]),
                                                        static_cast<std::size_t>(lengths[ru])),
                            pieces.size()));
  }

  std::vector<WriteTask> tasks;
  for (std::size_t t = 0; t < pieces.size(); ++t) {
    std::vector<Descriptor> column;
    for (int r = 0; r < size; ++r) {
      const Descriptor& d = by_rank[static_cast<std::size_t>(r)][t];
      if (d.name_fingerprint != by_rank[0][t].name_fingerprint || d.shape != by_rank[0][t].shape)
        internal_error(str("checkpoint tensor ", pieces[t].name, " (position ", t, "): rank ", r,
                           " names a different tensor or shape than rank 0 "
                           "(every rank must name the same tensors, in the same order)"));
      column.push_back(d);
    }
    tasks.push_back(plan_tensor(pieces[t], column, rank));
  }
  return tasks;
}

}  // namespace dojo::io::detail
