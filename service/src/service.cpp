#include "dojo/service/service.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

#include "dojo/io/validate.hpp"
#include "dojo/service/config_check.hpp"
#include "dojo/service/names.hpp"
#include "dojo/service/process.hpp"
#include "dojo/service/progress.hpp"
#include "dojo/service/state.hpp"
#include "dojo/service/token.hpp"

namespace dojo::service {

namespace fs = std::filesystem;

// Every job Slurm still knows, by id; `ok` is false when Slurm did not answer.
struct SlurmListing {
  bool ok = false;
  std::map<std::int64_t, SlurmJob> by_id;
  std::map<std::string, std::int64_t> by_name;
};

namespace {

std::string first_line(const std::string& text) {
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line))
    if (!line.empty()) return line;
  return "no output";
}

std::string slurm_job_name(const std::string& tenant, const std::string& job) {
  return "dojo." + tenant + "." + job;  // names carry no '.', so this is unambiguous
}

// Writes `text` to `file` through a temporary file and a rename: all or nothing.
void write_file(const fs::path& file, const std::string& text) {
  fs::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw ApiError{500, "cannot write " + file.filename().string()};
  }
  fs::rename(tmp, file);
}

std::string read_tail(const fs::path& file, std::uintmax_t bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  auto size = static_cast<std::uintmax_t>(in.tellg());
  auto start = size > bytes ? size - bytes : 0;
  in.seekg(static_cast<std::streamoff>(start));
  std::string text(size - start, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

}  // namespace

Service::Service(ServiceOptions options)
    : options_(std::move(options)),
      store_((fs::create_directories(options_.state_dir), options_.state_dir / "service.db")) {
  fs::permissions(options_.state_dir, fs::perms::owner_all, fs::perm_options::replace);
  // Paths go into sbatch's --export list, which a comma would split.
  for (const fs::path& p : {options_.state_dir, options_.dojo_home, options_.dojo_bin})
    if (p.string().find_first_of(",\n") != std::string::npos)
      throw std::runtime_error("dojo serve: the path " + p.string() + " may not contain a comma");
}

Service::~Service() {
  stop_poller();
}

fs::path Service::tenant_dir(const std::string& tenant) const {
  return options_.state_dir / "tenants" / tenant;
}

fs::path Service::job_dir(const std::string& tenant, const std::string& job) const {
  return tenant_dir(tenant) / "jobs" / job;
}

std::optional<fs::path> Service::dataset_path(const std::string& tenant,
                                              const std::string& dataset) {
  if (std::string_view(dataset).starts_with(kCentrePrefix)) {
    std::string name = dataset.substr(kCentrePrefix.size());
    if (!valid_name(name) || options_.centre_data.empty()) return std::nullopt;
    fs::path file = options_.centre_data / (name + ".h5");
    if (!fs::is_regular_file(file)) return std::nullopt;
    return fs::absolute(file);
  }
  if (!valid_name(dataset) || !store_.has_dataset(tenant, dataset)) return std::nullopt;
  return fs::absolute(tenant_dir(tenant) / "datasets" / (dataset + ".h5"));
}

nlohmann::json Service::datasets_json(const std::string& tenant) {
  nlohmann::json list = nlohmann::json::array();
  std::error_code ec;
  if (!options_.centre_data.empty())
    for (const auto& entry : fs::directory_iterator(options_.centre_data, ec)) {
      std::string stem = entry.path().stem().string();
      if (entry.path().extension() == ".h5" && valid_name(stem) && entry.is_regular_file())
        list.push_back({{"name", std::string(kCentrePrefix) + stem},
                        {"owner", "centre"},
                        {"bytes", entry.file_size()}});
    }
  for (const auto& d : store_.datasets(tenant))
    list.push_back({{"name", d.name}, {"owner", "tenant"}, {"kind", d.kind}, {"bytes", d.bytes}});
  return {{"datasets", list}};
}

nlohmann::json Service::upload_dataset(const std::string& tenant, const std::string& name,
                                       const std::string& bytes) {
  fs::path dir = tenant_dir(tenant) / "datasets";
  fs::create_directories(dir);
  fs::path tmp = dir / (".upload-" + name + "-" + new_token().substr(0, 8));
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) throw ApiError{500, "cannot store the upload"};
  }
  std::string kind;
  try {
    std::lock_guard lock(validate_mutex_);
    auto info = io::validate_local(tmp.string());
    kind = std::string(io::kind_name(info.kind));
  } catch (const std::exception& e) {
    fs::remove(tmp);
    std::string why = first_line(e.what());
    // The message names the temporary file; the client knows its upload by name.
    for (auto at = why.find(tmp.string()); at != std::string::npos; at = why.find(tmp.string()))
      why.replace(at, tmp.string().size(), name);
    throw ApiError{422, "the upload is not a dojo data set: " + why};
  }
  fs::rename(tmp, dir / (name + ".h5"));
  store_.add_dataset(tenant, name, static_cast<std::int64_t>(bytes.size()), kind);
  return {{"name", name}, {"owner", "tenant"}, {"kind", kind}, {"bytes", bytes.size()}};
}

