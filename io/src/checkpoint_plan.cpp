// Planning the collective write of a checkpoint's tensors from the boxes each rank holds.
//
// Every rank sends one descriptor (int64) per piece: a fingerprint of its name, its shape, and
// its box (a tensor is a run of pieces with one name: several boxes, as the q, k and v rows of a
// tensor-parallel c_attn, or one held = false piece); every rank then runs the same deterministic
// checks and split on the same data, so they agree on the plan, and on the error, without further
// messages.
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

// One rank's boxes of one tensor: the run of its consecutive pieces with the tensor's name.
struct RankPieces {
  std::vector<Descriptor> pieces;
  std::size_t first = 0;  // index of the run's first piece among the rank's pieces
};

// The runs of consecutive pieces with the same name, as [begin, end) index pairs.
template <typename SameTensor>
std::vector<std::pair<std::size_t, std::size_t>> runs(std::size_t count, SameTensor same) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t i = 0; i < count;) {
    std::size_t j = i + 1;
    while (j < count && same(i, j)) ++j;
    out.emplace_back(i, j);
    i = j;
  }
  return out;
}

// Checks one tensor's boxes over all ranks (same on every rank) and returns `rank`'s share.
TensorWrites plan_tensor(const TensorPiece& piece, const std::vector<RankPieces>& all, int rank) {
  const std::string where = str("checkpoint tensor ", piece.name, ": ");
  const auto& shape = all.front().pieces.front().shape;
  for (std::size_t r = 0; r < all.size(); ++r) {
    for (const Descriptor& d : all[r].pieces) {
      switch (d.status) {
        case PieceStatus::ok:
          break;
        case PieceStatus::wrong_data_size:
          internal_error(str(where, "rank ", r,
                             " hands in data whose size is not the product of its box ",
                             box_text(d.box)));
        case PieceStatus::wrong_box_rank:
          internal_error(str(where, "rank ", r, "'s start/count do not have ", shape.size(),
                             " entries like the shape ", checkpoint::shape_text(shape)));
        case PieceStatus::box_outside:
          internal_error(str(where, "rank ", r, "'s box lies outside the shape ",
                             checkpoint::shape_text(shape)));
      }
    }
  }
  // Distinct boxes, each with its holders in rank order; boxes without elements write nothing.
  std::vector<Box> boxes;
  std::vector<std::vector<int>> holders;
  for (std::size_t r = 0; r < all.size(); ++r) {
    for (const Descriptor& d : all[r].pieces) {
      if (!d.held || product(d.box.count) == 0) continue;
      auto found = std::find(boxes.begin(), boxes.end(), d.box);
      if (found == boxes.end()) {
        boxes.push_back(d.box);
        holders.push_back({static_cast<int>(r)});
        continue;
      }
      auto& ranks = holders[static_cast<std::size_t>(found - boxes.begin())];
      if (ranks.back() == static_cast<int>(r))
        internal_error(str(where, "rank ", r, " hands in the box ", box_text(d.box), " twice"));
      ranks.push_back(static_cast<int>(r));
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

  // Each rank writes its share of each of its boxes: the counts of all ranks give the rounds.
  TensorWrites plan;
  plan.name = piece.name;
  plan.shape = shape;
  for (std::size_t r = 0; r < all.size(); ++r) {
    int tasks = 0;
    for (std::size_t p = 0; p < all[r].pieces.size(); ++p) {
      const Descriptor& d = all[r].pieces[p];
      if (!d.held || product(d.box.count) == 0) continue;
      const auto i =
          static_cast<std::size_t>(std::find(boxes.begin(), boxes.end(), d.box) - boxes.begin());
      const auto& ranks = holders[i];
      // Replicas share the box's rows (dim 0) as evenly as they go.
      auto k = static_cast<std::int64_t>(ranks.size());
      auto index = static_cast<std::int64_t>(
          std::find(ranks.begin(), ranks.end(), static_cast<int>(r)) - ranks.begin());
      std::int64_t rows = boxes[i].count[0];
      std::int64_t first = rows * index / k, last = rows * (index + 1) / k;
      if (last == first) continue;
      ++tasks;
      if (static_cast<int>(r) != rank) continue;
      std::int64_t row_elements = product(boxes[i].count) / rows;
      WriteTask task;
      task.piece = all[r].first + p;
      task.start.assign(boxes[i].start.begin(), boxes[i].start.end());
      task.count.assign(boxes[i].count.begin(), boxes[i].count.end());
      task.start[0] += static_cast<hsize_t>(first);
      task.count[0] = static_cast<hsize_t>(last - first);
      task.source_offset = static_cast<std::size_t>(first * row_elements);
      plan.tasks.push_back(std::move(task));
    }
    plan.rounds = std::max(plan.rounds, tasks);
  }
  return plan;
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
  // Several boxes of one tensor are consecutive pieces with its name and shape.
  std::set<std::string> seen;
  for (auto [begin, end] : runs(pieces.size(), [&](std::size_t i, std::size_t j) {
         return pieces[i].name == pieces[j].name;
       })) {
    const TensorPiece& head = pieces[begin];
    if (!seen.insert(head.name).second)
      internal_error(str("checkpoint tensor ", head.name,
                         " is handed in twice (the boxes of one tensor are consecutive pieces)"));
    if (begin > 0 && fingerprint(head.name) == fingerprint(pieces[begin - 1].name))
      internal_error(str("checkpoint tensors ", pieces[begin - 1].name, " and ", head.name,
                         " have the same CRC-32: separate them by another tensor"));
    for (std::size_t i = begin + 1; i < end; ++i) {
      if (pieces[i].shape != head.shape)
        internal_error(str(
            "checkpoint tensor ", head.name, ": its pieces give different logical shapes ",
            checkpoint::shape_text(head.shape), " and ", checkpoint::shape_text(pieces[i].shape)));
      if (!pieces[i].held || !head.held)
        internal_error(str("checkpoint tensor ", head.name,
                           ": a rank that does not hold it hands in one piece with held = false, "
                           "not several"));
    }
  }
}

}  // namespace

std::vector<TensorWrites> plan_writes(std::span<const TensorPiece> pieces, MPI_Comm comm) {
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
    lengths[ru] = static_cast<int>(all_counts[2 * ru + 1]);
    offsets[ru] = r == 0 ? 0 : offsets[ru - 1] + lengths[ru - 1];
  }
  std::vector<std::int64_t> gathered(static_cast<std::size_t>(offsets.back() + lengths.back()));
  DOJO_CHECK_MPI(MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_INT64_T,
                                gathered.data(), lengths.data(), offsets.data(), MPI_INT64_T,
                                comm));
  // Every rank's pieces grouped into tensors (runs of one name).
  std::vector<std::vector<RankPieces>> by_rank;
  for (int r = 0; r < size; ++r) {
    auto ru = static_cast<std::size_t>(r);
    std::vector<Descriptor> descriptors =
        parse(std::span(gathered).subspan(static_cast<std::size_t>(offsets[ru]),
                                          static_cast<std::size_t>(lengths[ru])),
              static_cast<std::size_t>(all_counts[2 * ru]));
    std::vector<RankPieces> tensors;
    for (auto [begin, end] : runs(descriptors.size(), [&](std::size_t i, std::size_t j) {
           return descriptors[i].name_fingerprint == descriptors[j].name_fingerprint;
         }))
      tensors.push_back({{descriptors.begin() + static_cast<std::ptrdiff_t>(begin),
                          descriptors.begin() + static_cast<std::ptrdiff_t>(end)},
                         begin});
    by_rank.push_back(std::move(tensors));
  }
  for (int r = 0; r < size; ++r)
    if (by_rank[static_cast<std::size_t>(r)].size() !=
        by_rank[static_cast<std::size_t>(rank)].size())
      internal_error(str("checkpoint: rank ", r, " hands in ",
                         by_rank[static_cast<std::size_t>(r)].size(), " tensors, rank ", rank, " ",
                         by_rank[static_cast<std::size_t>(rank)].size(),
                         " (every rank must name the same tensors)"));

  std::vector<TensorWrites> plans;
  const auto& own = by_rank[static_cast<std::size_t>(rank)];
  for (std::size_t t = 0; t < own.size(); ++t) {
    std::vector<RankPieces> column;
    const TensorPiece& piece = pieces[own[t].first];
    for (int r = 0; r < size; ++r) {
      const RankPieces& theirs = by_rank[static_cast<std::size_t>(r)][t];
      const Descriptor& d = theirs.pieces.front();
      const Descriptor& reference = by_rank[0][t].pieces.front();
      if (d.name_fingerprint != reference.name_fingerprint || d.shape != reference.shape)
        internal_error(str("checkpoint tensor ", piece.name, " (position ", t, "): rank ", r,
                           " names a different tensor or shape than rank 0 "
                           "(every rank must name the same tensors, in the same order)"));
      column.push_back(theirs);
    }
    plans.push_back(plan_tensor(piece, column, rank));
  }
  return plans;
}

}  // namespace dojo::io::detail
