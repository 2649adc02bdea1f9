// ReplyReader: counting the router's acks by status, all of a reply or none of it.

#include "tools/loadgen/reply_reader.h"

#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace coexist::loadgen {
namespace {

// Acks shaped as DESIGN.md's "Ingest protocol" shows them.
constexpr char kAccepted[] =
    R"({"id":"INV-1","source":"billing","status":"accepted","seq":42,"route":"both",)"
    R"("rule":"DE01 dual run","rules_version":3})";
constexpr char kDuplicate[] =
    R"({"id":"INV-1","source":"billing","status":"duplicate","seq":42,"route":"both"})";
constexpr char kRejected[] =
    R"({"id":"X1","source":"billing","status":"rejected","error":{"code":"unbalanced",)"
    R"("message":"debits 119.00 != credits 118.00 EUR"}})";
constexpr char kError[] = R"({"status":"error","error":{"code":"journal_full","message":"..."}})";

std::string array_of(const std::vector<std::string>& acks) {
  std::string reply = "[";
  for (std::size_t i = 0; i < acks.size(); ++i) reply += (i > 0 ? "," : "") + acks[i];
  return reply + "]";
}

bool operator==(const StatusCounts& a, const StatusCounts& b) {
  return a.accepted == b.accepted && a.duplicate == b.duplicate && a.rejected == b.rejected &&
         a.error == b.error;
}

StatusCounts counts_of(std::uint64_t accepted, std::uint64_t duplicate, std::uint64_t rejected,
                       std::uint64_t error) {
  StatusCounts counts;
  counts.accepted = accepted;
  counts.duplicate = duplicate;
  counts.rejected = rejected;
  counts.error = error;
  return counts;
}

std::string describe(const StatusCounts& counts) {
  std::ostringstream text;
  text << "accepted " << counts.accepted << ", duplicate " << counts.duplicate << ", rejected "
       << counts.rejected << ", error " << counts.error;
  return text.str();
}

class ReplyReaderTest : public ::testing::Test {
 protected:
  // Reads `reply` into counts_ and lines_.
  std::optional<std::size_t> read(const std::string& reply) {
    return reader_.read(reply, counts_, &lines_);
  }
  void expect_counts(const StatusCounts& expected) {
    EXPECT_TRUE(counts_ == expected) << describe(counts_) << ", expected " << describe(expected);
  }

  ReplyReader reader_;
  StatusCounts counts_;
  std::string lines_;
};

TEST_F(ReplyReaderTest, SingleAckCountsUnderItsStatus) {
  struct Case {
    const char* reply;
    StatusCounts expected;
  };
  for (const Case& each :
       {Case{kAccepted, counts_of(1, 0, 0, 0)}, Case{kDuplicate, counts_of(0, 1, 0, 0)},
        Case{kRejected, counts_of(0, 0, 1, 0)}, Case{kError, counts_of(0, 0, 0, 1)}}) {
    SCOPED_TRACE(each.reply);
    counts_ = StatusCounts{};
    EXPECT_EQ(read(each.reply), std::optional<std::size_t>(1));
    expect_counts(each.expected);
  }
}

// A status this version does not know is still an ack (the reply is readable), counted as error.
TEST_F(ReplyReaderTest, UnknownStatusCountsAsError) {
  EXPECT_EQ(read(R"({"id":"A","status":"quarantined"})"), std::optional<std::size_t>(1));
  expect_counts(counts_of(0, 0, 0, 1));
}

TEST_F(ReplyReaderTest, ArrayCountsEveryAck) {
  std::string reply = array_of({kAccepted, kDuplicate, kAccepted, kRejected, kError, kAccepted});
  EXPECT_EQ(read(reply), std::optional<std::size_t>(6));
  expect_counts(counts_of(3, 1, 1, 1));
}

TEST_F(ReplyReaderTest, CountsAddToWhatTheyHeld) {
  counts_ = counts_of(10, 20, 30, 40);
  EXPECT_EQ(read(array_of({kAccepted, kError})), std::optional<std::size_t>(2));
  expect_counts(counts_of(11, 20, 30, 41));
}

TEST_F(ReplyReaderTest, UnreadableRepliesCountNothingAndWriteNoLines) {
  const std::string kept_lines = std::string(kAccepted) + "\n";
  for (const std::string& reply : {
           std::string("not json"),
           std::string(),
           std::string(R"({"status":"accepted")"),  // truncated
           std::string(R"("accepted")"),            // a scalar, not an ack
           std::string("42"),
           std::string(R"({"id":"A","source":"billing"})"),  // no status
           std::string(R"({"status":1})"),                   // a status that is not a string
           array_of({kAccepted, kDuplicate, "42"}),          // one element is not an object
           array_of({kAccepted, R"({"id":"A"})", kRejected}),
       }) {
    SCOPED_TRACE(reply);
    counts_ = counts_of(1, 2, 3, 4);
    lines_ = kept_lines;
    EXPECT_EQ(read(reply), std::nullopt);
    expect_counts(counts_of(1, 2, 3, 4));
    EXPECT_EQ(lines_, kept_lines);
  }
}

TEST_F(ReplyReaderTest, LinesGetOneCompactJsonLinePerAck) {
  // Whitespace as a pretty-printing server might send it; the lines must come out compact.
  std::string reply =
      "[\n  " + std::string(kAccepted) + ",\n  " +
      R"({ "id" : "Büro-1", "status" : "rejected", "error" : { "code" : "schema" } })" + "\n]";
  lines_ = "earlier\n";
  ASSERT_EQ(read(reply), std::optional<std::size_t>(2));
  EXPECT_EQ(lines_, "earlier\n" + std::string(kAccepted) + "\n" +
                        R"({"id":"Büro-1","status":"rejected","error":{"code":"schema"}})" + "\n");
}

TEST_F(ReplyReaderTest, LinesAreOptional) {
  EXPECT_EQ(reader_.read(array_of({kAccepted, kDuplicate}), counts_, nullptr),
            std::optional<std::size_t>(2));
  expect_counts(counts_of(1, 1, 0, 0));
}

// One reader serves a whole client: an unreadable reply must not spoil the next one.
TEST_F(ReplyReaderTest, ReaderIsReusableAfterAnUnreadableReply) {
  EXPECT_EQ(read(array_of({kAccepted, "[]"})), std::nullopt);
  EXPECT_EQ(read(kDuplicate), std::optional<std::size_t>(1));
  expect_counts(counts_of(0, 1, 0, 0));
  EXPECT_EQ(lines_, std::string(kDuplicate) + "\n");
}

TEST(StatusCountsTest, AddSumsEachStatusAndTotalSumsAll) {
  StatusCounts counts = counts_of(1, 2, 3, 4);
  counts.add(counts_of(10, 20, 30, 40));
  EXPECT_EQ(counts.accepted, 11U);
  EXPECT_EQ(counts.duplicate, 22U);
  EXPECT_EQ(counts.rejected, 33U);
  EXPECT_EQ(counts.error, 44U);
  EXPECT_EQ(counts.total(), 110U);
}

}  // namespace
}  // namespace coexist::loadgen
