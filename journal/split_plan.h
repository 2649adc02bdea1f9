#pragma once

// Which part of a batch append_batch tries next (journal.h, durability promise). A pure decision,
// kept apart from LMDB so that its order and its bound can be tested on their own.
//
// Items are the batch's requests in order, then its rules change if it has one. The whole batch
// is tried first; append_batch grows the map while it can, and tells this plan only about a part
// that did not fit in a map already at its maximum. Such a part is halved: its first half is
// tried next. A part that fits is committed, and the next part may be twice as large, so that
// after one oversized transaction the rest is not tried one by one. A single item that does not
// fit is refused and skipped, and the items after it are still tried.
//
// Outcome: where a part fits exactly when its items' sizes add up to no more than the room left,
// the same as appending the items one at a time, in order (split_plan_test checks it). Bound:
// each commit or refusal moves past at least one item, and each halving takes back the doubling
// of a commit or halves the whole batch, so n items take at most 2n + log2(n) + 1 tries
// (asserted): a full map costs about one aborted write transaction per refused item.

#include <cstddef>

namespace coexist::journal {

class SplitPlan {
 public:
  explicit SplitPlan(std::size_t items);

  [[nodiscard]] bool done() const { return begin_ == items_; }
  // The part to try next, [begin, end): not empty while !done().
  [[nodiscard]] std::size_t begin() const { return begin_; }
  [[nodiscard]] std::size_t end() const;

  // The part was committed.
  void committed();
  // The part did not fit in a map at its maximum. True when it was a single item: that item is
  // refused and skipped (the caller answers it journal_full).
  [[nodiscard]] bool did_not_fit();

  [[nodiscard]] std::size_t tries() const { return tries_; }
  [[nodiscard]] static std::size_t tries_max(std::size_t items);

 private:
  void count_try();

  std::size_t items_;
  std::size_t begin_ = 0;
  std::size_t size_;  // of the next part, before clipping to what is left
  std::size_t tries_ = 0;
};

}  // namespace coexist::journal
