#include "rules/condition_parser.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "model/date.h"
#include "rules/json_checks.h"
#include "rules/json_text.h"
#include "rules/never_matching.h"

namespace coexist::rules {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 8> kWhenKeys = {
    "entity", "source", "type", "currency", "posting_date", "amount", "account", "attributes"};
constexpr std::array<std::string_view, 2> kDateKeys = {"from", "before"};
constexpr std::array<std::string_view, 2> kAmountKeys = {"min", "max"};
// A non-empty string, or a non-empty list of them.
std::optional<std::vector<std::string>> parse_strings(const json& value, const std::string& path,
                                                      ProblemList& problems) {
  if (value.is_string()) {
    if (value.get_ref<const std::string&>().empty()) {
      problems.error(path, "must not be an empty string");
      return std::nullopt;
    }
    return std::vector<std::string>{value.get<std::string>()};
  }
  if (!value.is_array()) {
    problems.error(path,
                   "must be a string or a list of strings, not " + std::string(type_name(value)));
    return std::nullopt;
  }
  if (value.empty()) {
    problems.error(path, "an empty list matches nothing: list at least one value");
    return std::nullopt;
  }
  std::vector<std::string> items;
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const json& item = value[i];
    if (!item.is_string()) {
      problems.error(index_path(path, i), "must be a string, not " + std::string(type_name(item)));
      ok = false;
    } else if (item.get_ref<const std::string&>().empty()) {
      problems.error(index_path(path, i), "must not be an empty string");
      ok = false;
    } else {
      items.push_back(item.get<std::string>());
    }
  }
  if (!ok) return std::nullopt;
  return items;
}

std::optional<std::string> parse_date(const json& value, const std::string& path,
                                      ProblemList& problems) {
  if (!value.is_string()) {
    problems.error(path,
                   "must be a date string \"YYYY-MM-DD\", not " + std::string(type_name(value)));
    return std::nullopt;
  }
  const std::string& text = value.get_ref<const std::string&>();
  if (!is_valid_date(text)) {
    problems.error(path, json_quote(text) + " is not a real calendar date in the form YYYY-MM-DD");
    return std::nullopt;
  }
  return text;
}

std::optional<DateRange> parse_date_range(const json& value, const std::string& path,
                                          ProblemList& problems) {
  if (!value.is_object()) {
    problems.error(path, "must be an object {\"from\": date, \"before\": date}, not " +
                             std::string(type_name(value)));
    return std::nullopt;
  }
  check_keys(value, path, kDateKeys, problems);
  DateRange range;
  bool ok = true;
  for (std::string_view key : kDateKeys) {
    if (!value.contains(key)) continue;
    std::optional<std::string> date =
        parse_date(value[std::string(key)], child_path(path, key), problems);
    ok = ok && date.has_value();
    if (date) (key == "from" ? range.from : range.before) = std::move(*date);
  }
  if (!ok) return std::nullopt;
  if (!range.from.empty() && !range.before.empty() && range.from >= range.before) {
    problems.error(path, "from " + range.from + " is not before " + range.before +
                             " (before is exclusive): the range holds no date");
    return std::nullopt;
  }
  if (range.from.empty() && range.before.empty()) {
    problems.warning(path, "neither from nor before is given: every date matches");
  }
  return range;
}

std::optional<Decimal> parse_bound(const json& value, const std::string& path,
                                   ProblemList& problems) {
  if (!value.is_string()) {
    problems.error(path, "must be a decimal string such as \"100.00\", not " +
                             std::string(type_name(value)) + " (amounts are never floating point)");
    return std::nullopt;
  }
  std::string error;
  std::optional<Decimal> amount = parse_decimal(value.get_ref<const std::string&>(), &error);
  if (!amount) {
    problems.error(path, json_quote(value.get_ref<const std::string&>()) +
                             " is not a decimal amount: " + error);
  }
  return amount;
}

