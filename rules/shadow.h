#pragma once

// Finds rules that can never match because an earlier rule matches every transaction they
// would (first match wins). The check is sound but conservative: a warning means the later rule
// is certainly dead; a dead rule may go unreported when proving it would need reasoning across
// conditions (e.g. two earlier rules that together cover it).
//
// Rule A covers rule B when every condition of A is implied by B's condition on the same thing:
//   string lists  each of B's exact values matches A, and each of B's prefixes starts with one
//                 of A's prefixes (A's "*" or absence covers anything);
//   posting_date  A's range contains B's; amount: A's range contains B's;
//   account       each of B's prefixes starts with one of A's;
//   attributes    for each key of A, B requires the same key with values A accepts.

#include <span>

#include "rules/problem.h"
#include "rules/rule_set.h"

namespace coexist::rules {

// True when every transaction matching `later` also matches `earlier`.
[[nodiscard]] bool covers(const Conditions& earlier, const Conditions& later);

// A warning at `rules[j]` for each shadowed rule, naming the first earlier rule that covers it.
// Bounded by kShadowComparisonsMax; when exhausted, one warning says where the check stopped.
void warn_shadowed_rules(std::span<const Rule> rules, ProblemList& problems);

}  // namespace coexist::rules
