// `dojo serve`: training jobs over Slurm for several tenants. The Service owns the state store,
// the per-tenant directories (STATE/tenants/T/{jobs/J, datasets}), submission through the
// project's slurm/train.sbatch, cancellation, and a poller that brings each job's state up to date
// with Slurm (also right after a restart). The HTTP layer (http.hpp) only parses and checks
// requests and calls it.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "dojo/service/store.hpp"

namespace dojo::service {

struct ServiceOptions {
  std::filesystem::path state_dir = "serve-state";  // service.db and tenants/
  std::filesystem::path dojo_home;                  // the clone: slurm/train.sbatch
  std::filesystem::path dojo_bin;                   // the dojo program the jobs run
  std::filesystem::path centre_data;                // NAME.h5 data sets every tenant may use
  double poll_seconds = 2;                          // Slurm polling interval
  std::string sbatch = "sbatch", scontrol = "scontrol", scancel = "scancel", sacct = "sacct";
};

// A failure to report to the client: HTTP status and one line.
struct ApiError {
  int status;
  std::string message;
};

// What a client asks for when it submits a job (already type-checked by the HTTP layer).
struct JobRequest {
  std::string name, config, dataset;
  int ntasks = 1, nodes = 1, minutes = 10;
};

class Service {
 public:
  explicit Service(ServiceOptions options);
  ~Service();

  Store& store() { return store_; }
  const ServiceOptions& options() const { return options_; }

  // Starts the Slurm poller (it reconciles once at once).
  void start_poller();
  void stop_poller();
  // One pass of reconciliation with Slurm; public for tests.
  void reconcile();

  // Returns the job (created, or the existing one for an identical retry) and whether it is new.
  std::pair<JobRecord, bool> submit(const Tenant& tenant, const JobRequest& request);
  JobRecord cancel(const Tenant& tenant, const std::string& job);
  JobRecord find_job(const Tenant& tenant, const std::string& job);  // 404 when not the tenant's

  nlohmann::json job_json(const JobRecord& job);
  std::filesystem::path tenant_dir(const std::string& tenant) const;
  std::filesystem::path job_dir(const std::string& tenant, const std::string& job) const;
  std::filesystem::path run_dir(const std::string& tenant, const std::string& job) const {
    return job_dir(tenant, job) / "run";
  }
  // The HDF5 file of a data set name as a job names it, or nullopt when the tenant has none.
  std::optional<std::filesystem::path> dataset_path(const std::string& tenant,
                                                    const std::string& dataset);
  nlohmann::json datasets_json(const std::string& tenant);
  // Validates `bytes` as a dojo data set and keeps it as the tenant's data set `name`.
  nlohmann::json upload_dataset(const std::string& tenant, const std::string& name,
                                const std::string& bytes);

 private:
  void poll_loop();
  // Runs `dojo train --dry-run` on the configuration (one process, no shell): dojo's own checks
  // of every value. Throws ApiError 422 with dojo's one-line error.
  void dry_run(const std::string& tenant, const std::string& toml,
               const std::filesystem::path& data);
  void reconcile_job(JobRecord job, const struct SlurmListing& listing);

  ServiceOptions options_;
  Store store_;
  std::mutex submit_mutex_;    // one submission at a time: quotas hold under concurrency
  std::mutex validate_mutex_;  // HDF5 is not thread-safe
  std::mutex poll_mutex_;
  std::condition_variable poll_wake_;
  bool stopping_ = false;
  std::thread poller_;
};

}  // namespace dojo::service
