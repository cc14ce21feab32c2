// main() of every MPI test binary: starts MPI, runs GoogleTest on every rank with rank 0 printing,
// and runs a watchdog that turns a hang into a failure naming the test and the rank. Exit code: 1
// when a test failed on any rank, else kSkippedExitCode when a test skipped on any rank (CTest's
// SKIP_RETURN_CODE, so a skip shows as skipped, not passed), else 0.
#include <gtest/gtest.h>
#include <mpi.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#include "dojo_test_support.hpp"

namespace {
std::mutex g_mutex;
std::condition_variable g_done_cv;
bool g_done = false;
std::string g_current_test = "(start-up)";
int g_rank = 0;

// Records the running test for the watchdog's message; prints failures from every rank.
class RankListener : public testing::EmptyTestEventListener {
  void OnTestStart(const testing::TestInfo& info) override {
    std::lock_guard lock(g_mutex);
    g_current_test = std::string(info.test_suite_name()) + "." + info.name();
  }
  void OnTestPartResult(const testing::TestPartResult& result) override {
    if (result.failed() && g_rank != 0)
      std::fprintf(stderr, "[rank %d] failure in %s at %s:%d\n%s\n", g_rank, g_current_test.c_str(),
                   result.file_name() ? result.file_name() : "?", result.line_number(),
                   result.summary());
  }
};

void watchdog(int seconds) {
  std::unique_lock lock(g_mutex);
  if (g_done_cv.wait_for(lock, std::chrono::seconds(seconds), [] { return g_done; })) return;
  std::fprintf(stderr,
               "dojo test watchdog: rank %d: test %s still running after %d s (a hang); "
               "aborting the job\n",
               g_rank, g_current_test.c_str(), seconds);
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 3);
}
}  // namespace

namespace dojo::test {
MPI_Comm world() {
  static MPI_Comm comm = [] {
    MPI_Comm c;
    MPI_Comm_dup(MPI_COMM_WORLD, &c);
    return c;
  }();
  return comm;
}
}  // namespace dojo::test

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  testing::InitGoogleTest(&argc, argv);

  int watchdog_seconds = 240;
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--watchdog=", 11) == 0) watchdog_seconds = std::atoi(argv[i] + 11);

  auto& listeners = testing::UnitTest::GetInstance()->listeners();
  if (g_rank != 0) delete listeners.Release(listeners.default_result_printer());
  listeners.Append(new RankListener);

  std::thread dog(watchdog, watchdog_seconds);
  int failed = RUN_ALL_TESTS() != 0 ? 1 : 0;
  {
    std::lock_guard lock(g_mutex);
    g_done = true;
  }
  g_done_cv.notify_all();
  dog.join();

  int any_failed = 0;
  MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (g_rank == 0 && any_failed && !failed)
    std::fprintf(stderr, "some tests failed on ranks other than 0 (see their output)\n");
  const int skipped = testing::UnitTest::GetInstance()->skipped_test_count();
  int any_skipped = 0;
  MPI_Allreduce(&skipped, &any_skipped, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (!any_failed && any_skipped > 0) {
    if (skipped > 0)
      std::fprintf(stderr, "[rank %d] %d test(s) skipped: reporting the run as skipped (exit %d)\n",
                   g_rank, skipped, dojo::test::kSkippedExitCode);
    std::fflush(stderr);
  }
  MPI_Comm c = dojo::test::world();
  MPI_Comm_free(&c);
  MPI_Finalize();
  if (any_failed) return 1;
  return any_skipped > 0 ? dojo::test::kSkippedExitCode : 0;
}
