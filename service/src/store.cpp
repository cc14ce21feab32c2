#include "dojo/service/store.hpp"

#include <sqlite3.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace dojo::service {

namespace {

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One prepared statement, finalized on scope exit; bind by 1-based index.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("service database: ") + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& bind(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  // True while there is a row; throws on error. SQLITE_CONSTRAINT returns false via `constraint`.
  bool step(bool* constraint = nullptr) {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    if (constraint && (rc & 0xff) == SQLITE_CONSTRAINT) {
      *constraint = true;
      return false;
    }
    throw std::runtime_error(std::string("service database: ") + sqlite3_errmsg(db_));
  }
  std::string text(int col) {
    auto* p = sqlite3_column_text(stmt_, col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  std::int64_t integer(int col) { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kJobColumns =
    "tenant, name, slurm_id, state, reason, slurm_state, cancel_requested, restarts, dataset, "
    "ntasks, nodes, minutes, steps, global_batch, context, request_hash, created, updated";

JobRecord read_job(Statement& s) {
  JobRecord j;
  j.tenant = s.text(0);
  j.name = s.text(1);
  j.slurm_id = s.integer(2);
  j.state = s.text(3);
  j.reason = s.text(4);
  j.slurm_state = s.text(5);
  j.cancel_requested = s.integer(6) != 0;
  j.restarts = static_cast<int>(s.integer(7));
  j.dataset = s.text(8);
  j.ntasks = static_cast<int>(s.integer(9));
  j.nodes = static_cast<int>(s.integer(10));
  j.minutes = static_cast<int>(s.integer(11));
  j.steps = s.integer(12);
  j.global_batch = s.integer(13);
  j.context = s.integer(14);
  j.request_hash = s.text(15);
  j.created = s.integer(16);
  j.updated = s.integer(17);
  return j;
}

Tenant read_tenant(Statement& s) {
  Tenant t;
  t.name = s.text(0);
  t.revoked = s.integer(1) != 0;
  t.quota.max_running = static_cast<int>(s.integer(2));
  t.quota.max_nodes = static_cast<int>(s.integer(3));
  t.quota.max_ntasks = static_cast<int>(s.integer(4));
  t.quota.max_minutes = static_cast<int>(s.integer(5));
  return t;
}

}  // namespace

bool terminal_state(const std::string& state) {
  return state == "completed" || state == "failed" || state == "cancelled";
}

Store::Store(const std::filesystem::path& file) {
  if (sqlite3_open_v2(file.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open the service database " + file.string() + ": " + message);
  }
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL");
  exec(
      "CREATE TABLE IF NOT EXISTS tenants (name TEXT PRIMARY KEY, token_hash TEXT UNIQUE NOT "
      "NULL, revoked INTEGER NOT NULL DEFAULT 0, max_running INTEGER, max_nodes INTEGER, "
      "max_ntasks INTEGER, max_minutes INTEGER, created INTEGER)");
  exec(
      "CREATE TABLE IF NOT EXISTS jobs (tenant TEXT NOT NULL, name TEXT NOT NULL, slurm_id "
      "INTEGER, state TEXT, reason TEXT, slurm_state TEXT, cancel_requested INTEGER, restarts "
      "INTEGER, dataset TEXT, ntasks INTEGER, nodes INTEGER, minutes INTEGER, steps INTEGER, "
      "global_batch INTEGER, context INTEGER, request_hash TEXT, created INTEGER, updated "
      "INTEGER, PRIMARY KEY (tenant, name))");
  exec(
      "CREATE TABLE IF NOT EXISTS datasets (tenant TEXT NOT NULL, name TEXT NOT NULL, bytes "
      "INTEGER, kind TEXT, created INTEGER, PRIMARY KEY (tenant, name))");
}

Store::~Store() {
  sqlite3_close(db_);
}

void Store::exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error("service database: " + message);
  }
}

bool Store::add_tenant(const std::string& name, const std::string& token_hash, const Quota& q) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "INSERT INTO tenants (name, token_hash, revoked, max_running, max_nodes, "
              "max_ntasks, max_minutes, created) VALUES (?, ?, 0, ?, ?, ?, ?, ?)");
  s.bind(1, name).bind(2, token_hash).bind(3, q.max_running).bind(4, q.max_nodes);
  s.bind(5, q.max_ntasks).bind(6, q.max_minutes).bind(7, now_s());
  bool constraint = false;
  s.step(&constraint);
  return !constraint;
}

bool Store::revoke_tenant(const std::string& name) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "UPDATE tenants SET revoked = 1 WHERE name = ?");
  s.bind(1, name).step();
  return sqlite3_changes(db_) > 0;
}

