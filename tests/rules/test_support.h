#pragma once

// Helpers shared by the rules tests: transactions built directly as structs (no parser), and
// rule sets compiled from JSON text with a test failure when the text does not compile.

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/transaction.h"
#include "rules/rule_set.h"
#include "rules/rule_set_parser.h"

namespace coexist::rules::testing {

// Timing limits are asserted in optimised builds only; debug and sanitizer builds (the asan
// preset runs every unit test) print the figure and spend fewer random iterations.
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__)
inline constexpr bool kOptimisedBuild = true;
#else
inline constexpr bool kOptimisedBuild = false;
#endif

inline Line make_line(std::string account, Side side, std::int64_t amount_minor) {
  Line line;
  line.account = std::move(account);
  line.side = side;
  line.amount_minor = amount_minor;
  return line;
}

// DESIGN.md's sample invoice: DE01, billing, 2026-11-25, EUR 119.00 over three lines.
inline Transaction sample_transaction() {
  Transaction transaction;
  transaction.id = "INV-2026-000123";
  transaction.source = "billing";
  transaction.entity = "DE01";
  transaction.type = "invoice";
  transaction.posting_date = "2026-11-25";
  transaction.currency = "EUR";
  transaction.minor_units = 2;
  transaction.lines = {
      make_line("1200", Side::debit, 11900),
      make_line("4000", Side::credit, 10000),
      make_line("1776", Side::credit, 1900),
  };
  transaction.attributes = {{"channel", "partner"}, {"region", "EMEA"}};
  transaction.debit_total = 11900;
  transaction.credit_total = 11900;
  return transaction;
}

// A balanced two-line transaction of `total` minor units in `currency`.
inline Transaction with_amount(Transaction transaction, std::int64_t total, std::string currency,
                               std::uint8_t minor_units) {
  transaction.currency = std::move(currency);
  transaction.minor_units = minor_units;
  transaction.lines = {make_line("1200", Side::debit, total),
                       make_line("4000", Side::credit, total)};
  transaction.debit_total = total;
  transaction.credit_total = total;
  return transaction;
}

inline std::string describe(const std::vector<Problem>& problems) {
  std::string text;
  for (const Problem& problem : problems) text += "\n  " + problem.path + ": " + problem.message;
  return text;
}

// The compiled set, or (after a test failure naming every error) an empty one.
inline RuleSet must_parse(std::string_view json_text) {
  ParseOutcome outcome = parse_rule_set(json_text);
  EXPECT_TRUE(outcome.errors.empty()) << describe(outcome.errors);
  if (!outcome.rule_set) return RuleSet(Route::hold, {});
  return std::move(*outcome.rule_set);
}

// {"default": "legacy", "rules": [{"name": "r", "when": <when>, "route": "new"}]}
inline std::string one_rule(std::string_view when) {
  return R"({"default":"legacy","rules":[{"name":"r","when":)" + std::string(when) +
         R"(,"route":"new"}]})";
}

inline bool has_problem(const std::vector<Problem>& problems, std::string_view path,
                        std::string_view message_part) {
  for (const Problem& problem : problems) {
    if (problem.path == path && problem.message.find(message_part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace coexist::rules::testing
