// SIGTERM/SIGINT become the stop flag; a second one ends the process at once (an operator who
// will not wait for a stalled final commit), with the exit status a death by that signal has.

#include "router/stop_signals.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace coexist::test {
namespace {

// Waits up to 10 s for `flag`; false if it never came.
bool wait_for(const std::atomic<bool>& flag) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!flag.load()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

TEST(StopSignalsTest, FirstSignalSetsTheStopFlagAndTheProcessGoesOn) {
  std::atomic<bool> stop{false};
  {
    router::StopSignals signals(stop);
    ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
    EXPECT_TRUE(wait_for(stop));
  }
  EXPECT_TRUE(stop.load()) << "and this process is still here to say so";
}

TEST(StopSignalsDeathTest, SecondSignalExitsAtOnceWith128PlusItsNumber) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  for (int signal_number : {SIGTERM, SIGINT}) {
    auto twice = [signal_number] {
      std::atomic<bool> stop{false};
      router::StopSignals signals(stop);
      (void)::kill(::getpid(), signal_number);
      if (!wait_for(stop)) std::_Exit(2);
      (void)::kill(::getpid(), signal_number);
      std::this_thread::sleep_for(std::chrono::seconds(10));  // a final commit that never ends
      std::_Exit(3);
    };
    EXPECT_EXIT(twice(), testing::ExitedWithCode(128 + signal_number), "") << signal_number;
  }
}

}  // namespace
}  // namespace coexist::test
