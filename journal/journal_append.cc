// Journal::append_batch: the one write path. A batch is one LMDB write transaction and one
// durable commit (the group commit), whatever number of transactions it holds.

#include <algorithm>
#include <string>

#include "journal/append_part.h"
#include "journal/journal.h"
#include "journal/journal_impl.h"

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

}  // namespace

Status Journal::append_batch(std::span<const AppendRequest> requests,
                             std::vector<AppendResult>& results, RuleSetRecord* rules_change) {
  COEXIST_ASSERT(!impl_->options.read_only);
  if (impl_->options.before_append_for_test) impl_->options.before_append_for_test();
  if (Status failed = failure(); !failed.is_ok()) return failed;
  bool retried_after_clearing_readers = false;
  for (;;) {
    Status error;
    results.assign(requests.size(), AppendResult{});
    switch (append_part(*impl_, requests, Part{0, requests.size(), rules_change}, results, error)) {
      case Attempt::committed:
        if (++impl_->commits % kReaderCheckCommits == 0) (void)impl_->clear_stale_readers();
        return Status::ok();
      case Attempt::map_full:
        // Nothing of the batch was written (the transaction aborted); grow and try again.
        results.clear();
        // A dead reader may be what keeps freed pages from reuse: with its slot gone they can be
        // used again, so try once more before growing (or refusing journal_full).
        if (!retried_after_clearing_readers && impl_->clear_stale_readers() > 0) {
          retried_after_clearing_readers = true;
          continue;
        }
        if (!grow_map(*impl_)) {
          return Status::error(Status::Code::journal_full,
                               "journal reached map_size_mb_max (" +
                                   std::to_string(impl_->options.map_size_bytes_max >> 20) +
                                   " MiB)");
        }
        continue;
      case Attempt::refused:
        results.clear();
        return error;
      case Attempt::failed: {
        results.clear();
        std::lock_guard lock(impl_->failure_mutex);
        impl_->failure = Status::error(Status::Code::unavailable,
                                       "journal write failed, refusing further writes: " +
                                           error.message());
        return impl_->failure;
      }
    }
  }
}

}  // namespace coexist::journal
