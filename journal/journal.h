#pragma once

// The LMDB journal: the durable, tamper-evident record of every accepted transaction.
//
// Durability promise. `append_batch` returns only after every LMDB write transaction it made has
// been committed with a synchronous flush (LMDB's default durable commit: data pages, then the meta
// page, each fsync'd); the environment is never opened with MDB_NOSYNC, MDB_NOMETASYNC or
// MDB_MAPASYNC, and `open` refuses to continue if it finds them set. A caller may therefore
// acknowledge each transaction as `append_batch` judged it (accepted, duplicate, conflict) as soon
// as, and not before, it returns with the results. A batch is one write transaction and one durable
// commit. If a commit fails for any reason other than a full map, the on-disk state of that batch
// is indeterminate to us, so the failure is sticky: this and every later append returns the same
// error with no results, the router reports itself not ready and acknowledges nothing more, and a
// restart (which re-reads what LMDB actually holds) is the only way forward. A full map is not a
// failure: the map grows up to map_size_bytes_max. Past that, the batch is split, in request order,
// into parts that each are one write transaction and one durable commit: a part that does not fit
// is aborted and halved, a part that fits is committed, and a transaction that does not fit even
// alone is reported `journal_full` with nothing of it written, the transactions after it still
// tried. What is committed keeps every promise of a whole batch: seqs without gaps, an unbroken
// hash chain, repeats judged against earlier parts' records; a rules change goes into the last
// part, after every transaction the batch commits, or is refused whole.
//
// Threads and processes: one writer (the router's commit thread) calls append_batch; any number
// of threads and other processes (the CLI) may read concurrently, each read seeing one committed
// snapshot. Readers in other processes open the journal read-only; one that may not write
// lock.mdb reads without it, which is safe only while no process writes: the writer holds an
// exclusive flock on data.mdb, such a reader a shared one until it closes, so each refuses to open
// while the other has the journal open.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "journal/format.h"
#include "journal/rules_history.h"
#include "model/status.h"

namespace coexist::journal {

struct OpenOptions {
  std::filesystem::path path;  // a directory; created (with parents) unless read_only
  bool read_only = false;
  std::uint64_t map_size_bytes_initial = 64ULL << 20;
  std::uint64_t map_size_bytes_max = 64ULL << 30;
  // Fault injection for tests: called before each commit; returning true makes that commit fail
  // as an I/O error would (the write transaction is aborted). Unset in production.
  std::function<bool()> fail_commit_for_test;
  // Called at the start of every append_batch, on the appending thread: lets a test hold a
  // commit while the router goes on. Unset in production.
  std::function<void()> before_append_for_test;
};

// One transaction to append: its canonical JSON plus the fields the record keeps beside it, and
// optionally its body already encoded and digested from those fields (prepare_body).
struct AppendRequest {
  RecordFields fields;
  const PreparedBody* prepared = nullptr;
};

// journal_full: the journal is at map_size_bytes_max and the transaction does not fit in what is
// left, even alone; nothing of it was written and it may be retried once there is room.
enum class AppendStatus : std::uint8_t { accepted, duplicate, conflict, journal_full };

struct AppendResult {
  AppendStatus status = AppendStatus::accepted;
  // The new seq (accepted) or the original's (duplicate, conflict); 0 for journal_full.
  std::uint64_t seq = 0;
  // The original's routing, for duplicate and conflict acks; this append's for accepted.
  std::string route;
  std::string rule;
  std::uint32_t rules_version = 0;
};

struct Head {
  std::uint64_t seq = 0;  // 0 for an empty journal
  Hash hash{};            // all zero for an empty journal
};

// What `coexist journal digest` saves, read from one snapshot: the heads of the transactions'
// hash chain and of the rules history's (rules_history.h). A digest saved before digests covered
// the rules history has no `rules`: it vouches for the transactions only.
struct Digest {
  Head head;
  std::optional<RulesHead> rules;
};

struct Stats {
  std::uint64_t transactions = 0;
  std::uint64_t last_seq = 0;
  std::uint64_t map_size_bytes = 0;
  std::uint64_t map_size_bytes_max = 0;
  std::uint64_t used_bytes = 0;  // pages in use × page size
  std::uint64_t file_bytes = 0;  // data.mdb on disk
  std::uint32_t page_size = 0;
};

// Filters for `for_each`: seq range; everything else is applied by the caller on the view.
struct SeqRange {
  std::uint64_t from_seq = 1;
  std::uint64_t to_seq = UINT64_MAX;  // inclusive
};

class Journal {
 public:
  // The writer frees the reader slots of dead processes (a CLI killed mid-read) at open, before
  // growing the map, and once every this many commits: such a slot pins every page freed after
  // its snapshot, and the file would grow until journal_full.
  static constexpr std::uint64_t kReaderCheckCommits = 256;

