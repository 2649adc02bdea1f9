#pragma once

// Running the `coexist` CLI from end-to-end tests: the command, its input files, its JSON lines.

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/router_process.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {

inline CommandResult coexist(const TempDir& dir, const std::vector<std::string>& arguments,
                             const std::filesystem::path& stdin_file = "/dev/null") {
  return run_command(binary("coexist"), arguments, dir.path(), stdin_file);
}

// Every non-empty line of `text`, parsed.
inline std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

inline std::filesystem::path write_lines(const TempDir& dir, const std::string& name,
                                         const std::vector<std::string>& lines) {
  auto path = dir.path() / name;
  std::ofstream out(path);
  for (const auto& line : lines) out << line << "\n";
  return path;
}

}  // namespace coexist::test
