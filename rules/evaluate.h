#pragma once

// First-match evaluation: the routing decision made once, at ingest, for every transaction.
// Pure and allocation-free; safe to call from many threads on one RuleSet.

#include <cstdint>
#include <string_view>

#include "model/transaction.h"
#include "rules/route.h"
#include "rules/rule_set.h"

namespace coexist::rules {

inline constexpr std::string_view kDefaultRuleName = "default";

struct Decision {
  Route route = Route::hold;
  // The matching rule's name, or kDefaultRuleName when none matched. Points into the RuleSet
  // (or at a literal): copy it before the set goes away.
  std::string_view rule_name = kDefaultRuleName;
  std::uint32_t version = 0;  // RuleSet::version()
};

// The first rule (in order) whose every condition holds, else the default route.
[[nodiscard]] Decision evaluate(const RuleSet& rule_set, const Transaction& transaction);

}  // namespace coexist::rules
