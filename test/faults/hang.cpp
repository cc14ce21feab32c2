// A program that hangs on purpose, for the hang watchdog's tests: every rank but the last calls a
// collective that the last rank never joins (it sleeps instead).
//   mpiexec -n 2 dojo-test-hang ALGORITHM     (ring, native, ...; DOJO_WATCHDOG_SECONDS sets the
//                                              limit)
// Expected: the job ends within the limit plus a few seconds, rank 0 naming the operation and
// its call number.
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "dojo/collectives/communicator.hpp"
#include "dojo/common/error.hpp"
#include "dojo/runtime/guarded_main.hpp"
#include "dojo/runtime/runtime.hpp"

int main(int argc, char** argv) {
  return dojo::runtime::guarded_main([&] {
    dojo::runtime::Runtime runtime(argc, argv);
    runtime.configure({});
    namespace dc = dojo::collectives;
    const std::string algorithm_name = argc > 1 ? argv[1] : "ring";
    auto algorithm = dc::parse_algorithm(algorithm_name);
    if (!algorithm) dojo::user_error("unknown algorithm " + algorithm_name);
    dc::Communicator comm(runtime.world().get());
    std::vector<float> data(1024, 1.0f);
    // Two calls that match, then one the last rank skips.
    comm.allreduce(std::span<float>(data), dc::ReduceOp::sum, {*algorithm});
    comm.allreduce(std::span<float>(data), dc::ReduceOp::sum, {*algorithm});
    if (runtime.rank() == runtime.size() - 1) {
      std::this_thread::sleep_for(std::chrono::seconds(120));
    } else {
      comm.allreduce(std::span<float>(data), dc::ReduceOp::sum, {*algorithm});
    }
    std::printf("rank %d: not expected to get here\n", runtime.rank());
    return 0;
  });
}