JobRecord Service::find_job(const Tenant& tenant, const std::string& job) {
  if (!valid_name(job)) throw ApiError{404, "no such job"};
  auto record = store_.job(tenant.name, job);
  if (!record) throw ApiError{404, "no such job"};
  return *record;
}

std::pair<JobRecord, bool> Service::submit(const Tenant& tenant, const JobRequest& request) {
  if (!valid_name(request.name))
    throw ApiError{
        400, "a job name is 1-64 characters of A-Z a-z 0-9 _ - starting with a letter or digit"};
  nlohmann::json canonical = {{"name", request.name},       {"config", request.config},
                              {"dataset", request.dataset}, {"ntasks", request.ntasks},
                              {"nodes", request.nodes},     {"time_minutes", request.minutes}};
  std::string request_hash = sha256_hex(canonical.dump());

  if (auto existing = store_.job(tenant.name, request.name)) {
    if (existing->request_hash == request_hash) return {*existing, false};
    throw ApiError{409, "a job named '" + request.name + "' exists with a different request"};
  }
  ConfigCheck config = check_config(request.config);
  if (!config.ok)
    throw ApiError{config.error.starts_with("the configuration is not valid TOML") ? 400 : 422,
                   config.error};
  auto data = dataset_path(tenant.name, request.dataset);
  if (!data) throw ApiError{404, "no such data set '" + request.dataset + "'"};
  const Quota& q = tenant.quota;
  if (request.ntasks < 1 || request.nodes < 1 || request.nodes > request.ntasks)
    throw ApiError{400, "ntasks and nodes must be at least 1, and nodes at most ntasks"};
  if (request.minutes < 3)
    throw ApiError{400,
                   "time_minutes must be at least 3 (dojo checkpoints 2 minutes before the limit)"};
  if (request.ntasks > q.max_ntasks)
    throw ApiError{403, "quota: at most " + std::to_string(q.max_ntasks) + " tasks per job"};
  if (request.nodes > q.max_nodes)
    throw ApiError{403, "quota: at most " + std::to_string(q.max_nodes) + " nodes per job"};
  if (request.minutes > q.max_minutes)
    throw ApiError{403, "quota: at most " + std::to_string(q.max_minutes) + " minutes per job"};
  if (config.ranks_needed > 0 && config.ranks_needed != request.ntasks)
    throw ApiError{422, "the configuration's layout needs " + std::to_string(config.ranks_needed) +
                            " ranks but ntasks is " + std::to_string(request.ntasks)};
  // dojo's own checks of every value (not under the lock: it takes half a second).
  if (config.one_rank_checkable) dry_run(tenant.name, config.toml, *data);

  // Again under the lock: a concurrent retry, and the quota of jobs at once.
  std::lock_guard lock(submit_mutex_);
  if (auto existing = store_.job(tenant.name, request.name)) {
    if (existing->request_hash == request_hash) return {*existing, false};
    throw ApiError{409, "a job named '" + request.name + "' exists with a different request"};
  }
  if (store_.active_jobs(tenant.name) >= q.max_running)
    throw ApiError{429, "quota: at most " + std::to_string(q.max_running) +
                            " jobs at once; wait until one ends"};

  JobRecord job;
  job.tenant = tenant.name;
  job.name = request.name;
  job.dataset = request.dataset;
  job.ntasks = request.ntasks;
  job.nodes = request.nodes;
  job.minutes = request.minutes;
  job.steps = config.steps;
  job.global_batch = config.global_batch;
  job.context = config.context;
  job.request_hash = request_hash;
  fs::path dir = job_dir(tenant.name, job.name);
  fs::create_directories(dir);
  write_file(dir / "config.toml", config.toml);
  if (!store_.insert_job(job)) throw ApiError{409, "a job named '" + job.name + "' exists"};

  fs::path abs_dir = fs::absolute(dir);
  std::vector<std::string> argv = {
      options_.sbatch,
      "--parsable",
      "--job-name=" + slurm_job_name(tenant.name, job.name),
      "--ntasks=" + std::to_string(job.ntasks),
      "--nodes=" + std::to_string(job.nodes),
      "--time=" + std::to_string(job.minutes),
      "--output=" + (abs_dir / "slurm.out").string(),
      "--chdir=" + abs_dir.string(),
      "--export=ALL,DOJO_HOME=" + fs::absolute(options_.dojo_home).string() +
          ",DOJO_BIN=" + fs::absolute(options_.dojo_bin).string() + ",DOJO_CONFIG=" +
          (abs_dir / "config.toml").string() + ",DOJO_OUT=" + (abs_dir / "run").string() +
          // Every job keeps checkpoints (and so a final model): every 10 minutes unless the
          // configuration chose its own interval.
          (config.checkpointing ? "" : ",DOJO_CHECKPOINT_MINUTES=10"),
      (fs::absolute(options_.dojo_home) / "slurm" / "train.sbatch").string(),
      "--data",
      data->string()};
  ProcessResult result = run_process(argv, 60);
  std::string id_text = result.out.substr(0, result.out.find_first_of(";\n"));
  if (result.exit_code == 0 && !id_text.empty() &&
      id_text.find_first_not_of("0123456789") == std::string::npos) {
    job.slurm_id = std::stoll(id_text);
    job.state = "pending";
  } else {
    job.state = "failed";
    job.reason =
        "sbatch refused the job: " + first_line(result.err.empty() ? result.out : result.err);
  }
  store_.update_job(job);
  return {*store_.job(job.tenant, job.name), true};
}

