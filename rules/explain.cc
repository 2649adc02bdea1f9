#include "rules/explain.h"

#include <algorithm>
#include <utility>

#include "model/money.h"
#include "rules/json_text.h"

namespace coexist::rules {

namespace {

ConditionNote explain_string(StringField field, const StringCondition& condition,
                             const Transaction& transaction) {
  const std::string& value = field_value(transaction, field);
  const bool matched = condition.matches(value);
  const std::vector<std::string>& items = condition.items();
  std::string reason = std::string(to_string(field)) + " " + json_quote(value);
  if (items.size() == 1) {
    const std::string& item = items.front();
    if (item == "*") {
      reason += " matches \"*\" (every value)";
    } else if (item.back() == '*') {
      reason += (matched ? " starts with " : " does not start with ") +
                json_quote(std::string_view(item).substr(0, item.size() - 1)) + " (" +
                json_quote(item) + ")";
    } else {
      reason += (matched ? " is " : " is not ") + json_quote(item);
    }
  } else if (matched) {
    const auto item = std::find_if(items.begin(), items.end(), [&value](const std::string& it) {
      return item_matches(it, value);
    });
    reason += " matches " + json_quote(*item) + ", one of " + json_quote_list(items);
  } else {
    reason += " is not one of " + json_quote_list(items);
  }
  return ConditionNote{std::string(to_string(field)), matched, std::move(reason)};
}

ConditionNote explain_date(const DateRange& range, const Transaction& transaction) {
  const std::string& date = transaction.posting_date;
  std::string reason = "posting_date " + date;
  if (!range.from.empty() && date < range.from) {
    reason += " is before from " + range.from;
  } else if (!range.before.empty() && date >= range.before) {
    reason += " is not before " + range.before + " (before is exclusive)";
  } else if (range.from.empty() && range.before.empty()) {
    reason += ": no bounds, every date matches";
  } else {
    if (!range.from.empty()) reason += " is on or after " + range.from;
    if (!range.from.empty() && !range.before.empty()) reason += " and";
    if (!range.before.empty()) reason += " is before " + range.before;
  }
  return ConditionNote{"posting_date", range.contains(date), std::move(reason)};
}

ConditionNote explain_amount(const AmountRange& range, const Transaction& transaction) {
  const Decimal total = debit_total(transaction);
  std::string reason = "amount " + format_amount(transaction.debit_total, transaction.minor_units) +
                       " " + transaction.currency + " (debit total)";
  if (range.min && compare(total, *range.min) < 0) {
    reason += " is below min " + range.min_text;
  } else if (range.max && compare(total, *range.max) > 0) {
    reason += " is above max " + range.max_text;
  } else if (!range.min && !range.max) {
    reason += ": no bounds, every amount matches";
  } else {
    if (range.min) reason += " is at least " + range.min_text;
    if (range.min && range.max) reason += " and";
    if (range.max) reason += " is at most " + range.max_text;
  }
  return ConditionNote{"amount", range.contains(total), std::move(reason)};
}

ConditionNote explain_account(const AccountCondition& condition, const Transaction& transaction) {
  for (std::size_t i = 0; i < transaction.lines.size(); ++i) {
    const std::string& account = transaction.lines[i].account;
    if (std::optional<std::string_view> prefix = condition.matching_prefix(account)) {
      return ConditionNote{"account", true,
                           index_path("lines", i) + ".account " + json_quote(account) +
                               " starts with " + json_quote(*prefix)};
    }
  }
  const std::vector<std::string>& items = condition.items();
  std::string reason = "no line's account starts with ";
  reason += items.size() == 1 ? json_quote(items.front()) : "any of " + json_quote_list(items);
  return ConditionNote{"account", false, std::move(reason)};
}

ConditionNote explain_attribute(const AttributeCondition& condition,
                                const Transaction& transaction) {
  const std::string name = "attributes." + condition.key;
  std::string reason = "attribute " + json_quote(condition.key);
  const std::string* value = find_attribute(transaction, condition.key);
  if (value == nullptr) return ConditionNote{name, false, reason + " is missing"};
  const bool matched = condition.accepts(*value);
  reason += " is " + json_quote(*value);
  if (condition.values.size() == 1) {
    if (!matched) reason += ", not " + json_quote(condition.values.front());
  } else {
    reason += (matched ? ", one of " : ", not one of ") + json_quote_list(condition.values);
  }
  return ConditionNote{name, matched, std::move(reason)};
}

std::vector<ConditionNote> explain_conditions(const Conditions& when,
                                              const Transaction& transaction) {
  std::vector<ConditionNote> notes;
  for (StringField field : kStringFields) {
    if (const auto& condition = when.string(field)) {
      notes.push_back(explain_string(field, *condition, transaction));
    }
  }
  if (when.posting_date) notes.push_back(explain_date(*when.posting_date, transaction));
  if (when.amount) notes.push_back(explain_amount(*when.amount, transaction));
  if (when.account) notes.push_back(explain_account(*when.account, transaction));
  for (const AttributeCondition& attribute : when.attributes) {
    notes.push_back(explain_attribute(attribute, transaction));
  }
  if (notes.empty())
    notes.push_back(ConditionNote{"when", true, "no conditions: matches every transaction"});
  return notes;
}

RuleExplanation explain_rule(const Rule& rule, const Transaction& transaction) {
  RuleExplanation explanation{rule.name, rule.route, RuleOutcome::matched, "", {}};
  explanation.conditions = explain_conditions(rule.when, transaction);
  const auto failed = static_cast<std::size_t>(
      std::count_if(explanation.conditions.begin(), explanation.conditions.end(),
                    [](const ConditionNote& note) { return !note.matched; }));
  if (failed == 0) {
    explanation.summary = "matched: route " + std::string(to_string(rule.route));
  } else {
    explanation.outcome = RuleOutcome::not_matched;
    explanation.summary = "did not match: " + std::to_string(failed) + " of " +
                          std::to_string(explanation.conditions.size()) + " conditions failed";
  }
  return explanation;
}

}  // namespace

std::string_view to_string(RuleOutcome outcome) {
  switch (outcome) {
    case RuleOutcome::matched:
      return "matched";
    case RuleOutcome::not_matched:
      return "not_matched";
    case RuleOutcome::not_evaluated:
      return "not_evaluated";
  }
  return "unknown";
}

Explanation explain(const RuleSet& rule_set, const Transaction& transaction) {
  Explanation explanation;
  explanation.decision = Decision{rule_set.default_route(), kDefaultRuleName, rule_set.version()};
  std::optional<std::size_t> matched;
  for (std::size_t i = 0; i < rule_set.rules().size(); ++i) {
    const Rule& rule = rule_set.rules()[i];
    if (matched) {
      explanation.rules.push_back(RuleExplanation{rule.name,
                                                  rule.route,
                                                  RuleOutcome::not_evaluated,
                                                  "not evaluated: an earlier rule matched",
                                                  {}});
      continue;
    }
    explanation.rules.push_back(explain_rule(rule, transaction));
    if (explanation.rules.back().outcome == RuleOutcome::matched) {
      matched = i;
      explanation.decision = Decision{rule.route, rule.name, rule_set.version()};
    }
  }
  const std::string route(to_string(explanation.decision.route));
  explanation.summary = matched ? "rule " + json_quote(explanation.decision.rule_name) + " (" +
                                      index_path("rules", *matched) + ") matched: route " + route
                                : "no rule matched: the default route " + route + " applies";
  return explanation;
}

nlohmann::json to_json(const Explanation& explanation) {
  nlohmann::json rules = nlohmann::json::array();
  for (std::size_t i = 0; i < explanation.rules.size(); ++i) {
    const RuleExplanation& rule = explanation.rules[i];
    nlohmann::json conditions = nlohmann::json::array();
    for (const ConditionNote& note : rule.conditions) {
      conditions.push_back(
          {{"condition", note.condition}, {"matched", note.matched}, {"reason", note.reason}});
    }
    rules.push_back({{"index", i},
                     {"name", rule.name},
                     {"route", to_string(rule.route)},
                     {"outcome", to_string(rule.outcome)},
                     {"summary", rule.summary},
                     {"conditions", std::move(conditions)}});
  }
  return {{"route", to_string(explanation.decision.route)},
          {"rule", explanation.decision.rule_name},
          {"rules_version", explanation.decision.version},
          {"summary", explanation.summary},
          {"rules", std::move(rules)}};
}

}  // namespace coexist::rules
