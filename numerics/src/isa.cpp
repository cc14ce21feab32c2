// Run-time choice of the conversion kernels: the best ISA the CPU supports (cpuid), unless the
// environment variable DOJO_NUMERICS_ISA names another, or set_isa() is called (tests, benchmarks).
#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "dojo/numerics/cfloat.hpp"
#include "isa.hpp"

namespace dojo::numerics {
namespace detail {
namespace {

struct Candidate {
  const KernelTable* table;
  bool (*supported)();
};

const Candidate candidates[] = {
#if DOJO_NUMERICS_HAVE_AVX512
    {&avx512_kernels, [] { return __builtin_cpu_supports("avx512f") != 0; }},
#endif
#if DOJO_NUMERICS_HAVE_AVX2
    {&avx2_kernels, [] { return __builtin_cpu_supports("avx2") != 0; }},
#endif
    {&portable_kernels, [] { return true; }},
};

const KernelTable* find_supported(std::string_view name) {
  for (const auto& c : candidates)
    if (name == c.table->name && c.supported()) return c.table;
  return nullptr;
}

const KernelTable* initial_choice() {
  if (const char* env = std::getenv("DOJO_NUMERICS_ISA"); env && *env) {
    if (const KernelTable* t = find_supported(env)) return t;
    std::string known;
    for (const auto& c : candidates)
      known += std::string(known.empty() ? "" : ", ") + c.table->name;
    throw std::invalid_argument("DOJO_NUMERICS_ISA='" + std::string(env) +
                                "' is not an ISA this machine and build support (" + known + ")");
  }
  for (const auto& c : candidates)
    if (c.supported()) return c.table;
  return &portable_kernels;
}

std::atomic<const KernelTable*>& chosen() {
  static std::atomic<const KernelTable*> table{initial_choice()};
  return table;
}

}  // namespace

const KernelTable& active_kernels() {
  return *chosen().load(std::memory_order_relaxed);
}

}  // namespace detail

std::string_view active_isa() {
  return detail::active_kernels().name;
}

std::vector<std::string_view> available_isas() {
  std::vector<std::string_view> names;
  for (const auto& c : detail::candidates)
    if (c.supported()) names.push_back(c.table->name);
  return names;
}

bool set_isa(std::string_view isa) {
  const detail::KernelTable* t = detail::find_supported(isa);
  if (!t) return false;
  detail::chosen().store(t, std::memory_order_relaxed);
  return true;
}

}  // namespace dojo::numerics
