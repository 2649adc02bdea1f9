#include "rules/simulate.h"

#include <algorithm>
#include <utility>

namespace coexist::rules {

namespace {

Route route_at(std::size_t index) { return static_cast<Route>(index); }

nlohmann::json change_json(std::size_t pair, std::uint64_t count) {
  return {{"from", to_string(route_at(pair / kRouteCount))},
          {"to", to_string(route_at(pair % kRouteCount))},
          {"count", count}};
}

}  // namespace

SimulationReport::EntityStats& SimulationReport::stats_for(std::string_view entity) {
  if (last_stats_ != nullptr && entity == last_entity_) return *last_stats_;
  auto it = entities_.find(entity);
  if (it == entities_.end()) it = entities_.emplace(std::string(entity), EntityStats{}).first;
  last_stats_ = &it->second;
  last_entity_ = it->first;  // the map's own key: stable, unlike the caller's view
  return *last_stats_;
}

void SimulationReport::add(std::string_view entity, std::string_view source, std::string_view id,
                           Route old_route, Route new_route) {
  EntityStats& stats = stats_for(entity);
  ++examined_;
  ++stats.examined;
  if (old_route == new_route) return;
  ++changed_;
  ++stats.changed;
  Change& change = stats.changes[static_cast<std::size_t>(old_route) * kRouteCount +
                                 static_cast<std::size_t>(new_route)];
  ++change.count;
  change.keys.push_back(TransactionKey{std::string(source), std::string(id)});
}

nlohmann::json SimulationReport::to_json(std::size_t sample_ids_max) const {
  std::array<std::uint64_t, kRouteCount * kRouteCount> totals{};
  nlohmann::json entities = nlohmann::json::object();
  for (const auto& [entity, stats] : entities_) {
    nlohmann::json changes = nlohmann::json::array();
    for (std::size_t pair = 0; pair < stats.changes.size(); ++pair) {
      const Change& change = stats.changes[pair];
      if (change.count == 0) continue;
      totals[pair] += change.count;
      const std::size_t shown =
          sample_ids_max == 0 ? change.keys.size() : std::min(sample_ids_max, change.keys.size());
      nlohmann::json ids = nlohmann::json::array();
      for (std::size_t i = 0; i < shown; ++i) {
        ids.push_back({{"source", change.keys[i].source}, {"id", change.keys[i].id}});
      }
      nlohmann::json item = change_json(pair, change.count);
      item["ids"] = std::move(ids);
      item["ids_truncated"] = shown < change.keys.size();
      changes.push_back(std::move(item));
    }
    entities[entity] = {
        {"examined", stats.examined}, {"changed", stats.changed}, {"changes", std::move(changes)}};
  }
  nlohmann::json changes = nlohmann::json::array();
  for (std::size_t pair = 0; pair < totals.size(); ++pair) {
    if (totals[pair] != 0) changes.push_back(change_json(pair, totals[pair]));
  }
  return {{"examined", examined_},
          {"changed", changed_},
          {"changes", std::move(changes)},
          {"entities", std::move(entities)}};
}

}  // namespace coexist::rules
