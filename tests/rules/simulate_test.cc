#include "rules/simulate.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>

#include "tests/rules/test_support.h"

namespace coexist::rules {
namespace {

TEST(Simulate, EmptyReport) {
  const SimulationReport report;
  EXPECT_EQ(report.to_json(10),
            nlohmann::json::parse(R"({"examined":0,"changed":0,"changes":[],"entities":{}})"));
}

TEST(Simulate, CountsPerEntityAndRouteChange) {
  SimulationReport report;
  report.add("DE01", "billing", "INV-1", Route::legacy, Route::both);
  report.add("DE01", "billing", "INV-2", Route::legacy, Route::legacy);
  report.add("US01", "crm", "C-1", Route::legacy, Route::new_erp);
  report.add("DE01", "crm", "C-2", Route::legacy, Route::both);
  report.add("DE01", "billing", "INV-3", Route::hold, Route::legacy);
  report.add("FR01", "billing", "INV-4", Route::new_erp, Route::new_erp);
  EXPECT_EQ(report.examined(), 6U);
  EXPECT_EQ(report.changed(), 4U);
  const nlohmann::json expected = nlohmann::json::parse(R"({
    "examined": 6, "changed": 4,
    "changes": [{"from":"legacy","to":"new","count":1},{"from":"legacy","to":"both","count":2},
                {"from":"hold","to":"legacy","count":1}],
    "entities": {
      "DE01": {"examined": 4, "changed": 3, "changes": [
        {"from":"legacy","to":"both","count":2,"ids_truncated":false,
         "ids":[{"source":"billing","id":"INV-1"},{"source":"crm","id":"C-2"}]},
        {"from":"hold","to":"legacy","count":1,"ids_truncated":false,
         "ids":[{"source":"billing","id":"INV-3"}]}]},
      "FR01": {"examined": 1, "changed": 0, "changes": []},
      "US01": {"examined": 1, "changed": 1, "changes": [
        {"from":"legacy","to":"new","count":1,"ids_truncated":false,
         "ids":[{"source":"crm","id":"C-1"}]}]}}})");
  EXPECT_EQ(report.to_json(0), expected) << report.to_json(0).dump(2);
}

TEST(Simulate, SampleKeepsTheFirstIdsAndZeroMeansAll) {
  SimulationReport report;
  for (int i = 0; i < 25; ++i) {
    report.add("DE01", "billing", "INV-" + std::to_string(i), Route::legacy, Route::new_erp);
  }
  const nlohmann::json sampled = report.to_json(3)["entities"]["DE01"]["changes"][0];
  EXPECT_EQ(sampled["count"], 25);
  ASSERT_EQ(sampled["ids"].size(), 3U);
  EXPECT_EQ(sampled["ids"][2]["id"], "INV-2");
  EXPECT_TRUE(sampled["ids_truncated"]);
  EXPECT_EQ(report.to_json(0)["entities"]["DE01"]["changes"][0]["ids"].size(), 25U);
  EXPECT_FALSE(report.to_json(25)["entities"]["DE01"]["changes"][0]["ids_truncated"]);
  EXPECT_EQ(report.to_json(1000)["entities"]["DE01"]["changes"][0]["ids"].size(), 25U);
}

TEST(Simulate, EntityCacheSurvivesTheCallersBuffer) {
  SimulationReport report;
  std::string entity = "DE01";
  report.add(entity, "s", "1", Route::legacy, Route::new_erp);
  entity = "US01";  // same buffer, new content: must not be taken for DE01
  report.add(entity, "s", "2", Route::legacy, Route::new_erp);
  const nlohmann::json json = report.to_json(0);
  EXPECT_EQ(json["entities"]["DE01"]["changed"], 1);
  EXPECT_EQ(json["entities"]["US01"]["changed"], 1);
  SimulationReport moved = std::move(report);
  moved.add("US01", "s", "3", Route::legacy, Route::new_erp);
  EXPECT_EQ(moved.to_json(0)["entities"]["US01"]["changed"], 2);
}

// A million adds, as `rules simulate` over a large journal makes: every count exact. How fast
// is tools/bench/rules.sh's to measure, not a unit test's.
TEST(Simulate, AMillionTransactionsAreCountedExactly) {
  constexpr int kTransactions = 1'000'000;
  const std::string entities[] = {"DE01", "DE02", "US01", "US02", "FR01", "GB01", "JP01", "BH01"};
  std::map<std::string, std::pair<int, int>> expected;  // entity → (examined, changed)
  std::string id;
  SimulationReport report;
  for (int i = 0; i < kTransactions; ++i) {
    id = "INV-2026-" + std::to_string(i);
    // Runs of one entity, as a journal holds them, with every tenth transaction changing route.
    const std::string& entity = entities[(i / 64) % 8];
    const bool changes = i % 10 == 0;
    report.add(entity, "billing", id, Route::legacy, changes ? Route::new_erp : Route::legacy);
    ++expected[entity].first;
    expected[entity].second += changes ? 1 : 0;
  }
  const nlohmann::json json = report.to_json(20);
  EXPECT_EQ(json["examined"], kTransactions);
  EXPECT_EQ(json["changed"], kTransactions / 10);
  ASSERT_EQ(json["entities"].size(), 8U);
  for (const std::string& entity : entities) {
    const nlohmann::json& per_entity = json["entities"][entity];
    EXPECT_EQ(per_entity["examined"], expected[entity].first) << entity;
    EXPECT_EQ(per_entity["changed"], expected[entity].second) << entity;
    ASSERT_EQ(per_entity["changes"].size(), 1U) << entity;
    EXPECT_EQ(per_entity["changes"][0]["ids"].size(), 20U) << entity;
    EXPECT_TRUE(per_entity["changes"][0]["ids_truncated"]) << entity;
  }
}

}  // namespace
}  // namespace coexist::rules
