#include <spdlog/spdlog.h>

#include "router/cpu_scheduling.h"
#include "router/json_log_formatter.h"
#include "router/router.h"
#include "router/stop_signals.h"
#include "tools/coexist/cli.h"

namespace coexist::cli {

int run_serve(const Arguments& arguments) {
  po::options_description options("serve options");
  options.add_options()("config", po::value<std::string>(), "router configuration file (JSON)")(
      "ready-file", po::value<std::string>(),
      "write the bound endpoints and pid here (JSON) once ready; removed on exit");
  po::variables_map values;
  if (auto exit_code =
          parse_options(arguments, options, {}, "[--config F] [--ready-file F]", values)) {
    return *exit_code;
  }
  router::ServeOptions serve_options;
  if (values.count("ready-file") != 0U) {
    serve_options.ready_file = values["ready-file"].as<std::string>();
    // An unset variable in a service file must not silently mean "no ready file": the script
    // waiting for it would wait for ever.
    if (serve_options.ready_file.empty()) {
      print_error("serve", "--ready-file must name a file (leave the option out for none)");
      return kExitUsage;
    }
  }
  router::Config config;
  if (values.count("config") != 0U) {
    auto loaded = router::load_config(values["config"].as<std::string>());
    if (!loaded.is_ok()) {
      print_error("serve", "config: " + loaded.status().message());
      return kExitUsage;
    }
    config = std::move(loaded).value();
  } else {
    std::string error;
    auto working_directory = current_directory(error);
    if (!working_directory) {
      print_error("serve", error + "; the quickstart keeps its journal there (or pass --config F)");
      return kExitUsage;
    }
    config = router::quickstart_config(*working_directory);
  }
  spdlog::set_level(spdlog::level::from_str(config.log.level));
  if (config.log.format == "json") {
    spdlog::set_formatter(std::make_unique<router::JsonLogFormatter>());
  }
  // Before any thread starts, the signal thread included: every one inherits the policy.
  if (Status scheduled = router::apply_cpu_scheduling(config.ingest.scheduling);
      !scheduled.is_ok()) {
    spdlog::warn("{}; keeping the inherited policy", scheduled.message());
  }
  std::atomic<bool> stop{false};
  router::StopSignals signals(stop);  // before any thread starts: they inherit the blocked mask
  return router::serve(config, serve_options, stop);
}

}  // namespace coexist::cli
