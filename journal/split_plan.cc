#include "journal/split_plan.h"

#include <algorithm>
#include <bit>

#include "model/assert.h"

namespace coexist::journal {

SplitPlan::SplitPlan(std::size_t items) : items_(items), size_(std::max<std::size_t>(items, 1)) {}

std::size_t SplitPlan::end() const { return begin_ + std::min(size_, items_ - begin_); }

std::size_t SplitPlan::tries_max(std::size_t items) {
  return 2 * items + static_cast<std::size_t>(std::bit_width(items)) + 1;
}

void SplitPlan::count_try() {
  COEXIST_ASSERT(!done());
  ++tries_;
  COEXIST_ASSERT(tries_ <= tries_max(items_));
}

void SplitPlan::committed() {
  count_try();
  begin_ = end();
  size_ = std::min(size_ * 2, items_);
}

bool SplitPlan::did_not_fit() {
  count_try();
  if (end() - begin_ > 1) {
    size_ = (end() - begin_) / 2;
    return false;
  }
  ++begin_;
  size_ = 1;
  return true;
}

}  // namespace coexist::journal
