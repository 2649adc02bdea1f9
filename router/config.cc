#include "router/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

#include "rules/json_document.h"

namespace coexist::router {
namespace {

using nlohmann::json;

// The configuration nests four levels (targets > legacy > options); far more is not a config.
constexpr std::size_t kConfigJsonDepthMax = 32;

// Collects the first problem and reads fields with their limits; once a problem is recorded,
// every later read is a no-op so the first error is the one reported.
class FieldReader {
 public:
  [[nodiscard]] bool failed() const { return !error_.empty(); }
  [[nodiscard]] const std::string& error() const { return error_; }

  void fail(const std::string& path, const std::string& message) {
    if (error_.empty()) error_ = path + ": " + message;
  }

  // Checks `value` is an object whose keys are all in `allowed`.
  bool object(const json& value, const std::string& path, const std::set<std::string>& allowed) {
    if (failed()) return false;
    if (!value.is_object()) {
      fail(path.empty() ? "configuration" : path, "must be an object");
      return false;
    }
    for (const auto& [key, item] : value.items()) {
      if (!allowed.contains(key)) fail(join(path, key), "unknown key");
    }
    return !failed();
  }

  void unsigned_field(const json& parent, const std::string& path, const std::string& key,
                      std::uint64_t minimum, std::uint64_t maximum, std::uint64_t& out) {
    if (failed() || !parent.contains(key)) return;
    const json& value = parent.at(key);
    std::string field = join(path, key);
    if (!value.is_number_integer()) return fail(field, "must be an integer");
    if (value.is_number_unsigned() ? false : value.get<std::int64_t>() < 0) {
      return fail(field, std::to_string(value.get<std::int64_t>()) + " is below the minimum " +
                             std::to_string(minimum));
    }
    auto number = value.get<std::uint64_t>();
    if (number < minimum) {
      return fail(field,
                  std::to_string(number) + " is below the minimum " + std::to_string(minimum));
    }
    if (number > maximum) {
      return fail(field,
                  std::to_string(number) + " is above the maximum " + std::to_string(maximum));
    }
    out = number;
  }

  template <typename Narrow>
  void narrow_field(const json& parent, const std::string& path, const std::string& key,
                    std::uint64_t minimum, std::uint64_t maximum, Narrow& out) {
    std::uint64_t wide = out;
    unsigned_field(parent, path, key, minimum, maximum, wide);
    out = static_cast<Narrow>(wide);
  }

  void string_field(const json& parent, const std::string& path, const std::string& key,
                    bool required, std::string& out) {
    if (failed()) return;
    std::string field = join(path, key);
    if (!parent.contains(key)) {
      if (required) fail(field, "missing required key");
      return;
    }
    if (!parent.at(key).is_string()) return fail(field, "must be a string");
    out = parent.at(key).get<std::string>();
  }

