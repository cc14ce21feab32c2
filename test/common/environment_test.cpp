// The environment, parsed once with its domains: good values typed, every malformed one kept as
// one problem naming the variable and its domain (never thrown before the rank is known), and the
// Slurm lists bounded before anything is expanded.
#include <gtest/gtest.h>

#include <cstdlib>

#include "dojo/common/environment.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/slurm_lists.hpp"

using dojo::env::parse;

TEST(Environment, EmptyEnvironmentHasDefaults) {
  const auto s = parse({});
  EXPECT_TRUE(s.problems.empty());
  EXPECT_FALSE(s.watchdog_seconds);
  EXPECT_EQ(s.test_hold_seconds, 60);
  EXPECT_FALSE(s.slurm_step);
  EXPECT_FALSE(s.mpirun);
  EXPECT_TRUE(s.slurm_nodes.empty());
}

TEST(Environment, GoodValuesAreTyped) {
  const auto s = parse({"DOJO_WATCHDOG_SECONDS=2.5", "DOJO_TEST_HOLD_AFTER_STEP=7",
                        "DOJO_DEVICE_PATH=/a::/b:", "SLURM_JOB_ID=123", "SLURM_STEP_ID=0",
                        "SLURM_PROCID=3", "SLURM_CPUS_PER_TASK=4", "SLURM_JOB_NODELIST=n[1-3]",
                        "SLURM_STEP_TASKS_PER_NODE=2(x2),1", "DOJO_COLL_DEBUG=on",
                        "DOJO_TEST_HOLD_AT=data", "OMPI_COMM_WORLD_SIZE=4"});
  EXPECT_TRUE(s.problems.empty()) << s.problems.front();
  EXPECT_EQ(*s.watchdog_seconds, 2.5);
  EXPECT_EQ(*s.test_hold_after_step, 7);
  EXPECT_EQ(s.device_path, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(s.slurm_job_id, "123");
  EXPECT_TRUE(s.slurm_step);
  EXPECT_EQ(*s.slurm_proc_id, 3);
  EXPECT_EQ(*s.slurm_cpus_per_task, 4);
  EXPECT_EQ(s.slurm_nodes, (std::vector<std::string>{"n1", "n2", "n3"}));
  EXPECT_EQ(s.slurm_step_tasks_per_node, (std::vector<int>{2, 2, 1}));
  EXPECT_TRUE(*s.coll_debug);
  EXPECT_EQ(s.test_hold_at, "data");
  EXPECT_TRUE(s.mpirun);
}

// Each malformed value: one problem that names the variable, nothing stored.
TEST(Environment, EveryMalformedValueIsOneProblem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"DOJO_WATCHDOG_SECONDS=nan", "DOJO_WATCHDOG_SECONDS"},
      {"DOJO_WATCHDOG_SECONDS=-1", "DOJO_WATCHDOG_SECONDS"},
      {"DOJO_WATCHDOG_SECONDS=1e39", "DOJO_WATCHDOG_SECONDS"},
      {"DOJO_WATCHDOG_SECONDS=5s", "DOJO_WATCHDOG_SECONDS"},
      {"DOJO_TEST_HOLD_SECONDS=0", "DOJO_TEST_HOLD_SECONDS"},
      {"DOJO_TEST_HOLD_SECONDS=abc", "DOJO_TEST_HOLD_SECONDS"},
      {"DOJO_TEST_HOLD_AFTER_STEP=-3", "DOJO_TEST_HOLD_AFTER_STEP"},
      {"DOJO_TEST_HOLD_AFTER_STEP=99999999999999999999", "DOJO_TEST_HOLD_AFTER_STEP"},
      {"DOJO_TEST_HOLD_AT=loop", "DOJO_TEST_HOLD_AT"},
      {"DOJO_CHECKPOINT_CRASH_AT=somewhere", "DOJO_CHECKPOINT_CRASH_AT"},
      {"DOJO_COLL_DEBUG=yes please", "DOJO_COLL_DEBUG"},
      {"SLURM_JOB_ID=../../etc", "SLURM_JOB_ID"},
      {"SLURM_STEP_ID=x", "SLURM_STEP_ID"},
      {"SLURM_PROCID=-1", "SLURM_PROCID"},
      {"SLURM_NTASKS=0", "SLURM_NTASKS"},
      {"SLURM_NODEID=2147483648", "SLURM_NODEID"},
      {"SLURM_CPUS_PER_TASK=100000", "SLURM_CPUS_PER_TASK"},
      {"SLURM_CPUS_PER_TASK=4(x2)", "SLURM_CPUS_PER_TASK"},
      {"SLURM_JOB_NODELIST=n[1-", "SLURM_JOB_NODELIST"},
      {"SLURM_NODELIST=n[0-999999999999]", "SLURM_NODELIST"},
      {"SLURM_STEP_TASKS_PER_NODE=2(x3", "SLURM_STEP_TASKS_PER_NODE"},
      {"SLURM_STEP_TASKS_PER_NODE=1(x2000000000)", "SLURM_STEP_TASKS_PER_NODE"},
      {"OMPI_COMM_WORLD_SIZE=many", "OMPI_COMM_WORLD_SIZE"},
  };
  for (const auto& [assignment, name] : cases) {
    const auto s = parse({assignment});
    ASSERT_EQ(s.problems.size(), 1u) << assignment;
    EXPECT_EQ(s.problems[0].rfind(name, 0), 0u) << s.problems[0];
    EXPECT_EQ(s.problems[0].find('\n'), std::string::npos) << s.problems[0];
  }
}

