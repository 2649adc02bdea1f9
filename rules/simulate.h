#pragma once

// What-if aggregation for `coexist rules simulate`: the caller walks the journal, evaluates the
// draft rule set on each transaction and add()s the route it was journaled with next to the one
// the draft would give; the report counts, per entity and per (old route -> new route), how many
// would route differently, keeping their ids. Pure: no I/O. Not thread-safe.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/route.h"

namespace coexist::rules {

class SimulationReport {
 public:
  SimulationReport() = default;
  // Not copyable: the last-entity cache points into this report's own map. Moving keeps the
  // map's nodes, so it stays valid.
  SimulationReport(const SimulationReport&) = delete;
  SimulationReport& operator=(const SimulationReport&) = delete;
  SimulationReport(SimulationReport&&) = default;
  SimulationReport& operator=(SimulationReport&&) = default;
  ~SimulationReport() = default;

  void add(std::string_view entity, std::string_view source, std::string_view id, Route old_route,
           Route new_route);

  [[nodiscard]] std::uint64_t examined() const { return examined_; }
  [[nodiscard]] std::uint64_t changed() const { return changed_; }

  // {"examined": n, "changed": n,
  //  "changes": [{"from": "legacy", "to": "new", "count": n}, …],             (all entities)
  //  "entities": {"DE01": {"examined": n, "changed": n,
  //                        "changes": [{"from", "to", "count",
  //                                     "ids": [{"source", "id"}, …], "ids_truncated": bool}]}}}
  // Each (entity, from, to) lists its first `sample_ids_max` ids in add() order; 0 lists all.
  // Changes are ordered by (from, to) as the Route enum orders them; unchanged pairs are omitted.
  [[nodiscard]] nlohmann::json to_json(std::size_t sample_ids_max) const;

 private:
  struct TransactionKey {
    std::string source;
    std::string id;
  };
  struct Change {
    std::uint64_t count = 0;
    std::vector<TransactionKey> keys;
  };
  struct EntityStats {
    std::uint64_t examined = 0;
    std::uint64_t changed = 0;
    std::array<Change, kRouteCount * kRouteCount> changes;  // [old * kRouteCount + new]
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  EntityStats& stats_for(std::string_view entity);

  std::unordered_map<std::string, EntityStats, Hash, std::equal_to<>> entities_;
  // Journals come in runs of one entity: remember the last one to skip most hash look-ups.
  // Pointers to unordered_map values stay valid across rehashing.
  EntityStats* last_stats_ = nullptr;
  std::string_view last_entity_;
  std::uint64_t examined_ = 0;
  std::uint64_t changed_ = 0;
};

}  // namespace coexist::rules
