#pragma once

// The router's configuration: DESIGN.md's one JSON file. Every knob has a default, a minimum and
// a maximum; an unknown key, a wrong type or an out-of-range value is an error naming the field
// ("delivery.attempts_max: 0 is below the minimum 1"), and `coexist serve` exits 2 on it.
// Relative paths resolve against the configuration file's folder (the quickstart's against the
// working directory).

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model/status.h"

namespace coexist::router {

struct JournalConfig {
  std::filesystem::path path;
  std::uint64_t map_size_mb_initial = 64;
  std::uint64_t map_size_mb_max = 65536;
};

struct ListenConfig {
  std::string ingest = "tcp://127.0.0.1:5570";
  std::string admin = "tcp://127.0.0.1:5571";
  std::string http = "127.0.0.1:9470";  // host:port; empty disables the HTTP endpoint
};

// A delivery target as configured; the adapter-specific fields are validated here and kept, as
// JSON, for the adapter that will use them.
struct TargetConfig {
  std::string adapter;  // file | zmq | http | pg_interface
  nlohmann::json settings;  // the whole object, paths already resolved
};

struct DeliveryConfig {
  std::uint32_t attempts_max = 8;
  std::uint32_t backoff_ms_base = 200;
  std::uint32_t backoff_ms_max = 60000;
};

struct IngestConfig {
  std::uint32_t batch_transactions_max = 16384;  // per group commit
  // The canonical JSON per group commit, in MiB: a bound on a batch's memory and its commit's
  // time when transactions are large (16384 of the largest would be 16 GiB).
  std::uint32_t batch_mb_max = 64;
  std::string scheduling = "batch";              // batch | normal (router/cpu_scheduling.h)
};

struct LogConfig {
  std::string level = "info";   // trace | debug | info | warn | error
  std::string format = "text";  // text (spdlog's pattern) | json (json_log_formatter.h)
};

struct Config {
  JournalConfig journal;
  ListenConfig listen;
  std::filesystem::path rules;  // empty: every transaction takes the default route `legacy`
  std::string rules_text;       // the quickstart's embedded example rules (instead of a file)
  std::map<std::string, TargetConfig> targets;
  DeliveryConfig delivery;
  IngestConfig ingest;
  LogConfig log;
  bool quickstart = false;
};

// Parses and validates a configuration document; `base` is the folder relative paths resolve
// against. Errors have code invalid_argument and name the field.
[[nodiscard]] Result<Config> parse_config(std::string_view json_text,
                                          const std::filesystem::path& base);
[[nodiscard]] Result<Config> load_config(const std::filesystem::path& file);

// Whether binding `endpoint` picks a fresh address each time (a tcp port of *, ! or 0;
// ipc://*): two listeners configured alike still get one each, and only the running router
// knows which (its --ready-file names it).
[[nodiscard]] bool binds_a_fresh_address(const std::string& endpoint);

// The embedded quickstart: journal under ./coexist-data, both targets as `file` adapters beside
// it, the example rules.
[[nodiscard]] Config quickstart_config(const std::filesystem::path& working_directory);
[[nodiscard]] std::string_view quickstart_config_json();
[[nodiscard]] std::string_view quickstart_rules_json();  // = examples/rules.json

}  // namespace coexist::router
