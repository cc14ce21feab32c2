// dojo data prepare fashion-mnist: the four IDX files of Fashion-MNIST (as Debian's
// dataset-fashion-mnist installs them, gzipped, or plain) -> train (60000) and test (10000) splits
// of uint8 28x28 images with scale 1/255 and int32 labels with the 10 class names.
#include <filesystem>

#include "atomic_file.hpp"
#include "dojo/io/idx.hpp"
#include "dojo/io/prepare.hpp"
#include "dojo/io/validate.hpp"
#include "dojo/io/writer.hpp"
#include "prepare_common.hpp"

namespace dojo::io {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kClassNames = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                              "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                              "Bag",         "Ankle boot"};

// `base` or `base.gz` in `directory`.
std::string find_idx(const FashionMnistOptions& options, const std::string& base) {
  for (const auto& name : {base, base + ".gz"}) {
    fs::path candidate = fs::path(options.source) / name;
    std::error_code ignored;
    if (fs::is_regular_file(candidate, ignored)) return candidate.string();
  }
  user_error(str("Fashion-MNIST not found: ", options.source, " has no ", base, "[.gz]: install ",
                 "the Debian package 'dataset-fashion-mnist' or pass --source DIR"));
}

struct Split {
  IdxArray images;                   // (N, rows, cols) bytes
  std::vector<std::int32_t> labels;  // (N,)
};

Split read_split(const FashionMnistOptions& options, const std::string& prefix,
                 PrepareSummary& summary) {
  std::string images_path = find_idx(options, prefix + "-images-idx3-ubyte");
  std::string labels_path = find_idx(options, prefix + "-labels-idx1-ubyte");
  Split split;
  split.images = read_idx(images_path);
  IdxArray labels = read_idx(labels_path);
  if (split.images.dims.size() != 3)
    user_error(str(images_path, ": holds ", split.images.dims.size(),
                   "-D data, expected (N, rows, cols) images: check --source"));
  if (labels.dims.size() != 1 || labels.dims[0] != split.images.dims[0])
    user_error(str(labels_path, ": does not hold one label per image of ", images_path,
                   ": check --source"));
  for (std::size_t i = 0; i < labels.data.size(); ++i)
    if (labels.data[i] >= kClassNames.size())
      user_error(str(labels_path, ": label ", int{labels.data[i]}, " of image ", i,
                     " is not a Fashion-MNIST class (0 to 9): check --source"));
  split.labels.assign(labels.data.begin(), labels.data.end());
  summary.input_files += 2;
  summary.input_bytes +=
      static_cast<std::int64_t>(fs::file_size(images_path) + fs::file_size(labels_path));
  return split;
}

PrepareSummary prepare_here(const FashionMnistOptions& options) {
  std::error_code ignored;
  if (!fs::is_directory(options.source, ignored))
    user_error(str("Fashion-MNIST not found: directory ", options.source,
                   " does not exist: install the Debian package 'dataset-fashion-mnist' or pass "
                   "--source DIR"));
  detail::AtomicFile out(options.out);
  PrepareSummary summary;
  summary.path = options.out;
  summary.kind = DatasetKind::classification;
  Split train = read_split(options, "train", summary);
  Split test = read_split(options, "t10k", summary);
  if (train.images.dims[1] != test.images.dims[1] || train.images.dims[2] != test.images.dims[2])
    user_error(str(options.source, ": train and test images differ in size: check --source"));

  ClassMetadata metadata{{train.images.dims[1], train.images.dims[2]},
                         static_cast<std::int64_t>(kClassNames.size()),
                         kClassNames};
  DatasetWriter writer(
      out.temporary_path(), DatasetKind::classification,
      "Fashion-MNIST: 28x28 grey-scale images of 10 kinds of clothing "
      "(Zalando Research); pixel = stored byte * scale, in [0, 1]",
      str(options.source == kFashionMnistDirectory ? "Debian package dataset-fashion-mnist: " : "",
          "IDX files in ", options.source));
  constexpr double kScale = 1.0 / 255.0;  // bytes 0..255 -> [0, 1]
  writer.add_classification_split("train", metadata, train.images.data, kScale, train.labels);
  writer.add_classification_split("test", metadata, test.images.data, kScale, test.labels);
  writer.close();
  // Read back what was written before it replaces anything.
  DatasetInfo info = validate_local(out.temporary_path(), DatasetKind::classification);
  out.commit();
  for (const auto& split : info.splits) summary.splits.push_back({split.name, split.count});
  summary.file_bytes = static_cast<std::int64_t>(fs::file_size(options.out));
  return summary;
}

}  // namespace

PrepareSummary prepare_fashion_mnist(const FashionMnistOptions& options, MPI_Comm comm) {
  ScopedActivity activity("preparing Fashion-MNIST");
  return detail::prepare_on_root(comm, [&] { return prepare_here(options); });
}

}  // namespace dojo::io
