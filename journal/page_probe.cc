#include "journal/page_probe.h"

#include <csetjmp>
#include <csignal>
#include <mutex>
#include <string>
#include <string_view>

#include "journal/lmdb_util.h"
#include "model/assert.h"

namespace coexist::journal {
namespace {

// Set on a thread only while it walks the map; the handler jumps back only on such a thread.
thread_local volatile std::sig_atomic_t probing = 0;
thread_local sigjmp_buf probe_return;

std::mutex handler_mutex;
int handler_users = 0;             // probes under way, guarded by handler_mutex
struct sigaction previous_action;  // SIGBUS's disposition before the first of them

void on_sigbus(int /*signal*/, siginfo_t* info, void* /*context*/) {
  // A fault (si_code > 0; not a SIGBUS sent by kill) on a thread that is walking the map.
  if (probing != 0 && info->si_code > 0) {
    probing = 0;
    siglongjmp(probe_return, 1);
  }
  // Not the probe's: SIGBUS does what it did before. A fault repeats when this returns; a sent
  // signal is raised again (blocked until this returns).
  ::sigaction(SIGBUS, &previous_action, nullptr);
  if (info->si_code <= 0) ::raise(SIGBUS);
}

// Installs on_sigbus for as long as one probe in the process is under way.
class SigbusHandler {
 public:
  SigbusHandler() {
    std::lock_guard lock(handler_mutex);
    if (handler_users++ > 0) return;
    struct sigaction action {};
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    COEXIST_ASSERT(::sigaction(SIGBUS, &action, &previous_action) == 0);
  }
  ~SigbusHandler() {
    std::lock_guard lock(handler_mutex);
    if (--handler_users > 0) return;
    COEXIST_ASSERT(::sigaction(SIGBUS, &previous_action, nullptr) == 0);
  }
  SigbusHandler(const SigbusHandler&) = delete;
  SigbusHandler& operator=(const SigbusHandler&) = delete;
};

// What a walk holds and learns. It lives in probe_reachable_pages's frame, not in walk_guarded's
// (which calls sigsetjmp), so nothing a jump skips over is left indeterminate; the destructor
// releases the cursor and the transaction whichever way the walk ended.
struct Walk {
  MDB_txn* txn = nullptr;
  MDB_cursor* cursor = nullptr;
  int rc = 0;
  std::string what;  // the step that returned rc

  Walk() = default;
  ~Walk() {
    if (cursor != nullptr) mdb_cursor_close(cursor);
    if (txn != nullptr) mdb_txn_abort(txn);
  }
  Walk(const Walk&) = delete;
  Walk& operator=(const Walk&) = delete;
};

// Reads every entry of `dbi` and the last byte of every value.
int walk_database(Walk& walk, MDB_dbi dbi) {
  if (int rc = mdb_cursor_open(walk.txn, dbi, &walk.cursor); rc != 0) return rc;
  MDB_val key{};
  MDB_val value{};
  int rc = 0;
  while ((rc = mdb_cursor_get(walk.cursor, &key, &value, MDB_NEXT)) == 0) {
    if (value.mv_size == 0) continue;
    volatile unsigned char last =
        static_cast<const unsigned char*>(value.mv_data)[value.mv_size - 1];
    (void)last;
  }
  mdb_cursor_close(walk.cursor);
  walk.cursor = nullptr;
  return rc == MDB_NOTFOUND ? 0 : rc;
}

int walk_all(Walk& walk, std::span<const char* const> databases) {
  const std::pair<std::string_view, MDB_dbi> fixed[] = {{"free DB", 0}, {"main DB", 1}};
  for (const auto& [name, dbi] : fixed) {
    walk.what = name;
    if (int rc = walk_database(walk, dbi); rc != 0) return rc;
  }
  for (const char* name : databases) {
    walk.what = name;
    MDB_dbi dbi = 0;
    int rc = mdb_dbi_open(walk.txn, name, 0, &dbi);
    if (rc == MDB_NOTFOUND) continue;  // open_databases has its say on that
    if (rc == 0) rc = walk_database(walk, dbi);
    if (rc != 0) return rc;
  }
  return 0;
}

// Returns false when the walk touched a page past the end of the file. Nothing the walk calls
// holds a lock or is inside malloc while it reads the map, so jumping out of it leaves LMDB and
// the heap as they were; the transaction was begun before (mdb_txn_begin takes the reader-table
// lock, and reads only the meta pages, which mdb_env_open has read from the file already).
[[gnu::noinline]] bool walk_guarded(Walk& walk, std::span<const char* const> databases) {
  // sigsetjmp saves the signal mask (1): the handler runs with SIGBUS blocked.
  if (sigsetjmp(probe_return, 1) != 0) return false;
  probing = 1;
  walk.rc = walk_all(walk, databases);
  probing = 0;
  return true;
}

}  // namespace

Result<PageReach> probe_reachable_pages(MDB_env* env, std::span<const char* const> databases) {
  Walk walk;
  if (int rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, &walk.txn); rc != 0) {
    return lmdb::error("begin page probe", rc);
  }
  SigbusHandler handler;
  if (!walk_guarded(walk, databases)) return PageReach::past_end;
  if (walk.rc != 0) return lmdb::error("page probe of " + walk.what, walk.rc);
  return PageReach::inside_file;
}

}  // namespace coexist::journal
