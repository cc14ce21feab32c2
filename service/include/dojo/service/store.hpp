// The service's state in one SQLite database (STATE/service.db, WAL): tenants with hashed tokens
// and quotas, their jobs with the Slurm job id and the last state seen, their uploaded data sets.
// It survives restarts; every write is one transaction. Thread-safe (one connection, one mutex).
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace dojo::service {

struct Quota {
  int max_running = 2;   // jobs not yet ended at once
  int max_nodes = 1;     // nodes per job
  int max_ntasks = 4;    // tasks (ranks) per job
  int max_minutes = 30;  // time limit per job
};

struct Tenant {
  std::string name;
  bool revoked = false;
  Quota quota;
};

// A job as the store keeps it. `state` is one of the service states (state.hpp).
struct JobRecord {
  std::string tenant, name;
  std::int64_t slurm_id = 0;  // 0 until sbatch accepted it
  std::string state = "submitting";
  std::string reason;       // why it failed, in words; empty otherwise
  std::string slurm_state;  // the last raw Slurm state seen
  bool cancel_requested = false;
  int restarts = 0;
  std::string dataset;  // as requested: NAME or centre:NAME
  int ntasks = 1, nodes = 1, minutes = 10;
  std::int64_t steps = 0;  // from the config (0 = by epochs: no time left known)
  std::int64_t global_batch = 64;
  std::int64_t context = 0;               // GPT context (tokens per sample); 0 for the MLP
  std::string request_hash;               // SHA-256 of the request, for idempotent retries
  std::int64_t created = 0, updated = 0;  // Unix seconds
};

bool terminal_state(const std::string& state);

class Store {
 public:
  explicit Store(const std::filesystem::path& file);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Tenants. add_tenant returns false when the name is taken.
  bool add_tenant(const std::string& name, const std::string& token_hash, const Quota& quota);
  bool revoke_tenant(const std::string& name);
  std::optional<Tenant> tenant_by_token_hash(const std::string& token_hash);  // revoked: none
  std::vector<Tenant> tenants();

  // Jobs. insert_job returns false when (tenant, name) exists.
  bool insert_job(const JobRecord& job);
  std::optional<JobRecord> job(const std::string& tenant, const std::string& name);
  std::vector<JobRecord> jobs(const std::string& tenant);
  std::vector<JobRecord> unfinished_jobs();  // every tenant's, for the Slurm poller
  int active_jobs(const std::string& tenant);
  void update_job(const JobRecord& job);  // every mutable field, by (tenant, name)

  // Data sets uploaded by tenants.
  bool add_dataset(const std::string& tenant, const std::string& name, std::int64_t bytes,
                   const std::string& kind);
  bool has_dataset(const std::string& tenant, const std::string& name);
  struct Dataset {
    std::string name, kind;
    std::int64_t bytes = 0;
  };
  std::vector<Dataset> datasets(const std::string& tenant);

 private:
  void exec(const char* sql);
  sqlite3* db_ = nullptr;
  std::mutex mutex_;
};

}  // namespace dojo::service
