#pragma once

// Tells a data.mdb cut short (a partial backup) from one that merely ends before its last page.
//
// LMDB maps data.mdb and reads pages straight from the map, so reading a page past the end of the
// file is a SIGBUS, not an error. The meta page's last page number does not settle whether that
// can happen: a page allocated and freed again within one write transaction (a "loose" page) is
// never written, yet the transaction's next page number is not lowered, so a healthy file can end
// before the last page the meta page names (which is why LMDB's own mdb_env_copyfd clips its copy
// to the file size). What matters is whether any page a read can reach lies past the end.
//
// The cheap answer comes from the free DB (dbi 0), which lists the pages free in a snapshot: a
// page it lists is one no read of that snapshot reaches. Its records, as LMDB 0.9 writes them
// (mdb_freelist_save; mdb_page_alloc reads them back):
//
//   record = key value
//   key    = txnid                     ; the transaction that freed the pages (size_t)
//   value  = count pgno{count} [slack] ; an MDB_IDL of size_t, native byte order, descending;
//                                      ; a reserved record may hold slack after its count pages
//
// Loose pages are filed there at commit, so when only they are missing, every missing page is
// listed and the probe answers without reading anything else. Otherwise the only way to find out
// without re-implementing LMDB's page format is to read every page a read can reach, with a
// SIGBUS caught rather than fatal.

#include <lmdb.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "model/status.h"

namespace coexist::journal {

enum class PageReach {
  inside_file,  // every page a read can reach is in the file; any past its end are free pages
  past_end,     // a page a read reaches lies past the end of the file: the file is truncated
};

// The step that settled the answer.
enum class ProbeStep {
  free_db,    // the free DB alone: it lists every missing page, or reading it met the end
  full_walk,  // every database, after the free DB left a missing page unaccounted for
};

struct ProbeOutcome {
  PageReach reach = PageReach::inside_file;
  ProbeStep decided_by = ProbeStep::free_db;
};

// Page numbers `first` to `last`, both included; empty when first > last.
struct PageRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};

// For tests only: called on the probing thread before each database is read (the free DB first),
// while the probe's SIGBUS handler is installed, so a test can send signals during a probe.
struct ProbeHooks {
  std::function<void(std::string_view database)> before_database;
};

// Answers whether a read of `env`'s current snapshot can reach a page past the end of data.mdb.
// `missing` names the pages the file lacks (from its first page past the end to the meta page's
// last page; the caller reads the meta page before the file's size, see journal.cc).
//
// In one read-only transaction, it first reads the free DB's records. If they list every page of
// `missing` (at most kMissingPagesListedMax of them), the answer is inside_file, decided by the
// free DB. Otherwise it walks every entry of the free DB, the main DB (dbi 1, whose records are
// the named databases) and the named `databases` (one that does not exist is skipped), and reads
// the last byte of every value: that reaches every branch and leaf page, and every overflow page
// (a value's overflow pages are contiguous, so if its last one is in the file, all are).
//
// A SIGBUS fault on the probing thread while it reads is caught and answers past_end (the free
// DB's own pages may lie past the end, too). Any other SIGBUS (a fault on another thread, or one
// sent with kill, raise, pthread_kill or sigqueue, even to the probing thread) gets SIGBUS's
// previous disposition: its handler is called, an ignored signal is ignored (a fault is not:
// that kills, as the kernel does), and a default disposition is put back for good and the process
// dies of that SIGBUS. Only while a probe runs is a handler installed. An LMDB error is returned.
//
// Thread safety: probes are serialised (one at a time in the process; a hook must not probe).
// It must be the only transaction of `env` on this thread (MDB_NOTLS environments excepted), and
// nothing else may open databases in `env` meanwhile (mdb_dbi_open's rule).
[[nodiscard]] Result<ProbeOutcome> probe_reachable_pages(MDB_env* env, PageRange missing,
                                                         std::span<const char* const> databases,
                                                         const ProbeHooks& hooks = {});

// The most missing pages the free DB is checked for (a bitmap of one bit each, 2 MiB): a file
// missing more than 64 GiB of 4 KiB pages is walked in full.
inline constexpr std::uint64_t kMissingPagesListedMax = std::uint64_t{1} << 24;

}  // namespace coexist::journal
