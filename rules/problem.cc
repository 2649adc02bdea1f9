#include "rules/problem.h"

#include <utility>

#include "rules/limits.h"

namespace coexist::rules {

namespace {

void add(std::vector<Problem>& problems, std::size_t& dropped, std::string path,
         std::string message) {
  if (problems.size() < kProblemsMax) {
    problems.push_back(Problem{std::move(path), std::move(message)});
  } else {
    ++dropped;
  }
}

std::vector<Problem> close(std::vector<Problem> problems, std::size_t dropped) {
  if (dropped > 0) {
    problems.push_back(Problem{"", "and " + std::to_string(dropped) + " more not shown (at most " +
                                       std::to_string(kProblemsMax) + " are listed)"});
  }
  return problems;
}

}  // namespace

void ProblemList::error(std::string path, std::string message) {
  add(errors_, errors_dropped_, std::move(path), std::move(message));
}

void ProblemList::warning(std::string path, std::string message) {
  add(warnings_, warnings_dropped_, std::move(path), std::move(message));
}

std::vector<Problem> ProblemList::take_errors() {
  return close(std::move(errors_), errors_dropped_);
}

std::vector<Problem> ProblemList::take_warnings() {
  return close(std::move(warnings_), warnings_dropped_);
}

}  // namespace coexist::rules
