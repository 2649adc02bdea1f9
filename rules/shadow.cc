#include "rules/shadow.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "rules/json_text.h"
#include "rules/limits.h"

namespace coexist::rules {

namespace {

bool starts_with_any(std::string_view text, const std::vector<std::string>& prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [text](const std::string& prefix) { return text.starts_with(prefix); });
}

bool covers_strings(const std::optional<StringCondition>& earlier,
                    const std::optional<StringCondition>& later) {
  if (!earlier || earlier->matches_everything()) return true;
  if (!later || later->matches_everything()) return false;
  return std::all_of(later->exact().begin(), later->exact().end(),
                     [&earlier](const std::string& value) { return earlier->matches(value); }) &&
         std::all_of(later->prefixes().begin(), later->prefixes().end(),
                     [&earlier](const std::string& prefix) {
                       return starts_with_any(prefix, earlier->prefixes());
                     });
}

bool covers_dates(const std::optional<DateRange>& earlier, const std::optional<DateRange>& later) {
  if (!earlier) return true;
  const DateRange unbounded;
  const DateRange& inner = later ? *later : unbounded;
  const bool from_ok =
      earlier->from.empty() || (!inner.from.empty() && inner.from >= earlier->from);
  const bool before_ok =
      earlier->before.empty() || (!inner.before.empty() && inner.before <= earlier->before);
  return from_ok && before_ok;
}

bool covers_amounts(const std::optional<AmountRange>& earlier,
                    const std::optional<AmountRange>& later) {
  if (!earlier) return true;
  const AmountRange unbounded;
  const AmountRange& inner = later ? *later : unbounded;
  const bool min_ok = !earlier->min || (inner.min && compare(*inner.min, *earlier->min) >= 0);
  const bool max_ok = !earlier->max || (inner.max && compare(*inner.max, *earlier->max) <= 0);
  return min_ok && max_ok;
}

bool covers_accounts(const std::optional<AccountCondition>& earlier,
                     const std::optional<AccountCondition>& later) {
  if (!earlier || earlier->matches_everything()) return true;
  if (!later) return false;
  return std::all_of(later->prefixes().begin(), later->prefixes().end(),
                     [&earlier](const std::string& prefix) {
                       return starts_with_any(prefix, earlier->prefixes());
                     });
}

bool covers_attributes(const std::vector<AttributeCondition>& earlier,
                       const std::vector<AttributeCondition>& later) {
  return std::all_of(earlier.begin(), earlier.end(), [&later](const AttributeCondition& outer) {
    const auto inner = std::find_if(later.begin(), later.end(), [&outer](const auto& candidate) {
      return candidate.key == outer.key;
    });
    return inner != later.end() &&
           std::all_of(inner->sorted_values.begin(), inner->sorted_values.end(),
                       [&outer](const std::string& value) { return outer.accepts(value); });
  });
}

// One bit per condition a rule really constrains: A can cover B only if A's bits are a subset
// of B's, an O(1) test that settles most pairs before any list is compared.
std::uint32_t constrained_mask(const Conditions& conditions) {
  std::uint32_t mask = 0;
  for (StringField field : kStringFields) {
    const std::optional<StringCondition>& condition = conditions.string(field);
    if (condition && !condition->matches_everything()) {
      mask |= 1U << static_cast<std::uint32_t>(field);
    }
  }
  if (conditions.posting_date &&
      (!conditions.posting_date->from.empty() || !conditions.posting_date->before.empty())) {
    mask |= 1U << 4U;
  }
  if (conditions.amount && (conditions.amount->min || conditions.amount->max)) mask |= 1U << 5U;
  if (conditions.account && !conditions.account->matches_everything()) mask |= 1U << 6U;
  if (!conditions.attributes.empty()) mask |= 1U << 7U;
  return mask;
}

// The work one pair costs, in list items compared: what the budget counts.
std::size_t pair_cost(const Conditions& later) {
  std::size_t cost = 1 + later.attributes.size();
  for (const auto& condition : later.strings) {
    if (condition) cost += condition->items().size();
  }
  if (later.account) cost += later.account->items().size();
  return cost;
}

}  // namespace

bool covers(const Conditions& earlier, const Conditions& later) {
  for (StringField field : kStringFields) {
    if (!covers_strings(earlier.string(field), later.string(field))) return false;
  }
  return covers_dates(earlier.posting_date, later.posting_date) &&
         covers_amounts(earlier.amount, later.amount) &&
         covers_accounts(earlier.account, later.account) &&
         covers_attributes(earlier.attributes, later.attributes);
}

void warn_shadowed_rules(std::span<const Rule> rules, ProblemList& problems) {
  std::vector<std::uint32_t> masks;
  masks.reserve(rules.size());
  for (const Rule& rule : rules) masks.push_back(constrained_mask(rule.when));
  std::size_t budget = kShadowComparisonsMax;
  for (std::size_t j = 1; j < rules.size(); ++j) {
    const std::size_t cost = pair_cost(rules[j].when);
    for (std::size_t i = 0; i < j; ++i) {
      if ((masks[i] & ~masks[j]) != 0) continue;
      if (budget < cost) {
        problems.warning("rules", "the shadowed-rule check stopped at " + index_path("rules", j) +
                                      ": the set is too large to compare every pair of rules");
        return;
      }
      budget -= cost;
      if (!covers(rules[i].when, rules[j].when)) continue;
      problems.warning(index_path("rules", j),
                       "rule " + json_quote(rules[j].name) + " can never match: the earlier rule " +
                           json_quote(rules[i].name) + " (" + index_path("rules", i) +
                           ") matches every transaction it would");
      break;
    }
  }
}

}  // namespace coexist::rules
