#include "router/ipc_endpoint.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace coexist::router {
namespace {

constexpr std::string_view kIpcScheme = "ipc://";

// connect()'s errno on a Unix socket file (0 when it connected).
int connect_error(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);  // caller checked the length
  // Non-blocking: a listener whose backlog is full answers EAGAIN at once instead of a wait.
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  int error =
      ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 ? 0 : errno;
  ::close(fd);
  return error;
}

}  // namespace

Status check_ipc_endpoint_is_free(const std::string& endpoint) {
  if (!endpoint.starts_with(kIpcScheme)) return Status::ok();
  std::string path = endpoint.substr(kIpcScheme.size());
  // "*": libzmq makes a new file; "@name": Linux's abstract namespace, no file to unlink, and a
  // name in use fails the bind by itself.
  if (path == "*" || path.starts_with('@')) return Status::ok();
  struct ::stat file {};
  if (::lstat(path.c_str(), &file) != 0) return Status::ok();  // nothing there to take over
  if (!S_ISSOCK(file.st_mode)) {
    return Status::error(Status::Code::failed_precondition,
                         path + " exists and is not a socket (binding would delete it)");
  }
  if (path.size() >= sizeof(sockaddr_un::sun_path)) return Status::ok();  // bind refuses it
  int error = connect_error(path);
  if (error == ECONNREFUSED) return Status::ok();  // left behind by a process that is gone
  if (error == 0 || error == EAGAIN || error == EINPROGRESS) {
    return Status::error(Status::Code::failed_precondition,
                         "address already in use by another process");
  }
  return Status::error(
      Status::Code::failed_precondition,
      "cannot tell whether another process serves " + path + ": " + std::strerror(error));
}

}  // namespace coexist::router
