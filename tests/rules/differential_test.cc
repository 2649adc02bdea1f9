// Differential property test: thousands of random rule sets and transactions, comparing the
// indexed evaluate() (and explain()) with a deliberately naive reference evaluator that reads the
// rule-set JSON document directly. Any failure prints the seed; rerun one case with
// COEXIST_TEST_SEED=<seed> (it then runs that seed first).

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "rules/evaluate.h"
#include "rules/explain.h"
#include "rules/rule_set_parser.h"
#include "rules/shadow.h"
#include "tests/rules/test_support.h"

namespace coexist::rules {
namespace {

using nlohmann::json;

// ---- The reference: plain reading of DESIGN.md's "Rules" section, no precomputation. ----

// Exact comparison of two non-negative decimal strings ("100", "0.005").
int naive_compare(const std::string& a, const std::string& b) {
  const auto split = [](const std::string& text) {
    const std::size_t dot = text.find('.');
    std::string whole = text.substr(0, dot);
    std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
    whole.erase(0, whole.find_first_not_of('0') == std::string::npos
                       ? whole.size()
                       : whole.find_first_not_of('0'));
    return std::pair{whole, fraction};
  };
  auto [a_whole, a_fraction] = split(a);
  auto [b_whole, b_fraction] = split(b);
  if (a_whole.size() != b_whole.size()) return a_whole.size() < b_whole.size() ? -1 : 1;
  if (a_whole != b_whole) return a_whole < b_whole ? -1 : 1;
  const std::size_t width = std::max(a_fraction.size(), b_fraction.size());
  a_fraction.resize(width, '0');
  b_fraction.resize(width, '0');
  if (a_fraction != b_fraction) return a_fraction < b_fraction ? -1 : 1;
  return 0;
}

std::string naive_amount_text(std::int64_t minor, int digits) {
  std::string text = std::to_string(minor);
  if (digits == 0) return text;
  while (static_cast<int>(text.size()) <= digits) text.insert(0, "0");
  text.insert(text.size() - static_cast<std::size_t>(digits), ".");
  return text;
}

std::vector<std::string> items_of(const json& condition) {
  if (condition.is_string()) return {condition.get<std::string>()};
  return condition.get<std::vector<std::string>>();
}

bool reference_string(const json& condition, const std::string& value) {
  for (const std::string& item : items_of(condition)) {
    if (item == "*") return true;
    if (item.back() == '*') {
      if (value.compare(0, item.size() - 1, item, 0, item.size() - 1) == 0 &&
          value.size() >= item.size() - 1) {
        return true;
      }
    } else if (value == item) {
      return true;
    }
  }
  return false;
}

bool reference_account(const json& condition, const std::vector<Line>& lines) {
  for (const Line& line : lines) {
    for (std::string prefix : items_of(condition)) {
      if (!prefix.empty() && prefix.back() == '*') prefix.pop_back();
      if (line.account.substr(0, prefix.size()) == prefix) return true;
    }
  }
  return false;
}

bool reference_attributes(const json& condition, const Transaction& transaction) {
  for (const auto& [key, values] : condition.items()) {
    bool found = false;
    for (const auto& [name, value] : transaction.attributes) {
      if (name != key) continue;
      for (const std::string& wanted : items_of(values)) found = found || wanted == value;
    }
    if (!found) return false;
  }
  return true;
}

bool reference_when(const json& when, const Transaction& transaction) {
  for (const auto& [key, condition] : when.items()) {
    bool holds = true;
    if (key == "entity") holds = reference_string(condition, transaction.entity);
    if (key == "source") holds = reference_string(condition, transaction.source);
    if (key == "type") holds = reference_string(condition, transaction.type);
    if (key == "currency") holds = reference_string(condition, transaction.currency);
    if (key == "posting_date") {
      holds = (!condition.contains("from") || transaction.posting_date >= condition["from"]) &&
              (!condition.contains("before") || transaction.posting_date < condition["before"]);
    }
    if (key == "amount") {
      const std::string total = naive_amount_text(transaction.debit_total, transaction.minor_units);
      holds = (!condition.contains("min") || naive_compare(total, condition["min"]) >= 0) &&
              (!condition.contains("max") || naive_compare(total, condition["max"]) <= 0);
    }
    if (key == "account") holds = reference_account(condition, transaction.lines);
    if (key == "attributes") holds = reference_attributes(condition, transaction);
    if (!holds) return false;
  }
  return true;
}

// The matching rule's name and route, or "default".
std::pair<std::string, std::string> reference_evaluate(const json& rule_set,
                                                       const Transaction& transaction) {
  for (const json& rule : rule_set["rules"]) {
    if (reference_when(rule["when"], transaction)) return {rule["name"], rule["route"]};
  }
  return {"default", rule_set["default"]};
}

// ---- Random rule sets and transactions over small vocabularies, so rules often match. ----

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : random_(seed) {}