  void choice_field(const json& parent, const std::string& path, const std::string& key,
                    const std::set<std::string>& choices, std::string& out) {
    std::string value = out;
    string_field(parent, path, key, false, value);
    if (failed()) return;
    if (!choices.contains(value)) {
      std::string listed;
      for (const auto& choice : choices) listed += (listed.empty() ? "" : ", ") + choice;
      return fail(join(path, key), "\"" + value + "\" is not one of " + listed);
    }
    out = value;
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

 private:
  std::string error_;
};

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& text) {
  std::filesystem::path path(text);
  return path.is_absolute() ? path : (base / path).lexically_normal();
}

void read_journal(FieldReader& reader, const json& root, const std::filesystem::path& base,
                  JournalConfig& out) {
  if (!root.contains("journal")) return;
  const json& section = root.at("journal");
  if (!reader.object(section, "journal", {"path", "map_size_mb_initial", "map_size_mb_max"}))
    return;
  std::string path = out.path.string();
  reader.string_field(section, "journal", "path", false, path);
  if (!reader.failed() && path.empty()) reader.fail("journal.path", "must not be empty");
  out.path = resolve(base, path);
  reader.unsigned_field(section, "journal", "map_size_mb_max", 16, 16ULL << 20,
                        out.map_size_mb_max);
  // The default initial size follows a smaller maximum; an explicit one must fit under it.
  out.map_size_mb_initial = std::min(out.map_size_mb_initial, out.map_size_mb_max);
  reader.unsigned_field(section, "journal", "map_size_mb_initial", 1, out.map_size_mb_max,
                        out.map_size_mb_initial);
}

// The port of "host:port": digits only, at most 65535. `wildcard` also takes ZeroMQ's "*" (bind
// to any free port). Without this, libzmq reads "110000" modulo 65536 and binds port 44464.
bool is_port(std::string_view text, bool wildcard) {
  if (wildcard && text == "*") return true;
  unsigned number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  return !text.empty() && error == std::errc{} && end == text.data() + text.size() &&
         number <= 65535;
}

// "tcp://host:port", "ipc://path": a transport, "://" and something after it; a tcp endpoint's
// port must be a real one (0 and "*" only where the router binds: `wildcard`).
bool looks_like_endpoint(const std::string& text, bool wildcard) {
  const std::size_t separator = text.find("://");
  if (separator == std::string::npos || separator == 0 || separator + 3 >= text.size())
    return false;
  if (text.compare(0, separator, "tcp") != 0) return true;
  const std::string_view address = std::string_view(text).substr(separator + 3);
  const std::size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view port = address.substr(colon + 1);
  // Where the router connects, port 0 (however written: "00") is no port at all.
  return is_port(port, wildcard) &&
         (wildcard || port.find_first_not_of('0') != std::string_view::npos);
}

constexpr std::string_view kIpcScheme = "ipc://";
constexpr std::string_view kInprocScheme = "inproc://";

// An ipc:// endpoint's socket file is a path like any other in the configuration: a relative one
// resolves against the configuration's folder, not against wherever the router was started. "*"
// (libzmq picks a new file) and "@name" (Linux's abstract namespace: no file) are kept.
std::string resolve_ipc_endpoint(const std::filesystem::path& base, const std::string& endpoint) {
  if (!endpoint.starts_with(kIpcScheme)) return endpoint;
  std::string path = endpoint.substr(kIpcScheme.size());
  if (path.empty() || path == "*" || path.starts_with('@')) return endpoint;
  return std::string(kIpcScheme) + resolve(base, path).string();
}

void check_listen_endpoints(FieldReader& reader, const ListenConfig& listen) {
  for (const auto& [key, endpoint] :
       {std::pair{"ingest", listen.ingest}, {"admin", listen.admin}}) {
    if (!reader.failed() && !looks_like_endpoint(endpoint, true)) {
      reader.fail(std::string("listen.") + key,
                  "\"" + endpoint +
                      "\" is not a ZeroMQ endpoint such as tcp://127.0.0.1:5570 (a tcp port is "
                      "0..65535 or *)");
    }
    // No other process can connect to an inproc:// endpoint: a router listening there serves
    // nobody.
    if (!reader.failed() && endpoint.starts_with(kInprocScheme)) {
      reader.fail(std::string("listen.") + key,
                  "\"" + endpoint +
                      "\" is an inproc:// endpoint, which no other process can reach; use tcp:// "
                      "or ipc://");
    }
  }
  // With tcp the second bind fails ("Address already in use"), but libzmq unlinks an ipc socket
  // file before it binds, so the admin socket would silently take the ingest socket's place.
  if (!reader.failed() && listen.ingest == listen.admin && !binds_a_fresh_address(listen.ingest)) {
    reader.fail("listen.admin", "\"" + listen.admin +
                                    "\" is also listen.ingest; the ingest and admin sockets need "
                                    "an endpoint each");
  }
}

void read_listen(FieldReader& reader, const json& root, const std::filesystem::path& base,
                 ListenConfig& out) {
  if (!root.contains("listen")) return;
  const json& section = root.at("listen");
  if (!reader.object(section, "listen", {"ingest", "admin", "http"})) return;
  reader.string_field(section, "listen", "ingest", false, out.ingest);
  reader.string_field(section, "listen", "admin", false, out.admin);
  reader.string_field(section, "listen", "http", false, out.http);
  out.ingest = resolve_ipc_endpoint(base, out.ingest);
  out.admin = resolve_ipc_endpoint(base, out.admin);
  check_listen_endpoints(reader, out);
  if (!reader.failed() && !out.http.empty()) {
    auto colon = out.http.rfind(':');
    std::string_view port = colon == std::string::npos
                                ? std::string_view()
                                : std::string_view(out.http).substr(colon + 1);
    if (colon == std::string::npos || colon == 0 || !is_port(port, false)) {
      reader.fail("listen.http", "\"" + out.http +
                                     "\" must be host:port with a port of 0..65535 (or empty to "
                                     "disable)");
    }
  }
}

// Per adapter: the keys it takes, those it requires and the ones holding file paths.
struct AdapterShape {
  std::set<std::string> keys;
  std::set<std::string> required;
  std::set<std::string> paths;
};

const std::map<std::string, AdapterShape>& adapter_shapes() {
  static const std::map<std::string, AdapterShape> kShapes = {
      {"file", {{"adapter", "path", "format", "mapping"}, {"path", "format"}, {"path", "mapping"}}},
      {"zmq", {{"adapter", "endpoint", "timeout_ms", "mapping"}, {"endpoint"}, {"mapping"}}},
      {"http",
       {{"adapter", "profile", "url", "journal_file", "timeout_ms", "mapping"},
        {"profile", "url"},
        {"journal_file", "mapping"}}},
      {"pg_interface", {{"adapter", "conninfo", "table", "mapping"}, {"conninfo"}, {"mapping"}}},
  };
  return kShapes;
}

// One part of a table name as PostgreSQL reads it unquoted: a letter (any non-ASCII byte counts,
// as in PostgreSQL) or '_', then letters, digits, '_' or '$'; at most 63 bytes (NAMEDATALEN - 1).
// Quoting is not supported on purpose: the name goes into statements the adapter builds.
bool is_identifier(std::string_view text) {
  auto letter = [](unsigned char c) { return std::isalpha(c) != 0 || c == '_' || c >= 0x80; };
  if (text.empty() || text.size() > 63 || !letter(static_cast<unsigned char>(text[0])))
    return false;
  return std::all_of(text.begin() + 1, text.end(), [&](char c) {
    auto byte = static_cast<unsigned char>(c);
    return letter(byte) || std::isdigit(byte) != 0 || byte == '$';
  });
}

// gl_interface or erp.gl_interface.
bool is_table_name(std::string_view text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos) return is_identifier(text);
  return is_identifier(text.substr(0, dot)) && is_identifier(text.substr(dot + 1));
}

// http:// or https:// (the scheme in any case, as RFC 3986 allows) and then a host; no
// whitespace or control characters anywhere.
bool is_http_url(std::string_view url) {
  const std::size_t separator = url.find("://");
  if (separator == std::string_view::npos) return false;
  std::string scheme(url.substr(0, separator));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string_view rest = url.substr(separator + 3);
  const bool controls = std::any_of(url.begin(), url.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
  });
  return (scheme == "http" || scheme == "https") && !rest.empty() &&
         rest.find_first_of("/?#") != 0 && !controls;
}

