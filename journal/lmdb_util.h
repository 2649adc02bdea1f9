#pragma once

// Small RAII helpers over the LMDB C API, private to journal/. LMDB error codes become Status
// values here and nowhere else.

#include <lmdb.h>

#include <string>
#include <string_view>

#include "model/status.h"

namespace coexist::journal::lmdb {

[[nodiscard]] inline Status error(std::string_view what, int rc) {
  Status::Code code = Status::Code::io_error;
  if (rc == MDB_MAP_FULL) code = Status::Code::journal_full;
  if (rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND || rc == MDB_VERSION_MISMATCH ||
      rc == MDB_INVALID) {
    code = Status::Code::corruption;
  }
  return Status::error(code, std::string(what) + ": " + mdb_strerror(rc));
}

inline MDB_val value_of(std::string_view bytes) {
  return MDB_val{bytes.size(), const_cast<char*>(bytes.data())};  // LMDB never writes through it
}

inline std::string_view view_of(const MDB_val& value) {
  return {static_cast<const char*>(value.mv_data), value.mv_size};
}

// Aborts the transaction on scope exit unless it was committed or released.
class Transaction {
 public:
  Transaction() = default;
  ~Transaction() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  [[nodiscard]] int begin(MDB_env* env, unsigned int flags) {
    return mdb_txn_begin(env, nullptr, flags, &txn_);
  }
  // mdb_txn_commit frees the handle whatever it returns.
  [[nodiscard]] int commit() {
    MDB_txn* txn = txn_;
    txn_ = nullptr;
    return mdb_txn_commit(txn);
  }
  [[nodiscard]] MDB_txn* get() const { return txn_; }

 private:
  MDB_txn* txn_ = nullptr;
};

class Cursor {
 public:
  Cursor() = default;
  ~Cursor() {
    if (cursor_ != nullptr) mdb_cursor_close(cursor_);
  }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  [[nodiscard]] int open(MDB_txn* txn, MDB_dbi dbi) { return mdb_cursor_open(txn, dbi, &cursor_); }
  [[nodiscard]] int get(MDB_val& key, MDB_val& value, MDB_cursor_op op) {
    return mdb_cursor_get(cursor_, &key, &value, op);
  }

 private:
  MDB_cursor* cursor_ = nullptr;
};

}  // namespace coexist::journal::lmdb
