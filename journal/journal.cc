#include "journal/journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <unordered_map>

#include "journal/journal_impl.h"
#include "journal/lmdb_util.h"
#include "journal/page_probe.h"

namespace coexist::journal {
namespace {

constexpr unsigned int kAsyncFlags = MDB_NOSYNC | MDB_NOMETASYNC | MDB_MAPASYNC;
constexpr std::string_view kFormatVersionKey = "format_version";
constexpr std::array<const char*, 4> kDatabaseNames = {"transactions", "idempotency", "meta",
                                                       "rules"};

// Opens (or creates) the three sub-databases and checks the stored format version.
Status open_databases(Journal::Impl& impl) {
  lmdb::Transaction txn;
  unsigned int txn_flags = impl.options.read_only ? MDB_RDONLY : 0;
  if (int rc = txn.begin(impl.env, txn_flags); rc != 0) return lmdb::error("begin", rc);
  unsigned int db_flags = impl.options.read_only ? 0 : MDB_CREATE;
  MDB_dbi* const dbis[] = {&impl.transactions, &impl.idempotency, &impl.meta, &impl.rules};
  static_assert(std::size(dbis) == kDatabaseNames.size());
  for (std::size_t i = 0; i < kDatabaseNames.size(); ++i) {
    const char* name = kDatabaseNames[i];
    int rc = mdb_dbi_open(txn.get(), name, db_flags, dbis[i]);
    if (rc == MDB_NOTFOUND) {
      return Status::error(
          Status::Code::not_found,
          impl.options.path.string() + " is not a Coexist journal (no '" + name + "' database)");
    }
    if (rc != 0) return lmdb::error(std::string("open database ") + name, rc);
  }
  MDB_val key = lmdb::value_of(kFormatVersionKey);
  MDB_val value{};
  int rc = mdb_get(txn.get(), impl.meta, &key, &value);
  if (rc == MDB_NOTFOUND && !impl.options.read_only) {
    char version = static_cast<char>(kRecordVersion);
    MDB_val stored = lmdb::value_of(std::string_view(&version, 1));
    if (rc = mdb_put(txn.get(), impl.meta, &key, &stored, 0); rc != 0) {
      return lmdb::error("write format version", rc);
    }
  } else if (rc != 0) {
    return lmdb::error("read format version", rc);
  } else if (value.mv_size != 1 ||
             *static_cast<const std::uint8_t*>(value.mv_data) != kRecordVersion) {
    return Status::error(Status::Code::corruption, "unsupported journal format version");
  }
  if (rc = txn.commit(); rc != 0) return lmdb::error("commit open", rc);
  return Status::ok();
}

// Positions the writer after the last record: next seq and the hash to chain from.
Status load_head(Journal::Impl& impl) {
  lmdb::Transaction txn;
  if (int rc = txn.begin(impl.env, MDB_RDONLY); rc != 0) return lmdb::error("begin", rc);
  lmdb::Cursor cursor;
  if (int rc = cursor.open(txn.get(), impl.transactions); rc != 0) return lmdb::error("cursor", rc);
  MDB_val key{};
  MDB_val value{};
  int rc = cursor.get(key, value, MDB_LAST);
  if (rc == MDB_NOTFOUND) return Status::ok();
  if (rc != 0) return lmdb::error("read last record", rc);
  if (key.mv_size != 8) return Status::error(Status::Code::corruption, "bad record key size");
  std::uint64_t seq = get_u64(static_cast<const unsigned char*>(key.mv_data));
  auto record = decode_record(seq, lmdb::view_of(value));
  if (!record) {
    return Status::error(Status::Code::corruption,
                         "record " + std::to_string(seq) + " cannot be decoded");
  }
  impl.next_seq = seq + 1;
  impl.last_hash = record->hash;
  return Status::ok();
}

std::uint64_t existing_file_bytes(const std::filesystem::path& directory) {
  std::error_code error;
  auto bytes = std::filesystem::file_size(directory / "data.mdb", error);
  return error ? 0 : static_cast<std::uint64_t>(bytes);
}

// A reader needs a data file to map. LMDB would take an empty one for a new environment and try
// to initialise it, which a read-only process cannot ("Bad file descriptor").
Status check_data_file_for_reading(const std::filesystem::path& directory) {
  std::filesystem::path data_path = directory / "data.mdb";
  std::error_code error;
  auto bytes = std::filesystem::file_size(data_path, error);
  if (error == std::errc::no_such_file_or_directory || error == std::errc::not_a_directory) {
    return Status::error(Status::Code::not_found, "no journal at " + directory.string());
  }
  if (error) {
    return Status::error(Status::Code::io_error,
                         "cannot read " + data_path.string() + ": " + error.message());
  }
  if (bytes == 0) {
    return Status::error(
        Status::Code::not_found,
        data_path.string() + " is empty: it holds no journal (restore it from a complete copy)");
  }
  return Status::ok();
}

// An empty data.mdb holds no journal: a restore that failed, or a new journal whose very first
// start was interrupted between LMDB creating the file and writing its meta pages. LMDB takes an
// empty file for a new environment and would initialise it, so the router would start again at
// seq 1 and accept resubmissions of everything it once acknowledged as new. Only a file that
// exists before this open is judged: nothing in the writer's path creates data.mdb before
// mdb_env_open does, and the caller holds writer.lock, so no other router is initialising it.
Status refuse_empty_data_file_for_writing(const std::filesystem::path& directory) {
  std::filesystem::path data_path = directory / "data.mdb";
  std::error_code error;
  auto bytes = std::filesystem::file_size(data_path, error);
  if (error || bytes != 0) return Status::ok();  // missing (a new journal) or LMDB's to judge
  return Status::error(Status::Code::corruption,
                       data_path.string() +
                           " is empty: it holds no journal, and starting a new one there would "
                           "book resubmitted transactions again (restore it from a complete copy; "
                           "if this journal is brand new and its very first start was "
                           "interrupted, delete the empty data.mdb and start again)");
}

// The writer's map size; creates the journal directory.
Status prepare_writer_directory(const OpenOptions& options, std::uint64_t& map_size) {
  std::error_code error;
  std::filesystem::create_directories(options.path, error);
  if (error) {
    return Status::error(Status::Code::io_error,
                         "cannot create " + options.path.string() + ": " + error.message());
  }
  // Reopening a journal larger than the initial size starts from its current size.
  std::uint64_t file_bytes = existing_file_bytes(options.path);
  map_size = std::min(std::max(options.map_size_bytes_initial, file_bytes),
                      std::max(options.map_size_bytes_max, file_bytes));
  return Status::ok();
}

// Creates impl.env and opens it; returns LMDB's code. LMDB requires mdb_env_close after a failed
// mdb_env_open, so on failure the environment is closed and impl.env reset: the caller may try
// again with other flags.
int open_env(Journal::Impl& impl, std::uint64_t map_size, unsigned int flags) {
  int rc = mdb_env_create(&impl.env);
  if (rc != 0) {
    impl.env = nullptr;
    return rc;
  }
  rc = mdb_env_set_maxdbs(impl.env, 8);
  if (rc == 0) rc = mdb_env_set_mapsize(impl.env, map_size);
  if (rc == 0) rc = mdb_env_open(impl.env, impl.options.path.c_str(), flags, 0640);
  if (rc != 0) {
    mdb_env_close(impl.env);
    impl.env = nullptr;
  }
  return rc;
}

// LMDB opens lock.mdb read-write even for a read-only environment, so a user who may read
// data.mdb but not write lock.mdb (a read-only archive copy, an auditor in the router's group)
// gets "Permission denied". Such a reader can do without the lock file (MDB_NOLOCK) only while no
// process writes: lock.mdb's reader table is what keeps a writer from recycling the pages a
// reader is on. A router holds an exclusive flock on data.mdb for as long as it writes
// (lock_for_writing); this reader takes a shared one and keeps it until it closes, so it is
// refused while a router writes and no router can start meanwhile. The lock is on data.mdb
// because that is the one file every journal has and every such reader may open: a lock file a
// router creates would leave a journal no router has written yet unguarded. LMDB itself never
// flocks data.mdb: it locks lock.mdb, with fcntl locks, which on Linux are independent of flock.
//
// For MDB_RDONLY LMDB opens data.mdb before lock.mdb, so the "Permission denied" may be data.mdb's
// own; then the journal is unreadable to this user, and that is what the reader is told.
Status exclude_writers_for_lockless_read(Journal::Impl& impl) {
  const std::filesystem::path& directory = impl.options.path;
  std::filesystem::path data_path = directory / "data.mdb";
  int fd = ::open(data_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::error(Status::Code::io_error,
                         "cannot read " + data_path.string() + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
    int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return Status::error(Status::Code::failed_precondition,
                           "a router is writing journal " + directory.string() +
                               " (it holds data.mdb locked), and this process cannot use its lock "
                               "file (no write access, or a read-only file system), without which "
                               "reading beside a writer is unsafe; run as a user who can open " +
                               (directory / "lock.mdb").string() +
                               " for writing, or read a copy of the journal");
    }
    return Status::error(Status::Code::io_error,
                         "cannot lock " + data_path.string() + ": " + std::strerror(error));
  }
  impl.data_lock_fd = fd;
  return Status::ok();
}

// LMDB maps data.mdb and reads its pages straight from the map: a page past the end of a
// truncated file (a partial backup) is a SIGBUS, not an error. The committed meta page names the
// last page in use; a writer writes pages before the meta page that names them and never
// shrinks the file, so reading the meta page first and the file's size second is safe beside a
// writer. A file that holds that last page is whole. One that does not may still be healthy: a
// page allocated and freed within one commit is never written (page_probe.h), so the probe
// decides, from the free DB or else every page a read can reach, before anything else reads. If it
// reaches none past the end, the missing pages are free and the journal opens as any other:
// readers never go near free pages, and the writer never reads one either (without MDB_WRITEMAP
// it builds a page it reuses in memory and writes it before any meta page names it), so there is
// nothing to report.
//
// LMDB writes whole pages, so a file that ends inside one is cut short. A page past the end but
// inside the last page of memory the file maps reads as zeros instead of a SIGBUS (when LMDB's
// pages are smaller than the system's), so such a file is refused without a probe, too.
Status check_file_holds_every_page(const Journal::Impl& impl) {
  MDB_envinfo info{};
  if (int rc = mdb_env_info(impl.env, &info); rc != 0) return lmdb::error("env_info", rc);
  MDB_stat stat{};
  if (int rc = mdb_env_stat(impl.env, &stat); rc != 0) return lmdb::error("env_stat", rc);
  mdb_filehandle_t fd = -1;
  if (int rc = mdb_env_get_fd(impl.env, &fd); rc != 0) return lmdb::error("env_get_fd", rc);
  std::filesystem::path data_path = impl.options.path / "data.mdb";
  struct ::stat file {};
  if (::fstat(fd, &file) != 0) {
    return Status::error(Status::Code::io_error,
                         "cannot stat " + data_path.string() + ": " + std::strerror(errno));
  }
  auto file_bytes = static_cast<std::uint64_t>(file.st_size);
  std::uint64_t needed_bytes = (static_cast<std::uint64_t>(info.me_last_pgno) + 1) * stat.ms_psize;
  if (file_bytes >= needed_bytes) return Status::ok();
  auto boundary_bytes =
      std::max<std::uint64_t>(stat.ms_psize, static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)));
  if (file_bytes % boundary_bytes == 0) {
    PageRange missing{file_bytes / stat.ms_psize, info.me_last_pgno};
    auto probe = probe_reachable_pages(impl.env, missing, kDatabaseNames);
    if (!probe.is_ok()) return probe.status();
    if (probe.value().reach == PageReach::inside_file) return Status::ok();
  }
  return Status::error(Status::Code::corruption,
                       data_path.string() + " is truncated: it has " + std::to_string(file_bytes) +
                           " bytes, and its " + std::to_string(info.me_last_pgno + 1) +
                           " pages of " + std::to_string(stat.ms_psize) + " bytes need " +
                           std::to_string(needed_bytes) +
                           "; restore the journal from a complete copy");
}