std::optional<AmountRange> parse_amount_range(const json& value, const std::string& path,
                                              ProblemList& problems) {
  if (!value.is_object()) {
    problems.error(path, "must be an object {\"min\": \"decimal\", \"max\": \"decimal\"}, not " +
                             std::string(type_name(value)));
    return std::nullopt;
  }
  check_keys(value, path, kAmountKeys, problems);
  AmountRange range;
  bool ok = true;
  for (std::string_view key : kAmountKeys) {
    if (!value.contains(key)) continue;
    const json& bound = value[std::string(key)];
    std::optional<Decimal> amount = parse_bound(bound, child_path(path, key), problems);
    ok = ok && amount.has_value();
    if (!amount) continue;
    (key == "min" ? range.min : range.max) = amount;
    (key == "min" ? range.min_text : range.max_text) = bound.get<std::string>();
  }
  if (!ok) return std::nullopt;
  if (range.min && range.max && compare(*range.min, *range.max) > 0) {
    problems.error(path, "min " + range.min_text + " is greater than max " + range.max_text +
                             ": the range holds no amount");
    return std::nullopt;
  }
  if (!range.min && !range.max) {
    problems.warning(path, "neither min nor max is given: every amount matches");
  }
  warn_never_matching(range, path, problems);
  return range;
}

std::optional<AttributeCondition> parse_attribute(const std::string& key, const json& value,
                                                  const std::string& path, ProblemList& problems) {
  if (key.empty()) {
    problems.error(path, "an attribute name must not be empty");
    return std::nullopt;
  }
  std::optional<std::vector<std::string>> values = parse_strings(value, path, problems);
  if (!values) return std::nullopt;
  if (std::find(values->begin(), values->end(), "*") != values->end()) {
    problems.warning(path, "attribute values match exactly: \"*\" matches only the value \"*\"");
  }
  AttributeCondition attribute(key, std::move(*values));
  warn_never_matching(attribute, path, problems);
  return attribute;
}

std::optional<std::vector<AttributeCondition>> parse_attributes(const json& value,
                                                                const std::string& path,
                                                                ProblemList& problems) {
  if (!value.is_object()) {
    problems.error(path, "must be an object {\"name\": value or [values]}, not " +
                             std::string(type_name(value)));
    return std::nullopt;
  }
  if (value.empty()) problems.warning(path, "no attribute is named: every transaction matches");
  std::vector<AttributeCondition> attributes;
  bool ok = true;
  // nlohmann objects iterate in key order, so `attributes` comes out sorted by key.
  for (auto it = value.begin(); it != value.end(); ++it) {
    std::optional<AttributeCondition> attribute =
        parse_attribute(it.key(), it.value(), child_path(path, it.key()), problems);
    ok = ok && attribute.has_value();
    if (attribute) attributes.push_back(std::move(*attribute));
  }
  if (!ok) return std::nullopt;
  return attributes;
}

// One key of `when`; false when it had a problem.
bool parse_condition(std::string_view key, const json& value, const std::string& path,
                     Conditions& conditions, ProblemList& problems) {
  for (StringField field : kStringFields) {
    if (key != to_string(field)) continue;
    std::optional<std::vector<std::string>> items = parse_strings(value, path, problems);
    if (!items) return false;
    conditions.string(field).emplace(std::move(*items));
    warn_never_matching(field, *conditions.string(field), path, problems);
    return true;
  }
  if (key == "posting_date") {
    conditions.posting_date = parse_date_range(value, path, problems);
    return conditions.posting_date.has_value();
  }
  if (key == "amount") {
    conditions.amount = parse_amount_range(value, path, problems);
    return conditions.amount.has_value();
  }
  if (key == "account") {
    std::optional<std::vector<std::string>> items = parse_strings(value, path, problems);
    if (!items) return false;
    conditions.account.emplace(std::move(*items));
    warn_never_matching(*conditions.account, path, problems);
    return true;
  }
  std::optional<std::vector<AttributeCondition>> attributes =
      parse_attributes(value, path, problems);
  if (attributes) conditions.attributes = std::move(*attributes);
  return attributes.has_value();
}

}  // namespace

std::optional<Conditions> parse_conditions(const json& when, const std::string& path,
                                           ProblemList& problems) {
  if (!when.is_object()) {
    problems.error(path, "must be an object of conditions ({} matches everything), not " +
                             std::string(type_name(when)));
    return std::nullopt;
  }
  check_keys(when, path, kWhenKeys, problems);
  Conditions conditions;
  bool ok = true;
  for (std::string_view key : kWhenKeys) {
    if (!when.contains(key)) continue;
    ok =
        parse_condition(key, when[std::string(key)], child_path(path, key), conditions, problems) &&
        ok;
  }
  if (!ok) return std::nullopt;
  return conditions;
}

}  // namespace coexist::rules
