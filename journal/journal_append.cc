// Journal::append_batch: the one write path. A batch is one LMDB write transaction and one
// durable commit (the group commit), whatever number of transactions it holds, unless the map is
// at its maximum: then it is split into parts that each commit on their own (split_plan.h).

#include <algorithm>
#include <string>

#include "journal/append_part.h"
#include "journal/journal.h"
#include "journal/journal_impl.h"
#include "journal/split_plan.h"

namespace coexist::journal {
namespace {

// Doubles the map, up to the configured maximum; false when it is already there.
bool grow_map(Journal::Impl& impl) {
  if (impl.map_size_bytes >= impl.options.map_size_bytes_max) return false;
  std::uint64_t grown = std::min(impl.map_size_bytes * 2, impl.options.map_size_bytes_max);
  std::unique_lock lock(impl.resize_mutex);
  if (mdb_env_set_mapsize(impl.env, grown) != 0) return false;
  impl.map_size_bytes = grown;
  return true;
}

// The part the plan proposes: item requests.size() is the rules change, the batch's last item.
Part part_of(const SplitPlan& plan, std::size_t requests, RuleSetRecord* rules_change) {
  return Part{plan.begin(), std::min(plan.end(), requests),
              plan.end() > requests ? rules_change : nullptr};
}

AppendResult journal_full_result() {
  AppendResult result;
  result.status = AppendStatus::journal_full;
  return result;
}

}  // namespace

Status Journal::append_batch(std::span<const AppendRequest> requests,
                             std::vector<AppendResult>& results, RuleSetRecord* rules_change) {
  COEXIST_ASSERT(!impl_->options.read_only);
  if (impl_->options.before_append_for_test) impl_->options.before_append_for_test();
  if (Status failed = failure(); !failed.is_ok()) return failed;
  results.assign(requests.size(), AppendResult{});
  SplitPlan plan(requests.size() + (rules_change != nullptr ? 1 : 0));
  bool retried_after_clearing_readers = false;
  bool rules_change_refused = false;
  while (!plan.done()) {
    Status error;
    const std::size_t first = plan.begin();
    switch (append_part(*impl_, requests, part_of(plan, requests.size(), rules_change), results,
                        error)) {
      case Attempt::committed:
        plan.committed();
        if (++impl_->commits % kReaderCheckCommits == 0) (void)impl_->clear_stale_readers();
        break;
      case Attempt::map_full:
        // Nothing of the part was written (its transaction aborted). A dead reader may be what
        // keeps freed pages from reuse: with its slot gone they can be used again, so try once
        // more before growing the map, and grow it before splitting the part.
        if (!retried_after_clearing_readers && impl_->clear_stale_readers() > 0) {
          retried_after_clearing_readers = true;
        } else if (!grow_map(*impl_) && plan.did_not_fit()) {
          // One item that does not fit even alone: refused, and the items after it are tried.
          if (first < requests.size()) {
            results[first] = journal_full_result();
          } else {
            rules_change_refused = true;
          }
        }
        break;
      case Attempt::refused:
        results.clear();
        return error;
      case Attempt::failed: {
        results.clear();
        std::lock_guard lock(impl_->failure_mutex);
        impl_->failure =
            Status::error(Status::Code::unavailable,
                          "journal write failed, refusing further writes: " + error.message());
        return impl_->failure;
      }
    }
  }
  if (rules_change_refused) {
    rules_change->activated_after_seq = 0;  // set by a try that did not commit
    return Status::error(Status::Code::journal_full,
                         "journal reached map_size_mb_max (" +
                             std::to_string(impl_->options.map_size_bytes_max >> 20) +
                             " MiB); rules version " + std::to_string(rules_change->version) +
                             " does not fit");
  }
  return Status::ok();
}

}  // namespace coexist::journal