bool on_read_only_file_system(const std::filesystem::path& directory) {
  struct statvfs file_system {};
  return ::statvfs(directory.c_str(), &file_system) == 0 && (file_system.f_flag & ST_RDONLY) != 0;
}

// Why writer.lock (open as `fd`) could not be locked exclusively: another router holds it.
Status writer_lock_refusal(const std::filesystem::path& directory, int fd) {
  char holder[32] = {};
  ssize_t got = ::pread(fd, holder, sizeof holder - 1, 0);
  return Status::error(Status::Code::failed_precondition,
                       "journal " + directory.string() +
                           " is already open for writing by another process" +
                           (got > 0 ? std::string(" (pid ") + holder + ")" : std::string()));
}

// Two routers on one journal would each believe they own the sequence and the hash chain (LMDB
// serialises their commits, but the second writer's next append fails for good). The writer takes
// an exclusive lock on writer.lock beside the data and keeps it until it closes; the file records
// the holder's pid for the message (lock_for_writing). Mode 0644 (before the umask): it holds
// nothing but a pid. Taken before LMDB opens the environment, so that what the writer finds there
// (an empty data.mdb, say) is not another router's start-up half done.
Status take_writer_lock(Journal::Impl& impl) {
  std::filesystem::path lock_path = impl.options.path / "writer.lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::error(Status::Code::io_error,
                         "cannot open " + lock_path.string() + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    Status refused = writer_lock_refusal(impl.options.path, fd);
    ::close(fd);
    return refused;
  }
  impl.writer_lock_fd = fd;  // from here on released with the Impl, also on a refusal below
  return Status::ok();
}

