#pragma once

// Deterministic, realistic transactions for load tests and end-to-end tests.
//
// Transaction number `index` of a generator built with `seed` is a pure function of the pair:
// any process, any run, any order of calls produces the same bytes, so a test can regenerate
// exactly what it submitted before (to resubmit it, or to check the journal holds it) without
// storing it. Ids are "LG-<seed>-<index>", unique per (seed, index); sources are billing, crm
// or usage, chosen by type.
//
// What varies: 21 legal entities, each with its own currency (EUR, USD, GBP, CHF, JPY and KRW
// with no decimals, BHD and KWD with three…) and sometimes a foreign one; DESIGN.md's eight types;
// 2–50 lines balanced exactly in integer minor units; posting dates in 2026; optional fields
// (document_date, reference, description, correlation_id, attributes, and per line cost_center,
// profit_center, tax_code, counterparty, description) present some of the time. The JSON is
// valid but not canonical (fields in a natural order), as an upstream system would send it.
// About 1 KiB of canonical JSON on average.
//
// Thread safety: const member functions may be called from any number of threads at once.

#include <cstdint>
#include <string>

namespace coexist::loadgen {

class TransactionGenerator {
 public:
  explicit TransactionGenerator(std::uint64_t seed) : seed_(seed) {}

  // Appends transaction number `index` (one JSON object) to `out`.
  void append_json(std::uint64_t index, std::string& out) const;
  [[nodiscard]] std::string json(std::uint64_t index) const;

  // The id transaction number `index` carries.
  [[nodiscard]] std::string id(std::uint64_t index) const;

  [[nodiscard]] std::uint64_t seed() const { return seed_; }

 private:
  std::uint64_t seed_;
};

}  // namespace coexist::loadgen
