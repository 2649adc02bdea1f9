#include "tools/loadgen/ack_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace coexist::loadgen {

AckLog::~AckLog() { ::close(fd_); }

Result<std::unique_ptr<AckLog>> AckLog::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::error(Status::Code::io_error,
                         "cannot open --acks-out " + path + ": " + std::strerror(errno));
  }
  return std::unique_ptr<AckLog>(new AckLog(fd));
}

Status AckLog::append(std::string_view lines) {
  std::lock_guard lock(mutex_);
  while (!lines.empty()) {
    ssize_t written = ::write(fd_, lines.data(), lines.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      return Status::error(Status::Code::io_error,
                           std::string("cannot write --acks-out: ") + std::strerror(errno));
    }
    lines.remove_prefix(static_cast<std::size_t>(written));
  }
  return Status::ok();
}

}  // namespace coexist::loadgen
