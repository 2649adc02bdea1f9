#include "router/http_endpoint.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>

namespace coexist::router {

namespace {
constexpr std::chrono::milliseconds kListenStartMax{5000};
// Connections served at once (see start()); the others wait for a thread in accept's queue.
constexpr std::size_t kServerThreads = 32;
}  // namespace

HttpEndpoint::HttpEndpoint(const Metrics& metrics, std::function<bool()> ready,
                           std::function<nlohmann::json()> status)
    : metrics_(metrics), ready_(std::move(ready)), status_(std::move(status)) {}

// cpp-httplib's stop() does nothing until its listening loop runs: stopped earlier, the loop would
// then run for ever and the join never return. So stop only once it runs (or has ended), and
// stop once: a second stop() of a stopping server trips the library's assertion.
bool HttpEndpoint::loop_started_or_ended() const {
  return server_->is_running() || loop_returned_.load();
}

HttpEndpoint::~HttpEndpoint() {
  if (!thread_.joinable()) return;
  while (!loop_started_or_ended()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  server_->stop();
  thread_.join();
}

Status HttpEndpoint::start(const std::string& host_port) {
  auto colon = host_port.rfind(':');
  std::string host = host_port.substr(0, colon);
  int port = 0;
  try {
    port = std::stoi(host_port.substr(colon + 1));
  } catch (const std::exception&) {
    return Status::error(Status::Code::invalid_argument,
                         "listen.http: \"" + host_port + "\" has no valid port");
  }
  server_ = std::make_unique<httplib::Server>();
  // cpp-httplib's default sets SO_REUSEPORT, which lets a second router bind the same port and
  // take half of its requests: /readyz and /metrics could answer for the wrong journal. Only
  // SO_REUSEADDR (rebind while an old connection lingers in TIME_WAIT), so a busy port fails.
  server_->set_socket_options([](int socket) {
    int yes = 1;
    (void)setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // Only GETs without a body are served. cpp-httplib reads a request's body into memory before
  // it routes, with no limit by default, and this version (0.11) ignores its own limit for a
  // chunked body: a POST of endless chunks to /metrics would grow the router until it ran out.
  // So a request that announces any body is answered 413 before the body is read, and the
  // connection is closed.
  server_->set_pre_routing_handler([](const httplib::Request& request,
                                      httplib::Response& response) {
    bool has_body =
        request.has_header("Transfer-Encoding") ||
        (request.has_header("Content-Length") && request.get_header_value("Content-Length") != "0");
    if (!has_body) return httplib::Server::HandlerResponse::Unhandled;
    response.status = 413;
    response.set_header("Connection", "close");
    response.set_content("these endpoints take no request body\n", "text/plain");
    return httplib::Server::HandlerResponse::Handled;
  });
  // cpp-httplib serves each connection on a thread of a fixed pool (8 here by default): a
  // connection holds its thread while it waits for a request (keep-alive timeout, 5 s by
  // default) and while each read or write of it progresses within its timeout. A few idle
  // connections (a scraper's, a port scan) then left /readyz unanswered for seconds, and the
  // orchestrator took the router for unready. So: a larger pool, and 1 s to start a request.
  server_->new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  server_->set_keep_alive_timeout(1);
  server_->set_read_timeout(2, 0);
  server_->set_write_timeout(2, 0);
  server_->Get("/livez", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ok\n", "text/plain");
  });
  server_->Get("/readyz", [this](const httplib::Request&, httplib::Response& response) {
    bool ready = ready_();
    response.status = ready ? 200 : 503;
    response.set_content(ready ? "ready\n" : "not ready\n", "text/plain");
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(metrics_.prometheus_text(), "text/plain; version=0.0.4");
  });
  server_->Get("/api/status", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(status_().dump() + "\n", "application/json");
  });
  int bound_port =
      port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (bound_port < 0) {
    return Status::error(Status::Code::invalid_argument, "listen.http: cannot bind " + host_port);
  }
  address_ = host + ":" + std::to_string(bound_port);
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    loop_returned_.store(true);
  });
  // The ready file must not advertise an address nobody serves.
  const auto deadline = std::chrono::steady_clock::now() + kListenStartMax;
  while (!loop_started_or_ended() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!server_->is_running()) {
    return Status::error(Status::Code::invalid_argument,
                         "listen.http: the HTTP server on " + address_ + " did not start");
  }
  return Status::ok();
}

}  // namespace coexist::router