  // Refuses a data.mdb shorter than the pages its meta page names (corruption: LMDB would map it
  // and fault, SIGBUS, on the first page past its end) and, read-only, a missing or empty one
  // (not_found). The writer refuses an empty one too (corruption: LMDB would initialise it as a
  // new journal) and creates one only where there is none.
  [[nodiscard]] static Result<std::unique_ptr<Journal>> open(const OpenOptions& options);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Appends a batch in one durable write transaction, or in several at the map's maximum (see
  // the durability promise). Each request is judged against the journal and against the earlier
  // requests of the same batch: a known (source, id) with byte-equal canonical JSON is a
  // duplicate, with different content a conflict; neither writes anything. A request that does
  // not fit is journal_full. `results` gets one entry per request, in order. Not thread-safe: one
  // writer. `rules_change`, when given, is a new rule-set version recorded after the batch's
  // committed transactions, in the same commit as the last of them; its version must be the next
  // one, and activated_after_seq is set here.
  //
  // Returns ok when every request has its verdict and the rules change, if any, is recorded.
  // journal_full: only the rules change did not fit and is not recorded; every request still has
  // its verdict (some may be accepted). Any other error: `results` is empty and nothing of this
  // call may be acknowledged (after a commit failure, parts committed earlier in the call are in
  // the journal: a retry after the restart is answered duplicate).
  [[nodiscard]] Status append_batch(std::span<const AppendRequest> requests,
                                    std::vector<AppendResult>& results,
                                    RuleSetRecord* rules_change = nullptr);

  // The sticky failure, if a commit has failed (ok otherwise).
  [[nodiscard]] Status failure() const;

  [[nodiscard]] Result<Head> head() const;
  // The head and the rules history's head from one snapshot (`rules` always set).
  [[nodiscard]] Result<Digest> digest() const;
  [[nodiscard]] Result<std::optional<std::uint64_t>> find(std::string_view source,
                                                          std::string_view id) const;
  // Calls `visit` with each record in seq order inside one read snapshot; stops early when it
  // returns false. The view is valid only during the call. `rules_history`, when given, is filled
  // from the same snapshot before the first record: every version a visited record names is in it.
  [[nodiscard]] Status for_each(SeqRange range, const std::function<bool(const RecordView&)>& visit,
                                RulesHistory* rules_history = nullptr) const;
  // The record with this seq, copied out; nullopt when there is none.
  [[nodiscard]] Status get(std::uint64_t seq, const std::function<void(const RecordView&)>& visit,
                           bool& found) const;
  [[nodiscard]] Result<Stats> stats() const;
  // Every applied rule-set version, ascending (empty when none was ever applied).
  [[nodiscard]] Result<std::vector<RuleSetRecord>> rule_sets() const;
  // Checks every (source, id) of the idempotency index points at a record with that key, and
  // that there are as many index entries as records. `first_bad_seq` names the first record
  // whose index entry is wrong or missing (0 when the problem is an orphan index entry).
  [[nodiscard]] Status check_index(std::uint64_t& first_bad_seq, std::string& problem) const;

  [[nodiscard]] const std::filesystem::path& path() const;

  // Opaque: defined in journal/journal_impl.h, used only by journal/'s own sources.
  struct Impl;

 private:
  explicit Journal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace coexist::journal
