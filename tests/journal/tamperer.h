#pragma once

// Rewrites a journal straight in LMDB, as an attacker (or a bad disk) with access to data.mdb
// would: records, idempotency index entries and rules versions. The journal must be closed while
// a Tamperer is open; its changes are committed when it goes out of scope.

#include <gtest/gtest.h>
#include <lmdb.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "journal/format.h"
#include "journal/rules_history.h"

namespace coexist::test {

class Tamperer {
 public:
  explicit Tamperer(const std::filesystem::path& path) {
    EXPECT_EQ(mdb_env_create(&env_), 0);
    EXPECT_EQ(mdb_env_set_maxdbs(env_, 8), 0);
    EXPECT_EQ(mdb_env_open(env_, path.c_str(), 0, 0640), 0);
    EXPECT_EQ(mdb_txn_begin(env_, nullptr, 0, &txn_), 0);
    EXPECT_EQ(mdb_dbi_open(txn_, "transactions", 0, &records_), 0);
    EXPECT_EQ(mdb_dbi_open(txn_, "idempotency", 0, &index_), 0);
    EXPECT_EQ(mdb_dbi_open(txn_, "rules", 0, &rules_), 0);
  }
  ~Tamperer() {
    EXPECT_EQ(mdb_txn_commit(txn_), 0);
    mdb_env_close(env_);
  }
  Tamperer(const Tamperer&) = delete;
  Tamperer& operator=(const Tamperer&) = delete;

  std::string get(std::uint64_t seq) { return get_from(records_, journal::seq_key(seq)); }
  void put(std::uint64_t seq, const std::string& record) {
    put_into(records_, journal::seq_key(seq), record);
  }
  void remove(std::uint64_t seq) { remove_from(records_, journal::seq_key(seq)); }

  void put_index(std::string_view source, std::string_view id, std::uint64_t seq) {
    put_into(index_, journal::idempotency_key(source, id), journal::seq_key(seq));
  }
  void remove_index(std::string_view source, std::string_view id) {
    remove_from(index_, journal::idempotency_key(source, id));
  }

  std::string get_rules(std::uint32_t version) {
    return get_from(rules_, journal::rules_key(version));
  }
  void put_rules(std::uint32_t version, const std::string& record) {
    put_into(rules_, journal::rules_key(version), record);
  }
  void remove_rules(std::uint32_t version) { remove_from(rules_, journal::rules_key(version)); }
  // Rewrites a rules version's content together with its sha256: consistent in itself, so only
  // a digest saved earlier can tell.
  void rewrite_rules_content(std::uint32_t version, const std::string& canonical) {
    auto record = journal::decode_rules_record(version, get_rules(version)).value();
    record.canonical = canonical;
    record.sha256 = journal::sha256(record.canonical);
    std::string rewritten;
    journal::encode_rules_record(record, rewritten);
    put_rules(version, rewritten);
  }

 private:
  std::string get_from(MDB_dbi dbi, std::string key) {
    MDB_val k{key.size(), key.data()};
    MDB_val v{};
    EXPECT_EQ(mdb_get(txn_, dbi, &k, &v), 0);
    return {static_cast<const char*>(v.mv_data), v.mv_size};
  }
  void put_into(MDB_dbi dbi, std::string key, std::string value) {
    MDB_val k{key.size(), key.data()};
    MDB_val v{value.size(), value.data()};
    EXPECT_EQ(mdb_put(txn_, dbi, &k, &v, 0), 0);
  }
  void remove_from(MDB_dbi dbi, std::string key) {
    MDB_val k{key.size(), key.data()};
    EXPECT_EQ(mdb_del(txn_, dbi, &k, nullptr), 0);
  }

  MDB_env* env_ = nullptr;
  MDB_txn* txn_ = nullptr;
  MDB_dbi records_ = 0;
  MDB_dbi index_ = 0;
  MDB_dbi rules_ = 0;
};

}  // namespace coexist::test
