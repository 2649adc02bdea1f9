#pragma once

// The rule-set versions the router routes by, owned by the network thread. The version in force
// at instant t is the highest-numbered applied version whose effective_at ≤ t; with no version
// applied yet, everything takes the default route `legacy` (rule "default", version 0).
// A new version joins only when the batch that records it is handed to the commit thread, so no
// transaction is routed by a version recorded after it (see journal/rules_history.h).

#include <memory>
#include <vector>

#include "journal/journal.h"
#include "router/decider.h"
#include "rules/rule_set.h"

namespace coexist::router {

class RulesState final : public Decider {
 public:
  // Compiles every version in the journal's history.
  [[nodiscard]] static Result<std::unique_ptr<RulesState>> load(const journal::Journal& journal);

  [[nodiscard]] Decision decide(const Transaction& transaction,
                                std::int64_t received_at_us) const override;

  void add(std::uint32_t version, std::int64_t effective_at_us,
           std::shared_ptr<const rules::RuleSet> rule_set);
  // Takes back the last version added, which the journal did not record (its commit failed).
  void withdraw(std::uint32_t version);

  // The last version added (0 when none).
  [[nodiscard]] std::uint32_t latest_version() const;
  // The version in force at `at_us` (0 when none).
  [[nodiscard]] std::uint32_t version_at(std::int64_t at_us) const;

 private:
  struct Version {
    std::uint32_t version = 0;
    std::int64_t effective_at_us = 0;
    std::shared_ptr<const rules::RuleSet> rule_set;
  };
  [[nodiscard]] const Version* in_force(std::int64_t at_us) const;

  std::vector<Version> versions_;  // ascending by version
};

}  // namespace coexist::router
