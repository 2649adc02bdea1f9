#include "tools/coexist/output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace coexist::cli {

namespace fs = std::filesystem;

namespace {

// fsync(2) on a file we may only write (its mode is the old file's, applied after this).
bool sync_file(const fs::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool synced = ::fsync(fd) == 0;
  return (::close(fd) == 0) && synced;
}

// fsync(2) on the directory, so that the rename survives a crash. A directory we cannot open
// (write and search permission only) or whose file system cannot sync directories cannot be
// synced: the file is in place all the same, so only a failed sync is an error.
bool sync_directory(const fs::path& directory) {
  int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return true;
  bool synced = ::fsync(fd) == 0 || errno == EINVAL;
  ::close(fd);
  return synced;
}

}  // namespace

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {}

OutputFile::~OutputFile() {
  if (committed_ || !partial_) return;
  if (stream_.is_open()) stream_.close();
  std::error_code ignored;
  fs::remove(*partial_, ignored);
}

bool OutputFile::open() {
  std::error_code not_there;  // set for a path that does not exist yet: that is fine
  fs::file_status status = fs::status(path_, not_there);  // follows symbolic links
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    stream_.open(path_, std::ios::binary | std::ios::trunc);  // a FIFO or device: in place
    return stream_.is_open();
  }
  // A symbolic link stays one: its target is what gets replaced.
  std::error_code error;
  target_ = fs::exists(status) ? fs::canonical(path_, error) : fs::path(path_);
  if (error) return false;
  if (fs::exists(status)) permissions_ = status.permissions();
  partial_ = target_;
  partial_->concat(".partial-" + std::to_string(getpid()));
  stream_.open(*partial_, std::ios::binary | std::ios::trunc);
  return stream_.is_open();
}

bool OutputFile::commit() {
  stream_.flush();
  bool written = static_cast<bool>(stream_);
  stream_.close();
  if (!written || stream_.fail()) return false;  // close() fails when the last write does
  if (partial_) {
    std::error_code error;
    if (!sync_file(*partial_)) return false;
    if (permissions_) fs::permissions(*partial_, *permissions_, fs::perm_options::replace, error);
    if (error) return false;
    fs::rename(*partial_, target_, error);
    if (error) return false;
    fs::path directory = target_.parent_path();
    if (!sync_directory(directory.empty() ? fs::path(".") : directory)) return false;
  }
  committed_ = true;
  return true;
}

}  // namespace coexist::cli
