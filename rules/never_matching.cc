#include "rules/never_matching.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "model/currency.h"
#include "model/field_values.h"
#include "model/money.h"
#include "rules/json_text.h"

namespace coexist::rules {

namespace {

// DESIGN.md's known transaction types: another spelling is allowed but is likely a typo.
constexpr std::array<std::string_view, 8> kKnownTypes = {
    "journal", "invoice", "credit_memo",      "payment",
    "refund",  "usage",   "revenue_schedule", "adjustment"};

std::optional<ValueField> value_field(StringField field) {
  switch (field) {
    case StringField::entity:
      return ValueField::entity;
    case StringField::source:
      return ValueField::source;
    case StringField::type:
      return ValueField::type;
    case StringField::currency:
      break;  // a closed list, checked against the table instead
  }
  return std::nullopt;
}

bool some_currency_starts_with(std::string_view prefix) {
  const auto currencies = all_currencies();
  return std::any_of(currencies.begin(), currencies.end(), [prefix](const Currency& currency) {
    return currency.code.starts_with(prefix);
  });
}

// Why no transaction's `field` equals `text` (or starts with it, for a prefix), or nullopt.
std::optional<std::string> why_never(StringField field, std::string_view text, bool prefix) {
  if (field == StringField::currency) {
    const bool found = prefix ? some_currency_starts_with(text) : find_currency(text).has_value();
    if (found) return std::nullopt;
    return prefix ? std::string("no code in the built-in ISO 4217 table starts with it")
                  : std::string("it is not in the built-in ISO 4217 table");
  }
  std::optional<std::string> why = why_never_carried(*value_field(field), text);
  if (!why) return std::nullopt;
  return "a transaction's " + std::string(to_string(field)) + " " + *why;
}

// The smallest debit total a transaction can have: one minor unit of the currency with the most
// decimals (CLF: 0.0001).
Decimal smallest_amount() {
  std::uint8_t scale = 0;
  for (const Currency& currency : all_currencies()) scale = std::max(scale, currency.minor_units);
  return Decimal{1, scale};
}

}  // namespace

void warn_never_matching(StringField field, const StringCondition& condition,
                         const std::string& path, ProblemList& problems) {
  for (const std::string& item : condition.items()) {
    if (item == "*") continue;
    const bool prefix = item.back() == '*';
    const std::string_view text = prefix ? std::string_view(item).substr(0, item.size() - 1) : item;
    if (std::optional<std::string> why = why_never(field, text, prefix)) {
      problems.warning(
          path, std::string(to_string(field)) + " " + json_quote(item) + " never matches: " + *why);
    } else if (field == StringField::type && !prefix &&
               std::find(kKnownTypes.begin(), kKnownTypes.end(), text) == kKnownTypes.end()) {
      problems.warning(path, "type " + json_quote(item) +
                                 " is not a known transaction type (journal, invoice, credit_memo, "
                                 "payment, refund, usage, revenue_schedule, adjustment)");
    }
  }
}

void warn_never_matching(const AccountCondition& condition, const std::string& path,
                         ProblemList& problems) {
  for (const std::string& prefix : condition.prefixes()) {
    if (prefix.empty()) continue;  // matches every account
    if (std::optional<std::string> why = why_never_carried(ValueField::account, prefix)) {
      problems.warning(path, "account prefix " + json_quote(prefix) +
                                 " never matches: a line's account " + *why);
    }
  }
}

void warn_never_matching(const AttributeCondition& condition, const std::string& path,
                         ProblemList& problems) {
  if (std::optional<std::string> why =
          why_never_carried(ValueField::attribute_name, condition.key)) {
    problems.warning(path, "attribute " + json_quote(condition.key) +
                               " never matches: an attribute name " + *why);
    return;  // its values cannot matter
  }
  for (const std::string& value : condition.values) {
    if (std::optional<std::string> why = why_never_carried(ValueField::attribute_value, value)) {
      problems.warning(path, "attribute value " + json_quote(value) +
                                 " never matches: an attribute value " + *why);
    }
  }
}

void warn_never_matching(const AmountRange& range, const std::string& path, ProblemList& problems) {
  static const Decimal kSmallest = smallest_amount();
  if (range.max && compare(*range.max, kSmallest) < 0) {
    // "0.0001": one minor unit of the finest currency.
    const std::string smallest = "0." + std::string(kSmallest.scale - 1, '0') + "1";
    problems.warning(path, "max " + range.max_text +
                               " is below the smallest amount a transaction can carry (" +
                               smallest + "): the range never matches");
  }
}

}  // namespace coexist::rules