void Service::dry_run(const std::string& tenant, const std::string& toml, const fs::path& data) {
  fs::path dir = tenant_dir(tenant);
  fs::create_directories(dir);
  fs::path file = dir / (".check-" + new_token().substr(0, 12) + ".toml");
  write_file(file, toml);
  // dojo is an MPI program: as root, Open MPI wants to be told that this is intended.
  ProcessResult result =
      run_process({options_.dojo_bin.string(), "train", "--config", file.string(), "--data",
                   data.string(), "--out", (dir / ".dry-run").string(), "--dry-run"},
                  60, 1 << 16,
                  {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1",
                   "OMPI_MCA_btl=self", "OMPI_MCA_pml=ob1"});
  std::error_code ec;
  fs::remove(file, ec);
  if (result.exit_code == 0) return;
  if (result.exit_code != 2)
    throw ApiError{500, "the configuration check (dojo train --dry-run) failed: " +
                            first_line(result.err + result.out)};
  std::string line;
  std::istringstream in(result.err + result.out);
  std::string why = "dojo train refused the configuration";
  while (std::getline(in, line))
    if (auto at = line.find("dojo: error: "); at != std::string::npos) {
      why = line.substr(at + 13);
      break;
    }
  for (auto at = why.find(file.string()); at != std::string::npos; at = why.find(file.string()))
    why.replace(at, file.string().size(), "config");
  if (why.size() > 300) why = why.substr(0, 300) + "...";
  throw ApiError{422, "dojo train refuses the configuration: " + why};
}

JobRecord Service::cancel(const Tenant& tenant, const std::string& name) {
  JobRecord job = find_job(tenant, name);
  if (terminal_state(job.state)) return job;
  if (job.slurm_id == 0) throw ApiError{409, "the job is still being submitted; try again"};
  // A plain scancel: SIGTERM reaches dojo, which writes a checkpoint and exits; the batch script
  // then ends the job CANCELLED without requeueing it (slurm/train-job.bash).
  ProcessResult result = run_process({options_.scancel, std::to_string(job.slurm_id)}, 30);
  if (result.exit_code != 0)
    throw ApiError{502, "scancel refused: " + first_line(result.err + result.out)};
  job.cancel_requested = true;
  job.state = "stopping";
  store_.update_job(job);
  return job;
}

nlohmann::json Service::job_json(const JobRecord& job) {
  nlohmann::json j = {
      {"name", job.name},
      {"state", job.state},
      {"reason", job.reason.empty() ? nlohmann::json() : nlohmann::json(job.reason)},
      {"slurm_job_id", job.slurm_id ? nlohmann::json(job.slurm_id) : nlohmann::json()},
      {"slurm_state", job.slurm_state},
      {"restarts", job.restarts},
      {"cancel_requested", job.cancel_requested},
      {"dataset", job.dataset},
      {"ntasks", job.ntasks},
      {"nodes", job.nodes},
      {"time_minutes", job.minutes},
      {"created", job.created},
      {"updated", job.updated}};
  j["progress"] = read_progress(run_dir(job.tenant, job.name) / "metrics.jsonl", job.steps,
                                job.global_batch, job.context);
  return j;
}

