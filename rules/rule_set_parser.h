#pragma once

// Parses, validates and compiles a rule set (DESIGN.md, "Rules"):
//
//   rule_set = {"default": route, "rules": [rule, …]}        (at most kRulesMax rules)
//   rule     = {"name": string, "when": when, "route": route} (names unique, not "default",
//                                                          no control characters)
//   route    = "legacy" | "new" | "both" | "hold"
//   when     = see rules/condition_parser.h
//
// Every problem is named with its JSON path; unknown keys at any level are errors. Warnings
// (the set is still usable): rules shadowed by an earlier rule, values no transaction can carry,
// conditions that constrain nothing. Never throws; never takes long (see rules/limits.h).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/problem.h"
#include "rules/rule_set.h"

namespace coexist::rules {

struct ParseOutcome {
  std::optional<RuleSet> rule_set;  // set exactly when `errors` is empty; version() is 0
  std::vector<Problem> errors;
  std::vector<Problem> warnings;
  std::string canonical_json;  // canonical_rule_set_json() of the text, when `rule_set` is set
};

// Where a rule set comes from. A set recorded in the journal was valid when it was applied; a
// check added since (control characters in rule names) must not keep the router from loading it
// at start, nor an operator from rolling back to it.
enum class RuleSetOrigin : std::uint8_t {
  submitted,  // a rule file, an admin rules.apply: every check
  recorded,   // a version read back from the journal: only the checks it was applied under
};

[[nodiscard]] ParseOutcome parse_rule_set(std::string_view json_text,
                                          RuleSetOrigin origin = RuleSetOrigin::submitted);

// The canonical form the journal hashes and stores: the parsed document dumped by nlohmann with
// keys sorted (byte order) and no whitespace, so formatting and key order do not change the
// hash. nullopt when the text is not JSON within the limits (it need not be a valid rule set).
[[nodiscard]] std::optional<std::string> canonical_rule_set_json(std::string_view json_text);

}  // namespace coexist::rules
