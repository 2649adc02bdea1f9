#include "router/startup_rules.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "rules/rule_set_parser.h"

namespace coexist::router {
namespace {

Result<std::string> configured_rules_text(const Config& config) {
  if (!config.rules_text.empty()) return config.rules_text;
  std::ifstream in(config.rules, std::ios::binary);
  if (!in)
    return Status::error(Status::Code::invalid_argument,
                         "rules: cannot read " + config.rules.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Status seed_rules(const Config& config, journal::Journal& journal, RulesState& rules_state,
                  const Clock& clock) {
  if (config.rules.empty() && config.rules_text.empty()) return Status::ok();
  auto text = configured_rules_text(config);
  if (!text.is_ok()) return text.status();
  std::string origin = config.rules_text.empty() ? config.rules.string() : "the quickstart example";
  // With a history the file is only compared with the latest version (it may be that version):
  // hold it to the checks recorded versions are held to, so that a check added since never stops
  // a router from starting on its own journal.
  rules::ParseOutcome outcome = rules::parse_rule_set(
      text.value(), rules_state.latest_version() > 0 ? rules::RuleSetOrigin::recorded
                                                     : rules::RuleSetOrigin::submitted);
  for (const rules::Problem& warning : outcome.warnings) {
    spdlog::warn("rules {}: {}: {}", origin, warning.path, warning.message);
  }
  if (!outcome.rule_set) {
    std::string message =
        "rules: " + origin + " has " + std::to_string(outcome.errors.size()) + " problem(s)";
    for (const rules::Problem& error : outcome.errors)
      message += "\n  " + error.path + ": " + error.message;
    return Status::error(Status::Code::invalid_argument, message);
  }
  journal::Hash sha = journal::sha256(outcome.canonical_json);
  if (rules_state.latest_version() > 0) {
    auto history = journal.rule_sets();
    if (!history.is_ok()) return history.status();
    if (history.value().back().sha256 != sha) {
      spdlog::warn(
          "rules: {} differs from the journal's latest version {}; it is not applied "
          "(use `coexist rules apply`)",
          origin, rules_state.latest_version());
    }
    return Status::ok();
  }
  journal::RuleSetRecord record;
  record.version = 1;
  record.applied_at_us = clock.now_us();
  record.effective_at_us = record.applied_at_us;
  record.applied_by = "coexist serve";
  record.reason = "initial rules from " + origin;
  record.canonical = std::move(outcome.canonical_json);
  record.sha256 = sha;
  std::vector<journal::AppendResult> no_results;
  if (Status status = journal.append_batch({}, no_results, &record); !status.is_ok()) return status;
  outcome.rule_set->set_version(1);
  rules_state.add(1, record.effective_at_us,
                  std::make_shared<const rules::RuleSet>(std::move(*outcome.rule_set)));
  spdlog::info("rules: recorded {} as version 1", origin);
  return Status::ok();
}

}  // namespace coexist::router