Status configure_and_open_env(Journal::Impl& impl) {
  const OpenOptions& options = impl.options;
  std::uint64_t map_size = 0;  // read-only: adopt whatever the writer uses
  if (!options.read_only) {
    if (Status status = prepare_writer_directory(options, map_size); !status.is_ok()) return status;
    if (Status status = take_writer_lock(impl); !status.is_ok()) return status;
    if (Status status = refuse_empty_data_file_for_writing(options.path); !status.is_ok()) {
      return status;
    }
  }
  // No MDB_NOSYNC / MDB_NOMETASYNC / MDB_MAPASYNC: every commit is durable (see journal.h).
  unsigned int flags = MDB_NOTLS | (options.read_only ? MDB_RDONLY : 0U);
  // On a read-only file system (a read-only bind mount of a journal a router writes through
  // another) LMDB goes without the lock file by itself: guard that read as any lockless one.
  if (options.read_only && on_read_only_file_system(options.path)) {
    if (Status status = exclude_writers_for_lockless_read(impl); !status.is_ok()) return status;
  }
  int rc = open_env(impl, map_size, flags);
  if (options.read_only && impl.data_lock_fd < 0 && (rc == EACCES || rc == EPERM)) {
    if (Status status = exclude_writers_for_lockless_read(impl); !status.is_ok()) return status;
    rc = open_env(impl, map_size, flags | MDB_NOLOCK);
  }
  if (rc != 0) return lmdb::error("open journal " + options.path.string(), rc);
  if (Status status = check_file_holds_every_page(impl); !status.is_ok()) return status;
  unsigned int actual_flags = 0;
  if (rc = mdb_env_get_flags(impl.env, &actual_flags); rc != 0) return lmdb::error("flags", rc);
  if ((actual_flags & kAsyncFlags) != 0) {
    return Status::error(Status::Code::failed_precondition,
                         "journal environment has asynchronous commits enabled; refusing to run");
  }
  if (auto key_max = static_cast<std::size_t>(mdb_env_get_maxkeysize(impl.env));
      key_max < kIdempotencyKeyBytesMax) {
    return Status::error(Status::Code::failed_precondition,
                         "this LMDB takes keys of at most " + std::to_string(key_max) +
                             " bytes; the journal needs " +
                             std::to_string(kIdempotencyKeyBytesMax) + " (format.h)");
  }
  MDB_envinfo info{};
  if (rc = mdb_env_info(impl.env, &info); rc != 0) return lmdb::error("env_info", rc);
  impl.map_size_bytes = info.me_mapsize;
  return Status::ok();
}

