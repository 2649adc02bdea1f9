#pragma once

// The shared vocabulary: one financial transaction as DESIGN.md's canonical JSON describes it,
// after validation. A Transaction that exists is valid: balanced, known currency, amounts within
// the currency's minor units, every string within its limit. Build one only through
// TransactionParser (model/transaction_parser.h).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace coexist {

enum class Side : std::uint8_t { debit, credit };

struct Line {
  std::string account;
  Side side = Side::debit;
  std::int64_t amount_minor = 0;  // > 0, in the transaction currency's minor units
  // Optional fields: empty means absent (an empty string is rejected at parse time).
  std::string cost_center;
  std::string profit_center;
  std::string tax_code;
  std::string counterparty;
  std::string description;
};

struct Transaction {
  // Required.
  std::string id;
  std::string source;
  std::string entity;
  std::string type;
  std::string posting_date;  // "YYYY-MM-DD", a real calendar date
  std::string currency;      // ISO 4217 code from the built-in table
  std::uint8_t minor_units = 2;  // of `currency`, cached
  std::vector<Line> lines;
  // Optional: empty means absent.
  std::string document_date;
  std::string reference;
  std::string description;
  std::string correlation_id;
  std::string traceparent;
  std::string amends;
  std::vector<std::pair<std::string, std::string>> attributes;  // sorted by key, unique keys
  // Derived at parse time; equal for a valid transaction.
  std::int64_t debit_total = 0;
  std::int64_t credit_total = 0;
};

}  // namespace coexist
