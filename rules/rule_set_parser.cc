#include "rules/rule_set_parser.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "rules/condition_parser.h"
#include "rules/evaluate.h"
#include "rules/json_checks.h"
#include "rules/json_document.h"
#include "rules/json_text.h"
#include "rules/limits.h"
#include "rules/shadow.h"

namespace coexist::rules {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 2> kRuleSetKeys = {"default", "rules"};
constexpr std::array<std::string_view, 3> kRuleKeys = {"name", "when", "route"};

std::optional<Route> parse_route_value(const json& value, const std::string& path,
                                       ProblemList& problems) {
  if (!value.is_string()) {
    problems.error(path, "must be a route (\"legacy\", \"new\", \"both\" or \"hold\"), not " +
                             std::string(type_name(value)));
    return std::nullopt;
  }
  std::optional<Route> route = parse_route(value.get_ref<const std::string&>());
  if (!route) {
    problems.error(path, "unknown route " + json_quote(value.get_ref<const std::string&>()) +
                             ": use \"legacy\", \"new\", \"both\" or \"hold\"");
  }
  return route;
}

std::optional<std::string> parse_name(const json& value, const std::string& path,
                                      RuleSetOrigin origin, ProblemList& problems) {
  if (!value.is_string()) {
    problems.error(path, "a rule name must be a string, not " + std::string(type_name(value)));
    return std::nullopt;
  }
  const std::string& name = value.get_ref<const std::string&>();
  if (name.empty()) {
    problems.error(path, "a rule name must not be empty");
    return std::nullopt;
  }
  if (name == kDefaultRuleName) {
    problems.error(path, "the name \"default\" is reserved: it records that no rule matched");
    return std::nullopt;
  }
  if (code_points(name) > kRuleNameLengthMax) {
    problems.error(path, "a rule name is at most " + std::to_string(kRuleNameLengthMax) +
                             " characters (it is recorded with every transaction it routes)");
    return std::nullopt;
  }
  if (origin == RuleSetOrigin::submitted && std::any_of(name.begin(), name.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      })) {
    problems.error(path, "a rule name must not contain control characters (" + json_quote(name) +
                             "): it is printed in tables, CSV exports and logs");
    return std::nullopt;
  }
  return name;
}

// A required member: its value, or nullptr after reporting it missing.
const json* member(const json& object, std::string_view key, const std::string& path,
                   std::string_view why, ProblemList& problems) {
  const auto it = object.find(key);
  if (it == object.end()) {
    problems.error(child_path(path, key), "missing: " + std::string(why));
    return nullptr;
  }
  return &*it;
}

std::optional<Rule> parse_rule(const json& value, const std::string& path, RuleSetOrigin origin,
                               ProblemList& problems) {
  if (!value.is_object()) {
    problems.error(path, "a rule must be an object {\"name\", \"when\", \"route\"}, not " +
                             std::string(type_name(value)));
    return std::nullopt;
  }
  check_keys(value, path, kRuleKeys, problems);
  const json* name = member(value, "name", path, "every rule needs a unique name", problems);
  const json* when = member(value, "when", path, "use {} to match every transaction", problems);
  const json* route = member(value, "route", path, "where matching transactions go", problems);
  std::optional<std::string> parsed_name;
  std::optional<Conditions> conditions;
  std::optional<Route> parsed_route;
  if (name) parsed_name = parse_name(*name, child_path(path, "name"), origin, problems);
  if (when) conditions = parse_conditions(*when, child_path(path, "when"), problems);
  if (route) parsed_route = parse_route_value(*route, child_path(path, "route"), problems);
  if (!parsed_name || !conditions || !parsed_route) return std::nullopt;
  return Rule{std::move(*parsed_name), *parsed_route, std::move(*conditions)};
}

void check_unique_names(const json& rules, ProblemList& problems) {
  std::unordered_map<std::string_view, std::size_t> first_index;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const json& rule = rules[i];
    if (!rule.is_object()) continue;
    const auto name = rule.find("name");
    if (name == rule.end() || !name->is_string()) continue;
    const std::string& text = name->get_ref<const std::string&>();
    const auto [it, inserted] = first_index.emplace(text, i);
    if (!inserted) {
      problems.error(child_path(index_path("rules", i), "name"),
                     "duplicate rule name " + json_quote(text) + " (also " +
                         index_path("rules", it->second) + ")");
    }
  }
}

std::optional<std::vector<Rule>> parse_rules(const json& value, RuleSetOrigin origin,
                                             ProblemList& problems) {
  if (!value.is_array()) {
    problems.error(
        "rules", "must be a list of rules (it may be empty), not " + std::string(type_name(value)));
    return std::nullopt;
  }
  if (value.size() > kRulesMax) {
    problems.error("rules", "has " + std::to_string(value.size()) +
                                " rules, more than the limit of " + std::to_string(kRulesMax));
    return std::nullopt;
  }
  std::vector<Rule> rules;
  rules.reserve(value.size());
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    std::optional<Rule> rule = parse_rule(value[i], index_path("rules", i), origin, problems);
    ok = ok && rule.has_value();
    if (rule) rules.push_back(std::move(*rule));
  }
  check_unique_names(value, problems);
  if (!ok || problems.has_errors()) return std::nullopt;
  return rules;
}

std::optional<RuleSet> compile(const json& document, RuleSetOrigin origin, ProblemList& problems) {
  if (!document.is_object()) {
    problems.error("", "a rule set must be an object {\"default\": route, \"rules\": [...]}, not " +
                           std::string(type_name(document)));
    return std::nullopt;
  }
  check_keys(document, "", kRuleSetKeys, problems);
  std::optional<Route> default_route;
  std::optional<std::vector<Rule>> rules;
  if (const json* value =
          member(document, "default", "", "the route when no rule matches", problems)) {
    default_route = parse_route_value(*value, "default", problems);
  }
  if (const json* value =
          member(document, "rules", "", "a list of rules (it may be empty)", problems)) {
    rules = parse_rules(*value, origin, problems);
  }
  if (!default_route || !rules || problems.has_errors()) return std::nullopt;
  warn_shadowed_rules(*rules, problems);
  return RuleSet(*default_route, std::move(*rules));
}

std::optional<std::string> dump_canonical(const json& document) {
  try {
    return document.dump();
  } catch (const json::exception&) {
    return std::nullopt;  // unreachable: the parser accepted only valid UTF-8
  }
}

}  // namespace

ParseOutcome parse_rule_set(std::string_view json_text, RuleSetOrigin origin) {
  ParseOutcome outcome;
  JsonDocument read = read_json_document(json_text);
  ProblemList problems;
  for (Problem& problem : read.errors)
    problems.error(std::move(problem.path), std::move(problem.message));
  if (read.document) {
    std::optional<RuleSet> rule_set = compile(*read.document, origin, problems);
    if (rule_set && !problems.has_errors()) {
      std::optional<std::string> canonical = dump_canonical(*read.document);
      if (canonical) {
        outcome.canonical_json = std::move(*canonical);
        outcome.rule_set = std::move(rule_set);
      } else {
        problems.error("", "the rule set cannot be written in canonical form");
      }
    }
  }
  outcome.errors = problems.take_errors();
  outcome.warnings = problems.take_warnings();
  return outcome;
}

std::optional<std::string> canonical_rule_set_json(std::string_view json_text) {
  JsonDocument read = read_json_document(json_text);
  if (!read.document || !read.errors.empty()) return std::nullopt;
  return dump_canonical(*read.document);
}

}  // namespace coexist::rules
