#include "router/ready_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

namespace coexist::router {
namespace {

Status cannot_write(const std::filesystem::path& file, int error) {
  return Status::error(Status::Code::io_error,
                       "cannot write ready file " + file.string() + ": " + std::strerror(error));
}

// Writes all of `text` to a new file at `path` (mode 0644 before the umask); 0 or the errno.
// `opened` tells whether `path` was opened (and so is ours to remove on failure): a directory
// or a file we may not write is left as it was.
int write_whole_file(const std::filesystem::path& path, const std::string& text, bool& opened) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  opened = fd >= 0;
  if (fd < 0) return errno;
  std::size_t written = 0;
  int error = 0;
  while (written < text.size()) {
    ssize_t got = ::write(fd, text.data() + written, text.size() - written);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error = errno;
      break;
    }
    written += static_cast<std::size_t>(got);
  }
  if (::close(fd) != 0 && error == 0) error = errno;  // NFS and the like report late here
  return error;
}

}  // namespace

ReadyFile::ReadyFile(std::filesystem::path file) : file_(std::move(file)) {
  if (!file_.empty()) temporary_ = std::filesystem::path(file_) += ".tmp";
}

ReadyFile::~ReadyFile() { discard_temporary(); }

void ReadyFile::discard_temporary() {
  if (!temporary_written_) return;
  std::error_code ignored;  // nothing more to do about a temporary file that will not go
  std::filesystem::remove(temporary_, ignored);
  temporary_written_ = false;
}

Status ReadyFile::prepare(const nlohmann::json& content) {
  if (file_.empty()) return Status::ok();
  // A rename onto a directory fails (EISDIR): say so now, before the journal is written, rather
  // than at publish.
  std::error_code ignored;
  if (std::filesystem::is_directory(file_, ignored)) return cannot_write(file_, EISDIR);
  const int error = write_whole_file(temporary_, content.dump() + "\n", temporary_written_);
  if (error != 0) {
    discard_temporary();
    return cannot_write(temporary_, error);
  }
  return Status::ok();
}

Status ReadyFile::publish() {
  if (file_.empty()) return Status::ok();
  std::error_code error;
  std::filesystem::rename(temporary_, file_, error);  // atomic: readers never see half a file
  if (error) {
    discard_temporary();
    return Status::error(Status::Code::io_error,
                         "cannot write ready file " + file_.string() + ": " + error.message());
  }
  temporary_written_ = false;
  return Status::ok();
}

Status ReadyFile::remove() {
  if (file_.empty()) return Status::ok();
  std::error_code error;
  std::filesystem::remove(file_, error);
  if (error) {
    return Status::error(Status::Code::io_error,
                         "cannot remove ready file " + file_.string() + ": " + error.message());
  }
  return Status::ok();
}

}  // namespace coexist::router
