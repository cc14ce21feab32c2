// The checks behind validate(): root attributes, then each split's datasets, dtypes, shapes,
// attributes and label/token ranges. HDF5 failures while reading mean a damaged file (user error).
#include "dojo/io/validate.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <vector>

#include "dojo/common/error.hpp"
#include "dojo/io/hdf5.hpp"
#include "dojo/io/hdf5_attribute.hpp"
#include "info_codec.hpp"
#include "isolated_read.hpp"
#include "root_decides.hpp"

namespace dojo::io {
namespace {

constexpr const char* kRecreate = "re-create it with `dojo data prepare`";
constexpr std::int64_t kScanElements = 1 << 22;  // elements per read while scanning labels/tokens

struct DatasetFacts {
  std::string path;  // in the file, e.g. "/train/labels"
  std::optional<ElementType> element;
  std::string type_text;      // e.g. "float64", for messages
  std::vector<hsize_t> dims;  // the dataset's shape
  std::int64_t element_bytes = 0;
  bool contiguous = false;
  hsize_t storage_bytes = 0;
};

class Validator {
 public:
  Validator(std::string path, hdf5::File file) : path_(std::move(path)), file_(std::move(file)) {}

  DatasetInfo run(std::optional<DatasetKind> expected) {
    DatasetInfo info;
    info.path = path_;
    check_root(info, expected);
    for (auto name : kSplitNames) {
      std::string split(name);
      if (!hdf5::has_object(file_.get(), split, H5O_TYPE_GROUP)) continue;
      hdf5::Group group = hdf5::open_group(file_.get(), split);
      SplitInfo entry{split, 0};
      if (info.kind == DatasetKind::classification)
        entry.count =
            check_classification_split(group.get(), "/" + split, info, info.splits.empty());
      else
        entry.count = check_token_split(group.get(), "/" + split, info, info.splits.empty());
      info.splits.push_back(entry);
    }
    if (info.splits.empty()) problem("no split group (/train, /validation or /test) found");
    return info;
  }

 private:
  [[noreturn]] void problem(const std::string& what) const {
    user_error(str(path_, ": ", what, ": ", kRecreate));
  }

  void require_attribute(hid_t object, const std::string& where, std::string_view name,
                         H5T_class_t type_class, int rank) const {
    std::string n(name);
    if (!hdf5::has_attribute(object, n)) problem(str("attribute '", n, "' missing on ", where));
    auto shape = hdf5::attribute_shape(object, n);
    bool class_ok = shape.type_class == type_class ||
                    (type_class == H5T_FLOAT && shape.type_class == H5T_INTEGER);
    const char* noun = type_class == H5T_STRING    ? "string"
                       : type_class == H5T_INTEGER ? "integer"
                                                   : "number";
    if (!class_ok || shape.rank != rank || (rank == 0 && shape.elements != 1))
      problem(str("attribute '", n, "' on ", where, " must be ",
                  rank == 0 ? str(noun == std::string_view("integer") ? "an " : "a ", noun)
                            : str("a 1-D array of ", noun, "s")));
  }

  void check_root(DatasetInfo& info, std::optional<DatasetKind> expected) {
    hid_t root = file_.get();
    if (!hdf5::has_attribute(root, std::string(kFormatAttribute)))
      user_error(str(path_, ": an HDF5 file but not a dojo data set (no root attribute '",
                     kFormatAttribute, "'): prepare one with `dojo data prepare`"));
    require_attribute(root, "/", kFormatAttribute, H5T_STRING, 0);
    std::string format = hdf5::read_string_attribute(root, std::string(kFormatAttribute));
    if (format != kFormatName)
      problem(str("root attribute '", kFormatAttribute, "' is '", format, "', not '", kFormatName,
                  "'"));
    require_attribute(root, "/", kVersionAttribute, H5T_INTEGER, 0);
    auto version = hdf5::read_int_attribute(root, std::string(kVersionAttribute));
    if (version != kFormatVersion)
      user_error(str(path_, ": format_version ", version, " is not supported (this dojo reads ",
                     kFormatVersion, "): re-create the file with this dojo's `dojo data prepare`"));
    require_attribute(root, "/", kKindAttribute, H5T_STRING, 0);
    std::string kind = hdf5::read_string_attribute(root, std::string(kKindAttribute));
    if (!parse_kind(kind, info.kind))
      problem(str("root attribute 'kind' is '", kind, "', not 'classification' or 'tokens'"));
    if (expected && *expected != info.kind)
      user_error(str(path_, ": holds '", kind, "' data but this job needs '", kind_name(*expected),
                     "' data: pass a ", kind_name(*expected),
                     " data set (see docs/data-format.md)"));
    for (auto [name, field] : {std::pair{kDescriptionAttribute, &info.description},
                               std::pair{kSourceAttribute, &info.source}}) {
      if (!hdf5::has_attribute(root, std::string(name))) continue;
      require_attribute(root, "/", name, H5T_STRING, 0);
      *field = hdf5::read_string_attribute(root, std::string(name));
    }
  }

