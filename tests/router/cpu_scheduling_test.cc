#include "router/cpu_scheduling.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <thread>
#include <tuple>
#include <utility>

namespace coexist::router {
namespace {

// Runs `body` on a fresh thread, so that the policy it sets never reaches the test runner's
// own threads; returns what `body` returned.
template <typename Body>
auto on_own_thread(Body body) {
  decltype(body()) result{};
  std::thread([&] { result = body(); }).join();
  return result;
}

TEST(CpuSchedulingTest, BatchReachesTheCallerAndEveryThreadItStartsLater) {
  auto policies = on_own_thread([] {
    Status applied = apply_cpu_scheduling("batch");
    EXPECT_TRUE(applied.is_ok()) << applied.to_string();
    int started_later = -1;
    std::thread([&] { started_later = sched_getscheduler(0); }).join();
    return std::pair{sched_getscheduler(0), started_later};
  });
  EXPECT_EQ(policies.first, SCHED_BATCH);
  EXPECT_EQ(policies.second, SCHED_BATCH);
}

TEST(CpuSchedulingTest, NormalRestoresTheDefaultPolicy) {
  int policy = on_own_thread([] {
    EXPECT_TRUE(apply_cpu_scheduling("batch").is_ok());
    EXPECT_TRUE(apply_cpu_scheduling("normal").is_ok());
    return sched_getscheduler(0);
  });
  EXPECT_EQ(policy, SCHED_OTHER);
}

TEST(CpuSchedulingTest, UnknownPolicyIsRefusedAndChangesNothing) {
  auto outcome = on_own_thread([] {
    int before = sched_getscheduler(0);
    Status applied = apply_cpu_scheduling("fifo");
    return std::tuple{applied.code(), applied.message(), before, sched_getscheduler(0)};
  });
  EXPECT_EQ(std::get<0>(outcome), Status::Code::invalid_argument);
  EXPECT_EQ(std::get<1>(outcome), "unknown scheduling policy \"fifo\"");
  EXPECT_EQ(std::get<2>(outcome), std::get<3>(outcome));
}

}  // namespace
}  // namespace coexist::router
