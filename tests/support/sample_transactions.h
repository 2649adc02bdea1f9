#pragma once

// Deterministic, varied, valid transactions for tests: several entities and sources,
// EUR / JPY (0 decimals) / BHD (3 decimals), 2–30 lines, about 1 KiB each.

#include <cstdint>
#include <string>

#include "model/limits.h"

namespace coexist::test {

inline std::string sample_transaction(std::uint64_t index, const std::string& prefix = "TX") {
  static const char* const kEntities[] = {"DE01", "FR01", "US01", "JP01", "BH01"};
  static const char* const kCurrencies[] = {"EUR", "EUR", "USD", "JPY", "BHD"};
  static const int kDecimals[] = {2, 2, 2, 0, 3};
  static const char* const kSources[] = {"billing", "crm", "usage"};
  std::size_t which = index % 5;
  std::uint64_t lines = 2 + (index * 7919) % 29;
  auto amount = [&](std::uint64_t minor) {
    std::string digits = std::to_string(minor);
    int decimals = kDecimals[which];
    if (decimals == 0) return digits;
    while (digits.size() <= static_cast<std::size_t>(decimals)) digits.insert(0, "0");
    digits.insert(digits.size() - static_cast<std::size_t>(decimals), ".");
    return digits;
  };
  std::string json = R"({"id":")" + prefix + "-" + std::to_string(index) + R"(","source":")" +
                     kSources[index % 3] + R"(","entity":")" + kEntities[which] +
                     R"(","type":"invoice","posting_date":"2026-11-)" +
                     std::to_string(10 + index % 18) + R"(","currency":")" + kCurrencies[which] +
                     R"(","description":"sample transaction for end-to-end tests","lines":[)";
  std::uint64_t total = 0;
  for (std::uint64_t line = 1; line < lines; ++line) {
    std::uint64_t minor = 100 + (index * 31 + line * 17) % 100000;
    total += minor;
    json += R"({"account":"4)" + std::to_string(line % 10) + R"(00","credit":")" + amount(minor) +
            R"(","cost_center":"CC)" + std::to_string(line % 7) + R"("},)";
  }
  json += R"({"account":"1200","debit":")" + amount(total) + R"("}]})";
  return json;
}

// A valid transaction (DE01 invoice, billing) of at least `bytes` bytes, up to about 1 MB, the
// request limit: lines of 1.00 EUR, each with the longest description allowed, balanced by one
// credit line. For filling a journal with few transactions.
inline std::string large_transaction(const std::string& id, std::size_t bytes) {
  const std::string line = R"({"account":"1200","debit":"1.00","description":")" +
                           std::string(limits::kDescriptionLengthMax, 'x') + R"("})";
  const std::size_t count = bytes / line.size() + 1;  // beyond limits::kLinesMax: rejected
  std::string json = R"({"id":")" + id +
                     R"(","source":"billing","entity":"DE01","type":"invoice",)"
                     R"("posting_date":"2026-11-25","currency":"EUR","lines":[)";
  for (std::size_t i = 0; i < count; ++i) json += line + ",";
  return json + R"({"account":"4000","credit":")" + std::to_string(count) + R"(.00"}]})";
}

}  // namespace coexist::test
