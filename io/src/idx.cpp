// IDX reading through zlib's gz* functions, which read plain files unchanged and gunzip the rest.
#include "dojo/io/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <utility>

#include "dojo/common/error.hpp"

namespace dojo::io {
namespace {

constexpr std::size_t kReadPiece = std::size_t{64} << 20;  // bytes; grown as data arrives

// An open gz stream; closed on destruction.
class GzFile {
 public:
  explicit GzFile(const std::string& path) : file_(gzopen(path.c_str(), "rb")) {}
  ~GzFile() {
    if (file_) gzclose(file_);
  }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;
  gzFile get() const { return file_; }

 private:
  gzFile file_;
};

// Reads up to `size` bytes; returns how many (fewer only at the end of the data).
std::size_t read_some(const GzFile& file, const std::string& path, std::uint8_t* out,
                      std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    unsigned piece = static_cast<unsigned>(std::min<std::size_t>(size - done, 1u << 30));
    int got = gzread(file.get(), out + done, piece);
    if (got < 0) {
      int code = 0;
      const char* message = gzerror(file.get(), &code);
      user_error(str(path, ": cannot be read (", message ? message : "zlib error",
                     "): the file is damaged; reinstall it or pass another --source"));
    }
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  return done;
}

std::uint32_t big_endian(const std::uint8_t* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

}  // namespace

IdxArray read_idx(const std::string& path) {
  GzFile file(path);
  if (!file.get())
    user_error(str(path, ": cannot be opened: check that it exists and is readable"));
  auto malformed = [&](const std::string& what) {
    user_error(str(path, ": not an IDX file of bytes (", what,
                   "): pass the original MNIST-format files (plain or .gz)"));
  };

  std::uint8_t magic[4];
  if (read_some(file, path, magic, 4) != 4) malformed("shorter than its 4-byte magic number");
  if (magic[0] != 0 || magic[1] != 0) malformed("bad magic number");
  if (magic[2] != 0x08) malformed(str("element type 0x", std::hex, int{magic[2]}, ", not 0x08"));
  int rank = magic[3];
  if (rank < 1 || rank > 4) malformed(str(rank, " dimensions"));

  IdxArray array;
  std::vector<std::uint8_t> header(4 * static_cast<std::size_t>(rank));
  if (read_some(file, path, header.data(), header.size()) != header.size())
    malformed("truncated header");
  std::size_t total = 1;
  for (int i = 0; i < rank; ++i) {
    std::uint32_t dim = big_endian(header.data() + 4 * i);
    if (dim == 0) malformed(str("dimension ", i, " is 0"));
    array.dims.push_back(dim);
    total *= dim;
    if (total > (std::size_t{1} << 36)) malformed("implausibly large dimensions");
  }

  // Grow as data arrives, so a corrupt header cannot make us allocate what the file lacks.
  while (array.data.size() < total) {
    std::size_t old = array.data.size();
    std::size_t want = std::min(kReadPiece, total - old);
    array.data.resize(old + want);
    std::size_t got = read_some(file, path, array.data.data() + old, want);
    if (got < want)
      user_error(str(path, ": truncated: holds ", old + got, " of the ", total,
                     " data bytes its header announces; reinstall it or pass another --source"));
  }
  std::uint8_t extra = 0;
  if (read_some(file, path, &extra, 1) != 0)
    malformed(str("more data than the ", total, " bytes its header announces"));
  return array;
}

}  // namespace dojo::io
