#pragma once

// Tamper check for auditors: recomputes the hash chain over every record, checks that each
// record's canonical JSON is a valid transaction agreeing with the record's own fields, that
// seqs run 1, 2, 3… without gaps, and that the idempotency index matches. A digest (seq + hash
// saved earlier with `coexist journal digest`) additionally proves that the history up to that
// point was not rewritten and the chain recomputed.

#include <cstdint>
#include <optional>
#include <string>

#include "journal/journal.h"

namespace coexist::journal {

struct VerifyReport {
  bool ok = true;
  std::uint64_t records = 0;
  std::uint64_t first_bad_seq = 0;  // 0 when ok, or when the problem is not one record's
  std::string problem;              // empty when ok
  Head head;                        // the last record verified
};

[[nodiscard]] Result<VerifyReport> verify(const Journal& journal,
                                          const std::optional<Head>& digest);

}  // namespace coexist::journal
