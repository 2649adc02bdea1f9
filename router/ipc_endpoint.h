#pragma once

// libzmq unlinks an ipc:// endpoint's socket file before it binds, whoever serves it: a second
// router configured to the same path would silently take the endpoint over from the first (with
// tcp the second bind fails, "Address already in use"). So before a listener binds, this looks
// at the file.

#include <string>

#include "model/status.h"

namespace coexist::router {

// Ok unless `endpoint` is ipc:// and its socket file exists and either something accepts
// connections on it (failed_precondition, "address already in use by another process") or it is
// not a socket at all, which libzmq would delete. A socket nobody listens on any more (its
// process died) is fine to bind: libzmq replaces it. The check and the bind are not atomic; it
// guards against a misconfiguration, not against two routers racing to start.
[[nodiscard]] Status check_ipc_endpoint_is_free(const std::string& endpoint);

}  // namespace coexist::router