  json rule_set() {
    const std::size_t count = chance(10) ? pick(200) : pick(40);
    json rules = json::array();
    for (std::size_t i = 0; i < count; ++i) {
      rules.push_back(
          {{"name", "r" + std::to_string(i)}, {"when", when()}, {"route", one_of(kRoutes)}});
    }
    return {{"default", one_of(kRoutes)}, {"rules", std::move(rules)}};
  }

  Transaction transaction() {
    Transaction transaction;
    transaction.id = "T" + std::to_string(pick(1000));
    transaction.entity = one_of(kEntities);
    transaction.source = one_of(kSources);
    transaction.type = one_of(kTypes);
    const std::size_t currency = pick(kCurrencies.size());
    transaction.currency = kCurrencies[currency];
    transaction.minor_units = kMinorUnits[currency];
    transaction.posting_date = date();
    const std::int64_t total = 1 + static_cast<std::int64_t>(pick(3000));
    transaction.lines.push_back(testing::make_line(one_of(kAccounts), Side::debit, total));
    for (std::size_t i = pick(3); i > 0; --i) {
      transaction.lines.push_back(testing::make_line(one_of(kAccounts), Side::credit, 1));
    }
    transaction.debit_total = total;
    for (const char* key : {"channel", "region"}) {
      if (chance(70)) transaction.attributes.emplace_back(key, one_of(kAttributeValues));
    }
    return transaction;
  }

 private:
  static constexpr std::array<const char*, 4> kRoutes = {"legacy", "new", "both", "hold"};
  static constexpr std::array<const char*, 7> kEntities = {"DE01", "DE02", "US01", "US02",
                                                           "US",   "FR01", "Ü1"};
  static constexpr std::array<const char*, 8> kEntityPatterns = {"US*", "DE*",   "D*", "Ü*",
                                                                 "*",   "US01*", "X*", "DE0*"};
  static constexpr std::array<const char*, 3> kSources = {"billing", "crm", "shop"};
  static constexpr std::array<const char*, 4> kTypes = {"invoice", "payment", "journal",
                                                        "credit_memo"};
  static constexpr std::array<const char*, 4> kCurrencies = {"EUR", "JPY", "BHD", "USD"};
  static constexpr std::array<std::uint8_t, 4> kMinorUnits = {2, 0, 3, 2};
  static constexpr std::array<const char*, 6> kAccounts = {"1200", "1210", "4000",
                                                           "4010", "1776", "5000"};
  static constexpr std::array<const char*, 8> kAccountPrefixes = {"12", "4", "1776", "5",
                                                                  "9",  "*", "40*",  "1210"};
  static constexpr std::array<const char*, 4> kAttributeValues = {"EMEA", "APAC", "partner",
                                                                  "direct"};

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_);
  }
  bool chance(std::size_t percent) { return pick(100) < percent; }
  template <typename Array>
  std::string one_of(const Array& values) {
    return values[pick(values.size())];
  }

  std::string date() {
    char text[16];
    std::snprintf(text, sizeof text, "2026-%02zu-%02zu", 10 + pick(3), 1 + pick(28));
    return text;
  }

  std::string amount() {
    const int scale = static_cast<int>(pick(5));
    return naive_amount_text(static_cast<std::int64_t>(pick(3001)) * (scale > 2 ? 10 : 1), scale);
  }

  // A string or a list of 1..3 items from `exact` and `patterns`.
  template <typename Exact, typename Patterns>
  json strings(const Exact& exact, const Patterns& patterns) {
    const auto item = [&] { return chance(30) ? one_of(patterns) : one_of(exact); };
    if (chance(40)) return item();
    json list = json::array();
    for (std::size_t i = 1 + pick(3); i > 0; --i) list.push_back(item());
    return list;
  }

  json when() {
    json when = json::object();
    if (chance(50)) when["entity"] = strings(kEntities, kEntityPatterns);
    if (chance(20)) when["source"] = strings(kSources, std::array<const char*, 2>{"b*", "*"});
    if (chance(20)) when["type"] = strings(kTypes, std::array<const char*, 2>{"c*", "pay*"});
    if (chance(15)) when["currency"] = strings(kCurrencies, std::array<const char*, 2>{"E*", "*"});
    if (chance(25)) when["posting_date"] = date_range();
    if (chance(25)) when["amount"] = amount_range();
    if (chance(15)) when["account"] = strings(kAccounts, kAccountPrefixes);
    if (chance(15)) {
      json attributes = json::object();
      for (const char* key : {"region", "channel"}) {
        if (chance(60)) attributes[key] = strings(kAttributeValues, kAttributeValues);
      }
      when["attributes"] = std::move(attributes);
    }
    return when;
  }

  json date_range() {
    json range = json::object();
    std::string from = date();
    std::string before = date();
    if (from > before) std::swap(from, before);
    if (chance(70)) range["from"] = from;
    if (chance(70) && from != before) range["before"] = before;
    return range;
  }

  json amount_range() {
    json range = json::object();
    std::string min = amount();
    std::string max = amount();
    if (naive_compare(min, max) > 0) std::swap(min, max);
    if (chance(70)) range["min"] = min;
    if (chance(70)) range["max"] = max;
    return range;
  }

  std::mt19937_64 random_;
};

