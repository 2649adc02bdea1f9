#pragma once

// Every request frame of a run, generated before the clock starts: the router shares the
// machine's cores with the load generator, so generating during the measurement would steal the
// CPU being measured.

#include <cstdint>
#include <string>
#include <vector>

#include "model/status.h"
#include "tools/loadgen/options.h"

namespace coexist::loadgen {

// One client's requests. A resubmission sends an earlier frame of the same client again, so the
// frames are stored once and `send_order` lists which one each request sends.
struct ClientPlan {
  std::vector<std::string> frames;
  std::vector<std::uint32_t> transactions_in_frame;  // parallel to `frames`
  std::vector<std::uint32_t> send_order;             // indexes into `frames`
};

struct RequestPlan {
  std::vector<ClientPlan> clients;
  std::uint64_t requests = 0;
  std::uint64_t resubmitted_requests = 0;
  std::uint64_t new_transactions = 0;  // generator indexes first_index .. first_index + this
  double mean_canonical_bytes = 0;     // of the new transactions, as the model canonicalizes
};

// Deals options.transactions into requests of options.batch transactions, round-robin over the
// clients; each request after a client's first resubmits one of that client's earlier requests
// with probability duplicates_percent (deterministic from the seed). Fails when a request would
// exceed the router's request size limit (too large a batch), and when the generator produced a
// transaction the model rejects: a bug in the generator.
[[nodiscard]] Result<RequestPlan> build_plan(const Options& options);

}  // namespace coexist::loadgen
