#pragma once

// A commit thread hook for in-process router tests (journal::OpenOptions::before_append_for_test):
// holds the next commit until released, so that requests sent meanwhile all wait for the next
// batch.

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace coexist::test {

// Holds the next commit until released: requests sent meanwhile all go into the next batch.
class CommitGate {
 public:
  // Called by the commit thread at the start of every append.
  void pass() {
    std::unique_lock lock(mutex_);
    if (!hold_next_) return;
    hold_next_ = false;
    holding_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return !holding_; });
  }
  void hold_next() {
    std::lock_guard lock(mutex_);
    hold_next_ = true;
  }
  [[nodiscard]] bool wait_until_holding() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(20), [this] { return holding_; });
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      hold_next_ = false;
      holding_ = false;
    }
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool hold_next_ = false;
  bool holding_ = false;
};

}  // namespace coexist::test
