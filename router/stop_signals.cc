#include "router/stop_signals.h"

#include <pthread.h>
#include <signal.h>

#include <ctime>

#include <spdlog/spdlog.h>

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
      if (signal_number > 0) {
        spdlog::info("signal {} received: stopping intake, finishing the batch in hand",
                     signal_number);
        stop_.store(true);
      }
    }
  });
}

StopSignals::~StopSignals() {
  finished_.store(true);
  thread_.join();
}

}  // namespace coexist::router
