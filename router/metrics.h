#pragma once

// The router's Prometheus metrics: lock-free counters and fixed-bucket histograms, written by
// the ingest threads and read by the HTTP thread.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace coexist::router {

class Histogram {
 public:
  // Upper bounds in seconds; the +Inf bucket is implicit.
  static constexpr std::array<double, 14> kBoundsSeconds = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

  void observe_ns(std::int64_t nanoseconds);
  void append_prometheus(std::string& out, const std::string& name, const std::string& help) const;

 private:
  std::array<std::atomic<std::uint64_t>, kBoundsSeconds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_ns_{0};
};

struct Metrics {
  std::atomic<std::uint64_t> requests_total{0};
  std::atomic<std::uint64_t> accepted_total{0};
  std::atomic<std::uint64_t> duplicate_total{0};
  std::atomic<std::uint64_t> rejected_total{0};
  std::atomic<std::uint64_t> retryable_errors_total{0};
  std::atomic<std::uint64_t> commits_total{0};
  std::atomic<std::uint64_t> replies_dropped_total{0};  // the peer was gone or not reading
  std::atomic<std::uint64_t> journal_head_seq{0};
  Histogram commit_seconds;
  Histogram ack_seconds;

  [[nodiscard]] std::string prometheus_text() const;
};

}  // namespace coexist::router