// The writer's side of exclude_writers_for_lockless_read: an exclusive flock on data.mdb, taken
// on LMDB's own descriptor (the very file it maps) once mdb_env_open has created or opened it
// and before the first write; mdb_env_close releases it.
Status exclude_lockless_readers(const Journal::Impl& impl) {
  mdb_filehandle_t fd = -1;
  if (int rc = mdb_env_get_fd(impl.env, &fd); rc != 0) return lmdb::error("env_get_fd", rc);
  // LMDB opens data.mdb without O_CLOEXEC: a child the router ever spawned would inherit the
  // descriptor, and with it the lock, and keep the next router out after this one has exited.
  if (int flags = ::fcntl(fd, F_GETFD); flags >= 0) (void)::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return Status::ok();
  int error = errno;
  std::filesystem::path data_path = impl.options.path / "data.mdb";
  if (error == EWOULDBLOCK) {
    return Status::error(Status::Code::failed_precondition,
                         "journal " + impl.options.path.string() +
                             " is being read by a process that cannot use its lock file "
                             "(lock.mdb) and holds data.mdb locked; a router can write it only "
                             "once that reader has finished");
  }
  return Status::error(Status::Code::io_error,
                       "cannot lock " + data_path.string() + ": " + std::strerror(error));
}

// With writer.lock held (take_writer_lock), the writer locks data.mdb against readers that cannot
// use lock.mdb (exclude_lockless_readers), and only then records its pid in writer.lock, so that
// a router refused for a reader leaves the last writer's pid in place.
Status lock_for_writing(const Journal::Impl& impl) {
  if (Status status = exclude_lockless_readers(impl); !status.is_ok()) return status;
  std::string pid = std::to_string(::getpid());
  int fd = impl.writer_lock_fd;
  bool recorded = ::ftruncate(fd, 0) == 0 &&
                  ::pwrite(fd, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
  (void)recorded;  // if not, only the message loses the pid: the lock itself holds
  return Status::ok();
}

}  // namespace

