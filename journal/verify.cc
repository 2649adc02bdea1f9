#include "journal/verify.h"

#include "model/canonical_json.h"
#include "model/limits.h"
#include "model/transaction_parser.h"

namespace coexist::journal {
namespace {

// Why this record's canonical JSON disagrees with the record, or empty when it agrees.
std::string check_content(TransactionParser& parser, const RecordView& record) {
  ParsedItem item = parser.parse_transaction(record.canonical);
  if (!item.transaction) {
    return "canonical transaction is invalid: " + item.rejection.path + ": " +
           item.rejection.message;
  }
  const Transaction& transaction = *item.transaction;
  if (canonical_json(transaction) != record.canonical) return "transaction JSON is not canonical";
  if (transaction.source != record.source || transaction.id != record.id ||
      transaction.entity != record.entity || transaction.type != record.type ||
      transaction.posting_date != record.posting_date || transaction.currency != record.currency ||
      transaction.debit_total != record.debit_total ||
      transaction.minor_units != record.minor_units) {
    return "record fields disagree with its transaction";
  }
  return {};
}

void fail(VerifyReport& report, std::uint64_t seq, std::string problem) {
  report.ok = false;
  report.first_bad_seq = seq;
  report.problem = std::move(problem);
}

// Rules history: versions 1, 2, … without gaps, each canonical text matching its SHA-256.
std::string check_rules_history(const std::vector<RuleSetRecord>& versions) {
  for (std::size_t i = 0; i < versions.size(); ++i) {
    const RuleSetRecord& version = versions[i];
    if (version.version != i + 1) return "rules version " + std::to_string(i + 1) + " is missing";
    if (sha256(version.canonical) != version.sha256) {
      return "rules version " + std::to_string(version.version) + " does not match its sha256";
    }
  }
  return {};
}

// Why the rules history differs from the one `digest` saw, or empty when it agrees. The history
// must be sound (versions 1, 2, …). One chain hash cannot tell which version was rewritten, only
// that one of those the digest covers was.
std::string check_rules_digest(const RulesHistory& history, const RulesHead& digest) {
  if (digest.version > history.versions.size()) {
    return "rules version " + std::to_string(history.versions.size() + 1) +
           " is missing: the digest covers rules versions up to " + std::to_string(digest.version) +
           ": the rules history was cut";
  }
  Hash recomputed = digest.version == 0 ? Hash{} : history.chain[digest.version - 1];
  if (recomputed == digest.hash) return {};
  if (digest.version == 1) return "rules version 1 differs from the digest: it was rewritten";
  return "rules versions 1 to " + std::to_string(digest.version) +
         " differ from the digest: at least one of them was rewritten";
}

// What the journal's head and rules history say against a digest saved earlier, once every
// record up to the head has verified.
void check_digest(const Digest& digest, const RulesHistory& history, VerifyReport& report) {
  if (digest.head.seq > report.head.seq) {
    // The first seq the digest vouches for that is gone.
    fail(report, report.head.seq + 1,
         "journal ends at seq " + std::to_string(report.head.seq) + " but the digest names seq " +
             std::to_string(digest.head.seq) + ": records were removed");
    return;
  }
  if (digest.rules) {
    if (std::string problem = check_rules_digest(history, *digest.rules); !problem.empty()) {
      fail(report, 0, std::move(problem));
    }
  }
}

// The record's rules_version existed when it was committed, and no version that was already in
// force immediately had been skipped.
std::string check_routing_version(const std::vector<RuleSetRecord>& versions,
                                  const RecordView& record) {
  if (record.rules_version > versions.size()) {
    return "routed by rules version " + std::to_string(record.rules_version) +
           ", which was never applied";
  }
  if (record.rules_version > 0 &&
      record.seq <= versions[record.rules_version - 1].activated_after_seq) {
    return "routed by rules version " + std::to_string(record.rules_version) +
           ", applied only after this record";
  }
  for (std::size_t i = record.rules_version; i < versions.size(); ++i) {
    const RuleSetRecord& later = versions[i];
    bool immediate = later.effective_at_us <= later.applied_at_us;
    if (immediate && record.seq > later.activated_after_seq) {
      return "routed by rules version " + std::to_string(record.rules_version) +
             " although version " + std::to_string(later.version) + " was already in force";
    }
  }
  return {};
}

}  // namespace

Result<VerifyReport> verify(const Journal& journal, const std::optional<Digest>& digest) {
  VerifyReport report;
  // The rules history comes from the records' own snapshot: read separately, a version and a
  // record routed by it committed in between would look like a record routed by nothing.
  RulesHistory history;
  const std::vector<RuleSetRecord>& versions = history.versions;
  std::optional<std::string> history_problem;  // checked once the snapshot has been read
  const auto history_is_sound = [&] {
    if (!history_problem) history_problem = check_rules_history(versions);
    return history_problem->empty();
  };
  // Canonical JSON can be a little longer than the request it came from (limits.h).
  TransactionParser parser(limits::kStoredTransactionBytesMax, ParsePurpose::stored);
  Hash previous{};
  std::uint64_t expected_seq = 1;
  const auto check_record = [&](const RecordView& record) {
    if (!history_is_sound()) return false;
    if (record.seq != expected_seq) {
      fail(report, expected_seq, "record " + std::to_string(expected_seq) + " is missing");
      return false;
    }
    if (chain_hash(previous, record.seq, record.version, record.body) != record.hash) {
      fail(report, record.seq, "hash mismatch: the record or an earlier one was altered");
      return false;
    }
    if (std::string problem = check_content(parser, record); !problem.empty()) {
      fail(report, record.seq, std::move(problem));
      return false;
    }
    if (std::string problem = check_routing_version(versions, record); !problem.empty()) {
      fail(report, record.seq, std::move(problem));
      return false;
    }
    if (digest && record.seq == digest->head.seq && record.hash != digest->head.hash) {
      fail(report, record.seq, "hash differs from the digest: history was rewritten");
      return false;
    }
    previous = record.hash;
    report.head = Head{record.seq, record.hash};
    ++report.records;
    ++expected_seq;
    return true;
  };
  report.digest_covers_rules = digest && digest->rules;
  Status scan = journal.for_each(SeqRange{}, check_record, &history);
  if (scan.is_ok() && !history_is_sound()) {
    fail(report, 0, std::move(*history_problem));
    return report;
  }
  if (!scan.is_ok()) {
    if (scan.code() != Status::Code::corruption) return scan;
    // Before the first record, the rules history is read: a rules record that cannot be decoded
    // is no record's fault (seq 0: none), while one of the transactions' is expected_seq's.
    const bool in_rules_history = expected_seq == 1 && !journal.rule_sets().is_ok();
    fail(report, in_rules_history ? 0 : expected_seq, scan.message());
  }
  report.rules = history.head();
  if (report.ok && digest) check_digest(*digest, history, report);
  if (report.ok) {
    std::uint64_t bad_seq = 0;
    std::string problem;
    if (Status status = journal.check_index(bad_seq, problem); !status.is_ok()) return status;
    if (!problem.empty()) fail(report, bad_seq, std::move(problem));
  }
  return report;
}

}  // namespace coexist::journal
