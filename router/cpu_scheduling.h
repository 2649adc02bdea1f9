#pragma once

// The CPU scheduling policy of the router's threads (config `ingest.scheduling`).
//
// The ingest path hands each request across threads: ZeroMQ's I/O thread, the network thread
// that parses and answers, the commit thread that syncs, and the clients. Under Linux's default
// policy every such hand-off wakes a thread that preempts whichever one is running, and on a
// machine with fewer cores than busy threads most of those preemptions are context switches
// that buy nothing: the preempted thread was doing the router's work too. `batch`
// (SCHED_BATCH) tells the scheduler these threads are throughput work: a woken one waits for the
// running one's slice, or takes an idle core at once. It needs no privilege and only ever makes
// the router yield more readily to other processes. Measured with tools/bench/compare.sh against
// the default policy (figures in README, `ingest.scheduling`): more transactions per second for
// less CPU at 8 × 32. `normal` sets the default policy, SCHED_OTHER (also over one inherited
// from `chrt` or a service manager).

#include <string_view>

#include "model/status.h"

namespace coexist::router {

// Applies `policy` ("batch" or "normal") to the calling thread. Threads it starts afterwards
// inherit it, so `coexist serve` calls this before starting any thread (the signal thread,
// ZeroMQ's, the commit and HTTP threads). On failure the thread keeps the policy it had.
Status apply_cpu_scheduling(std::string_view policy);

}  // namespace coexist::router
