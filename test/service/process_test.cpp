#include <gtest/gtest.h>

#include "dojo/service/process.hpp"

namespace dojo::service {
namespace {

TEST(ServiceProcess, ArgumentsReachTheProgramVerbatimWithoutAShell) {
  auto r = run_process({"printf", "%s|", "$(touch /tmp/dojo-owned)", "a b;c", "`id`"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "$(touch /tmp/dojo-owned)|a b;c|`id`|");
}

TEST(ServiceProcess, ExitCodeAndStderrAreKept) {
  auto r = run_process({"ls", "/no/such/dir/for/dojo"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("/no/such/dir/for/dojo"), std::string::npos);
}

TEST(ServiceProcess, AMissingProgramAndATimeoutAreReported) {
  auto missing = run_process({"dojo-no-such-program"});
  EXPECT_EQ(missing.exit_code, -1);
  EXPECT_FALSE(missing.err.empty());
  auto slow = run_process({"sleep", "10"}, 0.3);
  EXPECT_TRUE(slow.timed_out);
  EXPECT_EQ(slow.exit_code, -1);
}

}  // namespace
}  // namespace dojo::service
