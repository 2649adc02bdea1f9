#include "router/commit_worker.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

namespace coexist::router {

CommitWorker::CommitWorker(zmq::context_t& context, std::string done_endpoint,
                           journal::Journal& journal, Metrics& metrics, const Clock& clock)
    : context_(context),
      done_endpoint_(std::move(done_endpoint)),
      journal_(journal),
      metrics_(metrics),
      clock_(clock),
      thread_([this] { loop(); }) {}

CommitWorker::~CommitWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void CommitWorker::submit(Batch* batch) {
  {
    std::lock_guard lock(mutex_);
    COEXIST_ASSERT(next_ == nullptr);
    next_ = batch;
    finished_.store(false, std::memory_order_relaxed);
  }
  wake_.notify_one();
}

// journal_full refuses the rules change alone: the transactions still have their verdicts
// (journal.h), journal_full among them for those that did not fit. Any other error fails the
// whole batch: every transaction of it is answered with a retryable error.
void CommitWorker::record_outcome(Batch& batch, Status appended) {
  std::size_t refused = 0;
  for (const journal::AppendResult& result : batch.results) {
    if (result.status == journal::AppendStatus::journal_full) ++refused;
  }
  if (refused > 0) {
    spdlog::warn("journal full: {} of {} transactions did not fit and were refused", refused,
                 batch.appends.size());
  }
  if (appended.code() == Status::Code::journal_full) {
    COEXIST_ASSERT(batch.rules_change.has_value() && batch.results.size() == batch.appends.size());
    spdlog::warn("journal full: rules version {} did not fit: {}",
                 batch.rules_change->record.version, appended.message());
    batch.rules_change->status = std::move(appended);
    batch.status = Status::ok();
  } else {
    if (batch.rules_change) batch.rules_change->status = appended;
    batch.status = std::move(appended);
  }
  if (batch.status.is_ok()) {
    metrics_.commits_total.fetch_add(1, std::memory_order_relaxed);
  } else {
    spdlog::error("journal append of {} transactions failed: {}", batch.appends.size(),
                  batch.status.to_string());
  }
}

void CommitWorker::loop() {
  pthread_setname_np(pthread_self(), "coexist-commit");  // for top -H, perf and /proc
  zmq::socket_t done(context_, zmq::socket_type::pair);
  done.set(zmq::sockopt::linger, 0);
  done.connect(done_endpoint_);
  for (;;) {
    Batch* batch = nullptr;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return next_ != nullptr || stopping_; });
      if (next_ == nullptr) return;  // stopping with nothing in hand
      batch = next_;
      next_ = nullptr;
    }
    if (!batch->appends.empty() || batch->rules_change) {
      std::int64_t started_ns = clock_.steady_ns();
      journal::RuleSetRecord* rules_change =
          batch->rules_change ? &batch->rules_change->record : nullptr;
      Status appended = journal_.append_batch(batch->appends, batch->results, rules_change);
      metrics_.commit_seconds.observe_ns(clock_.steady_ns() - started_ns);
      spdlog::trace("committed {} transactions in {} us", batch->appends.size(),
                    (clock_.steady_ns() - started_ns) / 1000);
      record_outcome(*batch, std::move(appended));
    }
    finished_.store(true, std::memory_order_release);
    // Blocking send of one empty frame: the network thread always drains this socket.
    (void)done.send(zmq::message_t(), zmq::send_flags::none);
  }
}

}  // namespace coexist::router
