// Journal::append_batch: the one write path. A batch is one LMDB write transaction and one
// durable commit (the group commit), whatever number of transactions it holds, unless the map is
// at its maximum: then it is split into parts that each commit on their own (split_plan.h).

#include <algorithm>
#include <string>

#include "journal/append_part.h"
#include "journal/journal.h"
#include "journal/journal_impl.h"
#include "journal/lmdb_util.h"
#include "journal/split_plan.h"

namespace coexist::journal {
namespace {

enum class Growth { grown, at_maximum, failed };

// Doubles the map, up to the configured maximum. A resize that fails (mmap refused, say) is not
// "the journal is full": LMDB has unmapped the old map by then, so the journal cannot go on
// (`error` says why, and the caller makes it the sticky failure; reads are refused: map_lost).
Growth grow_map(Journal::Impl& impl, Status& error) {
  if (impl.map_size_bytes >= impl.options.map_size_bytes_max) return Growth::at_maximum;
  std::uint64_t grown = std::min(impl.map_size_bytes * 2, impl.options.map_size_bytes_max);
  std::unique_lock lock(impl.resize_mutex);
  if (int rc = mdb_env_set_mapsize(impl.env, grown); rc != 0) {
    impl.map_lost.store(true);
    error = lmdb::error("grow the map to " + std::to_string(grown >> 20) + " MiB", rc);
    return Growth::failed;
  }
  impl.map_size_bytes = grown;
  return Growth::grown;
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
  bool readers_checked = false;  // once per call: a batch split into many parts checks once
  bool rules_change_refused = false;
  while (!plan.done()) {
    Status error;
    const std::size_t first = plan.begin();
    Attempt attempt =
        append_part(*impl_, requests, part_of(plan, requests.size(), rules_change), results, error);
    if (attempt == Attempt::map_full) {
      // Nothing of the part was written (its transaction aborted). A dead reader may be what
      // keeps freed pages from reuse: with its slot gone they can be used again, so try once
      // more before growing the map, and grow it before splitting the part.
      const bool readers_cleared = !readers_checked && impl_->clear_stale_readers() > 0;
      readers_checked = true;
      if (!readers_cleared) {
        Growth growth = grow_map(*impl_, error);
        if (growth == Growth::failed) {
          attempt = Attempt::failed;
        } else if (growth == Growth::at_maximum && plan.did_not_fit()) {
          // One item that does not fit even alone: refused, and the items after it are tried.
          if (first < requests.size()) {
            results[first] = journal_full_result();
          } else {
            rules_change_refused = true;
          }
        }
      }
    }
    switch (attempt) {
      case Attempt::committed:
        plan.committed();
        if (++impl_->commits % kReaderCheckCommits == 0) (void)impl_->clear_stale_readers();
        break;
      case Attempt::map_full:
        break;  // handled above: try again, bigger or smaller
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
