#include "journal/split_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

namespace coexist::test {
namespace {

using journal::SplitPlan;
using Part = std::pair<std::size_t, std::size_t>;

Part part(const SplitPlan& plan) { return {plan.begin(), plan.end()}; }

TEST(SplitPlanTest, EmptyBatchHasNothingToTry) {
  SplitPlan plan(0);
  EXPECT_TRUE(plan.done());
}

TEST(SplitPlanTest, WholeBatchIsTriedFirst) {
  SplitPlan plan(5);
  EXPECT_EQ(part(plan), Part(0, 5));
  plan.committed();
  EXPECT_TRUE(plan.done());
  EXPECT_EQ(plan.tries(), 1U);
}

TEST(SplitPlanTest, PartThatDoesNotFitIsHalvedAndTheNextGrowsAfterACommit) {
  SplitPlan plan(8);
  EXPECT_FALSE(plan.did_not_fit());
  EXPECT_EQ(part(plan), Part(0, 4));
  EXPECT_FALSE(plan.did_not_fit());
  EXPECT_EQ(part(plan), Part(0, 2));
  plan.committed();
  EXPECT_EQ(part(plan), Part(2, 6)) << "twice the part that fitted";
  plan.committed();
  EXPECT_EQ(part(plan), Part(6, 8)) << "clipped to what is left";
  plan.committed();
  EXPECT_TRUE(plan.done());
}

TEST(SplitPlanTest, SingleItemThatDoesNotFitIsRefusedAndTheItemsAfterItAreStillTried) {
  SplitPlan plan(3);
  EXPECT_FALSE(plan.did_not_fit());
  EXPECT_EQ(part(plan), Part(0, 1));
  EXPECT_TRUE(plan.did_not_fit()) << "item 0 is refused";
  EXPECT_EQ(part(plan), Part(1, 2));
  plan.committed();
  EXPECT_EQ(part(plan), Part(2, 3));
  EXPECT_TRUE(plan.did_not_fit()) << "item 2 is refused";
  EXPECT_TRUE(plan.done());
}

TEST(SplitPlanTest, OddPartIsHalvedDownToOneItem) {
  SplitPlan plan(3);
  EXPECT_FALSE(plan.did_not_fit());
  EXPECT_EQ(part(plan), Part(0, 1));
}

// A model of the map: an item fits when the sizes of the part's items add up to no more than
// what is left. Appending one item at a time, in order, accepts an item exactly when it fits
// after the items accepted before it; the plan must come to the same, within its bound.
struct Outcome {
  std::vector<bool> accepted;
  std::size_t tries = 0;
};

Outcome run_plan(const std::vector<std::uint64_t>& sizes, std::uint64_t room) {
  Outcome outcome;
  outcome.accepted.assign(sizes.size(), false);
  SplitPlan plan(sizes.size());
  while (!plan.done()) {
    std::uint64_t needed =
        std::accumulate(sizes.begin() + static_cast<std::ptrdiff_t>(plan.begin()),
                        sizes.begin() + static_cast<std::ptrdiff_t>(plan.end()), std::uint64_t{0});
    if (needed <= room) {
      room -= needed;
      for (std::size_t i = plan.begin(); i < plan.end(); ++i) outcome.accepted[i] = true;
      plan.committed();
    } else {
      (void)plan.did_not_fit();
    }
  }
  outcome.tries = plan.tries();
  return outcome;
}

std::vector<bool> one_at_a_time(const std::vector<std::uint64_t>& sizes, std::uint64_t room) {
  std::vector<bool> accepted;
  for (std::uint64_t size : sizes) {
    accepted.push_back(size <= room);
    if (size <= room) room -= size;
  }
  return accepted;
}

TEST(SplitPlanTest, SameOutcomeAsOneAtATimeWithinTheBound) {
  for (std::uint32_t seed = 1; seed <= 2000; ++seed) {
    std::mt19937 random(seed);
    std::size_t count = std::uniform_int_distribution<std::size_t>(1, 300)(random);
    std::vector<std::uint64_t> sizes;
    for (std::size_t i = 0; i < count; ++i) {
      // Mostly small, now and then one far larger than the rest.
      bool huge = std::uniform_int_distribution<int>(0, 19)(random) == 0;
      sizes.push_back(std::uniform_int_distribution<std::uint64_t>(1, huge ? 5000 : 50)(random));
    }
    std::uint64_t room = std::uniform_int_distribution<std::uint64_t>(0, 8000)(random);
    Outcome outcome = run_plan(sizes, room);
    ASSERT_EQ(outcome.accepted, one_at_a_time(sizes, room)) << "seed " << seed;
    ASSERT_LE(outcome.tries, SplitPlan::tries_max(count)) << "seed " << seed;
  }
}

TEST(SplitPlanTest, FullMapRefusesEachItemInAboutOneTry) {
  std::vector<std::uint64_t> sizes(16384, 1);
  Outcome outcome = run_plan(sizes, 0);
  EXPECT_EQ(outcome.accepted, std::vector<bool>(sizes.size(), false));
  EXPECT_EQ(outcome.tries, 16384U + 14U) << "14 halvings to one item, then one try per item";
}

TEST(SplitPlanTest, OneOversizedItemCostsAFewTriesNotOnePerItem) {
  std::vector<std::uint64_t> sizes(1000, 1);
  sizes[500] = 1'000'000;
  Outcome outcome = run_plan(sizes, 10'000);
  EXPECT_FALSE(outcome.accepted[500]);
  EXPECT_EQ(std::count(outcome.accepted.begin(), outcome.accepted.end(), true), 999);
  EXPECT_LT(outcome.tries, 60U);
}

}  // namespace
}  // namespace coexist::test
