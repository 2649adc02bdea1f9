// coexist rules history | show V | diff V1 V2: the rules history, read offline from the journal.

#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "model/timestamp.h"
#include "tools/coexist/cli.h"

namespace coexist::cli {
namespace {

std::optional<std::vector<journal::RuleSetRecord>> load_history(const po::variables_map& values,
                                                                 const std::string& command,
                                                                 int& exit_code) {
  auto journal = open_journal_read_only(values, exit_code);
  if (!journal) return std::nullopt;
  auto history = journal->rule_sets();
  if (!history.is_ok()) {
    print_error(command, history.status().to_string());
    exit_code = kExitJournal;
    return std::nullopt;
  }
  return std::move(history).value();
}

// Whether `record` will still come into force: its effective_at is in the future, and no later
// version takes effect at or before it (the higher number wins from its own effective_at on, so
// a rollback applied now supersedes a version scheduled for next year).
bool is_scheduled(const std::vector<journal::RuleSetRecord>& history,
                  const journal::RuleSetRecord& record, std::int64_t now_us) {
  if (record.effective_at_us <= now_us) return false;
  for (const journal::RuleSetRecord& later : history) {
    if (later.version > record.version && later.effective_at_us <= record.effective_at_us) {
      return false;
    }
  }
  return true;
}

nlohmann::json version_json(const std::vector<journal::RuleSetRecord>& history,
                            const journal::RuleSetRecord& record, std::int64_t now_us,
                            std::uint32_t in_force) {
  nlohmann::json entry{{"version", record.version},
                       {"sha256", journal::to_hex(record.sha256)},
                       {"applied_at", format_rfc3339_utc(record.applied_at_us)},
                       {"effective_at", format_rfc3339_utc(record.effective_at_us)},
                       {"applied_by", record.applied_by},
                       {"reason", record.reason},
                       {"activated_after_seq", record.activated_after_seq},
                       {"state", record.version == in_force              ? "active"
                                 : is_scheduled(history, record, now_us) ? "scheduled"
                                                                         : "superseded"}};
  if (record.copied_from != 0) entry["copied_from"] = record.copied_from;
  return entry;
}

// The version in force now: the highest-numbered one whose effective_at has passed.
std::uint32_t version_in_force(const std::vector<journal::RuleSetRecord>& history, std::int64_t now_us) {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->effective_at_us <= now_us) return it->version;
  }
  return 0;
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const journal::RuleSetRecord* find_version(const std::vector<journal::RuleSetRecord>& history,
                                           std::uint32_t version) {
  return version >= 1 && version <= history.size() ? &history[version - 1] : nullptr;
}

// Rules of a version by name, with their position.
std::map<std::string, std::pair<std::size_t, nlohmann::json>> rules_by_name(const nlohmann::json& set) {
  std::map<std::string, std::pair<std::size_t, nlohmann::json>> named;
  const nlohmann::json& list = set.contains("rules") ? set["rules"] : nlohmann::json::array();
  for (std::size_t i = 0; i < list.size(); ++i) named[list[i].value("name", "")] = {i, list[i]};
  return named;
}

}  // namespace

int run_rules_history(const Arguments& arguments) {
  po::options_description options("options");
  add_journal_options(options);
  po::variables_map values;
  if (auto exit_code = parse_options(arguments, options, {}, "[--journal DIR]", values)) return *exit_code;
  bool as_json = false;
  if (!json_output(arguments.command, values, as_json)) return kExitUsage;
  int exit_code = kExitOk;
  auto history = load_history(values, arguments.command, exit_code);
  if (!history) return exit_code;
  std::int64_t now = now_us();
  std::uint32_t in_force = version_in_force(*history, now);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& record : *history) list.push_back(version_json(*history, record, now, in_force));
  if (as_json) {
    std::cout << list.dump() << "\n";
    return kExitOk;
  }
  if (history->empty()) std::cout << "no rules applied yet: everything routes to legacy (default)\n";
  for (const auto& entry : list) {
    std::cout << "v" << entry["version"] << "\t" << entry["state"].get<std::string>() << "\t"
              << entry["applied_at"].get<std::string>() << "\teffective "
              << entry["effective_at"].get<std::string>() << "\tafter seq "
              << entry["activated_after_seq"] << "\t" << entry["applied_by"].get<std::string>()
              << "\t" << entry["reason"].get<std::string>() << "\n";
  }
  return kExitOk;
}