void Service::start_poller() {
  reconcile();
  poller_ = std::thread([this] { poll_loop(); });
}

void Service::stop_poller() {
  {
    std::lock_guard lock(poll_mutex_);
    stopping_ = true;
  }
  poll_wake_.notify_all();
  if (poller_.joinable()) poller_.join();
}

void Service::poll_loop() {
  std::unique_lock lock(poll_mutex_);
  while (!stopping_) {
    poll_wake_.wait_for(lock, std::chrono::duration<double>(options_.poll_seconds));
    if (stopping_) break;
    lock.unlock();
    try {
      reconcile();
    } catch (const std::exception&) {
      // Slurm or the disk hiccuped: the next pass tries again.
    }
    lock.lock();
  }
}

void Service::reconcile() {
  auto jobs = store_.unfinished_jobs();
  if (jobs.empty()) return;
  SlurmListing listing;
  ProcessResult result = run_process({options_.scontrol, "show", "job", "-o"}, 30, 64 << 20);
  if (result.exit_code != 0) return;  // the controller did not answer: change nothing
  listing.ok = true;
  std::istringstream in(result.out);
  std::string line;
  while (std::getline(in, line)) {
    SlurmJob job = parse_scontrol_line(line);
    std::string id = job.get("JobId");
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) continue;
    std::int64_t n = std::stoll(id);
    listing.by_name[job.get("JobName")] = n;
    listing.by_id.emplace(n, std::move(job));
  }
  for (auto& job : jobs) reconcile_job(std::move(job), listing);
}

void Service::reconcile_job(JobRecord job, const SlurmListing& listing) {
  JobRecord before = job;
  if (job.slurm_id == 0) {
    // The service stopped between recording the job and hearing sbatch's answer.
    auto found = listing.by_name.find(slurm_job_name(job.tenant, job.name));
    if (found != listing.by_name.end()) {
      job.slurm_id = found->second;
    } else if (std::time(nullptr) - job.updated > 120) {
      job.state = "failed";
      job.reason = "the service stopped while submitting the job; Slurm has no such job";
    }
  }
  if (job.slurm_id != 0) {
    auto it = listing.by_id.find(job.slurm_id);
    if (it != listing.by_id.end()) {
      const SlurmJob& s = it->second;
      std::string restarts = s.get("Restarts");
      job.restarts = restarts.empty() ? 0 : std::atoi(restarts.c_str());
      job.slurm_state = s.get("JobState");
      MappedState m = map_slurm_state(job.slurm_state, s.get("ExitCode"), job.restarts,
                                      job.cancel_requested, s.get("Reason"));
      job.state = m.state;
      job.reason = m.reason;
    } else {
      // Slurm forgot it (MinJobAge): ask the accounting, then the job's own output.
      ProcessResult acct = run_process({options_.sacct, "-n", "-P", "-X", "-j",
                                        std::to_string(job.slurm_id), "-o", "State,ExitCode"},
                                       30);
      std::string state, exit_code;
      if (acct.exit_code == 0) {
        std::string row = acct.out.substr(0, acct.out.find('\n'));
        auto bar = row.find('|');
        if (bar != std::string::npos) {
          state = row.substr(0, bar);
          state = state.substr(0, state.find(' '));  // "CANCELLED by 0"
          exit_code = row.substr(bar + 1);
        }
      }
      if (!state.empty()) {
        MappedState m = map_slurm_state(state, exit_code, job.restarts, job.cancel_requested, "");
        job.slurm_state = state;
        job.state = m.state;
        job.reason = m.reason;
      } else if (auto m = state_from_output(
                     read_tail(job_dir(job.tenant, job.name) / "slurm.out", 16384))) {
        job.state = m->state;
        job.reason = m->reason;
        job.slurm_state = "(gone)";
      } else {
        job.state = job.cancel_requested ? "cancelled" : "failed";
        if (!job.cancel_requested)
          job.reason = "Slurm no longer knows job " + std::to_string(job.slurm_id) +
                       " and its log does not say how it ended";
        job.slurm_state = "(gone)";
      }
    }
  }
  if (job.state != before.state || job.reason != before.reason ||
      job.slurm_state != before.slurm_state || job.restarts != before.restarts ||
      job.slurm_id != before.slurm_id)
    store_.update_job(job);
}

}  // namespace dojo::service
