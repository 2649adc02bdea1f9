// Google Benchmark for rules/: evaluate() must stay at or under 1 µs median per transaction with
// 200 realistic rules (entity lists, date windows, amount bands, some attributes), the matching
// rule near the end or none at all. Run: rules_bench --benchmark_repetitions=10
// --benchmark_report_aggregates_only=true and read the median lines.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "model/transaction.h"
#include "rules/evaluate.h"
#include "rules/explain.h"
#include "rules/rule_set_parser.h"

namespace coexist::rules {
namespace {

constexpr int kRules = 200;

std::string entity(int n) {
  static const char* const kCountries[] = {"DE", "US", "FR", "GB", "JP", "BH", "NL", "IT"};
  char text[32];
  std::snprintf(text, sizeof text, "%s%02d", kCountries[n % 8], n / 8);
  return text;
}

// One rule of a realistic migration plan; rule i is about entities 2i and 2i+1 (so the sample
// transaction's entity, E398/E399, is listed only near the end).
std::string rule_json(int i) {
  std::string when = R"("entity":[")" + entity(2 * i) + R"(",")" + entity(2 * i + 1) + R"("])";
  switch (i % 5) {
    case 0:
      when += R"(,"posting_date":{"from":"2026-11-01","before":"2027-01-01"})";
      break;
    case 1:
      when += R"(,"amount":{"min":"1000","max":"250000.00"})";
      break;
    case 2:
      when += R"(,"type":["invoice","credit_memo"],"attributes":{"region":["EMEA","APAC"]})";
      break;
    case 3:
      when += R"(,"source":"billing","account":["4000","41"])";
      break;
    default:
      break;
  }
  static const char* const kRoutes[] = {"legacy", "new", "both", "hold"};
  return R"({"name":"rule )" + std::to_string(i) + R"(","when":{)" + when + R"(},"route":")" +
         kRoutes[i % 4] + R"("})";
}

std::string rule_set_json() {
  std::string text = R"({"default":"legacy","rules":[)";
  for (int i = 0; i < kRules; ++i) {
    if (i > 0) text += ',';
    text += rule_json(i);
  }
  return text + "]}";
}

const RuleSet& rule_set() {
  static const RuleSet kRuleSet = [] {
    ParseOutcome outcome = parse_rule_set(rule_set_json());
    if (!outcome.rule_set) {
      std::fprintf(stderr, "benchmark rule set does not compile: %s\n",
                   outcome.errors.front().message.c_str());
      std::abort();
    }
    return std::move(*outcome.rule_set);
  }();
  return kRuleSet;
}

Line line(std::string account, Side side, std::int64_t amount_minor) {
  Line result;
  result.account = std::move(account);
  result.side = side;
  result.amount_minor = amount_minor;
  return result;
}

Transaction transaction(std::string entity_code) {
  Transaction transaction;
  transaction.id = "INV-2026-000123";
  transaction.source = "billing";
  transaction.entity = std::move(entity_code);
  transaction.type = "invoice";
  transaction.posting_date = "2026-11-25";
  transaction.currency = "EUR";
  transaction.minor_units = 2;
  transaction.lines = {line("1200", Side::debit, 11900), line("4000", Side::credit, 10000),
                       line("1776", Side::credit, 1900)};
  transaction.attributes = {{"channel", "partner"}, {"region", "EMEA"}};
  transaction.debit_total = 11900;
  transaction.credit_total = 11900;
  return transaction;
}

void expect_rule(const Transaction& tx, std::string_view name) {
  if (evaluate(rule_set(), tx).rule_name != name) {
    std::fprintf(stderr, "benchmark setup: expected rule %.*s\n", static_cast<int>(name.size()),
                 name.data());
    std::abort();
  }
}

// Rule 198 lists entities 396 and 397 and has a date window the transaction is inside.
void BM_EvaluateMatchNearEnd(benchmark::State& state) {
  const Transaction tx = transaction(entity(397));
  expect_rule(tx, "rule 198");
  for (auto _ : state) benchmark::DoNotOptimize(evaluate(rule_set(), tx));
}
BENCHMARK(BM_EvaluateMatchNearEnd);

void BM_EvaluateDefault(benchmark::State& state) {
  const Transaction tx = transaction("ZZ99");
  expect_rule(tx, "default");
  for (auto _ : state) benchmark::DoNotOptimize(evaluate(rule_set(), tx));
}
BENCHMARK(BM_EvaluateDefault);

// The index cannot help: every rule lists the entity, and all but the last fail on the date.
void BM_EvaluateEveryRuleACandidate(benchmark::State& state) {
  std::string text = R"({"default":"legacy","rules":[)";
  for (int i = 0; i < kRules; ++i) {
    if (i > 0) text += ',';
    const char* from = i == kRules - 1 ? "2026-01-01" : "2026-12-01";
    text += R"({"name":"r)" + std::to_string(i) + R"(","when":{"entity":["DE01","US01"],)" +
            R"("amount":{"min":"100"},"posting_date":{"from":")" + from + R"("}},"route":"new"})";
  }
  ParseOutcome outcome = parse_rule_set(text + "]}");
  const RuleSet& worst = *outcome.rule_set;
  const Transaction tx = transaction("DE01");
  if (evaluate(worst, tx).rule_name != "r199") std::abort();
  for (auto _ : state) benchmark::DoNotOptimize(evaluate(worst, tx));
}
BENCHMARK(BM_EvaluateEveryRuleACandidate);

void BM_Explain(benchmark::State& state) {
  const Transaction tx = transaction(entity(397));
  for (auto _ : state) benchmark::DoNotOptimize(explain(rule_set(), tx));
}
BENCHMARK(BM_Explain);

void BM_ParseRuleSet(benchmark::State& state) {
  const std::string text = rule_set_json();
  for (auto _ : state) benchmark::DoNotOptimize(parse_rule_set(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseRuleSet);

}  // namespace
}  // namespace coexist::rules

BENCHMARK_MAIN();
