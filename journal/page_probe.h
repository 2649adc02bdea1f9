#pragma once

// Tells a data.mdb cut short (a partial backup) from one that merely ends before its last page.
//
// LMDB maps data.mdb and reads pages straight from the map, so reading a page past the end of the
// file is a SIGBUS, not an error. The meta page's last page number does not settle whether that
// can happen: a page allocated and freed again within one write transaction (a "loose" page) is
// never written, yet the transaction's next page number is not lowered, so a healthy file can end
// before the last page the meta page names (which is why LMDB's own mdb_env_copyfd clips its copy
// to the file size). What matters is whether any page a read can reach lies past the end, and the
// only way to find out without re-implementing LMDB's page format is to read them all, with a
// SIGBUS caught rather than fatal.

#include <lmdb.h>

#include <span>

#include "model/status.h"

namespace coexist::journal {

enum class PageReach {
  inside_file,  // every page a read can reach is in the file; any past its end are free pages
  past_end,     // a page a read reaches lies past the end of the file: the file is truncated
};

// Walks, in one read-only transaction of `env`, every entry of the free DB (dbi 0), the main DB
// (dbi 1, whose records are the named databases) and the named `databases` (one that does not
// exist is skipped), and reads the last byte of every value: that reaches every branch and leaf
// page, and every overflow page (a value's overflow pages are contiguous, so if its last one is in
// the file, all are). A SIGBUS raised on this thread meanwhile is caught (a handler is installed
// for the duration of the walk only; a SIGBUS on any other thread does what it did before) and
// answers past_end. An LMDB error during the walk is returned as a Status.
//
// Thread safety: may run on several threads at once. It must be the only transaction of `env` on
// this thread (MDB_NOTLS environments excepted), and nothing else may open databases in `env`
// meanwhile (mdb_dbi_open's rule).
[[nodiscard]] Result<PageReach> probe_reachable_pages(MDB_env* env,
                                                      std::span<const char* const> databases);

}  // namespace coexist::journal
