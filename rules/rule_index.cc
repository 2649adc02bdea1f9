#include "rules/rule_index.h"

#include <algorithm>

#include "model/assert.h"
#include "rules/limits.h"
#include "rules/rule_set.h"

namespace coexist::rules {

namespace {

void set_bit(std::span<std::uint64_t> words, std::uint32_t bit) {
  words[bit / 64] |= std::uint64_t{1} << (bit % 64);
}

// The key of a window bound, `unbounded` when absent.
std::uint32_t window_bound(const std::string& date, std::uint32_t unbounded) {
  if (date.empty()) return unbounded;
  const std::optional<std::uint32_t> key = date_key(date);
  COEXIST_ASSERT(key.has_value());  // the parser accepts only real dates
  return *key;
}

}  // namespace

RuleIndex::RuleIndex(std::span<const Rule> rules) : word_count_((rules.size() + 63) / 64) {
  COEXIST_ASSERT(rules.size() <= kRulesMax);
  for (FieldIndex& field : fields_) field.unconstrained.assign(word_count_, 0);
  date_windows_.reserve(rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    add_rule(static_cast<std::uint32_t>(i), rules[i].when);
  }
  for (FieldIndex& field : fields_) {
    for (const auto& [prefix, unused] : field.prefixes)
      field.prefix_lengths.push_back(prefix.size());
    std::sort(field.prefix_lengths.begin(), field.prefix_lengths.end());
    field.prefix_lengths.erase(
        std::unique(field.prefix_lengths.begin(), field.prefix_lengths.end()),
        field.prefix_lengths.end());
  }
}

void RuleIndex::add_rule(std::uint32_t rule, const Conditions& conditions) {
  DateWindow& window = date_windows_.emplace_back();
  if (conditions.posting_date) {
    window.from = window_bound(conditions.posting_date->from, window.from);
    window.before = window_bound(conditions.posting_date->before, window.before);
  }
  window.has_other_conditions =
      conditions.amount || conditions.account || !conditions.attributes.empty();
  for (StringField name : kStringFields) {
    FieldIndex& field = fields_[static_cast<std::size_t>(name)];
    const std::optional<StringCondition>& condition = conditions.string(name);
    if (!condition || condition->matches_everything()) {
      set_bit(field.unconstrained, rule);
      continue;
    }
    field.active = true;
    // exact() and prefixes() are deduplicated, so a rule appears once per value.
    for (const std::string& value : condition->exact()) field.exact[value].push_back(rule);
    for (const std::string& prefix : condition->prefixes()) field.prefixes[prefix].push_back(rule);
  }
}

void RuleIndex::narrow(const Transaction& transaction, std::span<std::uint64_t> candidates) const {
  COEXIST_ASSERT(candidates.size() == word_count_);
  for (StringField name : kStringFields) {
    const FieldIndex& field = fields_[static_cast<std::size_t>(name)];
    if (field.active) narrow_field(field, field_value(transaction, name), candidates);
  }
}

void RuleIndex::narrow_field(const FieldIndex& field, std::string_view value,
                             std::span<std::uint64_t> candidates) const {
  std::array<std::uint64_t, kRuleWordsMax> allowed;
  std::copy(field.unconstrained.begin(), field.unconstrained.end(), allowed.begin());
  const std::span<std::uint64_t> allowed_words(allowed.data(), word_count_);
  if (auto it = field.exact.find(value); it != field.exact.end()) {
    for (std::uint32_t rule : it->second) set_bit(allowed_words, rule);
  }
  for (std::size_t length : field.prefix_lengths) {
    if (length > value.size()) break;
    if (auto it = field.prefixes.find(value.substr(0, length)); it != field.prefixes.end()) {
      for (std::uint32_t rule : it->second) set_bit(allowed_words, rule);
    }
  }
  for (std::size_t word = 0; word < word_count_; ++word) candidates[word] &= allowed_words[word];
}

}  // namespace coexist::rules
