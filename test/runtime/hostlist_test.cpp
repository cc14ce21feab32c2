// Slurm host-list expansion against hand-expanded lists, and malformed lists rejected.
#include <gtest/gtest.h>

#include "dojo/common/error.hpp"
#include "dojo/runtime/slurm_environment.hpp"

using dojo::runtime::expand_hostlist;
using V = std::vector<std::string>;

TEST(Hostlist, PlainNames) {
  EXPECT_EQ(expand_hostlist("alpha"), V{"alpha"});
  EXPECT_EQ(expand_hostlist("a,b,c"), (V{"a", "b", "c"}));
  EXPECT_EQ(expand_hostlist(""), V{});
}

TEST(Hostlist, RangesKeepZeroPadding) {
  EXPECT_EQ(expand_hostlist("node[01-04,7]"), (V{"node01", "node02", "node03", "node04", "node7"}));
  EXPECT_EQ(expand_hostlist("n[8-11]"), (V{"n8", "n9", "n10", "n11"}));
  EXPECT_EQ(expand_hostlist("n[098-101]"), (V{"n098", "n099", "n100", "n101"}));
}

TEST(Hostlist, MixedAndMultipleBrackets) {
  EXPECT_EQ(expand_hostlist("gpu3,node[1-2],login"), (V{"gpu3", "node1", "node2", "login"}));
  EXPECT_EQ(expand_hostlist("r[1-2]n[3-4]"), (V{"r1n3", "r1n4", "r2n3", "r2n4"}));
  EXPECT_EQ(expand_hostlist("rack[1-2]-sw"), (V{"rack1-sw", "rack2-sw"}));
}

TEST(Hostlist, MalformedListsAreUserErrors) {
  for (const char* bad : {"node[1-", "node1]", "node[a-b]", "node[4-2]", "a,,b", "node[]"}) {
    try {
      expand_hostlist(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const dojo::Error& e) {
      EXPECT_EQ(e.kind(), dojo::ErrorKind::user) << bad;
      EXPECT_NE(e.message().find("host list"), std::string::npos) << e.message();
    }
  }
}

TEST(TasksPerNode, ExpandsRepeatsAndLists) {
  using dojo::runtime::expand_tasks_per_node;
  EXPECT_EQ(expand_tasks_per_node("4"), (std::vector<int>{4}));
  EXPECT_EQ(expand_tasks_per_node("2(x3),1"), (std::vector<int>{2, 2, 2, 1}));
  EXPECT_EQ(expand_tasks_per_node("3,2(x2)"), (std::vector<int>{3, 2, 2}));
  for (const char* bad : {"", "x", "2(3)", "2(x)", "2(x3", "2,", ",2", "-1"})
    EXPECT_THROW(expand_tasks_per_node(bad), dojo::Error) << bad;
}
