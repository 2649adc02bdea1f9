// evaluate() runs on the ingest hot path for every transaction: it must not allocate. This file
// replaces the global operator new of the test binary to count allocations (not under
// AddressSanitizer, which needs its own).

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "rules/evaluate.h"
#include "tests/rules/test_support.h"

namespace {
std::atomic<std::size_t> allocation_count{0};
}  // namespace

#if !defined(__SANITIZE_ADDRESS__)
// GCC sees free() on memory from "operator new"; here that is the malloc above.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  allocation_count.fetch_add(1, std::memory_order_relaxed);
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t /*size*/) noexcept { std::free(memory); }
#endif

namespace coexist::rules {
namespace {

TEST(EvaluateAllocation, EvaluateAllocatesNothing) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "operator new is AddressSanitizer's in this build";
#endif
  std::string text = R"({"default":"legacy","rules":[)";
  for (int i = 0; i < 150; ++i) {
    text += R"({"name":"r)" + std::to_string(i) + R"(","route":"new","when":{"entity":["E)" +
            std::to_string(i) + R"(","DE*"],"source":["billing","b*"],"type":"invoice",)" +
            R"("posting_date":{"from":"2026-01-01"},"amount":{"min":")" + std::to_string(i) +
            R"(000.005"},"account":["9","12"],"attributes":{"region":["APAC","X"]}}},)";
  }
  text += R"({"name":"last","route":"both","when":{"attributes":{"region":"EMEA"}}}]})";
  const std::size_t before_parse = allocation_count.load();
  const RuleSet rule_set = testing::must_parse(text);
  ASSERT_GT(allocation_count.load(), before_parse) << "the counter does not count";
  Transaction transaction = testing::sample_transaction();
  for (const char* entity : {"DE01", "E7", "ZZ", "Ünïcødé-entity-code-longer-than-sso"}) {
    transaction.entity = entity;
    const std::size_t before = allocation_count.load();
    const Decision decision = evaluate(rule_set, transaction);
    EXPECT_EQ(allocation_count.load(), before) << entity;
    EXPECT_EQ(decision.rule_name, "last");
  }
}

}  // namespace
}  // namespace coexist::rules
