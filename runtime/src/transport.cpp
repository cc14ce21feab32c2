// Which point-to-point layer Open MPI selected. Open MPI exports the selected PML component as a
// global; its name sits at a fixed offset of the MCA component header (opal/mca/mca.h, v2.1 ABI).
#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "dojo/common/environment.hpp"
#include "dojo/common/error.hpp"
#include "dojo/runtime/runtime.hpp"

namespace dojo::runtime {
namespace {
// mca_base_component_2_1_0_t: 3 ints, project name [16], 3 ints, type name [32], 3 ints, component
// name [64].
constexpr std::size_t kProjectNameOffset = 12;
constexpr std::size_t kTypeNameOffset = 40;
constexpr std::size_t kComponentNameOffset = 84;
}  // namespace

std::string point_to_point_transport() {
  const auto* component =
      static_cast<const char*>(dlsym(RTLD_DEFAULT, "mca_pml_base_selected_component"));
  if (component == nullptr) return "unknown";
  // Trust the layout only if the header says it is Open MPI's pml framework.
  if (std::strncmp(component + kProjectNameOffset, "ompi", 5) != 0 ||
      std::strncmp(component + kTypeNameOffset, "pml", 4) != 0)
    return "unknown";
  std::string name(component + kComponentNameOffset, strnlen(component + kComponentNameOffset, 63));
  if (name.empty()) return "unknown";
  if (name == "ob1") {
    const std::string& btl = env::settings().ompi_mca_btl;
    name += !btl.empty() ? str(" (BTLs: ", btl, ")")
                         : std::string(" (BTLs: Open MPI's default selection)");
  } else if (name == "ucx") {
    name = "ucx (UCX)";
  }
  return name;
}

}  // namespace dojo::runtime
