#pragma once

// The one JSON object coexist-loadgen prints: the load shape, throughput, ack latency
// percentiles and counts per status.

#include <nlohmann/json.hpp>

#include "tools/loadgen/load_run.h"
#include "tools/loadgen/options.h"
#include "tools/loadgen/request_plan.h"

namespace coexist::loadgen {

// Latencies are per request (one ack, or one array of acks with --batch), nearest-rank
// percentiles over every answered request of every client.
[[nodiscard]] nlohmann::json make_report(const Options& options, const RequestPlan& plan,
                                         const LoadOutcome& outcome);

}  // namespace coexist::loadgen
