#pragma once

// Builds journal append requests from real, parsed transactions.

#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "journal/journal.h"
#include "model/canonical_json.h"
#include "model/transaction_parser.h"
#include "tests/support/sample_transactions.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {

inline std::string transaction_json(const std::string& id, const std::string& amount = "10.00",
                                    const std::string& entity = "DE01") {
  return R"({"id":")" + id + R"(","source":"billing","entity":")" + entity +
         R"(","type":"invoice","posting_date":"2026-11-25","currency":"EUR","lines":[)"
         R"({"account":"1200","debit":")" + amount + R"("},{"account":"4000","credit":")" + amount +
         R"("}]})";
}

// Owns the transactions and canonical strings the requests' views point into.
class RequestBuilder {
 public:
  // ParsePurpose::stored builds records an older router accepted before a check was added.
  explicit RequestBuilder(ParsePurpose purpose = ParsePurpose::submission)
      : parser_(limits::kRequestBytesMax, purpose) {}

  journal::AppendRequest make(const std::string& json, std::string route = "legacy",
                              std::uint32_t rules_version = 0) {
    ParsedItem item = parser_.parse_transaction(json);
    EXPECT_TRUE(item.transaction.has_value()) << item.rejection.message;
    Owned& owned = owned_.emplace_back();
    owned.transaction = std::move(*item.transaction);
    owned.canonical = canonical_json(owned.transaction);
    owned.route = std::move(route);
    journal::RecordFields fields;
    fields.received_at_us = 1'764'000'000'000'000;
    fields.rules_version = rules_version;
    fields.debit_total = owned.transaction.debit_total;
    fields.minor_units = owned.transaction.minor_units;
    fields.source = owned.transaction.source;
    fields.id = owned.transaction.id;
    fields.entity = owned.transaction.entity;
    fields.type = owned.transaction.type;
    fields.posting_date = owned.transaction.posting_date;
    fields.currency = owned.transaction.currency;
    fields.route = owned.route;
    fields.rule = "DE01 dual run";
    fields.canonical = owned.canonical;
    return journal::AppendRequest{fields};
  }

 private:
  struct Owned {
    Transaction transaction;
    std::string canonical;
    std::string route;
  };
  TransactionParser parser_;
  std::deque<Owned> owned_;  // deque: growing it never moves what the views point into
};

inline std::unique_ptr<journal::Journal> open_journal(const std::filesystem::path& path,
                                                      bool read_only = false,
                                                      std::uint64_t initial_bytes = 1 << 20,
                                                      std::uint64_t max_bytes = 64 << 20) {
  journal::OpenOptions options;
  options.path = path;
  options.read_only = read_only;
  options.map_size_bytes_initial = initial_bytes;
  options.map_size_bytes_max = max_bytes;
  auto opened = journal::Journal::open(options);
  EXPECT_TRUE(opened.is_ok()) << opened.status().to_string();
  return opened.is_ok() ? std::move(opened.value()) : nullptr;
}

}  // namespace coexist::test
