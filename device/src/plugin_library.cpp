// Loading a device plugin: find the versioned entry point, then check the table it returns
// (ABI version, size, name, every required function) before dojo calls anything in it.
#include <string>
#include <vector>

#include "dojo/common/error.hpp"
#include "dojo/device/plugin_device.hpp"

namespace dojo::device {
namespace {

// Names of the required functions the table leaves null. sgemm_batched and dgemm_batched are
// optional: PluginDevice loops over sgemm / dgemm when they are null.
std::vector<std::string> missing_functions(const dojo_device_plugin_v1& t) {
  std::vector<std::string> missing;
  auto require = [&](auto fn, const char* name) {
    if (fn == nullptr) missing.emplace_back(name);
  };
  require(t.create, "create");
  require(t.destroy, "destroy");
  require(t.last_error, "last_error");
  require(t.get_properties, "get_properties");
  require(t.mem_alloc, "mem_alloc");
  require(t.mem_free, "mem_free");
  require(t.mem_copy, "mem_copy");
  require(t.mem_set, "mem_set");
  require(t.synchronize, "synchronize");
  require(t.sgemm, "sgemm");
  require(t.dgemm, "dgemm");
  require(t.fill, "fill");
  require(t.scale, "scale");
  require(t.axpy, "axpy");
  require(t.add, "add");
  require(t.mul, "mul");
  require(t.bias_add, "bias_add");
  require(t.bias_backward, "bias_backward");
  require(t.relu_forward, "relu_forward");
  require(t.relu_backward, "relu_backward");
  require(t.gelu_forward, "gelu_forward");
  require(t.gelu_backward, "gelu_backward");
  require(t.layernorm_forward, "layernorm_forward");
  require(t.layernorm_backward, "layernorm_backward");
  require(t.softmax_forward, "softmax_forward");
  require(t.softmax_backward, "softmax_backward");
  require(t.cross_entropy_forward, "cross_entropy_forward");
  require(t.cross_entropy_backward, "cross_entropy_backward");
  require(t.embedding_forward, "embedding_forward");
  require(t.embedding_backward, "embedding_backward");
  require(t.sum, "sum");
  require(t.sum_squares, "sum_squares");
  require(t.adamw_update, "adamw_update");
  require(t.sgd_momentum_update, "sgd_momentum_update");
  return missing;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

std::shared_ptr<const PluginLibrary> PluginLibrary::load(const std::filesystem::path& file) {
  SharedLibrary library(file);
  const std::string where = str("device plugin '", file.string(), "'");

  void* entry = library.symbol(DOJO_DEVICE_PLUGIN_ENTRY_V1);
  if (entry == nullptr) {
    user_error(str(where, " exports no ", DOJO_DEVICE_PLUGIN_ENTRY_V1,
                   "(): it is not a dojo device plugin, or was built for another plugin ABI ",
                   "version than this dojo's (", DOJO_DEVICE_PLUGIN_ABI_VERSION, ")"));
  }
  // POSIX guarantees dlsym's object pointer converts to a function pointer.
  auto get = reinterpret_cast<dojo_device_plugin_v1_get_fn>(entry);
  const dojo_device_plugin_v1* table = get();
  if (table == nullptr)
    user_error(str(where, ": ", DOJO_DEVICE_PLUGIN_ENTRY_V1, "() returned null"));
  if (table->abi_version != DOJO_DEVICE_PLUGIN_ABI_VERSION) {
    user_error(str(where, " has plugin ABI version ", table->abi_version, " but this dojo needs ",
                   DOJO_DEVICE_PLUGIN_ABI_VERSION, "; rebuild the plugin against this dojo's ",
                   "dojo/device/plugin_abi.h"));
  }
  if (table->struct_size < sizeof(dojo_device_plugin_v1)) {
    user_error(str(where, " has a function table of ", table->struct_size, " bytes, expected ",
                   sizeof(dojo_device_plugin_v1), "; rebuild it against this dojo's plugin_abi.h"));
  }
  if (table->name == nullptr || table->name[0] == '\0') {
    user_error(str(where, " does not set its name in the function table"));
  }
  if (auto missing = missing_functions(*table); !missing.empty()) {
    user_error(str(where, " (", table->name, ") leaves required functions null: ", join(missing)));
  }
  return std::shared_ptr<const PluginLibrary>(new PluginLibrary(std::move(library), table));
}

}  // namespace dojo::device
