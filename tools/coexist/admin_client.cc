#include "tools/coexist/admin_client.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <zmq.hpp>

#include "router/config.h"

namespace coexist::cli {

void add_admin_options(po::options_description& options) {
  options.add_options()("admin", po::value<std::string>(), "router admin endpoint")(
      "config", po::value<std::string>(), "take the admin endpoint from this router config")(
      "timeout-ms", po::value<unsigned>()->default_value(10000),
      "give up (exit 3) after this long")(
      "output", po::value<std::string>()->default_value("table"), "table | json");
}

namespace {

// Whether ZeroMQ takes `endpoint` at all ("bogus", "tcp://no-port" are usage errors, not an
// unreachable router); sets `error` when it does not.
bool is_zmq_endpoint(const std::string& endpoint, std::string& error) {
  try {
    zmq::context_t context(1);
    zmq::socket_t socket(context, zmq::socket_type::dealer);
    socket.set(zmq::sockopt::linger, 0);
    socket.connect(endpoint);
    return true;
  } catch (const zmq::error_t& zmq_error) {
    error = "--admin \"" + endpoint +
            "\" is not a ZeroMQ endpoint (tcp://host:port): " + zmq_error.what();
    return false;
  }
}

}  // namespace

std::optional<std::string> admin_endpoint(const po::variables_map& values, std::string& error) {
  if (values.count("admin") != 0U) {
    std::string endpoint = values["admin"].as<std::string>();
    if (!is_zmq_endpoint(endpoint, error)) return std::nullopt;
    return endpoint;
  }
  if (values.count("config") != 0U) {
    auto config = router::load_config(values["config"].as<std::string>());
    if (!config.is_ok()) {
      error = config.status().message();
      return std::nullopt;
    }
    const std::string& endpoint = config.value().listen.admin;
    if (router::binds_a_fresh_address(endpoint)) {
      error = "listen.admin in " + values["config"].as<std::string>() + " is " + endpoint +
              ": the router picks that port when it starts, so it cannot be read from the "
              "config; pass --admin with the endpoint the router's --ready-file names";
      return std::nullopt;
    }
    return endpoint;
  }
  return router::ListenConfig{}.admin;
}

std::optional<nlohmann::json> admin_request(const std::string& endpoint, nlohmann::json request,
                                            unsigned timeout_ms, std::string& error) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  std::string request_id =
      "cli-" + std::to_string(::getpid()) + "-" +
      std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
  request["request_id"] = request_id;
  try {
    zmq::context_t context(1);
    zmq::socket_t socket(context, zmq::socket_type::dealer);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::rcvtimeo, static_cast<int>(timeout_ms));
    socket.connect(endpoint);
    (void)socket.send(zmq::buffer(request.dump()), zmq::send_flags::none);
    zmq::message_t reply;
    if (!socket.recv(reply, zmq::recv_flags::none)) {
      error = "the router's admin socket at " + endpoint + " did not answer within " +
              std::to_string(timeout_ms) + " ms";
      return std::nullopt;
    }
    auto parsed = nlohmann::json::parse(reply.to_string_view(), nullptr, false);
    if (!parsed.is_object()) {
      error = "the router sent a reply that is not a JSON object";
      return std::nullopt;
    }
    return parsed;
  } catch (const zmq::error_t& zmq_error) {
    error = "cannot talk to " + endpoint + ": " + zmq_error.what();
    return std::nullopt;
  }
}

int exit_code_for_admin_error(const nlohmann::json& reply) {
  std::string code = reply.contains("error") ? reply["error"].value("code", "") : "";
  if (code == "invalid_rules" || code == "not_found") return kExitCheckFailed;
  if (code == "bad_request") return kExitUsage;
  return kExitUnreachable;  // busy, unavailable: the router cannot do it now; retry
}

std::string default_actor() {
  const char* user = std::getenv("USER");
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(user != nullptr ? user : "unknown") + "@" + host;
}

}  // namespace coexist::cli
