#pragma once

// Runs the planned load: every client connected before the clock starts, all of them driven by
// one thread polling their sockets (a thread per client cost the shared cores more in wake-ups
// than the clients do in work), the clock stopped when the last client is done.

#include <vector>

#include "model/status.h"
#include "tools/loadgen/ack_log.h"
#include "tools/loadgen/client.h"
#include "tools/loadgen/options.h"
#include "tools/loadgen/request_plan.h"

namespace coexist::loadgen {

struct LoadOutcome {
  std::vector<ClientResult> clients;
  double elapsed_s = 0;  // first send of any client → last reply of any client
  double cpu_s = 0;      // the load generator's own CPU time (all threads) over the run
};

// Fails only when a socket cannot be set up; a client that times out or fails mid-run says so
// in its ClientResult.
[[nodiscard]] Result<LoadOutcome> run_load(const Options& options, const RequestPlan& plan,
                                           AckLog* ack_log);

}  // namespace coexist::loadgen
