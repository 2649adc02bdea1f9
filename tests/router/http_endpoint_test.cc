#include "router/http_endpoint.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "router/metrics.h"

namespace coexist::test {
namespace {

std::unique_ptr<router::HttpEndpoint> endpoint(const router::Metrics& metrics) {
  return std::make_unique<router::HttpEndpoint>(
      metrics, [] { return true; }, [] { return nlohmann::json::object(); });
}

// A second router configured with a port already in use must not start: with SO_REUSEPORT both
// would listen and share the requests, so /readyz could answer for the other journal.
TEST(HttpEndpointTest, APortAlreadyInUseIsRefused) {
  router::Metrics metrics;
  auto first = endpoint(metrics);
  ASSERT_TRUE(first->start("127.0.0.1:0").is_ok());
  auto second = endpoint(metrics);
  Status status = second->start(first->address());
  ASSERT_FALSE(status.is_ok()) << "bound " << first->address() << " twice";
  EXPECT_NE(status.message().find("listen.http"), std::string::npos) << status.message();
}

// The peak resident memory of this process (VmHWM, KiB), where the endpoint's server runs.
std::uint64_t peak_resident_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

// The endpoints take no body, and a body is not kept in memory: cpp-httplib's default reads one
// of any size (chunked, without end) into a string before it answers 404.
TEST(HttpEndpointTest, ARequestBodyIsRefusedNotKeptAndTheEndpointsGoOn) {
  router::Metrics metrics;
  auto http = endpoint(metrics);
  ASSERT_TRUE(http->start("127.0.0.1:0").is_ok());
  httplib::Client client("http://" + http->address());
  auto posted = client.Post("/metrics", std::string(64 << 10, 'x'), "text/plain");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 413);
  const std::uint64_t peak_before = peak_resident_kib();
  std::size_t sent = 0;
  const std::string chunk(16 << 10, 'x');
  auto chunked = client.Post(
      "/readyz",
      [&](std::size_t, httplib::DataSink& sink) {
        sent += chunk.size();
        if (sent > (std::size_t{64} << 20)) {
          sink.done();
          return true;
        }
        return sink.write(chunk.data(), chunk.size());
      },
      "text/plain");
  if (chunked) {
    EXPECT_EQ(chunked->status, 413);
  }
  EXPECT_LT(peak_resident_kib() - peak_before, 16U << 10)
      << "64 MiB of body were held in memory (peak KiB before " << peak_before << ")";
  auto livez = client.Get("/livez");
  ASSERT_TRUE(livez);
  EXPECT_EQ(livez->status, 200);
}

// A restarted router gets its port back while the old connections linger in TIME_WAIT.
TEST(HttpEndpointTest, APortFreedByAStoppedEndpointCanBeBoundAgain) {
  router::Metrics metrics;
  auto first = endpoint(metrics);
  ASSERT_TRUE(first->start("127.0.0.1:0").is_ok());
  std::string address = first->address();
  {
    httplib::Client client("http://" + address);
    auto response = client.Get("/livez");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
  }
  first.reset();
  auto again = endpoint(metrics);
  Status status = again->start(address);
  EXPECT_TRUE(status.is_ok()) << status.to_string();
}

// Idle connections (a scraper keeping one open, a port scan) must not keep /readyz from the
// orchestrator: with cpp-httplib's defaults, 8 silent connections held all its threads for 5 s.
TEST(HttpEndpointTest, ReadyzAnswersPromptlyBesideManyIdleConnections) {
  router::Metrics metrics;
  auto http = endpoint(metrics);
  ASSERT_TRUE(http->start("127.0.0.1:0").is_ok());
  const std::string address = http->address();
  const auto colon = address.rfind(':');
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1))));
  ASSERT_EQ(::inet_pton(AF_INET, address.substr(0, colon).c_str(), &target.sin_addr), 1);
  std::vector<int> idle;
  for (int i = 0; i < 24; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&target), sizeof target), 0);
    idle.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // each is taken by a thread
  httplib::Client client("http://" + address);
  client.set_connection_timeout(0, 500'000);
  client.set_read_timeout(0, 500'000);
  const auto asked = std::chrono::steady_clock::now();
  auto readyz = client.Get("/readyz");
  const auto waited = std::chrono::steady_clock::now() - asked;
  for (int fd : idle) ::close(fd);
  ASSERT_TRUE(readyz) << "no answer within 0.5 s beside 24 idle connections";
  EXPECT_EQ(readyz->status, 200);
  EXPECT_LT(waited, std::chrono::milliseconds(500));
}

}  // namespace
}  // namespace coexist::test
