#pragma once

// A compiled rule set: the default route and the ordered rules, each with its name, route and
// compiled conditions, plus the index evaluate() uses. Build one with parse_rule_set()
// (rules/rule_set_parser.h), which validates the JSON first. Immutable once built except for
// `version`, which the journal assigns when the set is applied; share it across threads freely
// (evaluate() only reads it).

#include <cstdint>
#include <string>
#include <vector>

#include "rules/conditions.h"
#include "rules/route.h"
#include "rules/rule_index.h"

namespace coexist::rules {

struct Rule {
  std::string name;  // unique within the set, never "default"
  Route route = Route::hold;
  Conditions when;
};

class RuleSet {
 public:
  // At most kRulesMax rules with unique names (asserted: the parser guarantees both).
  RuleSet(Route default_route, std::vector<Rule> rules);

  [[nodiscard]] Route default_route() const { return default_route_; }
  [[nodiscard]] const std::vector<Rule>& rules() const { return rules_; }
  [[nodiscard]] const RuleIndex& index() const { return index_; }

  // 0 until the journal applies the set and numbers it (1, 2, …).
  [[nodiscard]] std::uint32_t version() const { return version_; }
  void set_version(std::uint32_t version) { version_ = version; }

 private:
  Route default_route_;
  std::vector<Rule> rules_;
  RuleIndex index_;
  std::uint32_t version_ = 0;
};

}  // namespace coexist::rules
