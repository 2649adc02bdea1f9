// Journal::append_batch: the one write path. A batch is one LMDB write transaction and one
// durable commit (the group commit), whatever number of transactions it holds.

#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_map>

#include "journal/journal.h"
#include "journal/journal_impl.h"
#include "journal/lmdb_util.h"

namespace coexist::journal {
namespace {

// refused: the request itself is wrong (nothing written, the journal stays writable).
enum class Attempt : std::uint8_t { committed, map_full, failed, refused };

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

struct BatchState {
  std::uint64_t next_seq;
  Hash last_hash;
  // (source, id) of the batch's accepted requests → their index, to judge repeats in one batch.
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
                                    const PreparedBody* prepared, BatchState& state, int& rc) {
  std::string record_key = seq_key(state.next_seq);
  assign_idempotency_key(fields.source, fields.id, state.key);
  MDB_val index_key = lmdb::value_of(state.key);
  MDB_val index_value = lmdb::value_of(record_key);
  rc = mdb_put(txn, impl.idempotency, &index_key, &index_value, MDB_NOOVERWRITE);
  if (rc == MDB_KEYEXIST) {
    COEXIST_ASSERT(index_value.mv_size == 8);
    rc = 0;
    return judge_committed(impl, txn, get_u64(static_cast<const unsigned char*>(index_value.mv_data)),
                           fields, rc);
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

// Records a new rule-set version after the batch's transactions, in the same write transaction.
int put_rules_change(Journal::Impl& impl, MDB_txn* txn, RuleSetRecord& change,
                     const BatchState& state) {
  change.activated_after_seq = state.next_seq - 1;
  std::string key = rules_key(change.version);
  std::string value;
  encode_rules_record(change, value);
  MDB_val key_value = lmdb::value_of(key);
  MDB_val record_value = lmdb::value_of(value);
  return mdb_put(txn, impl.rules, &key_value, &record_value, MDB_NOOVERWRITE);
}

Attempt attempt_batch(Journal::Impl& impl, std::span<const AppendRequest> requests,
                      std::vector<AppendResult>& results, RuleSetRecord* rules_change,
                      Status& error) {
  lmdb::Transaction txn;
  if (int rc = txn.begin(impl.env, 0); rc != 0) {
    error = lmdb::error("begin write", rc);
    return Attempt::failed;
  }
  if (rules_change != nullptr) {
    // Versions are 1, 2, … without gaps (rules_history.h): a caller that lost track is refused
    // before anything is written.
    int rc = 0;
    std::uint32_t last = last_rules_version(impl, txn.get(), rc);
    if (rc != 0) {
      error = lmdb::error("read rules history", rc);
      return Attempt::failed;
    }
    if (rules_change->version != last + 1) {
      error =
          Status::error(Status::Code::invalid_argument,
                        "rules version " + std::to_string(rules_change->version) +
                            " does not follow the last recorded version " + std::to_string(last));
      return Attempt::refused;
    }
  }
  BatchState state{impl.next_seq, impl.last_hash, {}, {}};
  state.accepted_keys.reserve(requests.size());
  results.clear();
  results.resize(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
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
        put_new(impl, txn.get(), fields, requests[i].prepared, state, rc);
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
  if (rules_change != nullptr) {
    int rc = put_rules_change(impl, txn.get(), *rules_change, state);
    if (rc == MDB_MAP_FULL) return Attempt::map_full;
    if (rc != 0) {
      error = lmdb::error("write rules version " + std::to_string(rules_change->version), rc);
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
    return Attempt::failed;
  }
  impl.next_seq = state.next_seq;
  impl.last_hash = state.last_hash;
  return Attempt::committed;
}

// Doubles the map, up to the configured maximum; false when it is already there.
bool grow_map(Journal::Impl& impl) {
  if (impl.map_size_bytes >= impl.options.map_size_bytes_max) return false;
  std::uint64_t grown = std::min(impl.map_size_bytes * 2, impl.options.map_size_bytes_max);
  std::unique_lock lock(impl.resize_mutex);
  if (mdb_env_set_mapsize(impl.env, grown) != 0) return false;
  impl.map_size_bytes = grown;
  return true;
}

}  // namespace

Status Journal::append_batch(std::span<const AppendRequest> requests,
                             std::vector<AppendResult>& results, RuleSetRecord* rules_change) {
  COEXIST_ASSERT(!impl_->options.read_only);
  if (impl_->options.before_append_for_test) impl_->options.before_append_for_test();
  if (Status failed = failure(); !failed.is_ok()) return failed;
  bool retried_after_clearing_readers = false;
  for (;;) {
    Status error;
    switch (attempt_batch(*impl_, requests, results, rules_change, error)) {
      case Attempt::committed:
        if (++impl_->commits % kReaderCheckCommits == 0) (void)impl_->clear_stale_readers();
        return Status::ok();
      case Attempt::map_full:
        // Nothing of the batch was written (the transaction aborted); grow and try again.
        results.clear();
        // A dead reader may be what keeps freed pages from reuse: with its slot gone they can be
        // used again, so try once more before growing (or refusing journal_full).
        if (!retried_after_clearing_readers && impl_->clear_stale_readers() > 0) {
          retried_after_clearing_readers = true;
          continue;
        }
        if (!grow_map(*impl_)) {
          return Status::error(Status::Code::journal_full,
                               "journal reached map_size_mb_max (" +
                                   std::to_string(impl_->options.map_size_bytes_max >> 20) +
                                   " MiB)");
        }
        continue;
      case Attempt::refused:
        results.clear();
        return error;
      case Attempt::failed: {
        results.clear();
        std::lock_guard lock(impl_->failure_mutex);
        impl_->failure = Status::error(Status::Code::unavailable,
                                       "journal write failed, refusing further writes: " +
                                           error.message());
        return impl_->failure;
      }
    }
  }
}

}  // namespace coexist::journal
