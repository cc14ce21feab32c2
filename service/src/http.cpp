#include "dojo/service/http.hpp"

#include <httplib.h>

#include <atomic>
#include <charconv>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <thread>

#include "dojo/service/names.hpp"
#include "dojo/service/progress.hpp"
#include "dojo/service/token.hpp"

namespace dojo::service {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n",
                  "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, {{"error", message}});
}

// The path after "/api/", split at '/'. httplib has already percent-decoded it, so "%2F" and
// "%2e%2e" arrive as '/' and ".." and meet the same name checks.
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

// A non-negative integer query parameter, or `fallback` when absent.
std::uint64_t query_number(const httplib::Request& req, const char* key, std::uint64_t fallback) {
  if (!req.has_param(key)) return fallback;
  std::string text = req.get_param_value(key);
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    throw ApiError{400, std::string("the query parameter '") + key + "' must be a whole number"};
  return value;
}

Tenant authenticate(Service& service, const httplib::Request& req) {
  std::string header = req.get_header_value("Authorization");
  if (header.empty()) throw ApiError{401, "missing token: send 'Authorization: Bearer TOKEN'"};
  constexpr std::string_view bearer = "Bearer ";
  if (!std::string_view(header).starts_with(bearer) || header.size() > 256)
    throw ApiError{401, "malformed Authorization header: send 'Authorization: Bearer TOKEN'"};
  auto tenant = service.store().tenant_by_token_hash(sha256_hex(header.substr(bearer.size())));
  if (!tenant) throw ApiError{401, "invalid or revoked token"};
  return *tenant;
}

json parse_json_body(const httplib::Request& req, std::size_t max_bytes) {
  if (req.body.size() > max_bytes)
    throw ApiError{413, "the request body is larger than " + std::to_string(max_bytes) + " bytes"};
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) throw ApiError{400, "the request body is not valid JSON"};
  if (!body.is_object()) throw ApiError{400, "the request body must be a JSON object"};
  return body;
}

JobRequest parse_job_request(const json& body) {
  static const std::set<std::string> known = {"name",   "config", "dataset",
                                              "ntasks", "nodes",  "time_minutes"};
  for (auto& [key, value] : body.items())
    if (!known.count(key)) throw ApiError{400, "unknown field '" + key + "' in the job request"};
  auto text = [&](const char* key) {
    if (!body.contains(key) || !body[key].is_string())
      throw ApiError{400, std::string("the job request needs a string '") + key + "'"};
    return body[key].get<std::string>();
  };
  auto number = [&](const char* key, int fallback) {
    if (!body.contains(key)) return fallback;
    if (!body[key].is_number_integer() || body[key].get<std::int64_t>() < 0 ||
        body[key].get<std::int64_t>() > 1000000)
      throw ApiError{400, std::string("'") + key + "' must be a non-negative whole number"};
    return body[key].get<int>();
  };
  JobRequest r;
  r.name = text("name");
  r.config = text("config");
  r.dataset = text("dataset");
  r.ntasks = number("ntasks", 1);
  r.nodes = number("nodes", 1);
  r.minutes = number("time_minutes", 10);
  return r;
}

// Streams a file as the response body (checkpoints can be large).
void send_file(httplib::Response& res, const fs::path& file, const std::string& download_name) {
  auto size = fs::file_size(file);
  auto stream = std::make_shared<std::ifstream>(file, std::ios::binary);
  if (!*stream) throw ApiError{404, "no such checkpoint"};
  res.status = 200;
  res.set_header("Content-Disposition", "attachment; filename=\"" + download_name + "\"");
  res.set_content_provider(
      size, "application/x-hdf5",
      [stream](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        std::vector<char> buffer(std::min<std::size_t>(length, 1 << 16));
        stream->seekg(static_cast<std::streamoff>(offset));
        stream->read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        auto got = static_cast<std::size_t>(stream->gcount());
        if (got == 0) return false;
        return sink.write(buffer.data(), got);
      });
}