int run_rules_show(const Arguments& arguments) {
  po::options_description options("options");
  add_journal_options(options);
  options.add_options()("version", po::value<std::uint32_t>()->required(), "version number");
  po::positional_options_description positional;
  positional.add("version", 1);
  po::variables_map values;
  if (auto exit_code = parse_options(arguments, options, positional, "V", values)) return *exit_code;
  bool as_json = false;
  if (!json_output(arguments.command, values, as_json)) return kExitUsage;
  int exit_code = kExitOk;
  auto history = load_history(values, arguments.command, exit_code);
  if (!history) return exit_code;
  const auto* record = find_version(*history, values["version"].as<std::uint32_t>());
  if (record == nullptr) {
    print_error(arguments.command, "no rules version " + std::to_string(values["version"].as<std::uint32_t>()));
    return kExitCheckFailed;
  }
  std::int64_t now = now_us();
  nlohmann::json entry = version_json(*history, *record, now, version_in_force(*history, now));
  entry["rule_set"] = nlohmann::json::parse(record->canonical);
  std::cout << (as_json ? entry.dump() : entry.dump(2)) << "\n";
  return kExitOk;
}

int run_rules_diff(const Arguments& arguments) {
  po::options_description options("options");
  add_journal_options(options);
  options.add_options()("from", po::value<std::uint32_t>()->required(), "older version")(
      "to", po::value<std::uint32_t>()->required(), "newer version");
  po::positional_options_description positional;
  positional.add("from", 1).add("to", 1);
  po::variables_map values;
  if (auto exit_code = parse_options(arguments, options, positional, "V1 V2", values)) return *exit_code;
  bool as_json = false;
  if (!json_output(arguments.command, values, as_json)) return kExitUsage;
  int exit_code = kExitOk;
  auto history = load_history(values, arguments.command, exit_code);
  if (!history) return exit_code;
  const auto* from = find_version(*history, values["from"].as<std::uint32_t>());
  const auto* to = find_version(*history, values["to"].as<std::uint32_t>());
  if (from == nullptr || to == nullptr) {
    print_error(arguments.command, "no such rules version");
    return kExitCheckFailed;
  }
  auto before = nlohmann::json::parse(from->canonical);
  auto after = nlohmann::json::parse(to->canonical);
  nlohmann::json diff{{"from", from->version}, {"to", to->version}, {"added", nlohmann::json::array()},
                      {"removed", nlohmann::json::array()}, {"changed", nlohmann::json::array()},
                      {"moved", nlohmann::json::array()}};
  if (before["default"] != after["default"]) diff["default"] = {{"from", before["default"]}, {"to", after["default"]}};
  auto old_rules = rules_by_name(before);
  auto new_rules = rules_by_name(after);
  for (const auto& [name, entry] : old_rules) {
    auto found = new_rules.find(name);
    if (found == new_rules.end()) {
      diff["removed"].push_back({{"name", name}, {"index", entry.first}, {"rule", entry.second}});
      continue;
    }
    if (found->second.second != entry.second) {
      diff["changed"].push_back({{"name", name}, {"from", entry.second}, {"to", found->second.second}});
    }
    if (found->second.first != entry.first) {
      diff["moved"].push_back({{"name", name}, {"from_index", entry.first}, {"to_index", found->second.first}});
    }
  }
  for (const auto& [name, entry] : new_rules) {
    if (!old_rules.contains(name)) diff["added"].push_back({{"name", name}, {"index", entry.first}, {"rule", entry.second}});
  }
  bool identical = from->sha256 == to->sha256;
  diff["identical"] = identical;
  std::cout << (as_json ? diff.dump() : diff.dump(2)) << "\n";
  return identical ? kExitOk : kExitCheckFailed;
}

}  // namespace coexist::cli
