#pragma once

// Journal's private state, shared by journal.cc (open, append) and journal_read.cc (queries).

#include <lmdb.h>

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "journal/journal.h"

namespace coexist::journal {

struct Journal::Impl {
  OpenOptions options;
  MDB_env* env = nullptr;
  MDB_dbi transactions = 0;
  MDB_dbi idempotency = 0;
  MDB_dbi meta = 0;
  MDB_dbi rules = 0;
  std::uint64_t map_size_bytes = 0;

  // Writer state: valid after open, advanced only by a committed append.
  std::uint64_t next_seq = 1;
  Hash last_hash{};
  std::uint64_t commits = 0;         // by this writer, to clear stale reader slots now and then
  Status failure;                    // sticky; ok until a commit fails
  mutable std::mutex failure_mutex;  // failure() is read from other threads

  // mdb_env_set_mapsize needs no live transaction in this process: readers hold it shared,
  // growing the map holds it exclusively.
  mutable std::shared_mutex resize_mutex;
  // Set when mdb_env_set_mapsize failed: LMDB unmaps the old map before it maps the new one, so
  // after a failure there is no map, and a read would fault on it. Reads answer MDB_PANIC instead.
  mutable std::atomic<bool> map_lost{false};

  // "writer.lock", flock'd exclusively by the one writing process. -1 when not held.
  int writer_lock_fd = -1;
  // "data.mdb", flock'd shared by a reader opened without lock.mdb (MDB_NOLOCK) so that no writer
  // starts while it reads; the writer flocks LMDB's own descriptor of it instead. -1 when not
  // held.
  int data_lock_fd = -1;

  ~Impl();

  // Begins a read-only transaction, adopting a map grown by another process.
  [[nodiscard]] int begin_read(MDB_txn** txn) const;

  // Frees the reader slots of processes that died inside a read (a CLI killed mid-export): LMDB
  // cannot reuse any page freed after such a slot's snapshot, so the file would grow until
  // journal_full. Called at open, every Journal::kReaderCheckCommits commits and before growing
  // the map.
  // Returns how many slots were freed.
  int clear_stale_readers() const;
};

}  // namespace coexist::journal
