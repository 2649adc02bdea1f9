#include "rules/evaluate.h"

#include <algorithm>
#include <array>
#include <bit>
#include <optional>
#include <span>

#include "rules/limits.h"

namespace coexist::rules {

Decision evaluate(const RuleSet& rule_set, const Transaction& transaction) {
  const std::vector<Rule>& rules = rule_set.rules();
  const std::size_t word_count = rule_set.index().word_count();
  std::array<std::uint64_t, kRuleWordsMax> words;
  const std::span<std::uint64_t> candidates(words.data(), word_count);
  std::fill(candidates.begin(), candidates.end(), ~std::uint64_t{0});
  if (rules.size() % 64 != 0) candidates.back() = (std::uint64_t{1} << (rules.size() % 64)) - 1;

  const RuleIndex& index = rule_set.index();
  index.narrow(transaction, candidates);
  const std::optional<std::uint32_t> date = date_key(transaction.posting_date);
  for (std::size_t word = 0; word < word_count; ++word) {
    for (std::uint64_t bits = candidates[word]; bits != 0; bits &= bits - 1) {
      const std::size_t i = word * 64 + static_cast<std::size_t>(std::countr_zero(bits));
      const Rule& rule = rules[i];
      if (date ? !index.date_in_window(i, *date)
               : rule.when.posting_date &&
                     !rule.when.posting_date->contains(transaction.posting_date)) {
        continue;
      }
      if (!index.has_other_conditions(i) || other_conditions_match(rule.when, transaction)) {
        return Decision{rule.route, rule.name, rule_set.version()};
      }
    }
  }
  return Decision{rule_set.default_route(), kDefaultRuleName, rule_set.version()};
}

}  // namespace coexist::rules
