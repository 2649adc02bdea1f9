// Journal queries: each runs in one read-only snapshot and never blocks the writer.

#include <filesystem>
#include <shared_mutex>

#include "journal/journal.h"
#include "journal/journal_impl.h"
#include "journal/lmdb_util.h"

namespace coexist::journal {
namespace {

// A read snapshot, holding the in-process resize lock shared for its lifetime.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(const Journal::Impl& impl) : lock_(impl.resize_mutex) {
    MDB_txn* txn = nullptr;
    rc_ = impl.begin_read(&txn);
    txn_ = txn;
  }
  ~ReadSnapshot() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

  [[nodiscard]] Status status() const {
    return rc_ == 0 ? Status::ok() : lmdb::error("begin read", rc_);
  }
  [[nodiscard]] MDB_txn* get() const { return txn_; }

 private:
  std::shared_lock<std::shared_mutex> lock_;
  MDB_txn* txn_ = nullptr;
  int rc_ = 0;
};

Status corrupt_record(std::uint64_t seq) {
  return Status::error(Status::Code::corruption,
                       "record " + std::to_string(seq) + " cannot be decoded");
}

Result<Head> read_head(MDB_txn* txn, MDB_dbi transactions) {
  lmdb::Cursor cursor;
  if (int rc = cursor.open(txn, transactions); rc != 0) return lmdb::error("cursor", rc);
  MDB_val key{};
  MDB_val value{};
  int rc = cursor.get(key, value, MDB_LAST);
  if (rc == MDB_NOTFOUND) return Head{};
  if (rc != 0) return lmdb::error("read head", rc);
  std::uint64_t seq = get_u64(static_cast<const unsigned char*>(key.mv_data));
  auto record = decode_record(seq, lmdb::view_of(value));
  if (!record) return corrupt_record(seq);
  return Head{seq, record->hash};
}

// Every rules version in `txn`'s snapshot, ascending, and the hash chain over their records as
// stored (rules_history.h).
Status read_rules_history(MDB_txn* txn, MDB_dbi rules, RulesHistory& history) {
  history.versions.clear();
  history.chain.clear();
  Hash chain{};
  lmdb::Cursor cursor;
  if (int rc = cursor.open(txn, rules); rc != 0) return lmdb::error("cursor", rc);
  MDB_val key{};
  MDB_val value{};
  for (int rc = cursor.get(key, value, MDB_FIRST); rc != MDB_NOTFOUND;
       rc = cursor.get(key, value, MDB_NEXT)) {
    if (rc != 0) return lmdb::error("scan rules", rc);
    if (key.mv_size != 4) return Status::error(Status::Code::corruption, "bad rules key size");
    std::uint32_t version = get_u32(static_cast<const unsigned char*>(key.mv_data));
    auto record = decode_rules_record(version, lmdb::view_of(value));
    if (!record) {
      return Status::error(Status::Code::corruption,
                           "rules version " + std::to_string(version) + " cannot be decoded");
    }
    chain = next_rules_hash(chain, lmdb::view_of(value));
    history.versions.push_back(std::move(*record));
    history.chain.push_back(chain);
  }
  return Status::ok();
}

}  // namespace

Result<Head> Journal::head() const {
  ReadSnapshot snapshot(*impl_);
  if (Status status = snapshot.status(); !status.is_ok()) return status;
  return read_head(snapshot.get(), impl_->transactions);
}

Result<Digest> Journal::digest() const {
  ReadSnapshot snapshot(*impl_);
  if (Status status = snapshot.status(); !status.is_ok()) return status;
  auto head = read_head(snapshot.get(), impl_->transactions);
  if (!head.is_ok()) return head.status();
  RulesHistory history;
  if (Status status = read_rules_history(snapshot.get(), impl_->rules, history); !status.is_ok()) {
    return status;
  }
  return Digest{head.value(), history.head()};
}

Result<std::optional<std::uint64_t>> Journal::find(std::string_view source,
                                                   std::string_view id) const {
  ReadSnapshot snapshot(*impl_);
  if (Status status = snapshot.status(); !status.is_ok()) return status;
  std::string key = idempotency_key(source, id);
  MDB_val index_key = lmdb::value_of(key);
  MDB_val value{};
  int rc = mdb_get(snapshot.get(), impl_->idempotency, &index_key, &value);
  if (rc == MDB_NOTFOUND) return std::optional<std::uint64_t>();
  if (rc != 0) return lmdb::error("find", rc);
  if (value.mv_size != 8) return Status::error(Status::Code::corruption, "bad index entry");
  return std::optional<std::uint64_t>(get_u64(static_cast<const unsigned char*>(value.mv_data)));
}

