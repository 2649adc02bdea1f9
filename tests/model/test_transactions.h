#pragma once

// Transactions the model tests start from, built with nlohmann::json so that each test changes
// one field and states only what it is about.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "model/rejection.h"
#include "model/transaction_parser.h"

namespace coexist::test_data {

// The smallest valid transaction: the required fields and two balanced EUR lines.
inline nlohmann::json minimal_transaction() {
  return {
      {"id", "INV-2026-000123"},
      {"source", "billing"},
      {"entity", "DE01"},
      {"type", "invoice"},
      {"posting_date", "2026-11-25"},
      {"currency", "EUR"},
      {"lines", nlohmann::json::array({{{"account", "1200"}, {"debit", "119.00"}},
                                       {{"account", "4000"}, {"credit", "119.00"}}})},
  };
}

// DESIGN.md's example: every optional field present.
inline nlohmann::json full_transaction() {
  return nlohmann::json::parse(R"({
    "id": "INV-2026-000123",          "source": "billing",
    "entity": "DE01",                 "type": "invoice",
    "posting_date": "2026-11-25",     "document_date": "2026-11-24",
    "currency": "EUR",                "reference": "SO-4411",
    "description": "Subscription Nov", "correlation_id": "order-88121",
    "amends": "INV-2026-000101",
    "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "attributes": {"region": "EMEA", "channel": "partner"},
    "lines": [
      {"account": "1200", "debit": "119.00", "cost_center": "CC10"},
      {"account": "4000", "credit": "100.00", "profit_center": "PC1", "description": "fee"},
      {"account": "1776", "credit": "19.00", "tax_code": "V19", "counterparty": "C-77"}
    ]
  })");
}

// Success when `item` was rejected with exactly this code, path and message.
inline ::testing::AssertionResult is_rejected(const ParsedItem& item, RejectionCode code,
                                              std::string_view path, std::string_view message) {
  if (item.transaction) return ::testing::AssertionFailure() << "the transaction was accepted";
  const Rejection& rejection = item.rejection;
  if (rejection.code != code || rejection.path != path || rejection.message != message) {
    return ::testing::AssertionFailure()
           << "rejected as {" << to_string(rejection.code) << ", \"" << rejection.path << "\", \""
           << rejection.message << "\"}, expected {" << to_string(code) << ", \"" << path
           << "\", \"" << message << "\"}";
  }
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult is_request_rejected(const ParsedRequest& request,
                                                      RejectionCode code,
                                                      std::string_view message) {
  if (!request.request_rejection) {
    return ::testing::AssertionFailure() << "the frame was not refused as a whole";
  }
  if (!request.items.empty()) return ::testing::AssertionFailure() << "items is not empty";
  const Rejection& rejection = *request.request_rejection;
  if (rejection.code != code || !rejection.path.empty() || rejection.message != message) {
    return ::testing::AssertionFailure()
           << "refused as {" << to_string(rejection.code) << ", \"" << rejection.path << "\", \""
           << rejection.message << "\"}, expected {" << to_string(code) << ", \"\", \"" << message
           << "\"}";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace coexist::test_data
