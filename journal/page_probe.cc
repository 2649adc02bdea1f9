#include "journal/page_probe.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csetjmp>
#include <csignal>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "journal/lmdb_util.h"
#include "model/assert.h"

namespace coexist::journal {
namespace {

// One probe at a time in the process, so the SIGBUS handler needs one of each of these, not one
// per thread (thread-local storage is not async-signal-safe). previous_action and probe_return
// are written before the handler is installed and before probing_thread names the thread; the
// handler reads nothing else.
std::mutex probe_mutex;
std::atomic<pid_t> probing_thread{0};  // the thread reading the map (gettid), 0 between reads
static_assert(std::atomic<pid_t>::is_always_lock_free, "read by a signal handler");
sigjmp_buf probe_return;              // where a fault on probing_thread jumps to
struct sigaction previous_action {};  // SIGBUS's disposition before the probe

// Gives a SIGBUS that is not the probe's what SIGBUS's previous disposition would have done.
void pass_on(int signal, siginfo_t* info, void* context) {
  bool sent = info->si_code <= 0;  // kill, raise, pthread_kill, sigqueue; not a fault
  if ((previous_action.sa_flags & SA_SIGINFO) != 0) {
    previous_action.sa_sigaction(signal, info, context);
    return;
  }
  bool ignored = previous_action.sa_handler == SIG_IGN;
  bool by_default = previous_action.sa_handler == SIG_DFL;
  if (ignored && sent) return;
  if (!ignored && !by_default) {
    previous_action.sa_handler(signal);
    return;
  }
  // The default, or an ignored fault (which the kernel does not ignore either): SIGBUS goes back
  // to its default for good and kills the process. A fault repeats when this returns; a sent
  // signal is raised again, blocked until this returns. The probe's handler is not needed again:
  // a probe still under way can only die of SIGBUS meanwhile, as the process is about to.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  ::sigaction(SIGBUS, &default_action, nullptr);
  if (sent) ::raise(SIGBUS);
}

void on_sigbus(int signal, siginfo_t* info, void* context) {
  // A fault (si_code > 0) on the thread reading the map: the page lies past the end of the file.
  if (info->si_code > 0 && probing_thread.load() == ::gettid()) {
    probing_thread.store(0);
    siglongjmp(probe_return, 1);
  }
  int saved_errno = errno;  // pass_on may return into code that reads errno
  pass_on(signal, info, context);
  errno = saved_errno;
}

// Holds probe_mutex, and on_sigbus as SIGBUS's handler, for the length of one probe.
class ProbeGuard {
 public:
  ProbeGuard() : lock_(probe_mutex) {
    struct sigaction action {};
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    // The old disposition is read before the new one is installed: sigaction's own copy of it
    // lands only after the handler is in, and a SIGBUS in between would pass on a blank one.
    COEXIST_ASSERT(::sigaction(SIGBUS, nullptr, &previous_action) == 0);
    COEXIST_ASSERT(::sigaction(SIGBUS, &action, nullptr) == 0);
  }
  ~ProbeGuard() { COEXIST_ASSERT(::sigaction(SIGBUS, &previous_action, nullptr) == 0); }
  ProbeGuard(const ProbeGuard&) = delete;
  ProbeGuard& operator=(const ProbeGuard&) = delete;

 private:
  std::lock_guard<std::mutex> lock_;
};

// What a probe holds and learns. It lives in probe_reachable_pages's frame, not in run_guarded's
// (which calls sigsetjmp), so nothing a jump skips over is left indeterminate; the destructor
// releases the cursor and the transaction whichever way the probe ended.
struct Walk {
  PageRange missing;
  std::span<const char* const> databases;
  const ProbeHooks& hooks;
  std::vector<bool> listed;  // listed[i]: the free DB lists page missing.first + i as free
  std::size_t listed_count = 0;
  MDB_txn* txn = nullptr;
  MDB_cursor* cursor = nullptr;
  int rc = 0;
  std::string what;  // the step that returned rc

  Walk(PageRange missing_pages, std::span<const char* const> names, const ProbeHooks& probe_hooks)
      : missing(missing_pages), databases(names), hooks(probe_hooks) {}
  ~Walk() {
    if (cursor != nullptr) mdb_cursor_close(cursor);
    if (txn != nullptr) mdb_txn_abort(txn);
  }
  Walk(const Walk&) = delete;
  Walk& operator=(const Walk&) = delete;