// The values the shapes above cannot judge: a bad one would only fail at the first delivery.
void check_target_values(FieldReader& reader, const std::string& path, const TargetConfig& target) {
  const json& settings = target.settings;
  auto text = [&](const char* key) {
    return settings.contains(key) ? settings.at(key).get<std::string>() : std::string();
  };
  if (target.adapter == "zmq" && !looks_like_endpoint(text("endpoint"), false)) {
    return reader.fail(path + ".endpoint",
                       "\"" + text("endpoint") +
                           "\" is not a ZeroMQ endpoint such as tcp://host:port (a tcp port is "
                           "1..65535)");
  }
  if (target.adapter == "http") {
    if (text("profile") != "hledger") {
      return reader.fail(path + ".profile",
                         "\"" + text("profile") + "\" is not a built-in profile (hledger)");
    }
    // The URL is not echoed: it may carry a user and password.
    if (!is_http_url(text("url"))) {
      return reader.fail(path + ".url", "must be an http:// or https:// URL with a host");
    }
  }
  if (target.adapter == "pg_interface" && settings.contains("table") &&
      !is_table_name(text("table"))) {
    return reader.fail(path + ".table", "\"" + text("table") +
                                            "\" is not a table name ([schema.]name of letters, "
                                            "digits, _ and $, at most 63 bytes each)");
  }
}