  DatasetFacts facts(hid_t group, const std::string& group_path, std::string_view name) const {
    DatasetFacts f;
    f.path = group_path + "/" + std::string(name);
    if (!hdf5::has_object(group, std::string(name), H5O_TYPE_DATASET))
      problem(str("dataset ", f.path, " missing"));
    hdf5::Dataset dataset = hdf5::open_dataset(group, std::string(name));
    hdf5::Datatype type = hdf5::datatype_of(dataset);
    H5T_class_t type_class = H5Tget_class(type.get());
    std::size_t size = H5Tget_size(type.get());
    f.element_bytes = static_cast<std::int64_t>(size);
    if (type_class == H5T_FLOAT) {
      f.type_text = str("float", size * 8);
      if (size == 4) f.element = ElementType::float32;
    } else if (type_class == H5T_INTEGER) {
      bool is_signed = H5Tget_sign(type.get()) == H5T_SGN_2;
      f.type_text = str(is_signed ? "int" : "uint", size * 8);
      if (size == 1 && !is_signed) f.element = ElementType::uint8;
      if (size == 4 && is_signed) f.element = ElementType::int32;
    } else {
      f.type_text = "a non-numeric type";
    }
    hdf5::Dataspace space = hdf5::dataspace_of(dataset);
    int rank = DOJO_CHECK_HDF5(H5Sget_simple_extent_ndims(space.get()));
    f.dims.resize(static_cast<std::size_t>(rank));
    DOJO_CHECK_HDF5(H5Sget_simple_extent_dims(space.get(), f.dims.data(), nullptr));
    hdf5::PropertyList create(DOJO_CHECK_HDF5(H5Dget_create_plist(dataset.get())));
    f.contiguous = H5Pget_layout(create.get()) == H5D_CONTIGUOUS;
    f.storage_bytes = H5Dget_storage_size(dataset.get());
    return f;
  }

  void require_rank(const DatasetFacts& f, std::size_t rank, const char* shape) const {
    if (f.dims.size() != rank)
      problem(str(f.path, " has ", f.dims.size(), " dimension(s), expected ", rank, " ", shape));
  }

  void require_type(const DatasetFacts& f, std::initializer_list<ElementType> allowed) const {
    if (f.element && std::find(allowed.begin(), allowed.end(), *f.element) != allowed.end()) return;
    std::string names;
    for (auto t : allowed)
      names += (names.empty() ? "" : " or ") + std::string(element_type_name(t));
    problem(str(f.path, " is ", f.type_text, ", expected ", names));
  }

  // A contiguous dataset whose storage is short was never completely written.
  void require_complete(const DatasetFacts& f) const {
    hsize_t expected = static_cast<hsize_t>(f.element_bytes);
    for (auto d : f.dims) expected *= d;
    if (f.contiguous && f.storage_bytes < expected)
      problem(str(f.path, " holds ", f.storage_bytes, " of its ", expected,
                  " bytes (the file was not completely written)"));
  }