int Journal::Impl::clear_stale_readers() const {
  // Best effort: a failure here only means the slots wait for the next check.
  int cleared = 0;
  if (mdb_reader_check(env, &cleared) != 0) return 0;
  return cleared;
}

Journal::Impl::~Impl() {
  if (env != nullptr) mdb_env_close(env);
  if (writer_lock_fd >= 0) ::close(writer_lock_fd);  // releases the flock
  if (data_lock_fd >= 0) ::close(data_lock_fd);      // releases the flock
}

int Journal::Impl::begin_read(MDB_txn** txn) const {
  if (map_lost.load()) return MDB_PANIC;
  int rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, txn);
  if (rc == MDB_MAP_RESIZED && options.read_only) {
    // Another process grew the map; a read-only process has no other transaction open here.
    if (rc = mdb_env_set_mapsize(env, 0); rc != 0) {
      map_lost.store(true);
      return rc;
    }
    rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, txn);
  }
  return rc;
}

Journal::Journal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Journal::~Journal() = default;

Result<std::unique_ptr<Journal>> Journal::open(const OpenOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (options.read_only) {
    if (Status status = check_data_file_for_reading(options.path); !status.is_ok()) return status;
  }
  if (Status status = configure_and_open_env(*impl); !status.is_ok()) return status;
  if (!options.read_only) {
    if (Status status = lock_for_writing(*impl); !status.is_ok()) return status;
  }
  (void)impl->clear_stale_readers();
  if (Status status = open_databases(*impl); !status.is_ok()) return status;
  if (Status status = load_head(*impl); !status.is_ok()) return status;
  return std::unique_ptr<Journal>(new Journal(std::move(impl)));
}

const std::filesystem::path& Journal::path() const { return impl_->options.path; }

Status Journal::failure() const {
  std::lock_guard lock(impl_->failure_mutex);
  return impl_->failure;
}

}  // namespace coexist::journal
