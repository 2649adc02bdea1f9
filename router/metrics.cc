#include "router/metrics.h"

#include <cstdio>

namespace coexist::router {
namespace {

void append_counter(std::string& out, const char* name, const char* help,
                    const std::atomic<std::uint64_t>& value, const char* type = "counter") {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
         name + " " + std::to_string(value.load(std::memory_order_relaxed)) + "\n";
}

std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

// Exact decimal seconds from integer nanoseconds ("1.234567891", "1.75", "0"): a double with %g
// would keep 6 digits and freeze a long-running _sum.
std::string format_nanoseconds_as_seconds(std::uint64_t nanoseconds) {
  std::string text = std::to_string(nanoseconds / 1'000'000'000ULL);
  std::string fraction = std::to_string(nanoseconds % 1'000'000'000ULL);
  fraction.insert(0, 9 - fraction.size(), '0');
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) text += "." + fraction;
  return text;
}

}  // namespace

void Histogram::observe_ns(std::int64_t nanoseconds) {
  if (nanoseconds < 0) nanoseconds = 0;
  double seconds = static_cast<double>(nanoseconds) / 1e9;
  std::size_t bucket = 0;
  while (bucket < kBoundsSeconds.size() && seconds > kBoundsSeconds[bucket]) ++bucket;
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(nanoseconds), std::memory_order_relaxed);
}

void Histogram::append_prometheus(std::string& out, const std::string& name,
                                  const std::string& help) const {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    std::string bound = i < kBoundsSeconds.size() ? format_seconds(kBoundsSeconds[i]) : "+Inf";
    out += name + "_bucket{le=\"" + bound + "\"} " + std::to_string(cumulative) + "\n";
  }
  out += name + "_sum " + format_nanoseconds_as_seconds(sum_ns_.load(std::memory_order_relaxed)) +
         "\n";
  out += name + "_count " + std::to_string(count_.load(std::memory_order_relaxed)) + "\n";
}

std::string Metrics::prometheus_text() const {
  std::string out;
  append_counter(out, "coexist_ingest_requests_total", "Ingest request frames received.",
                 requests_total);
  append_counter(out, "coexist_ingest_accepted_total", "Transactions journaled and acknowledged.",
                 accepted_total);
  append_counter(out, "coexist_ingest_duplicate_total",
                 "Resubmissions answered with the original seq.", duplicate_total);
  append_counter(out, "coexist_ingest_rejected_total",
                 "Transactions rejected (validation or conflict).", rejected_total);
  append_counter(out, "coexist_ingest_retryable_errors_total",
                 "Transactions answered journal_full or unavailable.", retryable_errors_total);
  append_counter(
      out, "coexist_journal_commits_total",
      "Group commits: batches appended durably (a batch split at map_size_mb_max counts once).",
      commits_total);
  append_counter(out, "coexist_ingest_replies_dropped_total",
                 "Replies not delivered because the client was gone or not reading.",
                 replies_dropped_total);
  append_counter(out, "coexist_journal_head_seq", "Seq of the last journaled transaction.",
                 journal_head_seq, "gauge");
  commit_seconds.append_prometheus(out, "coexist_journal_commit_seconds",
                                   "Duration of one group commit (write transaction + sync).");
  ack_seconds.append_prometheus(out, "coexist_ingest_ack_seconds",
                                "From request receipt to reply sent.");
  return out;
}

}  // namespace coexist::router