  // Reads `count` elements of a 1-D dataset as int32 in pieces and checks 0 <= v < limit.
  void scan_range(hid_t group, std::string_view name, const std::string& where, std::int64_t count,
                  std::int64_t limit, const char* what) const {
    hdf5::Dataset dataset = hdf5::open_dataset(group, std::string(name));
    hdf5::Dataspace file_space = hdf5::dataspace_of(dataset);
    std::vector<std::int32_t> values;
    for (std::int64_t begin = 0; begin < count; begin += kScanElements) {
      hsize_t start = static_cast<hsize_t>(begin);
      hsize_t n = static_cast<hsize_t>(std::min(kScanElements, count - begin));
      values.resize(n);
      DOJO_CHECK_HDF5(
          H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr));
      hdf5::Dataspace memory_space(DOJO_CHECK_HDF5(H5Screate_simple(1, &n, nullptr)));
      DOJO_CHECK_HDF5(H5Dread(dataset.get(), H5T_NATIVE_INT32, memory_space.get(), file_space.get(),
                              H5P_DEFAULT, values.data()));
      for (std::size_t i = 0; i < values.size(); ++i)
        if (values[i] < 0 || values[i] >= limit)
          problem(str(where, "[", begin + static_cast<std::int64_t>(i), "] = ", values[i],
                      " is not a valid ", what, " (expected 0 to ", limit - 1, ")"));
    }
  }

  std::int64_t check_classification_split(hid_t group, const std::string& where, DatasetInfo& info,
                                          bool first) {
    DatasetFacts samples = facts(group, where, kSamples);
    require_rank(samples, 2, "(N, D)");
    require_type(samples, {ElementType::float32, ElementType::uint8});
    DatasetFacts labels = facts(group, where, kLabels);
    require_rank(labels, 1, "(N,)");
    require_type(labels, {ElementType::int32});
    auto n = static_cast<std::int64_t>(samples.dims[0]);
    auto d = static_cast<std::int64_t>(samples.dims[1]);
    if (static_cast<std::int64_t>(labels.dims[0]) != n)
      problem(str(labels.path, " has ", labels.dims[0], " labels for ", n, " samples"));
    if (n == 0) problem(str("split ", where, " is empty (0 samples)"));
    if (d == 0) problem(str(samples.path, " has samples of size 0"));
    require_complete(samples);
    require_complete(labels);

    hdf5::Dataset samples_set = hdf5::open_dataset(group, std::string(kSamples));
    hdf5::Dataset labels_set = hdf5::open_dataset(group, std::string(kLabels));
    require_attribute(samples_set.get(), samples.path, kShape, H5T_INTEGER, 1);
    auto shape = hdf5::read_int_array_attribute(samples_set.get(), std::string(kShape));
    std::int64_t product = 1;
    for (auto s : shape) product *= s;
    if (shape.empty() || product != d ||
        std::any_of(shape.begin(), shape.end(), [](auto s) { return s <= 0; }))
      problem(str("attribute 'shape' on ", samples.path, " does not multiply to D = ", d));
    double scale = 1.0;
    if (hdf5::has_attribute(samples_set.get(), std::string(kScale))) {
      require_attribute(samples_set.get(), samples.path, kScale, H5T_FLOAT, 0);
      scale = hdf5::read_real_attribute(samples_set.get(), std::string(kScale));
      if (!(scale > 0)) problem(str("attribute 'scale' on ", samples.path, " must be positive"));
    }
    require_attribute(labels_set.get(), labels.path, kNumClasses, H5T_INTEGER, 0);
    auto classes = hdf5::read_int_attribute(labels_set.get(), std::string(kNumClasses));
    if (classes < 1 || classes > (std::int64_t{1} << 31) - 1)
      problem(str("attribute 'num_classes' on ", labels.path, " is ", classes));
    std::vector<std::string> names;
    if (hdf5::has_attribute(labels_set.get(), std::string(kClassNames))) {
      require_attribute(labels_set.get(), labels.path, kClassNames, H5T_STRING, 1);
      names = hdf5::read_string_array_attribute(labels_set.get(), std::string(kClassNames));
      if (static_cast<std::int64_t>(names.size()) != classes)
        problem(str("attribute 'class_names' on ", labels.path, " has ", names.size(),
                    " names for ", classes, " classes"));
    }

    if (first) {
      info.sample_type = *samples.element;
      info.scale = scale;
      info.sample_shape = shape;
      info.sample_size = d;
      info.num_classes = classes;
      info.class_names = names;
    } else if (d != info.sample_size || classes != info.num_classes ||
               *samples.element != info.sample_type || scale != info.scale) {
      problem(str("split ", where, " differs from ", info.splits.front().name,
                  " in sample size, dtype, scale or number of classes"));
    }
    scan_range(group, kLabels, labels.path, n, classes, "label");
    return n;
  }

