#pragma once

// Turns SIGTERM and SIGINT into a stop flag. The signals are blocked in every thread (construct
// this before starting any) and collected by one thread with sigtimedwait, so no system call in
// the ingest or commit path is ever interrupted (zmq_poll would otherwise fail with EINTR). A
// second signal ends the process at once with 128 + its number, as a shell reports a death by it.

#include <atomic>
#include <thread>

namespace coexist::router {

class StopSignals {
 public:
  explicit StopSignals(std::atomic<bool>& stop);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  std::atomic<bool>& stop_;
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

}  // namespace coexist::router
