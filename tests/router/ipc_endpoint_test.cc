// The look at an ipc:// endpoint's socket file before a listener binds it (router/ipc_endpoint.h):
// libzmq would unlink whatever is there, a live socket of another process included.

#include "router/ipc_endpoint.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

using router::check_ipc_endpoint_is_free;

// A Unix socket bound at `path`; listening unless `listen` is false. Closing it leaves the file.
class UnixSocket {
 public:
  UnixSocket(const std::filesystem::path& path, bool listen) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    bound_ = fd_ >= 0 &&
             ::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
             (!listen || ::listen(fd_, 4) == 0);
  }
  ~UnixSocket() { close(); }
  UnixSocket(const UnixSocket&) = delete;
  UnixSocket& operator=(const UnixSocket&) = delete;

  [[nodiscard]] bool bound() const { return bound_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool bound_ = false;
};

TEST(IpcEndpointTest, OtherTransportsAndAbsentFilesAreFree) {
  TempDir dir;
  EXPECT_TRUE(check_ipc_endpoint_is_free("tcp://127.0.0.1:5570").is_ok());
  EXPECT_TRUE(check_ipc_endpoint_is_free("ipc://" + (dir.path() / "none.sock").string()).is_ok());
  EXPECT_TRUE(check_ipc_endpoint_is_free("ipc://*").is_ok());
  EXPECT_TRUE(check_ipc_endpoint_is_free("ipc://@coexist-test-abstract").is_ok());
}

TEST(IpcEndpointTest, SocketSomeoneListensOnIsInUse) {
  TempDir dir;
  auto path = dir.path() / "live.sock";
  UnixSocket live(path, true);
  ASSERT_TRUE(live.bound());
  Status checked = check_ipc_endpoint_is_free("ipc://" + path.string());
  ASSERT_FALSE(checked.is_ok());
  EXPECT_EQ(checked.message(), "address already in use by another process");
  EXPECT_TRUE(std::filesystem::exists(path));
}

// A router killed with SIGKILL leaves its socket file behind; the next one must start.
TEST(IpcEndpointTest, SocketLeftBehindByAProcessThatIsGoneIsFree) {
  TempDir dir;
  auto path = dir.path() / "stale.sock";
  UnixSocket stale(path, true);
  ASSERT_TRUE(stale.bound());
  stale.close();
  ASSERT_TRUE(std::filesystem::is_socket(path));
  EXPECT_TRUE(check_ipc_endpoint_is_free("ipc://" + path.string()).is_ok());
}

TEST(IpcEndpointTest, FileThatIsNotASocketIsNotTakenOver) {
  TempDir dir;
  auto path = dir.path() / "rules.json";
  std::ofstream(path) << "{}";
  Status checked = check_ipc_endpoint_is_free("ipc://" + path.string());
  ASSERT_FALSE(checked.is_ok());
  EXPECT_EQ(checked.message(),
            path.string() + " exists and is not a socket (binding would delete it)");
}

}  // namespace
}  // namespace coexist::test
