#pragma once

// What /readyz and /api/status report: the router is ready while it serves requests and its
// journal has not failed. A failed commit is sticky (journal/journal.h), so once not ready for
// that reason the router stays so until an operator restarts it.

#include <atomic>

#include "journal/journal.h"

namespace coexist::router {

[[nodiscard]] inline bool is_ready(const std::atomic<bool>& serving, const journal::Journal& journal) {
  return serving.load() && journal.failure().is_ok();
}

}  // namespace coexist::router