void read_target(FieldReader& reader, const std::string& name, const json& value,
                 const std::filesystem::path& base, TargetConfig& out) {
  std::string path = "targets." + name;
  if (!value.is_object()) return reader.fail(path, "must be an object");
  reader.string_field(value, path, "adapter", true, out.adapter);
  if (reader.failed()) return;
  auto shape = adapter_shapes().find(out.adapter);
  if (shape == adapter_shapes().end()) {
    return reader.fail(path + ".adapter",
                       "\"" + out.adapter + "\" is not one of file, http, pg_interface, zmq");
  }
  if (!reader.object(value, path, shape->second.keys)) return;
  out.settings = value;
  for (const auto& key : shape->second.keys) {
    if (key == "timeout_ms") continue;
    std::string text;
    reader.string_field(value, path, key, shape->second.required.contains(key), text);
    if (!reader.failed() && value.contains(key) && text.empty()) {
      reader.fail(path + "." + key, "must not be empty");
    }
    if (!reader.failed() && shape->second.paths.contains(key) && value.contains(key)) {
      out.settings[key] = resolve(base, text).string();
    }
  }
  std::uint64_t timeout_ms = 5000;
  reader.unsigned_field(value, path, "timeout_ms", 10, 600000, timeout_ms);
  if (shape->second.keys.contains("timeout_ms")) out.settings["timeout_ms"] = timeout_ms;
  if (out.adapter == "file") {
    std::string format;
    reader.choice_field(value, path, "format", {"jsonl", "csv", "hledger"}, format);
  }
  if (!reader.failed()) check_target_values(reader, path, out);
}

void read_delivery(FieldReader& reader, const json& root, DeliveryConfig& out) {
  if (!root.contains("delivery")) return;
  const json& section = root.at("delivery");
  if (!reader.object(section, "delivery", {"attempts_max", "backoff_ms_base", "backoff_ms_max"})) {
    return;
  }
  reader.narrow_field(section, "delivery", "attempts_max", 1, 1000, out.attempts_max);
  reader.narrow_field(section, "delivery", "backoff_ms_base", 1, 600000, out.backoff_ms_base);
  // The default maximum follows a larger base; an explicit one must not be below it.
  out.backoff_ms_max = std::max(out.backoff_ms_max, out.backoff_ms_base);
  reader.narrow_field(section, "delivery", "backoff_ms_max", out.backoff_ms_base, 86400000,
                      out.backoff_ms_max);
}

void read_sections(FieldReader& reader, const json& root, const std::filesystem::path& base,
                   Config& config) {
  if (!reader.object(root, "",
                     {"journal", "listen", "rules", "targets", "delivery", "ingest", "log"})) {
    return;
  }
  read_journal(reader, root, base, config.journal);
  read_listen(reader, root, base, config.listen);
  std::string rules;
  reader.string_field(root, "", "rules", false, rules);
  // An empty name is refused rather than read as "no rules": a config template whose variable
  // went unset would otherwise start a new journal routing everything to legacy by default.
  if (!reader.failed() && root.contains("rules") && rules.empty()) {
    reader.fail("rules", "must name a rules file (leave the key out to start without rules)");
  }
  if (!rules.empty()) config.rules = resolve(base, rules);
  if (root.contains("targets") && !reader.failed()) {
    if (!root.at("targets").is_object()) {
      reader.fail("targets", "must be an object of target name -> target");
    } else {
      for (const auto& [name, value] : root.at("targets").items()) {
        if (name != "legacy" && name != "new") {
          reader.fail("targets." + name,
                      "unknown target (routes deliver to \"legacy\" and \"new\")");
        }
        read_target(reader, name, value, base, config.targets[name]);
      }
    }
  }
  read_delivery(reader, root, config.delivery);
  if (root.contains("ingest") &&
      reader.object(root.at("ingest"), "ingest",
                    {"batch_transactions_max", "batch_mb_max", "scheduling"})) {
    reader.narrow_field(root.at("ingest"), "ingest", "batch_transactions_max", 1, 1000000,
                        config.ingest.batch_transactions_max);
    reader.narrow_field(root.at("ingest"), "ingest", "batch_mb_max", 1, 4096,
                        config.ingest.batch_mb_max);
    reader.choice_field(root.at("ingest"), "ingest", "scheduling", {"batch", "normal"},
                        config.ingest.scheduling);
  }
  if (root.contains("log") && reader.object(root.at("log"), "log", {"level", "format"})) {
    reader.choice_field(root.at("log"), "log", "level", {"trace", "debug", "info", "warn", "error"},
                        config.log.level);
    reader.choice_field(root.at("log"), "log", "format", {"text", "json"}, config.log.format);
  }
}

}  // namespace

