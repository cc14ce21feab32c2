#include <gtest/gtest.h>

#include "dojo/service/state.hpp"

namespace dojo::service {
namespace {

TEST(ServiceState, ParsesOneScontrolLine) {
  auto job = parse_scontrol_line(
      "JobId=17 JobName=dojo.alice.run1 UserId=root(0) JobState=RUNNING Reason=None "
      "Restarts=1 ExitCode=0:0 RunTime=00:00:05");
  EXPECT_EQ(job.get("JobId"), "17");
  EXPECT_EQ(job.get("JobName"), "dojo.alice.run1");
  EXPECT_EQ(job.get("JobState"), "RUNNING");
  EXPECT_EQ(job.get("Restarts"), "1");
  EXPECT_EQ(job.get("Missing"), "");
}

TEST(ServiceState, MapsSlurmStates) {
  EXPECT_EQ(map_slurm_state("PENDING", "0:0", 0, false, "").state, "pending");
  EXPECT_EQ(map_slurm_state("PENDING", "0:0", 1, false, "").state, "requeued");
  EXPECT_EQ(map_slurm_state("REQUEUED", "0:0", 1, false, "").state, "requeued");
  EXPECT_EQ(map_slurm_state("RUNNING", "0:0", 0, false, "").state, "running");
  EXPECT_EQ(map_slurm_state("RUNNING", "0:0", 0, true, "").state, "stopping");
  EXPECT_EQ(map_slurm_state("COMPLETING", "0:0", 0, false, "").state, "running");
  EXPECT_EQ(map_slurm_state("COMPLETED", "0:0", 0, false, "").state, "completed");
  EXPECT_EQ(map_slurm_state("CANCELLED", "0:15", 0, true, "").state, "cancelled");
  auto refused = map_slurm_state("FAILED", "2:0", 0, false, "NonZeroExitCode");
  EXPECT_EQ(refused.state, "failed");
  EXPECT_NE(refused.reason.find("refused its input"), std::string::npos);
  auto crashed = map_slurm_state("FAILED", "1:0", 0, false, "NonZeroExitCode");
  EXPECT_NE(crashed.reason.find("exit code 1"), std::string::npos);
  EXPECT_NE(map_slurm_state("TIMEOUT", "0:0", 0, false, "").reason.find("time limit"),
            std::string::npos);
  EXPECT_EQ(map_slurm_state("NODE_FAIL", "0:0", 0, false, "").state, "failed");
  EXPECT_EQ(map_slurm_state("SOMETHING_NEW", "0:0", 0, false, "").state, "failed");
}

TEST(ServiceState, ReadsTheVerdictOfAForgottenJobFromItsOutput) {
  EXPECT_EQ(state_from_output("...\ndojo job 5: training finished; metrics in x\n")->state,
            "completed");
  auto cancelled = state_from_output(
      "dojo job 5: stopped at a checkpoint because the job is ending (cancelled or out of "
      "time); not requeueing.\n");
  EXPECT_EQ(cancelled->state, "cancelled");
  // A requeued job prints an earlier verdict, then finishes: the last one wins.
  EXPECT_EQ(state_from_output("dojo job 5: dojo train failed with exit code 1; ...\n"
                              "dojo job 5: training finished; metrics in x\n")
                ->state,
            "completed");
  EXPECT_EQ(state_from_output("dojo job 5: dojo train refused its input\n")->state, "failed");
  EXPECT_FALSE(state_from_output("dojo job 5 run 1 on dojo1: 2 tasks\n"));
}

}  // namespace
}  // namespace dojo::service
