#pragma once

// Tamper check for auditors: recomputes the hash chain over every record, checks that each
// record's canonical JSON is a valid transaction agreeing with the record's own fields, that
// seqs run 1, 2, 3… without gaps, that the idempotency index matches, and that the rules history
// is sound (versions 1, 2, … each matching its sha256, every record routed by a version in force
// when it was committed). A digest (saved earlier with `coexist journal digest`) additionally
// proves that the history up to it was not rewritten and its chains recomputed: the transactions
// up to its seq and, when it names them, the rules versions up to its rules_version.

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
  RulesHead rules;                  // the rules history read (valid when ok)
  // Whether the digest given, if any, covered the rules history (one saved by an older coexist
  // has no rules_version / rules_hash and vouches for the transactions only).
  bool digest_covers_rules = false;
};

[[nodiscard]] Result<VerifyReport> verify(const Journal& journal,
                                          const std::optional<Digest>& digest);

}  // namespace coexist::journal
