// libFuzzer target: rule files (rules/rule_set_parser.h), written by migration teams and applied
// over the admin socket. The input is a rule set, optionally followed by a 0x00 byte and one
// transaction to route; without one, a few built-in transactions are routed. Beyond "no crash,
// no sanitizer report", it checks:
// - a set is accepted exactly when it has no errors, and every problem has a message;
// - an accepted set's canonical JSON is a fixed point: accepted again, as submitted and as
//   recorded in the journal, with the same canonical JSON;
// - evaluate() (indexed, the ingest path) decides as explain() does (every rule in order): the
//   rule index never changes a route.
// Run: tools/fuzz.sh (preset `fuzz`, clang + libFuzzer + ASan/UBSan).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/limits.h"
#include "model/transaction_parser.h"
#include "rules/evaluate.h"
#include "rules/explain.h"
#include "rules/rule_set_parser.h"
#include "tests/fuzz/fuzz_failure.h"

namespace {

using coexist::Transaction;
using coexist::rules::ParseOutcome;
using coexist::rules::RuleSetOrigin;
namespace fuzz = coexist::fuzz;

constexpr std::string_view kTarget = "rule_set_fuzz";

// Transactions that reach the common kinds of condition: entity lists and patterns, dates,
// types, attributes.
const std::vector<Transaction>& builtin_transactions() {
  static const std::vector<Transaction> parsed = [] {
    const char* texts[] = {
        R"({"id":"A-1","source":"billing","entity":"DE01","type":"invoice",)"
        R"("posting_date":"2026-11-25","currency":"EUR","attributes":{"region":"EMEA"},)"
        R"("lines":[{"account":"1200","debit":"1.00"},{"account":"4000","credit":"1.00"}]})",
        R"({"id":"A-2","source":"crm","entity":"US01","type":"payment",)"
        R"("posting_date":"2027-01-01","currency":"USD","reference":"R-9",)"
        R"("lines":[{"account":"1000","debit":"5"},{"account":"1200","credit":"5"}]})",
        R"({"id":"A-3","source":"shop","entity":"JP10","type":"credit_note",)"
        R"("posting_date":"2025-02-28","currency":"JPY","attributes":{"channel":"web"},)"
        R"("lines":[{"account":"4000","debit":"300"},{"account":"1200","credit":"300"}]})",
    };
    std::vector<Transaction> out;
    coexist::TransactionParser parser;
    for (const char* text : texts) {
      coexist::ParsedItem item = parser.parse_transaction(text);
      if (!item.transaction)
        fuzz::fail(kTarget, "a built-in transaction is rejected", item.rejection.message);
      out.push_back(std::move(*item.transaction));
    }
    return out;
  }();
  return parsed;
}

void check_problems(const ParseOutcome& outcome, std::string_view text) {
  if (outcome.rule_set.has_value() != outcome.errors.empty()) {
    fuzz::fail(kTarget, "a set is accepted other than exactly when it has no errors", text);
  }
  for (const auto* list : {&outcome.errors, &outcome.warnings}) {
    for (const coexist::rules::Problem& problem : *list) {
      if (problem.message.empty()) fuzz::fail(kTarget, "a problem without a message", text);
    }
  }
}

void check_routes_alike(const coexist::rules::RuleSet& rule_set, const Transaction& transaction) {
  const coexist::rules::Decision decided = coexist::rules::evaluate(rule_set, transaction);
  const coexist::rules::Explanation explained = coexist::rules::explain(rule_set, transaction);
  if (decided.route != explained.decision.route ||
      decided.rule_name != explained.decision.rule_name ||
      decided.version != explained.decision.version) {
    fuzz::fail(kTarget, "evaluate() and explain() decide differently",
               "evaluate: rule \"" + std::string(decided.rule_name) +
                   "\"; explain: " + explained.summary + "; transaction " + transaction.id);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t separator = input.find('\0');
  const std::string_view text = input.substr(0, separator);

  const ParseOutcome outcome = coexist::rules::parse_rule_set(text);
  check_problems(outcome, text);
  if (!outcome.rule_set) return 0;

  for (RuleSetOrigin origin : {RuleSetOrigin::submitted, RuleSetOrigin::recorded}) {
    const ParseOutcome again = coexist::rules::parse_rule_set(outcome.canonical_json, origin);
    if (!again.rule_set)
      fuzz::fail(kTarget, "an accepted set's canonical JSON is refused", outcome.canonical_json);
    if (again.canonical_json != outcome.canonical_json) {
      fuzz::fail(kTarget, "canonical JSON changes on a second parse", outcome.canonical_json);
    }
  }

  std::vector<Transaction> transactions;
  if (separator != std::string_view::npos) {
    coexist::TransactionParser parser;
    coexist::ParsedItem item = parser.parse_transaction(input.substr(separator + 1));
    if (item.transaction) transactions.push_back(std::move(*item.transaction));
  }
  if (transactions.empty()) transactions = builtin_transactions();
  for (const Transaction& transaction : transactions) {
    check_routes_alike(*outcome.rule_set, transaction);
  }
  return 0;
}
