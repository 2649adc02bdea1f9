#pragma once

// The commit thread: takes one sealed batch at a time from the network thread, appends it to the
// journal in one durable commit, and signals completion on an inproc ZeroMQ socket so the
// network thread (which owns the client socket) sends the replies. While it syncs, the network
// thread prepares the next batch: one commit serves everyone waiting.

#include <zmq.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "journal/journal.h"
#include "router/batch.h"
#include "router/clock.h"
#include "router/metrics.h"

namespace coexist::router {

class CommitWorker {
 public:
  // `done_endpoint`: an inproc PAIR endpoint the network thread has already bound.
  CommitWorker(zmq::context_t& context, std::string done_endpoint, journal::Journal& journal,
               Metrics& metrics, const Clock& clock);
  ~CommitWorker();
  CommitWorker(const CommitWorker&) = delete;
  CommitWorker& operator=(const CommitWorker&) = delete;

  // Hands over a sealed batch; at most one may be outstanding until its completion is signalled.
  void submit(Batch* batch);

  // True once the batch last submitted is committed (its done signal is on the way). The network
  // thread looks at this between requests while draining the socket, so a long burst of arrivals
  // never keeps the next commit waiting: an idle commit thread is the costliest resource here.
  [[nodiscard]] bool finished() const { return finished_.load(std::memory_order_acquire); }

 private:
  void loop();
  // Sets the batch's status and its rules change's from what append_batch returned.
  void record_outcome(Batch& batch, Status appended);

  zmq::context_t& context_;
  std::string done_endpoint_;
  journal::Journal& journal_;
  Metrics& metrics_;
  const Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  Batch* next_ = nullptr;
  bool stopping_ = false;
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

}  // namespace coexist::router