json checkpoints_json(Service& service, const JobRecord& job) {
  fs::path dir = service.run_dir(job.tenant, job.name) / "checkpoints";
  json list = json::array();
  std::error_code ec;
  std::vector<std::pair<std::string, std::uintmax_t>> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (valid_checkpoint_file(name) && entry.is_regular_file())
      files.emplace_back(name, entry.file_size());
  }
  std::sort(files.begin(), files.end());
  for (auto& [name, bytes] : files)
    list.push_back({{"name", name},
                    {"bytes", bytes},
                    {"url", "/api/jobs/" + job.name + "/checkpoints/" + name}});
  std::string latest;
  std::ifstream in(dir / "latest");
  in >> latest;
  bool has_final = job.state == "completed" && valid_checkpoint_file(latest);
  return {{"checkpoints", list},
          {"latest", valid_checkpoint_file(latest) ? json(latest) : json()},
          {"final_model", has_final ? json("/api/jobs/" + job.name + "/model") : json()}};
}

void log_text(Service& service, const JobRecord& job, const httplib::Request& req,
              httplib::Response& res) {
  std::uint64_t offset = query_number(req, "offset", 0);
  std::uint64_t limit = std::min<std::uint64_t>(query_number(req, "limit", 65536), 1 << 20);
  fs::path file = service.job_dir(job.tenant, job.name) / "slurm.out";
  std::string text;
  std::uint64_t size = 0;
  std::ifstream in(file, std::ios::binary);
  if (in) {
    in.seekg(0, std::ios::end);
    size = static_cast<std::uint64_t>(in.tellg());
    if (offset < size) {
      text.resize(std::min(limit, size - offset));
      in.seekg(static_cast<std::streamoff>(offset));
      in.read(text.data(), static_cast<std::streamsize>(text.size()));
      text.resize(static_cast<std::size_t>(in.gcount()));
    }
  }
  send_json(
      res, 200,
      {{"offset", offset}, {"next_offset", offset + text.size()}, {"size", size}, {"text", text}});
}

void handle_jobs(Service& service, const Tenant& tenant, const std::vector<std::string>& parts,
                 const httplib::Request& req, httplib::Response& res, const HttpOptions& opts) {
  const std::string& method = req.method;
  if (parts.size() == 1) {
    if (method == "GET") {
      json list = json::array();
      for (const auto& job : service.store().jobs(tenant.name))
        list.push_back(service.job_json(job));
      return send_json(res, 200, {{"jobs", list}});
    }
    if (method == "POST") {
      JobRequest request = parse_job_request(parse_json_body(req, opts.json_max_bytes));
      auto [job, created] = service.submit(tenant, request);
      int status = created ? (job.state == "failed" ? 502 : 201) : 200;
      json body = service.job_json(job);
      if (status == 502) body["error"] = job.reason;
      return send_json(res, status, body);
    }
    throw ApiError{405, "use GET or POST on /api/jobs"};
  }
  JobRecord job = service.find_job(tenant, parts[1]);
  if (parts.size() == 2 && method == "GET") return send_json(res, 200, service.job_json(job));
  if (parts.size() == 3 && parts[2] == "cancel" && method == "POST")
    return send_json(res, 202, service.job_json(service.cancel(tenant, job.name)));
  if (parts.size() == 3 && parts[2] == "logs" && method == "GET")
    return log_text(service, job, req, res);
  if (parts.size() == 3 && parts[2] == "metrics" && method == "GET") {
    std::uint64_t offset = query_number(req, "offset", 0);
    return send_json(
        res, 200,
        read_metrics(service.run_dir(job.tenant, job.name) / "metrics.jsonl", offset, 10000));
  }
  if (parts.size() == 3 && parts[2] == "checkpoints" && method == "GET")
    return send_json(res, 200, checkpoints_json(service, job));
  if (parts.size() == 4 && parts[2] == "checkpoints" && method == "GET") {
    if (!valid_checkpoint_file(parts[3])) throw ApiError{404, "no such checkpoint"};
    fs::path file = service.run_dir(job.tenant, job.name) / "checkpoints" / parts[3];
    if (!fs::is_regular_file(file) || fs::is_symlink(file))
      throw ApiError{404, "no such checkpoint"};
    return send_file(res, file, job.name + "-" + parts[3]);
  }
  if (parts.size() == 3 && parts[2] == "model" && method == "GET") {
    json list = checkpoints_json(service, job);
    if (list["final_model"].is_null())
      throw ApiError{404, "no final model: the job has not completed"};
    std::string latest = list["latest"].get<std::string>();
    fs::path file = service.run_dir(job.tenant, job.name) / "checkpoints" / latest;
    if (!fs::is_regular_file(file))
      throw ApiError{404, "no final model: the job has not completed"};
    return send_file(res, file, job.name + "-final.h5");
  }
  throw ApiError{404, "no such endpoint"};
}