std::uint64_t environment_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr ? std::strtoull(text, nullptr, 10) : fallback;
}

// Every covers(earlier, later) claim must be a true implication on the sampled transactions.
void check_shadow_claims(const RuleSet& rule_set, const json& document,
                         const std::vector<Transaction>& transactions) {
  const std::vector<Rule>& rules = rule_set.rules();
  // Memoised reference matches, [rule * transactions + transaction]: -1 not yet computed.
  std::vector<int> memo(rules.size() * transactions.size(), -1);
  const auto reference_matches = [&](std::size_t rule, std::size_t transaction) {
    int& known = memo[rule * transactions.size() + transaction];
    if (known < 0)
      known = reference_when(document["rules"][rule]["when"], transactions[transaction]);
    return known == 1;
  };
  for (std::size_t j = 0; j < rules.size(); ++j) {
    for (std::size_t i = 0; i < j; ++i) {
      if (!covers(rules[i].when, rules[j].when)) continue;
      for (std::size_t t = 0; t < transactions.size(); ++t) {
        ASSERT_TRUE(!reference_matches(j, t) || reference_matches(i, t))
            << "rules[" << i << "] claimed to cover rules[" << j << "]\n"
            << document["rules"][i].dump() << "\n"
            << document["rules"][j].dump();
      }
    }
  }
}

TEST(Differential, EvaluateAgreesWithANaiveReference) {
  // COEXIST_TEST_RULE_SETS=100000 for a longer soak.
  const std::uint64_t rule_sets =
      environment_number("COEXIST_TEST_RULE_SETS", testing::kOptimisedBuild ? 2000 : 300);
  constexpr std::size_t kTransactionsPerSet = 50;
  const std::uint64_t first = environment_number("COEXIST_TEST_SEED", 20261125);
  std::size_t matched_rules = 0;
  for (std::uint64_t n = 0; n < rule_sets && !HasFailure(); ++n) {
    const std::uint64_t seed = first + n;
    SCOPED_TRACE("seed " + std::to_string(seed) +
                 " (rerun with COEXIST_TEST_SEED=" + std::to_string(seed) + ")");
    Generator generator(seed);
    const json document = generator.rule_set();
    const ParseOutcome outcome = parse_rule_set(document.dump());
    ASSERT_TRUE(outcome.rule_set.has_value()) << testing::describe(outcome.errors) << "\n"
                                              << document.dump();
    std::vector<Transaction> transactions;
    for (std::size_t t = 0; t < kTransactionsPerSet; ++t) {
      transactions.push_back(generator.transaction());
      const Transaction& transaction = transactions.back();
      const auto [name, route] = reference_evaluate(document, transaction);
      const Decision decision = evaluate(*outcome.rule_set, transaction);
      ASSERT_EQ(decision.rule_name, name) << document.dump() << "\n"
                                          << transaction.entity << " " << transaction.posting_date
                                          << " " << transaction.debit_total;
      ASSERT_EQ(to_string(decision.route), route);
      if (name != "default") ++matched_rules;
      if (t % 10 == 0) {
        ASSERT_EQ(explain(*outcome.rule_set, transaction).decision.rule_name, name);
      }
    }
    check_shadow_claims(*outcome.rule_set, document, transactions);
  }
  // The generator must exercise both outcomes, or the comparison proves little.
  EXPECT_GT(matched_rules, rule_sets * kTransactionsPerSet / 4);
  EXPECT_LT(matched_rules, rule_sets * kTransactionsPerSet);
}

}  // namespace
}  // namespace coexist::rules
