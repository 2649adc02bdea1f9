#include "router/http_endpoint.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

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

}  // namespace
}  // namespace coexist::test
