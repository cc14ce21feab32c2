// Slurm's host-list and tasks-per-node grammars (dojo/common/slurm_lists.hpp) on arbitrary text:
// a user error or a bounded expansion, never a crash, a hang or unbounded memory.
#include "dojo/common/slurm_lists.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  dojo::fuzz::expect_only_user_errors([&] {
    const auto hosts = dojo::slurm::expand_hostlist(text);
    if (static_cast<std::int64_t>(hosts.size()) > dojo::slurm::kMaxListEntries) std::abort();
  });
  dojo::fuzz::expect_only_user_errors([&] {
    const auto tasks = dojo::slurm::expand_tasks_per_node(text);
    if (static_cast<std::int64_t>(tasks.size()) > dojo::slurm::kMaxListEntries) std::abort();
  });
  return 0;
}
