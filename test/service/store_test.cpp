#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "dojo/service/store.hpp"

namespace dojo::service {
namespace {

namespace fs = std::filesystem;

class ServiceStore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dojo-store-test-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path db() const { return dir_ / "service.db"; }
  fs::path dir_;
};

TEST_F(ServiceStore, TenantsAuthenticateByHashUntilRevoked) {
  Store store(db());
  Quota q{3, 2, 8, 60};
  ASSERT_TRUE(store.add_tenant("alice", "hash-a", q));
  ASSERT_TRUE(store.add_tenant("bob", "hash-b", Quota{}));
  EXPECT_FALSE(store.add_tenant("alice", "hash-c", q)) << "a tenant name is unique";
  EXPECT_FALSE(store.add_tenant("carol", "hash-a", q)) << "a token hash is unique";
  auto alice = store.tenant_by_token_hash("hash-a");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->quota.max_running, 3);
  EXPECT_EQ(alice->quota.max_minutes, 60);
  EXPECT_FALSE(store.tenant_by_token_hash("hash-x"));
  EXPECT_TRUE(store.revoke_tenant("alice"));
  EXPECT_FALSE(store.tenant_by_token_hash("hash-a"));
  EXPECT_TRUE(store.tenant_by_token_hash("hash-b"));
  EXPECT_FALSE(store.revoke_tenant("nobody"));
}

TEST_F(ServiceStore, JobsSurviveReopeningAndStayPerTenant) {
  {
    Store store(db());
    JobRecord job;
    job.tenant = "alice";
    job.name = "run1";
    job.dataset = "centre:fashion-mnist";
    job.ntasks = 2;
    job.steps = 100;
    job.request_hash = "h1";
    ASSERT_TRUE(store.insert_job(job));
    EXPECT_FALSE(store.insert_job(job)) << "(tenant, name) is unique";
    job.tenant = "bob";
    ASSERT_TRUE(store.insert_job(job)) << "another tenant may use the same name";
    job.tenant = "alice";
    job.slurm_id = 42;
    job.state = "running";
    job.restarts = 1;
    store.update_job(job);
  }
  Store reopened(db());
  auto job = reopened.job("alice", "run1");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->slurm_id, 42);
  EXPECT_EQ(job->state, "running");
  EXPECT_EQ(job->restarts, 1);
  EXPECT_EQ(job->ntasks, 2);
  EXPECT_EQ(job->steps, 100);
  EXPECT_EQ(job->dataset, "centre:fashion-mnist");
  EXPECT_EQ(reopened.job("bob", "run1")->state, "submitting");
  EXPECT_FALSE(reopened.job("carol", "run1"));
  EXPECT_EQ(reopened.jobs("alice").size(), 1u);
  EXPECT_EQ(reopened.active_jobs("alice"), 1);
  EXPECT_EQ(reopened.unfinished_jobs().size(), 2u);
  job->state = "completed";
  reopened.update_job(*job);
  EXPECT_EQ(reopened.active_jobs("alice"), 0);
  EXPECT_EQ(reopened.unfinished_jobs().size(), 1u);
}

TEST_F(ServiceStore, DatasetsBelongToOneTenant) {
  Store store(db());
  store.add_dataset("alice", "mine", 1234, "classification");
  EXPECT_TRUE(store.has_dataset("alice", "mine"));
  EXPECT_FALSE(store.has_dataset("bob", "mine"));
  ASSERT_EQ(store.datasets("alice").size(), 1u);
  EXPECT_EQ(store.datasets("alice")[0].bytes, 1234);
  EXPECT_TRUE(store.datasets("bob").empty());
}

}  // namespace
}  // namespace dojo::service
