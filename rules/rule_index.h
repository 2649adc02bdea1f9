#pragma once

// Narrows, for one transaction, the rules whose entity / source / type / currency conditions can
// hold, with a few hash look-ups instead of string comparisons rule by rule: this is what keeps
// evaluate() well under a microsecond with hundreds of rules. Candidates are a bitset, one bit per
// rule in rule order (bit i of word i / 64), so first-match order is kept.
//
// It also keeps each rule's posting_date window as integers, next to one another, so the rules
// left after narrowing are mostly rejected without touching the (large) Rule objects.
//
// Per field the index holds: the rules that do not constrain it (a dense bitset), and for each
// exact value and each prefix the rules that list it. Prefixes are looked up by every distinct
// prefix length, so the cost does not grow with the number of prefix rules. Memory is
// proportional to the number of list items in the rule set.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/transaction.h"
#include "rules/conditions.h"

namespace coexist::rules {

struct Rule;

class RuleIndex {
 public:
  RuleIndex() = default;
  explicit RuleIndex(std::span<const Rule> rules);

  // Words in a candidate bitset for this rule set: ceil(rules / 64).
  [[nodiscard]] std::size_t word_count() const { return word_count_; }

  // Clears the bit of every rule in `candidates` (word_count() words) whose string conditions
  // reject `transaction`. Allocates nothing.
  void narrow(const Transaction& transaction, std::span<std::uint64_t> candidates) const;

  // Whether rule `rule`'s posting_date window holds the date whose date_key() is `date`: integer
  // comparisons on a compact array instead of string comparisons on the rules themselves.
  [[nodiscard]] bool date_in_window(std::size_t rule, std::uint32_t date) const {
    const DateWindow& window = date_windows_[rule];
    return date >= window.from && date < window.before;
  }
  // Whether rule `rule` has amount, account or attribute conditions left to check.
  [[nodiscard]] bool has_other_conditions(std::size_t rule) const {
    return date_windows_[rule].has_other_conditions;
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  using RulesByValue =
      std::unordered_map<std::string, std::vector<std::uint32_t>, Hash, std::equal_to<>>;

  struct FieldIndex {
    bool active = false;  // some rule constrains this field
    std::vector<std::uint64_t> unconstrained;
    RulesByValue exact;
    RulesByValue prefixes;
    std::vector<std::size_t> prefix_lengths;  // ascending, distinct
  };

  void add_rule(std::uint32_t rule, const Conditions& conditions);
  void narrow_field(const FieldIndex& field, std::string_view value,
                    std::span<std::uint64_t> candidates) const;

  struct DateWindow {
    std::uint32_t from = 0;                                            // date_key, inclusive
    std::uint32_t before = std::numeric_limits<std::uint32_t>::max();  // date_key, exclusive
    bool has_other_conditions = false;
  };

  std::array<FieldIndex, kStringFieldCount> fields_;
  std::vector<DateWindow> date_windows_;  // by rule
  std::size_t word_count_ = 0;
};

}  // namespace coexist::rules