void handle_api(Service& service, const httplib::Request& req, httplib::Response& res,
                const HttpOptions& opts) {
  std::string rest = req.path.substr(std::string("/api/").size());
  if (rest == "openapi.json") {
    res.set_content(openapi_json(), "application/json");
    return;
  }
  Tenant tenant = authenticate(service, req);
  auto parts = split_path(rest);
  if (parts[0] == "jobs") return handle_jobs(service, tenant, parts, req, res, opts);
  if (parts[0] == "whoami" && parts.size() == 1 && req.method == "GET")
    return send_json(res, 200,
                     {{"tenant", tenant.name},
                      {"quota",
                       {{"max_running", tenant.quota.max_running},
                        {"max_nodes", tenant.quota.max_nodes},
                        {"max_ntasks", tenant.quota.max_ntasks},
                        {"max_minutes", tenant.quota.max_minutes}}}});
  if (parts[0] == "datasets") {
    if (parts.size() == 1 && req.method == "GET")
      return send_json(res, 200, service.datasets_json(tenant.name));
    if (parts.size() == 2 && req.method == "PUT") {
      if (!valid_name(parts[1]))
        throw ApiError{400,
                       "a data-set name is 1-64 characters of A-Z a-z 0-9 _ - starting with a "
                       "letter or digit"};
      if (req.body.size() > opts.upload_max_bytes)
        throw ApiError{
            413, "the upload is larger than " + std::to_string(opts.upload_max_bytes) + " bytes"};
      if (req.body.empty()) throw ApiError{400, "the upload is empty"};
      return send_json(res, 201, service.upload_dataset(tenant.name, parts[1], req.body));
    }
  }
  throw ApiError{404, "no such endpoint"};
}

}  // namespace

bool serve_http(Service& service, const HttpOptions& opts,
                const volatile std::sig_atomic_t& stop_requested) {
  httplib::Server server;
  int threads = opts.threads;
  server.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  server.set_payload_max_length(std::max(opts.upload_max_bytes, opts.json_max_bytes));
  server.set_keep_alive_max_count(1000);
  server.set_tcp_nodelay(true);  // headers and body go out at once: no 40 ms delayed-ACK stalls
  server.set_read_timeout(30, 0);
  server.set_write_timeout(30, 0);
  auto api = [&](const httplib::Request& req, httplib::Response& res) {
    try {
      handle_api(service, req, res, opts);
    } catch (const ApiError& e) {
      send_error(res, e.status, e.message);
    } catch (const std::exception& e) {
      send_error(res, 500, std::string("internal error: ") + e.what());
    }
  };
  server.Get("/api/.*", api);
  server.Post("/api/.*", api);
  server.Put("/api/.*", api);
  server.Delete("/api/.*", api);
  server.Patch("/api/.*", api);
  server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'");
    res.set_content(web_page(), "text/html; charset=utf-8");
  });
  // Anything left without a body (no route, a body over the payload limit, ...) still gets JSON.
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string why = res.status == 413   ? "the request body is too large (send uploads as "
                                            "Content-Type: application/octet-stream)"
                      : res.status == 404 ? "no such endpoint"
                      : res.status == 400 ? "malformed request"
                                          : "request refused";
    send_error(res, res.status, why);
  });
  if (!server.bind_to_port(opts.host, opts.port)) return false;
  std::cout << "dojo serve: listening on http://" << opts.host << ":" << opts.port << std::endl;
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!stop_requested && !done) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    server.stop();
  });
  bool ok = server.listen_after_bind();
  done = true;
  watcher.join();
  return ok;
}

}  // namespace dojo::service
