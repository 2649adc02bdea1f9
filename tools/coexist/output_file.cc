#include "tools/coexist/output_file.h"

#include <fcntl.h>
#include <unistd.h>

namespace coexist::cli {

namespace fs = std::filesystem;

namespace {

// fsync(2) on a file or directory by path: the export is on disk before the rename makes it
// visible, and the rename itself is on disk before the command reports success.
bool sync_path(const fs::path& path, bool directory) {
  int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return false;
  bool synced = ::fsync(fd) == 0;
  return (::close(fd) == 0) && synced;
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
    if (permissions_) fs::permissions(*partial_, *permissions_, fs::perm_options::replace, error);
    if (error || !sync_path(*partial_, false)) return false;
    fs::rename(*partial_, target_, error);
    if (error) return false;
    fs::path directory = target_.parent_path();
    if (!sync_path(directory.empty() ? fs::path(".") : directory, true)) return false;
  }
  committed_ = true;
  return true;
}

}  // namespace coexist::cli
