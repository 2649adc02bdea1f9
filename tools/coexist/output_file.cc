#include "tools/coexist/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "model/assert.h"

namespace coexist::cli {

namespace fs = std::filesystem;

namespace {

// Where the partial file goes, for messages: "shared/" for shared/export.csv, "./" for export.csv.
std::string directory_of(const fs::path& file) {
  std::string directory = file.has_parent_path() ? file.parent_path().string() : ".";
  return directory.ends_with('/') ? directory : directory + "/";
}

// The partial file's name: our pid (for whoever finds one a `kill -9` left) and a random tag,
// since a pid is not unique across the processes that may write beside F: every container's
// first process is pid 1, and NFS clients share directories.
fs::path partial_name(const fs::path& target) {
  static std::random_device random;
  char tag[9];
  std::snprintf(tag, sizeof tag, "%08x", static_cast<unsigned>(random()));
  fs::path partial = target;
  partial.concat(".partial-" + std::to_string(::getpid()) + "-" + tag);
  return partial;
}

// fsync(2) on the directory, so that the rename survives a crash. A directory we cannot open
// (write and search permission only) or whose file system cannot sync directories cannot be
// synced: the file is in place all the same, so only a failed sync is an error (errno set).
bool sync_directory(const fs::path& directory) {
  int descriptor = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (descriptor < 0) return true;
  bool synced = ::fsync(descriptor) == 0 || errno == EINVAL;
  const int sync_error = errno;
  ::close(descriptor);
  errno = sync_error;
  return synced;
}

}  // namespace

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {}

OutputFile::~OutputFile() {
  if (committed_ || !partial_) return;
  (void)buffer_.close();  // the command already failed; this is only the cleanup
  ::unlink(partial_->c_str());
  removal_.reset();  // after the unlink: a signal in between finds nothing left to remove
}

Status OutputFile::open() {
  COEXIST_ASSERT(buffer_.descriptor() < 0 && !committed_);
  auto resolved = resolve_output_target(path_);
  if (!resolved.is_ok()) return resolved.status();
  target_ = std::move(resolved).value();
  if (target_.kind == OutputTarget::Kind::descriptor) return open_descriptor();
  if (target_.kind == OutputTarget::Kind::in_place) return open_in_place();
  return create_partial();
}

// A copy of the descriptor, so that it shares the shell's open file (its offset, O_APPEND) and
// closing ours in commit() leaves the process's own standard output open.
Status OutputFile::open_descriptor() {
  const std::string name = "descriptor " + std::to_string(target_.descriptor);
  int flags = ::fcntl(target_.descriptor, F_GETFL);
  if (flags < 0) return error(name + " is not open", errno);
  if ((flags & O_ACCMODE) == O_RDONLY) return error(name + " is open for reading only", EBADF);
  int copy = ::fcntl(target_.descriptor, F_DUPFD_CLOEXEC, 3);
  if (copy < 0) return error("cannot duplicate " + name, errno);
  buffer_.attach(copy);
  return Status::ok();
}

// As the shell's `>` would: for a FIFO or a device, O_TRUNC does nothing.
Status OutputFile::open_in_place() {
  int descriptor =
      ::open(target_.file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
  if (descriptor < 0) return error("cannot open it", errno);
  buffer_.attach(descriptor);
  return Status::ok();
}

Status OutputFile::create_partial() {
  // O_EXCL: a name that is taken is another writer's (or a leftover): never removed, skipped.
  constexpr int kAttemptsMax = 16;
  int descriptor = -1;
  for (int attempt = 0; attempt < kAttemptsMax && descriptor < 0; ++attempt) {
    partial_ = partial_name(target_.file);
    removal_.reset();
    removal_.emplace(*partial_);  // before the file exists: no moment where it is unguarded
    descriptor = ::open(partial_->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (descriptor < 0 && errno != EEXIST) break;
  }
  if (descriptor < 0) {
    const int why = errno;
    removal_.reset();
    partial_.reset();
    const bool not_writable = why == EACCES || why == EPERM || why == EROFS;
    return error("cannot create a file beside it in " + directory_of(target_.file), why,
                 not_writable
                     ? "; --out replaces the file atomically, so its directory must be writable"
                     : "");
  }
  buffer_.attach(descriptor);
  return Status::ok();
}

bool OutputFile::writes_to(const fs::path& file) const {
  struct stat other {};
  if (::stat(file.c_str(), &other) != 0) return false;
  struct stat ours {};
  const bool known = target_.kind == OutputTarget::Kind::descriptor
                         ? ::fstat(target_.descriptor, &ours) == 0
                         : ::stat(target_.file.c_str(), &ours) == 0;
  return known && ours.st_dev == other.st_dev && ours.st_ino == other.st_ino;
}

Status OutputFile::commit() {
  COEXIST_ASSERT(buffer_.descriptor() >= 0 && !committed_);
  stream_.flush();
  if (!stream_ || !buffer_.flush()) return error("", buffer_.error() != 0 ? buffer_.error() : EIO);
  if (partial_) return replace_target();
  if (!buffer_.close()) return error("", buffer_.error());
  committed_ = true;
  return Status::ok();
}

Status OutputFile::replace_target() {
  const int descriptor = buffer_.descriptor();
  const std::string partial = partial_->string();
  // Owner first (a chown clears set-id bits), and only where allowed: anyone else's export
  // becomes theirs, as a copy would, while root keeps a service account's file readable to it.
  if (target_.owner) (void)::fchown(descriptor, target_.owner->first, target_.owner->second);
  if (target_.permissions && ::fchmod(descriptor, static_cast<mode_t>(*target_.permissions)) != 0) {
    return error("cannot give " + partial + " the permissions of the file it replaces", errno);
  }
  if (::fsync(descriptor) != 0) return error("cannot sync " + partial + " to disk", errno);
  if (!buffer_.close()) return error("", buffer_.error());
  if (::rename(partial_->c_str(), target_.file.c_str()) != 0) {
    return error("cannot rename " + partial + " onto it", errno);
  }
  committed_ = true;
  partial_.reset();
  removal_.reset();
  if (!sync_directory(target_.file.has_parent_path() ? target_.file.parent_path() : ".")) {
    return error("it is in place, but its directory could not be synced to disk", errno);
  }
  return Status::ok();
}

// "cannot write PATH[ (a link to FILE)]: WHAT (strerror)HINT", or "…: strerror" without WHAT.
Status OutputFile::error(const std::string& what, int error_number, const std::string& hint) const {
  std::string message = "cannot write " + path_;
  if (target_.through_link) message += " (a link to " + target_.file.string() + ")";
  message += ": ";
  message += what.empty() ? std::string(std::strerror(error_number))
                          : what + " (" + std::strerror(error_number) + ")";
  return Status::error(Status::Code::io_error, message + hint);
}

}  // namespace coexist::cli
