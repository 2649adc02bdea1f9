#pragma once

// Builds, through LMDB's public API, a healthy journal whose data.mdb ends before the last page
// its meta page names: the case the truncation check must not refuse (journal/page_probe.h).
//
// How LMDB gets there: a page a write transaction allocates and frees again is "loose"; at commit
// mdb_freelist_save files it as free and mdb_page_flush skips it, while the next page number keeps
// counting it. It stays the file's unwritten tail when nothing written in that commit lies above
// it: the free DB's own pages then come from reclaimed free pages and from the loose pages freed
// last (LIFO). So: commits that leave reclaimable free pages; then, in one transaction, many keys
// put in ascending order (new pages at the end of the file) and deleted in descending order (the
// highest pages freed first, deepest in the loose list).

#include <gtest/gtest.h>
#include <lmdb.h>
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "tests/journal/journal_fixture.h"

namespace coexist::test {

// The bytes data.mdb has and the bytes its pages need (me_last_pgno + 1 pages).
struct FileExtent {
  std::uint64_t file_bytes = 0;
  std::uint64_t needed_bytes = 0;
};

// A raw LMDB environment over a journal directory, closed with the object; the journal must be
// closed meanwhile.
class RawEnv {
 public:
  explicit RawEnv(const std::filesystem::path& path, unsigned int flags = 0) {
    EXPECT_EQ(mdb_env_create(&env_), 0);
    EXPECT_EQ(mdb_env_set_maxdbs(env_, 8), 0);
    EXPECT_EQ(mdb_env_set_mapsize(env_, 64 << 20), 0);
    opened_ = mdb_env_open(env_, path.c_str(), flags, 0640);
    EXPECT_EQ(opened_, 0) << mdb_strerror(opened_);
  }
  ~RawEnv() { mdb_env_close(env_); }
  RawEnv(const RawEnv&) = delete;
  RawEnv& operator=(const RawEnv&) = delete;

  [[nodiscard]] MDB_env* get() const { return env_; }

  [[nodiscard]] FileExtent extent() const {
    MDB_envinfo info{};
    MDB_stat stat{};
    EXPECT_EQ(mdb_env_info(env_, &info), 0);
    EXPECT_EQ(mdb_env_stat(env_, &stat), 0);
    int fd = -1;
    EXPECT_EQ(mdb_env_get_fd(env_, &fd), 0);
    struct ::stat file {};
    EXPECT_EQ(::fstat(fd, &file), 0);
    return {static_cast<std::uint64_t>(file.st_size),
            (static_cast<std::uint64_t>(info.me_last_pgno) + 1) * stat.ms_psize};
  }

  // Puts `count` scratch keys into `database` in ascending order, then deletes them in descending
  // order, in one write transaction: the database ends as it began.
  void put_and_delete(const char* database, int count) {
    MDB_txn* txn = nullptr;
    ASSERT_EQ(mdb_txn_begin(env_, nullptr, 0, &txn), 0);
    MDB_dbi dbi = 0;
    ASSERT_EQ(mdb_dbi_open(txn, database, 0, &dbi), 0);
    std::string value(200, 'v');
    for (int i = 0; i < count; ++i) {
      std::string key = scratch_key(i);
      MDB_val k{key.size(), key.data()};
      MDB_val v{value.size(), value.data()};
      ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
    }
    for (int i = count - 1; i >= 0; --i) {
      std::string key = scratch_key(i);
      MDB_val k{key.size(), key.data()};
      ASSERT_EQ(mdb_del(txn, dbi, &k, nullptr), 0);
    }
    ASSERT_EQ(mdb_txn_commit(txn), 0);
  }

 private:
  static std::string scratch_key(int i) {
    std::string digits = std::to_string(i);
    return "scratch-" + std::string(8 - digits.size(), '0') + digits;
  }

  MDB_env* env_ = nullptr;
  int opened_ = 0;
};

inline void append_records(journal::Journal& journal, int count, int first = 0) {
  RequestBuilder build;
  std::vector<journal::AppendRequest> batch;
  for (int i = first; i < first + count; ++i)
    batch.push_back(build.make(transaction_json("T" + std::to_string(i))));
  std::vector<journal::AppendResult> results;
  ASSERT_TRUE(journal.append_batch(batch, results).is_ok());
}

// A closed journal of `commits` × `per_commit` records whose data.mdb ends before its last page,
// only free pages missing. Returns its extent; the caller asserts the file is short.
inline FileExtent write_journal_with_free_tail(const std::filesystem::path& path, int commits = 6,
                                               int per_commit = 20) {
  {
    auto journal = open_journal(path);
    EXPECT_NE(journal, nullptr);
    if (journal == nullptr) return {};
    for (int i = 0; i < commits; ++i) append_records(*journal, per_commit, i * per_commit);
  }
  RawEnv env(path);
  env.put_and_delete("meta", 2000);
  return env.extent();
}

}  // namespace coexist::test
