#include "router/stop_signals.h"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <ctime>

namespace coexist::router {
namespace {

sigset_t stop_signal_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

StopSignals::StopSignals(std::atomic<bool>& stop) : stop_(stop) {
  sigset_t set = stop_signal_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "coexist-signals");  // for top -H, perf and /proc
    sigset_t wanted = stop_signal_set();
    timespec interval{0, 100'000'000};
    while (!finished_.load()) {
      int signal_number = sigtimedwait(&wanted, nullptr, &interval);
      if (signal_number <= 0) continue;
      if (stop_.exchange(true)) {
        // A second signal: the operator will not wait for the batch in hand (a stalled disk, say).
        // Leaving now is safe: nothing is acknowledged before its commit is durable, and LMDB
        // keeps the last durable commit whatever happens to the one under way.
        spdlog::warn(
            "signal {} received again: exiting at once; the batch in hand is not "
            "acknowledged (its clients retry), nothing acknowledged is lost",
            signal_number);
        spdlog::shutdown();
        std::_Exit(128 + signal_number);
      }
      spdlog::info(
          "signal {} received: stopping intake, finishing the batch in hand (a second "
          "signal exits at once)",
          signal_number);
    }
  });
}

StopSignals::~StopSignals() {
  finished_.store(true);
  thread_.join();
}

}  // namespace coexist::router
