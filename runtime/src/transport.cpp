// Which layer carries point-to-point traffic, from the MPI tool interface (MPI_T) only. Open MPI
// exposes every MCA parameter as an MPI_T control variable and, once MPI_Init has selected a
// component of a framework, deregisters the variables of the components it closed: after MPI_Init
// the only pml_<name>_major_version left names the selected point-to-point layer, and the
// btl_<name>_major_version left name the byte-transfer layers ob1 may use.
#include "dojo/runtime/transport.hpp"

#include <mpi.h>
#include <ucp/api/ucp.h>

#include <algorithm>
#include <string_view>

#include "dojo/common/environment.hpp"
#include "dojo/common/error.hpp"

namespace dojo::runtime {
namespace {

// The MPI_T interface for the lifetime of one query (MPI_T_init_thread nests and may be called
// before, during or after MPI_Init).
class ToolSession {
 public:
  ToolSession() {
    int provided = 0;
    ok_ = MPI_T_init_thread(MPI_THREAD_SINGLE, &provided) == MPI_SUCCESS;
  }
  ~ToolSession() {
    if (ok_) MPI_T_finalize();
  }
  ToolSession(const ToolSession&) = delete;
  ToolSession& operator=(const ToolSession&) = delete;
  bool ok() const { return ok_; }

 private:
  bool ok_ = false;
};

// The value of a string (MPI_CHAR) control variable, or "" when it cannot be read.
std::string read_string_cvar(int index) {
  MPI_T_cvar_handle handle;
  int count = 0;
  if (MPI_T_cvar_handle_alloc(index, nullptr, &handle, &count) != MPI_SUCCESS) return "";
  std::string value(static_cast<std::size_t>(std::max(count, 0)) + 1, '\0');
  if (MPI_T_cvar_read(handle, value.data()) != MPI_SUCCESS) value.clear();
  MPI_T_cvar_handle_free(&handle);
  value.resize(value.find('\0') == std::string::npos ? value.size() : value.find('\0'));
  return value;
}

// "pml_ucx_major_version" with prefix "pml_" -> "ucx"; "" when the name is not of that form.
std::string component_of(std::string_view name, std::string_view prefix) {
  constexpr std::string_view kSuffix = "_major_version";
  if (name.size() <= prefix.size() + kSuffix.size() || !name.starts_with(prefix) ||
      !name.ends_with(kSuffix))
    return "";
  std::string_view component =
      name.substr(prefix.size(), name.size() - prefix.size() - kSuffix.size());
  return component == "base" ? "" : std::string(component);
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

}  // namespace

Transport point_to_point_transport() {
  Transport transport;
  transport.ucx_version = ucp_get_version_string();
  ToolSession session;
  if (!session.ok()) return transport;
  int count = 0;
  if (MPI_T_cvar_get_num(&count) != MPI_SUCCESS) return transport;
  std::vector<std::string> pmls;
  for (int index = 0; index < count; ++index) {
    char name[256];
    int name_length = sizeof name, description_length = 0, verbosity = 0, bind = 0, scope = 0;
    MPI_Datatype type;
    MPI_T_enum enumtype;
    // Variables of closed components answer MPI_T_ERR_INVALID_INDEX: skipped.
    if (MPI_T_cvar_get_info(index, name, &name_length, &verbosity, &type, &enumtype, nullptr,
                            &description_length, &bind, &scope) != MPI_SUCCESS)
      continue;
    std::string_view view(name);
    if (view == "pml" && type == MPI_CHAR) transport.pml_requested = read_string_cvar(index);
    if (auto pml = component_of(view, "pml_"); !pml.empty()) pmls.push_back(pml);
    if (auto btl = component_of(view, "btl_"); !btl.empty()) transport.btls.push_back(btl);
  }
  std::sort(pmls.begin(), pmls.end());
  std::sort(transport.btls.begin(), transport.btls.end());
  if (!pmls.empty()) transport.pml = join(pmls, "+");
  return transport;
}

std::string describe_point_to_point(const Transport& transport) {
  if (transport.pml == "ob1")
    return str("ob1 (BTLs: ", transport.btls.empty() ? "none open" : join(transport.btls, ", "),
               ")");
  if (transport.ucx_carries_traffic()) return str("ucx (UCX ", transport.ucx_version, ")");
  return transport.pml;
}

std::string describe_ucx(const Transport& transport) {
  if (transport.ucx_carries_traffic())
    return str(transport.ucx_version, ", carries the point-to-point traffic (pml ucx)");
  std::string asked = transport.pml_requested.empty()
                          ? std::string()
                          : str("; pml '", transport.pml_requested, "' was asked for");
  return str(transport.ucx_version, ", not used (point-to-point goes through ", transport.pml,
             asked,
             "); run with mpirun --mca pml ucx --mca pml_ucx_tls any --mca pml_ucx_devices any");
}

}  // namespace dojo::runtime
