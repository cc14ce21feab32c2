// DatasetInfo <-> bytes, field by field in declaration order.
#include "info_codec.hpp"

#include "byte_codec.hpp"

namespace dojo::io::detail {

std::string encode(const DatasetInfo& info) {
  ByteWriter out;
  out.put(info.path);
  out.put(info.kind);
  out.put(info.description);
  out.put(info.source);
  out.put(static_cast<std::uint64_t>(info.splits.size()));
  for (const auto& split : info.splits) {
    out.put(split.name);
    out.put(split.count);
  }
  out.put(info.sample_type);
  out.put(info.scale);
  out.put(info.sample_shape);
  out.put(info.sample_size);
  out.put(info.num_classes);
  out.put(info.class_names);
  out.put(info.token_type);
  out.put(info.vocab_size);
  return out.bytes();
}

DatasetInfo decode_info(const std::string& bytes) {
  ByteReader in(bytes);
  DatasetInfo info;
  in.get(info.path);
  in.get(info.kind);
  in.get(info.description);
  in.get(info.source);
  std::uint64_t splits = 0;
  in.get(splits);
  info.splits.resize(splits);
  for (auto& split : info.splits) {
    in.get(split.name);
    in.get(split.count);
  }
  in.get(info.sample_type);
  in.get(info.scale);
  in.get(info.sample_shape);
  in.get(info.sample_size);
  in.get(info.num_classes);
  in.get(info.class_names);
  in.get(info.token_type);
  in.get(info.vocab_size);
  return info;
}

}  // namespace dojo::io::detail
