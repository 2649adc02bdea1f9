#pragma once

// One problem found in a rule set: where (a JSON path such as `rules[2].when.posting_date.from`,
// empty for the whole document) and what, as a sentence for the operator.

#include <cstddef>
#include <string>
#include <vector>

namespace coexist::rules {

struct Problem {
  std::string path;
  std::string message;
};

// Collects errors and warnings while a rule set is checked, keeping at most kProblemsMax of each
// (a 4 MiB file of bad items must not produce a 4 MiB report); the rest are counted and named in
// one closing problem.
class ProblemList {
 public:
  void error(std::string path, std::string message);
  void warning(std::string path, std::string message);

  [[nodiscard]] bool has_errors() const { return !errors_.empty(); }
  [[nodiscard]] std::vector<Problem> take_errors();
  [[nodiscard]] std::vector<Problem> take_warnings();

 private:
  std::vector<Problem> errors_;
  std::vector<Problem> warnings_;
  std::size_t errors_dropped_ = 0;
  std::size_t warnings_dropped_ = 0;
};

}  // namespace coexist::rules
