#pragma once

// The rules history: every rule set ever applied, numbered 1, 2, … in the journal's "rules"
// sub-database, committed in the same durable write transaction as a batch of transactions so
// that the switch falls exactly between two group commits.
//
//   sub-database "rules":  key = version:u32   value = rules_record
//   rules_record := format:u8(=1) applied_at_us:i64 effective_at_us:i64 activated_after_seq:u64
//                   copied_from:u32 str(applied_by) str(reason) sha256:byte[32]
//                   canonical_len:u32 canonical:byte[canonical_len]
//
// `canonical` is the rule set's canonical JSON and sha256 its SHA-256. `activated_after_seq` is
// the last transaction seq committed before the version was recorded: every transaction with a
// higher seq was decided by this version or a later one (unless effective_at is in the future).
// `copied_from` is the version a rollback copied, else 0.
//
// Each version's sha256 only vouches for its own content, and whoever can rewrite one can rewrite
// the other. What makes the history tamper-evident is a hash chain over the records, which
// `coexist journal digest` saves beside the transactions' head:
//
//   rules_hash(0) := 32 zero bytes
//   rules_hash(v) := SHA-256(rules_hash(v-1) rules_record of version v, byte for byte as stored)
//
// The chain is computed when the history is read, never stored: a record's bytes are what it
// covers, so it holds for every record format without a format change.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "journal/format.h"

namespace coexist::journal {

inline constexpr std::uint8_t kRulesRecordVersion = 1;

struct RuleSetRecord {
  std::uint32_t version = 0;
  std::int64_t applied_at_us = 0;
  std::int64_t effective_at_us = 0;  // == applied_at_us when effective immediately
  std::uint64_t activated_after_seq = 0;
  std::uint32_t copied_from = 0;
  std::string applied_by;
  std::string reason;
  Hash sha256{};
  std::string canonical;
};

// The rules history's head: the last version recorded and rules_hash through it; version 0 and
// 32 zero bytes when none was ever recorded.
struct RulesHead {
  std::uint32_t version = 0;
  Hash hash{};
};

// The rules history as read from one snapshot: every version, ascending, and the chain through it.
struct RulesHistory {
  std::vector<RuleSetRecord> versions;
  std::vector<Hash> chain;  // chain[i]: rules_hash through versions[i] (in storage order)

  [[nodiscard]] RulesHead head() const;
};

void encode_rules_record(const RuleSetRecord& record, std::string& out);
[[nodiscard]] std::optional<RuleSetRecord> decode_rules_record(std::uint32_t version,
                                                               std::string_view bytes);
[[nodiscard]] std::string rules_key(std::uint32_t version);
// rules_hash(v) from rules_hash(v-1) and version v's record as stored.
[[nodiscard]] Hash next_rules_hash(const Hash& previous, std::string_view stored_record);

}  // namespace coexist::journal
