#pragma once

// `coexist rules simulate`: evaluates a draft rule set over the journaled transactions and
// reports, in seq order, those it would route differently. Parsing a transaction dominates the
// cost, so the evaluation runs on two threads over two halves of the journal, each in its own
// read snapshot; a second, cheap pass feeds the report in seq order.

#include <cstdint>
#include <optional>
#include <string>

#include "journal/journal.h"
#include "rules/rule_set.h"
#include "rules/simulate.h"

namespace coexist::cli {

struct SimulationFilter {
  std::optional<std::string> entity;
  std::optional<std::int64_t> since_us;  // received at or after

  [[nodiscard]] bool matches(const journal::RecordView& record) const {
    return (!entity || record.entity == *entity) && (!since_us || record.received_at_us >= *since_us);
  }
};

// Adds every matching record up to the journal's head (when the call starts) to `report`.
[[nodiscard]] Status simulate_journal(const journal::Journal& journal, const rules::RuleSet& draft,
                                      const SimulationFilter& filter,
                                      rules::SimulationReport& report);

}  // namespace coexist::cli
