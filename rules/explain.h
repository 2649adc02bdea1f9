#pragma once

// Why a transaction was routed the way it was: for each rule in order, whether it matched and,
// condition by condition, a sentence saying why it did or did not. Rules after the first match
// are listed as not evaluated. Slower than evaluate() (it builds sentences); used by
// `coexist rules explain`, never on the ingest path. Its decision always equals evaluate()'s.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/transaction.h"
#include "rules/evaluate.h"
#include "rules/rule_set.h"

namespace coexist::rules {

enum class RuleOutcome : std::uint8_t { matched, not_matched, not_evaluated };
[[nodiscard]] std::string_view to_string(RuleOutcome outcome);  // "matched", "not_matched", …

struct ConditionNote {
  std::string condition;  // "entity", "posting_date", "attributes.region", "when" (empty when)
  bool matched = false;
  std::string reason;  // e.g. entity "DE01" is not one of ["US01","US02"]
};

struct RuleExplanation {
  std::string name;
  Route route = Route::hold;
  RuleOutcome outcome = RuleOutcome::not_evaluated;
  std::string summary;                    // e.g. "not evaluated: an earlier rule matched"
  std::vector<ConditionNote> conditions;  // empty when not evaluated
};

struct Explanation {
  std::vector<RuleExplanation> rules;  // every rule of the set, in order
  Decision decision;                   // rule_name points into the RuleSet
  std::string summary;                 // e.g. rule "US cut over" (rules[1]) matched: route new
};

[[nodiscard]] Explanation explain(const RuleSet& rule_set, const Transaction& transaction);

// {"route", "rule", "rules_version", "summary", "rules": [{"index", "name", "route", "outcome",
//  "summary", "conditions": [{"condition", "matched", "reason"}]}]}
[[nodiscard]] nlohmann::json to_json(const Explanation& explanation);

}  // namespace coexist::rules