  std::int64_t check_token_split(hid_t group, const std::string& where, DatasetInfo& info,
                                 bool first) {
    DatasetFacts tokens = facts(group, where, kTokens);
    require_rank(tokens, 1, "(L,)");
    require_type(tokens, {ElementType::uint8, ElementType::int32});
    auto length = static_cast<std::int64_t>(tokens.dims[0]);
    if (length == 0) problem(str("split ", where, " is empty (0 tokens)"));
    require_complete(tokens);
    hdf5::Dataset tokens_set = hdf5::open_dataset(group, std::string(kTokens));
    require_attribute(tokens_set.get(), tokens.path, kVocabSize, H5T_INTEGER, 0);
    auto vocab = hdf5::read_int_attribute(tokens_set.get(), std::string(kVocabSize));
    if (vocab < 1 || vocab > (std::int64_t{1} << 31) - 1)
      problem(str("attribute 'vocab_size' on ", tokens.path, " is ", vocab));
    if (first) {
      info.token_type = *tokens.element;
      info.vocab_size = vocab;
    } else if (vocab != info.vocab_size || *tokens.element != info.token_type) {
      problem(str("split ", where, " differs from ", info.splits.front().name,
                  " in vocab_size or dtype"));
    }
    // uint8 tokens cannot exceed a vocabulary of 256 or more: no need to read them.
    if (*tokens.element != ElementType::uint8 || vocab < 256)
      scan_range(group, kTokens, tokens.path, length, vocab, "token");
    return length;
  }

  std::string path_;
  hdf5::File file_;
};

}  // namespace

DatasetInfo validate_local(const std::string& path, std::optional<DatasetKind> expected) {
  namespace fs = std::filesystem;
  std::error_code error;
  auto status = fs::status(path, error);
  if (!fs::exists(status))
    user_error(str(path,
                   ": no such file: prepare one with `dojo data prepare fashion-mnist|text "
                   "--out ",
                   path, "`"));
  if (fs::is_directory(status))
    user_error(str(path, ": is a directory, not a data file: pass the .h5 file itself"));
  int hdf5_signature = hdf5::is_hdf5(path);
  if (hdf5_signature < 0) user_error(str(path, ": cannot be read: check its permissions"));
  if (hdf5_signature == 0)
    user_error(str(path, ": not an HDF5 file: pass a file written by `dojo data prepare`"));
  // The HDF5 reads run in a child with a time limit (isolated_read.hpp): HDF5 1.10 loops for
  // ever on some damaged files.
  const detail::IsolatedResult r = detail::run_isolated([&] {
    hdf5::quiet_errors();
    hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (id < 0)
      user_error(
          str(path, ": damaged HDF5 file (", hdf5::take_error_stack(true), "): ", kRecreate));
    return detail::encode(Validator(path, hdf5::File(id)).run(expected));
  });
  switch (r.status) {
    case detail::IsolatedResult::ok:
      return detail::decode_info(r.text);
    case detail::IsolatedResult::user_error:
      user_error(r.text);
    case detail::IsolatedResult::failed:
      // A library call failing on a file that opened means damaged metadata.
      user_error(str(path, ": damaged HDF5 file (", r.text, "): ", kRecreate));
    case detail::IsolatedResult::timed_out:
      user_error(str(path, ": damaged HDF5 file (reading its metadata did not finish within ",
                     detail::kIsolatedReadSeconds, " s): ", kRecreate));
    case detail::IsolatedResult::crashed:
      break;
  }
  user_error(
      str(path, ": damaged HDF5 file (reading its metadata crashed the reader): ", kRecreate));
}

DatasetInfo validate(const std::string& path, std::optional<DatasetKind> expected, MPI_Comm comm) {
  ScopedActivity activity(str("validating ", path));
  std::string bytes =
      detail::root_decides(comm, [&] { return detail::encode(validate_local(path, expected)); });
  return detail::decode_info(bytes);
}

}  // namespace dojo::io
