// Preparers: convert public data into the dojo data-set layout, one function per
// `dojo data prepare <subcommand>`, each with its options struct and a summary to print.
// Each is collective over a communicator: rank 0 converts and writes (atomically: a temporary
// name, then rename), every rank returns the same summary or raises the same user error.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "dojo/io/format.hpp"

namespace dojo::io {

// Where Debian's dataset-fashion-mnist package installs the IDX files.
inline constexpr const char* kFashionMnistDirectory = "/usr/share/datasets/fashion-mnist";
// Debian's fortunes package: the default text corpus.
inline constexpr const char* kFortunesDirectory = "/usr/share/games/fortunes";

// dojo data prepare fashion-mnist --out F.h5 [--source DIR]
struct FashionMnistOptions {
  std::string out;  // the .h5 file to write (replaced if present)
  std::string source =
      kFashionMnistDirectory;  // holds {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]
};

// dojo data prepare text [--in FILE...] --out F.h5 [--validation-fraction 0.1]
struct TextOptions {
  std::vector<std::string> inputs;   // text files, in this order; empty: the fortunes corpus
  std::string out;                   // the .h5 file to write (replaced if present)
  double validation_fraction = 0.1;  // of each file's bytes, taken from its end; in [0, 1)
};

struct PreparedSplit {
  std::string name;        // "train", "validation", "test"
  std::int64_t count = 0;  // samples or tokens
};

struct PrepareSummary {
  std::string path;  // the file written
  DatasetKind kind = DatasetKind::classification;
  std::vector<PreparedSplit> splits;
  std::int64_t input_files = 0;
  std::int64_t input_bytes = 0;  // bytes read from the inputs (compressed size for .gz)
  std::int64_t file_bytes = 0;   // size of the written file
  // Lines to print, e.g. "wrote F.h5 (47.2 MB): classification, train 60000 samples, ...".
  std::vector<std::string> describe() const;
};

PrepareSummary prepare_fashion_mnist(const FashionMnistOptions& options, MPI_Comm comm);
PrepareSummary prepare_text(const TextOptions& options, MPI_Comm comm);

// The files of the default text corpus: the regular files of kFortunesDirectory, without the
// .dat index files, symbolic links and hard-linked duplicates, sorted by name. A user error naming
// the package when none are there.
std::vector<std::string> default_text_corpus(const std::string& directory = kFortunesDirectory);

}  // namespace dojo::io
