#pragma once

// Decides a transaction's route once, at ingest. The network thread asks its Decider for every
// valid transaction while it builds a batch.

#include <cstdint>
#include <string>

#include "model/transaction.h"

namespace coexist::router {

struct Decision {
  std::string route;  // legacy | new | both | hold
  std::string rule;   // the rule that matched, or "default"
  std::uint32_t rules_version = 0;
};

class Decider {
 public:
  virtual ~Decider() = default;
  // `received_at_us` picks the version in force (a version may be scheduled for an instant).
  [[nodiscard]] virtual Decision decide(const Transaction& transaction,
                                        std::int64_t received_at_us) const = 0;
};

}  // namespace coexist::router
