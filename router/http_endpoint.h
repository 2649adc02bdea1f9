#pragma once

// The HTTP side of the router (listen.http): /metrics (Prometheus text), /livez, /readyz and
// /api/status (JSON). Served by cpp-httplib on its own threads; it only reads shared state.

#include <atomic>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "model/status.h"
#include "router/metrics.h"

namespace httplib {
class Server;
}

namespace coexist::router {

class HttpEndpoint {
 public:
  HttpEndpoint(const Metrics& metrics, std::function<bool()> ready,
               std::function<nlohmann::json()> status);
  ~HttpEndpoint();
  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  // Binds "host:port" (port 0 picks a free one) and starts serving.
  [[nodiscard]] Status start(const std::string& host_port);
  [[nodiscard]] const std::string& address() const { return address_; }

 private:
  [[nodiscard]] bool loop_started_or_ended() const;

  const Metrics& metrics_;
  std::function<bool()> ready_;
  std::function<nlohmann::json()> status_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> loop_returned_{false};  // the listening loop has ended (stopped or failed)
  std::string address_;
};

}  // namespace coexist::router
