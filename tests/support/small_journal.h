#pragma once

// A journal in `dir`/journal with a small map (1 MiB, growing to 64 MiB) for router unit tests;
// null (with a test failure recorded) when it cannot be opened.

#include <gtest/gtest.h>

#include <memory>

#include "journal/journal.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {

inline std::unique_ptr<journal::Journal> open_small_journal(const TempDir& dir) {
  journal::OpenOptions options;
  options.path = dir.path() / "journal";
  options.map_size_bytes_initial = 1 << 20;
  options.map_size_bytes_max = 64 << 20;
  auto opened = journal::Journal::open(options);
  EXPECT_TRUE(opened.is_ok()) << opened.status().to_string();
  return opened.is_ok() ? std::move(opened.value()) : nullptr;
}

}  // namespace coexist::test
