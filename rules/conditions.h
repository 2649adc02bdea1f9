#pragma once

// The compiled conditions of one rule's `when` object (DESIGN.md, "Rules") and the predicates
// that test a transaction against each of them. A condition that is absent constrains nothing;
// a rule matches when every present condition holds.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/money.h"
#include "model/transaction.h"

namespace coexist::rules {

// The transaction fields matched by string conditions, in the order the index narrows them.
enum class StringField : std::uint8_t { entity, source, type, currency };
inline constexpr std::size_t kStringFieldCount = 4;
inline constexpr std::array<StringField, kStringFieldCount> kStringFields = {
    StringField::entity, StringField::source, StringField::type, StringField::currency};

// "entity", "source", "type", "currency": the key in a rule's `when`.
[[nodiscard]] std::string_view to_string(StringField field);
[[nodiscard]] const std::string& field_value(const Transaction& transaction, StringField field);

// One written item of a string condition: "*" matches everything, "US*" is the prefix "US",
// anything else must be equal.
[[nodiscard]] bool item_matches(std::string_view item, std::string_view value);

// `entity`, `source`, `type` or `currency`: a string or a list of strings, any of which may
// match. Items are kept as written (for explanations) and compiled into a sorted exact set and a
// prefix list.
class StringCondition {
 public:
  // `items`: as written in the rule, each non-empty (the parser guarantees it).
  explicit StringCondition(std::vector<std::string> items);

  [[nodiscard]] bool matches(std::string_view value) const;
  // True when an item is a lone "*": the condition constrains nothing.
  [[nodiscard]] bool matches_everything() const { return matches_everything_; }
  [[nodiscard]] const std::vector<std::string>& items() const { return items_; }
  [[nodiscard]] const std::vector<std::string>& exact() const { return exact_; }        // sorted
  [[nodiscard]] const std::vector<std::string>& prefixes() const { return prefixes_; }  // no '*'

 private:
  std::vector<std::string> items_;
  std::vector<std::string> exact_;
  std::vector<std::string> prefixes_;
  bool matches_everything_ = false;
};

// "YYYY-MM-DD" as the number YYYYMMDD, which orders as the text does; nullopt for any other
// shape (a hand-built transaction: evaluate() then compares the text).
[[nodiscard]] std::optional<std::uint32_t> date_key(std::string_view date);

// `posting_date`: dates as "YYYY-MM-DD", which order chronologically as bytes. Empty = unbounded.
struct DateRange {
  std::string from;    // inclusive
  std::string before;  // exclusive

  [[nodiscard]] bool contains(std::string_view date) const {
    return (from.empty() || date >= from) && (before.empty() || date < before);
  }
};

// `amount`: both bounds inclusive, compared exactly with the transaction's debit total whatever
// the scales (a bound "100.005" against EUR cents, "1000" against BHD fils).
struct AmountRange {
  std::optional<Decimal> min;
  std::optional<Decimal> max;
  std::string min_text;  // as written, for explanations
  std::string max_text;

  [[nodiscard]] bool contains(Decimal amount) const {
    return (!min || compare(amount, *min) >= 0) && (!max || compare(amount, *max) <= 0);
  }
};

// The transaction's debit total as an exact decimal.
[[nodiscard]] inline Decimal debit_total(const Transaction& transaction) {
  return Decimal{transaction.debit_total, transaction.minor_units};
}

// `account`: matches when any line's account starts with any listed prefix. A trailing '*' is
// accepted and ignored (every item is a prefix already); "*" or "" matches any line.
class AccountCondition {
 public:
  explicit AccountCondition(std::vector<std::string> items);

  [[nodiscard]] bool matches(std::span<const Line> lines) const;
  // The prefix `account` starts with, or nullopt.
  [[nodiscard]] std::optional<std::string_view> matching_prefix(std::string_view account) const;
  [[nodiscard]] bool matches_everything() const { return matches_everything_; }
  [[nodiscard]] const std::vector<std::string>& items() const { return items_; }
  [[nodiscard]] const std::vector<std::string>& prefixes() const { return prefixes_; }

 private:
  std::vector<std::string> items_;
  std::vector<std::string> prefixes_;
  bool matches_everything_ = false;
};

// One key of `attributes`: present with one of the listed values (exact equality; no wildcard).
struct AttributeCondition {
  std::string key;
  std::vector<std::string> values;  // as written
  std::vector<std::string> sorted_values;

  AttributeCondition(std::string key_in, std::vector<std::string> values_in);
  [[nodiscard]] bool accepts(std::string_view value) const;
  [[nodiscard]] bool matches(const Transaction& transaction) const;
};

// The transaction's value for attribute `key`, or nullptr when it has none.
[[nodiscard]] const std::string* find_attribute(const Transaction& transaction,
                                                std::string_view key);

struct Conditions {
  std::array<std::optional<StringCondition>, kStringFieldCount> strings;  // by StringField
  std::optional<DateRange> posting_date;
  std::optional<AmountRange> amount;
  std::optional<AccountCondition> account;
  std::vector<AttributeCondition> attributes;  // sorted by key, unique keys

  [[nodiscard]] const std::optional<StringCondition>& string(StringField field) const {
    return strings[static_cast<std::size_t>(field)];
  }
  [[nodiscard]] std::optional<StringCondition>& string(StringField field) {
    return strings[static_cast<std::size_t>(field)];
  }
  [[nodiscard]] bool empty() const;
};

// `amount`, `account` and `attributes`: what evaluate() checks itself once RuleIndex has checked
// the string conditions and the date window.
[[nodiscard]] bool other_conditions_match(const Conditions& conditions,
                                          const Transaction& transaction);
// Every condition, one rule at a time: the plain definition the index must agree with.
[[nodiscard]] bool conditions_match(const Conditions& conditions, const Transaction& transaction);

}  // namespace coexist::rules
