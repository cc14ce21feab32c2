// `dojo serve`: training as a service. The server (an HTTP API and a web page over Slurm, see
// service/) and its admin subcommands for tenants. It runs as one plain process, outside MPI:
// main() hands it the command line before the runtime starts.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "dojo/config/cli.hpp"
#include "dojo/service/http.hpp"
#include "dojo/service/names.hpp"
#include "dojo/service/service.hpp"
#include "dojo/service/token.hpp"

namespace dojo::cli {

namespace {

namespace fs = std::filesystem;
volatile std::sig_atomic_t stop_requested = 0;

void on_stop_signal(int) {
  stop_requested = 1;
}

// The clone this dojo was built in (build/cli/dojo -> the directory holding slurm/train.sbatch).
fs::path default_home(const fs::path& self) {
  for (fs::path p = self.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path())
    if (fs::exists(p / "slurm" / "train.sbatch")) return p;
  return fs::current_path();
}

int fail(const std::string& message) {
  std::cerr << "dojo: error: " << message << "\n";
  return 2;
}

}  // namespace

int serve_main(int argc, char** argv) {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  service::ServiceOptions options;
  service::HttpOptions http;
  options.dojo_bin = self;
  std::string home, centre;
  double upload_mb = 128;

  CLI::App app{
      "Training as a service: an HTTP API and a web page that submit, watch, cancel and collect "
      "dojo training jobs on Slurm for several tenants, each with its own token, directory and "
      "quota. It listens on 127.0.0.1 only unless told otherwise; put it behind a TLS reverse "
      "proxy to reach it from elsewhere (README: Training as a service).\nExamples:\n"
      "  dojo serve tenant add alice              (prints alice's token once)\n"
      "  dojo serve --port 8080                   (then open http://127.0.0.1:8080/)\n"
      "  curl -H 'Authorization: Bearer TOKEN' http://127.0.0.1:8080/api/jobs",
      "dojo serve"};
  app.get_formatter()->column_width(36);
  std::string state = "serve-state";
  app.add_option("--state", state, "The service's directory: its database and the tenants' files")
      ->capture_default_str();
  app.add_option("--listen", http.host, "Address to listen on (keep loopback behind a proxy)")
      ->capture_default_str();
  app.add_option("--port", http.port, "TCP port")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  app.add_option("--threads", http.threads, "Connections served at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--dojo-home", home,
                 "The dojo clone whose slurm/train.sbatch runs the jobs (default: the one this "
                 "program was built in)");
  app.add_option("--dojo-bin", options.dojo_bin, "The dojo program the jobs run")
      ->capture_default_str();
  app.add_option("--centre-data", centre,
                 "Directory of data sets every tenant may name as centre:NAME (NAME.h5); "
                 "default DOJO_HOME/data");
  app.add_option("--upload-max-mb", upload_mb, "Largest data-set upload, MiB")
      ->capture_default_str()
      ->check(config::real_above(0.0, 1024.0 * 1024.0));
  app.add_option("--poll-seconds", options.poll_seconds, "How often Slurm is asked about jobs")
      ->capture_default_str()
      ->check(config::real(0.1, 3600.0));

  auto* tenant_cmd = app.add_subcommand("tenant", "Manage tenants (run on the service's host)");
  tenant_cmd->require_subcommand(1);
  std::string tenant_name;
  service::Quota quota;
  auto* add = tenant_cmd->add_subcommand("add", "Create a tenant and print its token (shown once)");
  add->add_option("name", tenant_name, "Tenant name: 1-64 of A-Z a-z 0-9 _ -")->required();
  add->add_option("--max-running", quota.max_running, "Jobs not yet ended at once")
      ->capture_default_str()
      ->check(config::whole(1, 10000));
  add->add_option("--max-nodes", quota.max_nodes, "Nodes per job")
      ->capture_default_str()
      ->check(config::whole(1, 100000));
  add->add_option("--max-ntasks", quota.max_ntasks, "Tasks (ranks) per job")
      ->capture_default_str()
      ->check(config::whole(1, 10000000));
  add->add_option("--max-minutes", quota.max_minutes, "Time limit per job, minutes")
      ->capture_default_str()
      ->check(config::whole(1, 5256000));
  auto* revoke = tenant_cmd->add_subcommand("revoke", "Revoke a tenant's token (its files stay)");
  revoke->add_option("name", tenant_name, "Tenant name")->required();
  auto* list = tenant_cmd->add_subcommand("list", "List tenants and their quotas");

  try {
    app.parse(argc - 1, argv + 1);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    return fail(std::string(e.what()) + " (run 'dojo serve --help')");
  }

  try {
    options.state_dir = state;
    options.dojo_home = home.empty() ? default_home(self) : fs::path(home);
    options.centre_data = centre.empty() ? options.dojo_home / "data" : fs::path(centre);
    if (*add || *revoke || *list) {
      service::Store store(
          (fs::create_directories(options.state_dir), options.state_dir / "service.db"));
      if (*add) {
        if (!service::valid_name(tenant_name))
          return fail(
              "a tenant name is 1-64 characters of A-Z a-z 0-9 _ - starting with a letter or "
              "digit");
        std::string token = service::new_token();
        if (!store.add_tenant(tenant_name, service::sha256_hex(token), quota))
          return fail("tenant '" + tenant_name + "' exists");
        std::cout << token << "\n";
        std::cerr << "dojo serve: tenant " << tenant_name
                  << " created; its token is above and is not stored: keep it now\n";
      } else if (*revoke) {
        if (!store.revoke_tenant(tenant_name)) return fail("no tenant '" + tenant_name + "'");
        std::cerr << "dojo serve: tenant " << tenant_name << "'s token is revoked\n";
      } else {
        for (const auto& t : store.tenants())
          std::cout << t.name << (t.revoked ? " (revoked)" : "")
                    << " max_running=" << t.quota.max_running << " max_nodes=" << t.quota.max_nodes
                    << " max_ntasks=" << t.quota.max_ntasks
                    << " max_minutes=" << t.quota.max_minutes << "\n";
      }
      return 0;
    }
    if (!fs::exists(options.dojo_home / "slurm" / "train.sbatch"))
      return fail("no slurm/train.sbatch under " + options.dojo_home.string() +
                  ": give --dojo-home");
    if (access(options.dojo_bin.c_str(), X_OK) != 0)
      return fail("no dojo program at " + options.dojo_bin.string() + ": give --dojo-bin");
    http.upload_max_bytes = static_cast<std::size_t>(upload_mb * 1024 * 1024);
    service::Service service(options);
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    signal(SIGPIPE, SIG_IGN);
    service.start_poller();
    if (http.host != "127.0.0.1" && http.host != "localhost" && http.host != "::1")
      std::cerr << "dojo serve: warning: listening on " << http.host
                << ", not loopback: put a TLS proxy in front (README)\n";
    if (!service::serve_http(service, http, stop_requested))
      return fail("cannot listen on " + http.host + ":" + std::to_string(http.port) +
                  " (in use, or not an address of this host)");
    std::cerr << "dojo serve: stopped; jobs keep running on Slurm and are picked up at restart\n";
    return 0;
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}

}  // namespace dojo::cli
