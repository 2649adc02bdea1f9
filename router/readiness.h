#pragma once

// What /readyz and /api/status report: the router is ready while it serves requests, has not
// been told to stop, and its journal has not failed. From SIGTERM on it takes no new requests
// while it finishes the batch in hand, so a load balancer must stop sending it any at once. A
// failed commit is sticky (journal/journal.h), so once not ready for that reason the router stays
// so until an operator restarts it.

#include <atomic>

#include "journal/journal.h"

namespace coexist::router {

[[nodiscard]] inline bool is_ready(const std::atomic<bool>& serving,
                                   const std::atomic<bool>& stopping,
                                   const journal::Journal& journal) {
  return serving.load() && !stopping.load() && journal.failure().is_ok();
}

}  // namespace coexist::router