TEST(Environment, ProblemsAreRaisedByCheckNotByReading) {
  setenv("SLURM_STEP_TASKS_PER_NODE", "garbage", 1);
  dojo::env::reread();  // must not throw: the rank may not be known yet
  EXPECT_TRUE(dojo::env::settings().slurm_step_tasks_per_node.empty());
  try {
    dojo::env::check();
    ADD_FAILURE() << "check() accepted a malformed SLURM_STEP_TASKS_PER_NODE";
  } catch (const dojo::Error& e) {
    EXPECT_EQ(e.kind(), dojo::ErrorKind::user);
    EXPECT_NE(e.message().find("SLURM_STEP_TASKS_PER_NODE"), std::string::npos) << e.message();
  }
  unsetenv("SLURM_STEP_TASKS_PER_NODE");
  dojo::env::reread();
  EXPECT_NO_THROW(dojo::env::check());
}

TEST(Environment, QuotedEchoIsShortAndPrintable) {
  EXPECT_EQ(dojo::env::quoted("abc"), "'abc'");
  EXPECT_EQ(dojo::env::quoted("a\x1b[2Jb"), "'a\\x1b[2Jb'");
  const std::string echoed = dojo::env::quoted(std::string(5000, 'x'));
  EXPECT_LT(echoed.size(), 100u);
  EXPECT_NE(echoed.find("5000 characters"), std::string::npos) << echoed;
}

TEST(SlurmLists, HostListsAreBoundedBeforeExpansion) {
  using dojo::slurm::expand_hostlist;
  // 10^12 names would need terabytes: refused at once, by counting.
  for (const char* huge : {"n[0-999999999999]", "a[0-999999]b[0-999999]", "n[1-300000]"}) {
    try {
      expand_hostlist(huge);
      ADD_FAILURE() << "expanded " << huge;
    } catch (const dojo::Error& e) {
      EXPECT_EQ(e.kind(), dojo::ErrorKind::user);
      EXPECT_NE(e.message().find("names more than"), std::string::npos) << e.message();
    }
  }
  EXPECT_EQ(expand_hostlist("n[1-4]", 4).size(), 4u);
  EXPECT_THROW(expand_hostlist("n[1-5]", 4), dojo::Error);
  EXPECT_THROW(expand_hostlist(std::string(100, 'h')), dojo::Error);  // longer than a host name
  EXPECT_THROW(expand_hostlist("n[[1-2]]"), dojo::Error);
  std::string deep;  // 20,000 brackets: refused before the expansion recurses 20,000 deep
  for (int i = 0; i < 20000; ++i) deep += "a[1]";
  EXPECT_THROW(expand_hostlist(deep), dojo::Error);
  EXPECT_THROW(expand_hostlist("n[99999999999999999999]"), dojo::Error);
}

TEST(SlurmLists, TasksPerNodeIsBounded) {
  using dojo::slurm::expand_tasks_per_node;
  EXPECT_EQ(expand_tasks_per_node("1(x3)", 3).size(), 3u);
  EXPECT_THROW(expand_tasks_per_node("1(x3)", 2), dojo::Error);
  EXPECT_THROW(expand_tasks_per_node("1(x200000),1(x200000)"), dojo::Error);
  EXPECT_THROW(expand_tasks_per_node("100000000"), dojo::Error);
}
