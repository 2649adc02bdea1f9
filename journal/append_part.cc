// append_part: one part of a batch (the whole batch, unless the map is at its maximum) judged,
// written and durably committed in one LMDB write transaction.

#include "journal/append_part.h"

#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>

#include "journal/disk_space.h"
#include "journal/lmdb_util.h"

namespace coexist::journal {
namespace {

// (source, id) viewing the request's own strings, which outlive the append.
struct SourceId {
  std::string_view source;
  std::string_view id;
  bool operator==(const SourceId&) const = default;
};

struct SourceIdHash {
  std::size_t operator()(const SourceId& key) const {
    std::size_t seed = std::hash<std::string_view>{}(key.source);
    return seed ^ (std::hash<std::string_view>{}(key.id) + 0x9e3779b97f4a7c15ULL + (seed << 6) +
                   (seed >> 2));
  }
};

struct PartState {
  std::uint64_t next_seq;
  Hash last_hash;
  // (source, id) of the part's accepted requests → their index, to judge repeats within the part
  // (a repeat of an earlier part's request finds it in the committed index).
  std::unordered_map<SourceId, std::size_t, SourceIdHash> accepted_keys;
  std::string key;  // the index key being written, reused
};

AppendResult judge_repeat(std::string_view original_canonical, std::string_view canonical,
                          std::uint64_t seq, std::string_view route, std::string_view rule,
                          std::uint32_t rules_version) {
  AppendResult result;
  result.status =
      original_canonical == canonical ? AppendStatus::duplicate : AppendStatus::conflict;
  result.seq = seq;
  result.route = route;
  result.rule = rule;
  result.rules_version = rules_version;
  return result;
}

// The verdict on a key already in the committed journal at `seq`. Sets `rc` on an LMDB failure.
AppendResult judge_committed(const Journal::Impl& impl, MDB_txn* txn, std::uint64_t seq,
                             const RecordFields& fields, int& rc) {
  std::string record_key = seq_key(seq);
  MDB_val lookup = lmdb::value_of(record_key);
  MDB_val record_value{};
  if (rc = mdb_get(txn, impl.transactions, &lookup, &record_value); rc != 0) return {};
  auto record = decode_record(seq, lmdb::view_of(record_value));
  COEXIST_ASSERT(record.has_value());  // checked when written; a bad page is LMDB's to report
  return judge_repeat(record->canonical, fields.canonical, seq, record->route, record->rule,
                      record->rules_version);
}

// Claims (source, id) for the next seq in the index and, when it was free, encodes, hashes and
// puts the record. One B-tree descent decides new vs repeat: MDB_NOOVERWRITE answers
// MDB_KEYEXIST with the existing seq. Returns the repeat's verdict, or nullopt when written.
std::optional<AppendResult> put_new(Journal::Impl& impl, MDB_txn* txn, const RecordFields& fields,
                                    const PreparedBody* prepared, PartState& state, int& rc) {
  std::string record_key = seq_key(state.next_seq);
  assign_idempotency_key(fields.source, fields.id, state.key);
  MDB_val index_key = lmdb::value_of(state.key);
  MDB_val index_value = lmdb::value_of(record_key);
  rc = mdb_put(txn, impl.idempotency, &index_key, &index_value, MDB_NOOVERWRITE);
  if (rc == MDB_KEYEXIST) {
    COEXIST_ASSERT(index_value.mv_size == 8);
    rc = 0;
    return judge_committed(
        impl, txn, get_u64(static_cast<const unsigned char*>(index_value.mv_data)), fields, rc);
  }
  if (rc != 0) return std::nullopt;
  PreparedBody encoded_here;
  if (prepared == nullptr) {  // callers other than the router: encode (and check) it now
    prepare_body(fields, encoded_here);
    prepared = &encoded_here;
  }
  Hash hash = chain_hash(state.last_hash, state.next_seq, kRecordVersion, prepared->digest);
  // The record is written straight into its place in the page (MDB_RESERVE): version, hash, and
  // the body prepare_body already encoded and checked.
  MDB_val record_key_value = lmdb::value_of(record_key);
  MDB_val record_value{1 + kHashBytes + prepared->body.size(), nullptr};
  rc = mdb_put(txn, impl.transactions, &record_key_value, &record_value, MDB_APPEND | MDB_RESERVE);
  if (rc != 0) return std::nullopt;
  auto* out = static_cast<char*>(record_value.mv_data);
  out[0] = static_cast<char>(kRecordVersion);
  std::memcpy(out + 1, hash.data(), kHashBytes);
  std::memcpy(out + 1 + kHashBytes, prepared->body.data(), prepared->body.size());
  state.last_hash = hash;
  ++state.next_seq;
  return std::nullopt;
}

// The highest rules version recorded (0 when none), as of `txn`. Sets `rc` on an LMDB failure.
std::uint32_t last_rules_version(const Journal::Impl& impl, MDB_txn* txn, int& rc) {
  lmdb::Cursor cursor;
  if (rc = cursor.open(txn, impl.rules); rc != 0) return 0;
  MDB_val key{};
  MDB_val value{};
  rc = cursor.get(key, value, MDB_LAST);
  if (rc == MDB_NOTFOUND) {
    rc = 0;
    return 0;
  }
  if (rc != 0) return 0;
  COEXIST_ASSERT(key.mv_size == 4);
  return get_u32(static_cast<const unsigned char*>(key.mv_data));
}

// Records a new rule-set version after the part's transactions, in the same write transaction:
// the part holding it is the batch's last, so it follows every transaction the batch commits.
int put_rules_change(Journal::Impl& impl, MDB_txn* txn, RuleSetRecord& change,
                     const PartState& state) {
  change.activated_after_seq = state.next_seq - 1;
  std::string key = rules_key(change.version);
  std::string value;
  encode_rules_record(change, value);
  MDB_val key_value = lmdb::value_of(key);
  MDB_val record_value = lmdb::value_of(value);
  return mdb_put(txn, impl.rules, &key_value, &record_value, MDB_NOOVERWRITE);
}

// Versions are 1, 2, … without gaps (rules_history.h): a caller that lost track is refused before
// anything is written. (The whole batch, rules change included, is always the first part tried.)
Attempt check_rules_version(const Journal::Impl& impl, MDB_txn* txn, const RuleSetRecord& change,
                            Status& error) {
  int rc = 0;
  std::uint32_t last = last_rules_version(impl, txn, rc);
  if (rc != 0) {
    error = lmdb::error("read rules history", rc);
    return Attempt::failed;
  }
  if (change.version != last + 1) {
    error = Status::error(Status::Code::invalid_argument,
                          "rules version " + std::to_string(change.version) +
                              " does not follow the last recorded version " + std::to_string(last));
    return Attempt::refused;
  }
  return Attempt::committed;  // nothing to object to
}

// Judges and writes requests [part.begin, part.end) into `txn`. Returns committed when all were
// written or judged (nothing is committed yet).
Attempt put_requests(Journal::Impl& impl, MDB_txn* txn, std::span<const AppendRequest> requests,
                     const Part& part, std::vector<AppendResult>& results, PartState& state,
                     Status& error) {
  for (std::size_t i = part.begin; i < part.end; ++i) {
    const RecordFields& fields = requests[i].fields;
    SourceId key{fields.source, fields.id};
    if (auto earlier = state.accepted_keys.find(key); earlier != state.accepted_keys.end()) {
      const RecordFields& original = requests[earlier->second].fields;
      results[i] = judge_repeat(original.canonical, fields.canonical, results[earlier->second].seq,
                                original.route, original.rule, original.rules_version);
      continue;
    }
    int rc = 0;
    std::optional<AppendResult> repeat =
        put_new(impl, txn, fields, requests[i].prepared, state, rc);
    if (rc == MDB_MAP_FULL) return Attempt::map_full;
    if (rc != 0) {
      error = lmdb::error("write record", rc);
      return Attempt::failed;
    }
    if (repeat) {
      results[i] = std::move(*repeat);
      continue;
    }
    results[i] = AppendResult{AppendStatus::accepted, state.next_seq - 1, std::string(fields.route),
                              std::string(fields.rule), fields.rules_version};
    state.accepted_keys.emplace(key, i);
  }
  return Attempt::committed;
}

}  // namespace

Attempt append_part(Journal::Impl& impl, std::span<const AppendRequest> requests, Part part,
                    std::vector<AppendResult>& results, Status& error) {
  COEXIST_ASSERT(part.begin <= part.end && part.end <= requests.size());
  COEXIST_ASSERT(results.size() == requests.size());
  lmdb::Transaction txn;
  if (int rc = txn.begin(impl.env, 0); rc != 0) {
    error = lmdb::error("begin write", rc);
    return Attempt::failed;
  }
  if (part.rules_change != nullptr) {
    Attempt checked = check_rules_version(impl, txn.get(), *part.rules_change, error);
    if (checked != Attempt::committed) return checked;
  }
  // Starts from what is committed: earlier parts of this batch are in the journal by now.
  PartState state{impl.next_seq, impl.last_hash, {}, {}};
  state.accepted_keys.reserve(part.end - part.begin);
  Attempt put = put_requests(impl, txn.get(), requests, part, results, state, error);
  if (put != Attempt::committed) return put;  // the transaction aborts on scope exit
  if (part.rules_change != nullptr) {
    int rc = put_rules_change(impl, txn.get(), *part.rules_change, state);
    if (rc == MDB_MAP_FULL) return Attempt::map_full;
    if (rc != 0) {
      error = lmdb::error("write rules version " + std::to_string(part.rules_change->version), rc);
      return Attempt::failed;
    }
  }
  if (impl.options.fail_commit_for_test && impl.options.fail_commit_for_test()) {
    error = Status::error(Status::Code::io_error, "commit: injected I/O error");
    return Attempt::failed;  // the transaction aborts on scope exit: nothing is written
  }
  int rc = txn.commit();
  if (rc == MDB_MAP_FULL) return Attempt::map_full;
  if (rc != 0) {
    error = lmdb::error("commit", rc);
    if (std::string hint = full_disk_hint(impl.options.path, rc); !hint.empty()) {
      error = Status::error(error.code(), error.message() + "; " + hint);
    }
    return Attempt::failed;
  }
  impl.next_seq = state.next_seq;
  impl.last_hash = state.last_hash;
  return Attempt::committed;
}

}  // namespace coexist::journal
