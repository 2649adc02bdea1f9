#pragma once

// `coexist serve`: opens the journal, binds the ingest socket and the HTTP endpoint, and serves
// until SIGTERM/SIGINT (or `stop`), then finishes and acknowledges the batch in hand.

#include <atomic>
#include <filesystem>

#include "router/config.h"

namespace coexist::router {

struct ServeOptions {
  // When set, written once the router is ready: JSON with the bound endpoints (ports resolved,
  // useful with "tcp://127.0.0.1:*" and "127.0.0.1:0") and the pid. Removed on exit.
  std::filesystem::path ready_file;
};

// Returns the process exit code (DESIGN.md): 0 after a clean stop, 2 for a configuration or bind
// error, 4 for a journal error (it could not be opened, or a commit failed while serving).
[[nodiscard]] int serve(const Config& config, const ServeOptions& options,
                        std::atomic<bool>& stop);

}  // namespace coexist::router