Status Journal::for_each(SeqRange range, const std::function<bool(const RecordView&)>& visit,
                         RulesHistory* rules_history) const {
  ReadSnapshot snapshot(*impl_);
  if (Status status = snapshot.status(); !status.is_ok()) return status;
  if (rules_history != nullptr) {
    Status status = read_rules_history(snapshot.get(), impl_->rules, *rules_history);
    if (!status.is_ok()) return status;
  }
  lmdb::Cursor cursor;
  if (int rc = cursor.open(snapshot.get(), impl_->transactions); rc != 0) {
    return lmdb::error("cursor", rc);
  }
  std::string start = seq_key(range.from_seq);
  MDB_val key = lmdb::value_of(start);
  MDB_val value{};
  for (int rc = cursor.get(key, value, MDB_SET_RANGE); rc != MDB_NOTFOUND;
       rc = cursor.get(key, value, MDB_NEXT)) {
    if (rc != 0) return lmdb::error("scan", rc);
    if (key.mv_size != 8) return Status::error(Status::Code::corruption, "bad record key size");
    std::uint64_t seq = get_u64(static_cast<const unsigned char*>(key.mv_data));
    if (seq > range.to_seq) break;
    auto record = decode_record(seq, lmdb::view_of(value));
    if (!record) return corrupt_record(seq);
    if (!visit(*record)) break;
  }
  return Status::ok();
}

Status Journal::get(std::uint64_t seq, const std::function<void(const RecordView&)>& visit,
                    bool& found) const {
  found = false;
  ReadSnapshot snapshot(*impl_);
  if (Status status = snapshot.status(); !status.is_ok()) return status;
  std::string key_bytes = seq_key(seq);
  MDB_val key = lmdb::value_of(key_bytes);
  MDB_val value{};
  int rc = mdb_get(snapshot.get(), impl_->transactions, &key, &value);
  if (rc == MDB_NOTFOUND) return Status::ok();
  if (rc != 0) return lmdb::error("get", rc);
  auto record = decode_record(seq, lmdb::view_of(value));
  if (!record) return corrupt_record(seq);
  found = true;
  visit(*record);
  return Status::ok();
}

Result<Stats> Journal::stats() const {
  ReadSnapshot snapshot(*impl_);
  if (Status status = snapshot.status(); !status.is_ok()) return status;
  Stats stats;
  MDB_stat database{};
  if (int rc = mdb_stat(snapshot.get(), impl_->transactions, &database); rc != 0) {
    return lmdb::error("stat", rc);
  }
  stats.transactions = database.ms_entries;
  stats.page_size = database.ms_psize;
  MDB_envinfo info{};
  if (int rc = mdb_env_info(impl_->env, &info); rc != 0) return lmdb::error("env_info", rc);
  stats.map_size_bytes = info.me_mapsize;
  stats.map_size_bytes_max = impl_->options.read_only ? 0 : impl_->options.map_size_bytes_max;
  stats.used_bytes = (info.me_last_pgno + 1) * static_cast<std::uint64_t>(database.ms_psize);
  std::error_code error;
  auto file_bytes = std::filesystem::file_size(impl_->options.path / "data.mdb", error);
  stats.file_bytes = error ? 0 : static_cast<std::uint64_t>(file_bytes);
  auto head_result = read_head(snapshot.get(), impl_->transactions);
  if (!head_result.is_ok()) return head_result.status();
  stats.last_seq = head_result.value().seq;
  return stats;
}

Result<std::vector<RuleSetRecord>> Journal::rule_sets() const {
  ReadSnapshot snapshot(*impl_);
  if (Status status = snapshot.status(); !status.is_ok()) return status;
  RulesHistory history;
  if (Status status = read_rules_history(snapshot.get(), impl_->rules, history); !status.is_ok()) {
    return status;
  }
  return std::move(history.versions);
}

Status Journal::check_index(std::uint64_t& first_bad_seq, std::string& problem) const {
  first_bad_seq = 0;
  problem.clear();
  ReadSnapshot snapshot(*impl_);
  if (Status status = snapshot.status(); !status.is_ok()) return status;
  MDB_stat records{};
  MDB_stat index{};
  if (int rc = mdb_stat(snapshot.get(), impl_->transactions, &records); rc != 0) {
    return lmdb::error("stat", rc);
  }
  if (int rc = mdb_stat(snapshot.get(), impl_->idempotency, &index); rc != 0) {
    return lmdb::error("stat", rc);
  }
  lmdb::Cursor cursor;
  if (int rc = cursor.open(snapshot.get(), impl_->transactions); rc != 0) {
    return lmdb::error("cursor", rc);
  }
  MDB_val key{};
  MDB_val value{};
  for (int rc = cursor.get(key, value, MDB_FIRST); rc != MDB_NOTFOUND;
       rc = cursor.get(key, value, MDB_NEXT)) {
    if (rc != 0) return lmdb::error("scan", rc);
    std::uint64_t seq = get_u64(static_cast<const unsigned char*>(key.mv_data));
    auto record = decode_record(seq, lmdb::view_of(value));
    if (!record) return corrupt_record(seq);
    std::string index_key_bytes = idempotency_key(record->source, record->id);
    MDB_val index_key = lmdb::value_of(index_key_bytes);
    MDB_val index_value{};
    int found = mdb_get(snapshot.get(), impl_->idempotency, &index_key, &index_value);
    if (found != 0 || index_value.mv_size != 8 ||
        get_u64(static_cast<const unsigned char*>(index_value.mv_data)) != seq) {
      first_bad_seq = seq;
      problem = "idempotency index does not point at record " + std::to_string(seq);
      return Status::ok();
    }
  }
  if (index.ms_entries != records.ms_entries) {
    problem = "idempotency index has " + std::to_string(index.ms_entries) + " entries for " +
              std::to_string(records.ms_entries) + " records";
  }
  return Status::ok();
}

}  // namespace coexist::journal
