// dojo data prepare text: bytes of text files -> uint8 token streams (vocab 256). Each file's last
// `validation_fraction` of bytes goes to /validation and the rest to /train, files concatenated
// in order; streamed in pieces, so a corpus need not fit in memory.
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <utility>

#include "atomic_file.hpp"
#include "dojo/io/prepare.hpp"
#include "dojo/io/validate.hpp"
#include "dojo/io/writer.hpp"
#include "prepare_common.hpp"

namespace dojo::io {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kPieceBytes = std::int64_t{4} << 20;  // read and written at a time
constexpr std::size_t kSourceTextLimit = 2000;               // characters of the source attribute

struct Input {
  std::string path;
  std::int64_t bytes = 0;             // file size
  std::int64_t validation_bytes = 0;  // its last bytes, for /validation
};

std::vector<Input> plan_inputs(const TextOptions& options, const std::vector<std::string>& files) {
  std::vector<Input> inputs;
  for (const auto& path : files) {
    std::error_code error;
    auto status = fs::status(path, error);
    if (!fs::exists(status)) user_error(str(path, ": no such file: check --in"));
    if (fs::is_directory(status))
      user_error(str(path, ": is a directory: pass the text files in it to --in"));
    Input input{path, static_cast<std::int64_t>(fs::file_size(path, error)), 0};
    if (error) user_error(str(path, ": cannot be read (", error.message(), "): check --in"));
    input.validation_bytes = static_cast<std::int64_t>(
        std::floor(static_cast<double>(input.bytes) * options.validation_fraction));
    inputs.push_back(input);
  }
  return inputs;
}

std::string describe_sources(const TextOptions& options, const std::vector<std::string>& files) {
  std::string text = options.inputs.empty()
                         ? str("Debian package fortunes, ", kFortunesDirectory, ": ")
                         : std::string();
  for (const auto& file : files) {
    std::string name = options.inputs.empty() ? fs::path(file).filename().string() : file;
    if (text.size() + name.size() > kSourceTextLimit) {
      text += str("... (", files.size(), " files)");
      return text;
    }
    text += (text.empty() || text.back() == ' ' ? "" : ", ") + name;
  }
  return text;
}

// Copies the bytes of every input into the two streams.
void copy_streams(const std::vector<Input>& inputs, TokenStreamWriter& train,
                  TokenStreamWriter* validation) {
  std::vector<std::uint8_t> piece;
  std::int64_t train_offset = 0, validation_offset = 0;
  for (const auto& input : inputs) {
    std::ifstream in(input.path, std::ios::binary);
    if (!in) user_error(str(input.path, ": cannot be opened: check its permissions"));
    std::int64_t train_bytes = input.bytes - input.validation_bytes;
    for (std::int64_t done = 0; done < input.bytes;) {
      // Pieces end at the train/validation boundary, so each goes to one stream.
      std::int64_t end = done < train_bytes ? train_bytes : input.bytes;
      std::int64_t size = std::min(kPieceBytes, end - done);
      piece.resize(static_cast<std::size_t>(size));
      in.read(reinterpret_cast<char*>(piece.data()), size);
      if (in.gcount() != size)
        user_error(str(input.path, ": changed while being read (expected ", input.bytes,
                       " bytes): prepare again once it is complete"));
      if (done < train_bytes) {
        train.write(train_offset, piece);
        train_offset += size;
      } else {
        validation->write(validation_offset, piece);
        validation_offset += size;
      }
      done += size;
    }
  }
}

PrepareSummary prepare_here(const TextOptions& options) {
  if (!(options.validation_fraction >= 0 && options.validation_fraction < 1))
    user_error(str("--validation-fraction ", options.validation_fraction,
                   " is outside [0, 1): pass e.g. 0.1, or 0 for no validation split"));
  detail::AtomicFile out(options.out);
  std::vector<std::string> files = options.inputs.empty() ? default_text_corpus() : options.inputs;
  std::vector<Input> inputs = plan_inputs(options, files);

  PrepareSummary summary;
  summary.path = options.out;
  summary.kind = DatasetKind::tokens;
  summary.input_files = static_cast<std::int64_t>(inputs.size());
  std::int64_t validation_bytes = 0;
  for (const auto& input : inputs) {
    summary.input_bytes += input.bytes;
    validation_bytes += input.validation_bytes;
  }
  std::int64_t train_bytes = summary.input_bytes - validation_bytes;
  if (train_bytes == 0) user_error("no text to prepare: the --in files are empty");
  if (options.validation_fraction > 0 && validation_bytes == 0)
    user_error(str("the validation split would be empty (", summary.input_bytes,
                   " bytes of text, fraction ", options.validation_fraction,
                   "): pass more text, a larger --validation-fraction, or 0 for none"));

  DatasetWriter writer(out.temporary_path(), DatasetKind::tokens,
                       "byte-level text: one token per byte (vocab_size 256); each input file's "
                       "last bytes form /validation",
                       describe_sources(options, files));
  {
    constexpr std::int64_t kByteVocabulary = 256;
    TokenStreamWriter train = writer.begin_token_split("train", train_bytes, kByteVocabulary);
    std::optional<TokenStreamWriter> validation;
    if (validation_bytes > 0)
      validation = writer.begin_token_split("validation", validation_bytes, kByteVocabulary);
    copy_streams(inputs, train, validation ? &*validation : nullptr);
  }  // the streams' datasets close before the file
  writer.close();
  DatasetInfo info = validate_local(out.temporary_path(), DatasetKind::tokens);
  out.commit();
  for (const auto& split : info.splits) summary.splits.push_back({split.name, split.count});
  summary.file_bytes = static_cast<std::int64_t>(fs::file_size(options.out));
  return summary;
}

}  // namespace

std::vector<std::string> default_text_corpus(const std::string& directory) {
  std::error_code error;
  std::vector<std::string> files;
  std::set<std::pair<dev_t, ino_t>> seen;  // hard links to one file count once
  if (fs::is_directory(directory, error)) {
    std::vector<fs::path> entries;
    for (const auto& entry : fs::directory_iterator(directory, error))
      entries.push_back(entry.path());
    std::sort(entries.begin(), entries.end());
    for (const auto& path : entries) {
      // Symbolic links (the .u8 aliases) and .dat files (strfile's indexes) are not corpus text.
      if (!fs::is_regular_file(fs::symlink_status(path, error)) || path.extension() == ".dat")
        continue;
      struct stat info {};
      if (stat(path.c_str(), &info) != 0 || !seen.insert({info.st_dev, info.st_ino}).second)
        continue;
      files.push_back(path.string());
    }
  }
  if (files.empty())
    user_error(str("no --in files given and the default corpus ", directory,
                   " is missing or empty: install the Debian package 'fortunes' or pass --in "
                   "FILE..."));
  return files;
}

PrepareSummary prepare_text(const TextOptions& options, MPI_Comm comm) {
  ScopedActivity activity("preparing text");
  return detail::prepare_on_root(comm, [&] { return prepare_here(options); });
}

}  // namespace dojo::io