  void begin(std::string_view database) {
    what = database;
    if (hooks.before_database) hooks.before_database(database);
  }
};

// An MDB_IDL element: LMDB's MDB_ID (midl.h, not installed), which is its page number type.
using IdlElement = decltype(MDB_envinfo::me_last_pgno);

// Element `index` of an MDB_IDL: copied, as a value lies in its page only 2-byte aligned.
std::uint64_t idl_element(const MDB_val& value, std::size_t index) {
  IdlElement id = 0;
  std::memcpy(&id, static_cast<const unsigned char*>(value.mv_data) + index * sizeof(IdlElement),
              sizeof(id));
  return id;
}

// Marks in walk.listed each missing page a record of the free DB lists (grammar: page_probe.h),
// until all are.
int read_free_db(Walk& walk) {
  walk.begin("free DB");
  if (int rc = mdb_cursor_open(walk.txn, 0, &walk.cursor); rc != 0) return rc;
  MDB_val key{};
  MDB_val value{};
  int rc = 0;
  while (walk.listed_count < walk.listed.size() &&
         (rc = mdb_cursor_get(walk.cursor, &key, &value, MDB_NEXT)) == 0) {
    std::size_t capacity = value.mv_size / sizeof(IdlElement);
    if (capacity == 0) continue;
    std::uint64_t count = std::min<std::uint64_t>(idl_element(value, 0), capacity - 1);
    for (std::uint64_t i = 1; i <= count; ++i) {
      std::uint64_t page = idl_element(value, i);
      if (page < walk.missing.first || page > walk.missing.last) continue;
      auto index = static_cast<std::size_t>(page - walk.missing.first);
      if (walk.listed[index]) continue;
      walk.listed[index] = true;
      ++walk.listed_count;
    }
  }
  mdb_cursor_close(walk.cursor);
  walk.cursor = nullptr;
  return rc == MDB_NOTFOUND ? 0 : rc;
}

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

int walk_all(Walk& walk) {
  const std::pair<std::string_view, MDB_dbi> fixed[] = {{"free DB", 0}, {"main DB", 1}};
  for (const auto& [name, dbi] : fixed) {
    walk.begin(name);
    if (int rc = walk_database(walk, dbi); rc != 0) return rc;
  }
  for (const char* name : walk.databases) {
    walk.begin(name);
    MDB_dbi dbi = 0;
    int rc = mdb_dbi_open(walk.txn, name, 0, &dbi);
    if (rc == MDB_NOTFOUND) continue;  // open_databases has its say on that
    if (rc == 0) rc = walk_database(walk, dbi);
    if (rc != 0) return rc;
  }
  return 0;
}

// Runs `step`, setting walk.rc; returns false when it touched a page past the end of the file.
// Nothing a step calls holds a lock or is inside malloc while it reads the map, so jumping out of
// it leaves LMDB and the heap as they were; the transaction was begun before (mdb_txn_begin takes
// the reader-table lock, and reads only the meta pages, which mdb_env_open has read from the file
// already).
[[gnu::noinline]] bool run_guarded(Walk& walk, int (*step)(Walk&)) {
  // sigsetjmp saves the signal mask (1): the handler runs with SIGBUS blocked.
  if (sigsetjmp(probe_return, 1) != 0) return false;
  probing_thread.store(::gettid());
  walk.rc = step(walk);
  probing_thread.store(0);
  return true;
}

}  // namespace

Result<ProbeOutcome> probe_reachable_pages(MDB_env* env, PageRange missing,
                                           std::span<const char* const> databases,
                                           const ProbeHooks& hooks) {
  ProbeGuard guard;
  Walk walk(missing, databases, hooks);
  bool check_free_db =
      missing.first > missing.last || missing.last - missing.first < kMissingPagesListedMax;
  if (check_free_db && missing.first <= missing.last) {
    walk.listed.assign(missing.last - missing.first + 1, false);  // not while the map is read
  }
  if (int rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, &walk.txn); rc != 0) {
    return lmdb::error("begin page probe", rc);
  }
  if (check_free_db) {
    if (!run_guarded(walk, read_free_db))
      return ProbeOutcome{PageReach::past_end, ProbeStep::free_db};
    if (walk.rc != 0) return lmdb::error("page probe of the free DB", walk.rc);
    // A page the snapshot's free DB lists is one no read of the snapshot reaches.
    if (walk.listed_count == walk.listed.size())
      return ProbeOutcome{PageReach::inside_file, ProbeStep::free_db};
  }
  if (!run_guarded(walk, walk_all)) return ProbeOutcome{PageReach::past_end, ProbeStep::full_walk};
  if (walk.rc != 0) return lmdb::error("page probe of " + walk.what, walk.rc);
  return ProbeOutcome{PageReach::inside_file, ProbeStep::full_walk};
}

}  // namespace coexist::journal