Result<Config> parse_config(std::string_view json_text, const std::filesystem::path& base) {
  // The rules module's reader, not nlohmann's own parser: it says where the JSON breaks, and a
  // key written twice is refused rather than silently won by the last ({"journal": …} twice
  // would start on a journal other than the one the operator read first).
  rules::JsonDocument read = rules::read_json_document(json_text, kConfigJsonDepthMax);
  if (!read.document) {
    return Status::error(Status::Code::invalid_argument,
                         "configuration is not valid JSON" +
                             (read.errors.empty() ? "" : ": " + read.errors.front().message));
  }
  if (!read.errors.empty()) {
    return Status::error(Status::Code::invalid_argument,
                         read.errors.front().path + ": " + read.errors.front().message);
  }
  const json& root = *read.document;
  Config config;
  config.journal.path = resolve(base, "data/journal");
  FieldReader reader;
  read_sections(reader, root, base, config);
  if (reader.failed()) return Status::error(Status::Code::invalid_argument, reader.error());
  return config;
}

bool binds_a_fresh_address(const std::string& endpoint) {
  if (endpoint == "ipc://*") return true;
  if (!endpoint.starts_with("tcp://")) return false;
  std::string_view port = std::string_view(endpoint).substr(endpoint.rfind(':') + 1);
  return port == "*" || port == "!" || port.find_first_not_of('0') == std::string_view::npos;
}

Result<Config> load_config(const std::filesystem::path& file) {
  // A stream opens a directory and reads it as empty: say what it is instead of "not valid JSON".
  std::error_code error;
  if (std::filesystem::is_directory(file, error)) {
    return Status::error(Status::Code::invalid_argument,
                         "cannot read " + file.string() + ": is a directory");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Status::error(Status::Code::invalid_argument, "cannot read " + file.string());
  }
  std::stringstream text;
  text << in.rdbuf();
  // The throwing absolute() would end the process when the working directory was deleted.
  auto absolute = std::filesystem::absolute(file, error);
  if (error) {
    return Status::error(Status::Code::invalid_argument,
                         "cannot tell the folder of " + file.string() + ": " + error.message());
  }
  auto base = absolute.parent_path();
  auto config = parse_config(text.str(), base);
  if (!config.is_ok()) {
    return Status::error(Status::Code::invalid_argument,
                         file.string() + ": " + config.status().message());
  }
  return config;
}

std::string_view quickstart_config_json() {
  return R"({
  "journal": {"path": "coexist-data/journal", "map_size_mb_max": 65536},
  "listen": {"ingest": "tcp://127.0.0.1:5570", "admin": "tcp://127.0.0.1:5571",
             "http": "127.0.0.1:9470"},
  "targets": {
    "legacy": {"adapter": "file", "path": "coexist-data/legacy.jsonl", "format": "jsonl"},
    "new": {"adapter": "file", "path": "coexist-data/new.jsonl", "format": "jsonl"}
  }
})";
}

std::string_view quickstart_rules_json() {
  return R"RULES({
  "default": "legacy",
  "rules": [
    {"name": "payments stay on legacy until Q1", "when": {"type": "payment"}, "route": "legacy"},
    {"name": "US cut over", "when": {"entity": ["US01", "US02"]}, "route": "new"},
    {"name": "DE01 dual run", "when": {"entity": "DE01", "posting_date": {"from": "2026-11-01"}},
     "route": "both"},
    {"name": "JP entities held until their chart of accounts is mapped", "when": {"entity": "JP*"},
     "route": "hold"}
  ]
}
)RULES";
}

Config quickstart_config(const std::filesystem::path& working_directory) {
  auto config = parse_config(quickstart_config_json(), working_directory);
  COEXIST_ASSERT(config.is_ok());  // embedded, covered by a unit test
  Config result = std::move(config).value();
  result.quickstart = true;
  result.rules_text = quickstart_rules_json();
  return result;
}

}  // namespace coexist::router