std::optional<Tenant> Store::tenant_by_token_hash(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "SELECT name, revoked, max_running, max_nodes, max_ntasks, max_minutes FROM "
              "tenants WHERE token_hash = ? AND revoked = 0");
  s.bind(1, token_hash);
  if (!s.step()) return std::nullopt;
  return read_tenant(s);
}

std::vector<Tenant> Store::tenants() {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "SELECT name, revoked, max_running, max_nodes, max_ntasks, max_minutes FROM "
              "tenants ORDER BY name");
  std::vector<Tenant> out;
  while (s.step()) out.push_back(read_tenant(s));
  return out;
}

bool Store::insert_job(const JobRecord& j) {
  std::lock_guard lock(mutex_);
  Statement s(db_, (std::string("INSERT INTO jobs (") + kJobColumns +
                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                       .c_str());
  std::int64_t now = now_s();
  s.bind(1, j.tenant).bind(2, j.name).bind(3, j.slurm_id).bind(4, j.state).bind(5, j.reason);
  s.bind(6, j.slurm_state).bind(7, j.cancel_requested ? 1 : 0).bind(8, j.restarts);
  s.bind(9, j.dataset).bind(10, j.ntasks).bind(11, j.nodes).bind(12, j.minutes);
  s.bind(13, j.steps).bind(14, j.global_batch).bind(15, j.context).bind(16, j.request_hash);
  s.bind(17, now).bind(18, now);
  bool constraint = false;
  s.step(&constraint);
  return !constraint;
}

std::optional<JobRecord> Store::job(const std::string& tenant, const std::string& name) {
  std::lock_guard lock(mutex_);
  Statement s(
      db_,
      (std::string("SELECT ") + kJobColumns + " FROM jobs WHERE tenant = ? AND name = ?").c_str());
  s.bind(1, tenant).bind(2, name);
  if (!s.step()) return std::nullopt;
  return read_job(s);
}

std::vector<JobRecord> Store::jobs(const std::string& tenant) {
  std::lock_guard lock(mutex_);
  Statement s(db_, (std::string("SELECT ") + kJobColumns +
                    " FROM jobs WHERE tenant = ? ORDER BY created, name")
                       .c_str());
  s.bind(1, tenant);
  std::vector<JobRecord> out;
  while (s.step()) out.push_back(read_job(s));
  return out;
}

std::vector<JobRecord> Store::unfinished_jobs() {
  std::lock_guard lock(mutex_);
  Statement s(db_, (std::string("SELECT ") + kJobColumns +
                    " FROM jobs WHERE state NOT IN ('completed', 'failed', 'cancelled')")
                       .c_str());
  std::vector<JobRecord> out;
  while (s.step()) out.push_back(read_job(s));
  return out;
}

int Store::active_jobs(const std::string& tenant) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "SELECT COUNT(*) FROM jobs WHERE tenant = ? AND state NOT IN ('completed', "
              "'failed', 'cancelled')");
  s.bind(1, tenant).step();
  return static_cast<int>(s.integer(0));
}

void Store::update_job(const JobRecord& j) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "UPDATE jobs SET slurm_id = ?, state = ?, reason = ?, slurm_state = ?, "
              "cancel_requested = ?, restarts = ?, updated = ? WHERE tenant = ? AND name = ?");
  s.bind(1, j.slurm_id).bind(2, j.state).bind(3, j.reason).bind(4, j.slurm_state);
  s.bind(5, j.cancel_requested ? 1 : 0).bind(6, j.restarts).bind(7, now_s());
  s.bind(8, j.tenant).bind(9, j.name).step();
}

bool Store::add_dataset(const std::string& tenant, const std::string& name, std::int64_t bytes,
                        const std::string& kind) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "INSERT OR REPLACE INTO datasets (tenant, name, bytes, kind, created) VALUES (?, "
              "?, ?, ?, ?)");
  s.bind(1, tenant).bind(2, name).bind(3, bytes).bind(4, kind).bind(5, now_s()).step();
  return true;
}

bool Store::has_dataset(const std::string& tenant, const std::string& name) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT 1 FROM datasets WHERE tenant = ? AND name = ?");
  s.bind(1, tenant).bind(2, name);
  return s.step();
}

std::vector<Store::Dataset> Store::datasets(const std::string& tenant) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT name, kind, bytes FROM datasets WHERE tenant = ? ORDER BY name");
  s.bind(1, tenant);
  std::vector<Dataset> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.integer(2)});
  return out;
}

}  // namespace dojo::service
