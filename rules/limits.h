#pragma once

// Every hard limit of rule-set parsing, in one place. A rule file beyond a limit is refused with a
// message naming the limit: checking it must stay fast (no multi-second hang) and bounded in
// memory whatever an operator or a script feeds it.

#include <cstddef>

namespace coexist::rules {

// The JSON text of one rule set. Realistic sets are a few hundred rules, well under 1 MiB.
inline constexpr std::size_t kRuleSetBytesMax = 4 * 1024 * 1024;
// Rules in one set. evaluate() keeps one bit per rule on the stack, so this also bounds its
// stack use (kRuleWordsMax words).
inline constexpr std::size_t kRulesMax = 5000;
inline constexpr std::size_t kRuleWordsMax = (kRulesMax + 63) / 64;
// JSON nesting: root > rules > rule > when > attributes > value list is depth 6.
inline constexpr std::size_t kJsonDepthMax = 16;
// A rule name is recorded with every transaction it routes: keep it short.
inline constexpr std::size_t kRuleNameLengthMax = 128;  // Unicode code points
// Problems reported for one file: past this the report says how many more there were.
inline constexpr std::size_t kProblemsMax = 1000;
// Work allowed for the shadowed-rule analysis (pairwise, so quadratic in the worst case): past
// it the analysis stops with a warning instead of stalling validation.
inline constexpr std::size_t kShadowComparisonsMax = 20'000'000;

}  // namespace coexist::rules
