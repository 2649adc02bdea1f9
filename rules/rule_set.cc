#include "rules/rule_set.h"

#include <string_view>
#include <unordered_set>

#include "model/assert.h"
#include "rules/limits.h"

namespace coexist::rules {

RuleSet::RuleSet(Route default_route, std::vector<Rule> rules)
    : default_route_(default_route), rules_(std::move(rules)), index_(rules_) {
  COEXIST_ASSERT(rules_.size() <= kRulesMax);
  std::unordered_set<std::string_view> names;
  for (const Rule& rule : rules_) {
    // Decision::rule_name is "default" when no rule matched: a rule of that name would be
    // indistinguishable in the journal.
    COEXIST_ASSERT(rule.name != "default");
    COEXIST_ASSERT(names.insert(rule.name).second);
  }
}

}  // namespace coexist::rules
