#pragma once

// A client of the router's admin socket (docs/admin_protocol.md): one request, one reply.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "tools/coexist/cli.h"

namespace coexist::cli {

// The admin endpoint from --admin, else the --config file's listen.admin, else the default.
// Sets `error` on a bad --config or an --admin that is not a ZeroMQ endpoint (a usage error).
[[nodiscard]] std::optional<std::string> admin_endpoint(const po::variables_map& values,
                                                        std::string& error);

void add_admin_options(po::options_description& options);

// Sends `request` (a request_id is added) and waits for the reply; nullopt when the router did
// not answer within `timeout_ms` (the message names the endpoint).
[[nodiscard]] std::optional<nlohmann::json> admin_request(const std::string& endpoint,
                                                          nlohmann::json request,
                                                          unsigned timeout_ms, std::string& error);

// The exit code an admin error reply maps to (DESIGN.md's codes).
[[nodiscard]] int exit_code_for_admin_error(const nlohmann::json& reply);

// "user@host", who applied a change, unless --by says otherwise.
[[nodiscard]] std::string default_actor();

}  // namespace coexist::cli
