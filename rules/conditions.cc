#include "rules/conditions.h"

#include <algorithm>
#include <functional>

#include "model/assert.h"

namespace coexist::rules {

namespace {

void sort_unique(std::vector<std::string>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

bool contains_sorted(const std::vector<std::string>& sorted, std::string_view value) {
  return std::binary_search(sorted.begin(), sorted.end(), value, std::less<>{});
}

}  // namespace

std::string_view to_string(StringField field) {
  switch (field) {
    case StringField::entity:
      return "entity";
    case StringField::source:
      return "source";
    case StringField::type:
      return "type";
    case StringField::currency:
      return "currency";
  }
  return "unknown";
}

const std::string& field_value(const Transaction& transaction, StringField field) {
  switch (field) {
    case StringField::entity:
      return transaction.entity;
    case StringField::source:
      return transaction.source;
    case StringField::type:
      return transaction.type;
    case StringField::currency:
      return transaction.currency;
  }
  return transaction.entity;  // unreachable: the switch covers every field
}

bool item_matches(std::string_view item, std::string_view value) {
  if (!item.empty() && item.back() == '*')
    return value.starts_with(item.substr(0, item.size() - 1));
  return value == item;
}

StringCondition::StringCondition(std::vector<std::string> items) : items_(std::move(items)) {
  for (const std::string& item : items_) {
    COEXIST_ASSERT(!item.empty());
    if (item == "*") {
      matches_everything_ = true;
    } else if (!item.empty() && item.back() == '*') {
      prefixes_.push_back(item.substr(0, item.size() - 1));
    } else {
      exact_.push_back(item);
    }
  }
  sort_unique(exact_);
  sort_unique(prefixes_);
}

bool StringCondition::matches(std::string_view value) const {
  if (matches_everything_ || contains_sorted(exact_, value)) return true;
  return std::any_of(prefixes_.begin(), prefixes_.end(),
                     [value](const std::string& prefix) { return value.starts_with(prefix); });
}

AccountCondition::AccountCondition(std::vector<std::string> items) : items_(std::move(items)) {
  for (const std::string& item : items_) {
    std::string prefix = item;
    if (!prefix.empty() && prefix.back() == '*') prefix.pop_back();
    if (prefix.empty()) matches_everything_ = true;
    prefixes_.push_back(std::move(prefix));
  }
  sort_unique(prefixes_);
}

std::optional<std::string_view> AccountCondition::matching_prefix(std::string_view account) const {
  for (const std::string& prefix : prefixes_) {
    if (account.starts_with(prefix)) return prefix;
  }
  return std::nullopt;
}

bool AccountCondition::matches(std::span<const Line> lines) const {
  return std::any_of(lines.begin(), lines.end(), [this](const Line& line) {
    return matching_prefix(line.account).has_value();
  });
}

AttributeCondition::AttributeCondition(std::string key_in, std::vector<std::string> values_in)
    : key(std::move(key_in)), values(std::move(values_in)), sorted_values(values) {
  sort_unique(sorted_values);
}

bool AttributeCondition::accepts(std::string_view value) const {
  return contains_sorted(sorted_values, value);
}

bool AttributeCondition::matches(const Transaction& transaction) const {
  const std::string* value = find_attribute(transaction, key);
  return value != nullptr && accepts(*value);
}

const std::string* find_attribute(const Transaction& transaction, std::string_view key) {
  // Linear: at most limits::kAttributesMax entries, and it does not rely on the sort order.
  for (const auto& [name, value] : transaction.attributes) {
    if (name == key) return &value;
  }
  return nullptr;
}

bool Conditions::empty() const {
  return std::none_of(strings.begin(), strings.end(),
                      [](const auto& condition) { return condition.has_value(); }) &&
         !posting_date && !amount && !account && attributes.empty();
}

std::optional<std::uint32_t> date_key(std::string_view date) {
  constexpr std::size_t kLength = 10;  // YYYY-MM-DD
  if (date.size() != kLength || date[4] != '-' || date[7] != '-') return std::nullopt;
  std::uint32_t key = 0;
  for (std::size_t i = 0; i < kLength; ++i) {
    if (i == 4 || i == 7) continue;
    if (date[i] < '0' || date[i] > '9') return std::nullopt;
    key = key * 10 + static_cast<std::uint32_t>(date[i] - '0');
  }
  return key;
}

bool other_conditions_match(const Conditions& conditions, const Transaction& transaction) {
  if (conditions.amount && !conditions.amount->contains(debit_total(transaction))) return false;
  if (conditions.account && !conditions.account->matches(transaction.lines)) return false;
  return std::all_of(conditions.attributes.begin(), conditions.attributes.end(),
                     [&transaction](const AttributeCondition& attribute) {
                       return attribute.matches(transaction);
                     });
}

bool conditions_match(const Conditions& conditions, const Transaction& transaction) {
  for (StringField field : kStringFields) {
    const std::optional<StringCondition>& condition = conditions.string(field);
    if (condition && !condition->matches(field_value(transaction, field))) return false;
  }
  if (conditions.posting_date && !conditions.posting_date->contains(transaction.posting_date)) {
    return false;
  }
  return other_conditions_match(conditions, transaction);
}

}  // namespace coexist::rules
