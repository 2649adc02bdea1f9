// build_plan: how transactions are dealt into requests, clients and resubmissions.

#include "tools/loadgen/request_plan.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/canonical_json.h"
#include "model/limits.h"
#include "model/transaction_parser.h"
#include "tools/loadgen/transaction_generator.h"

namespace coexist::loadgen {
namespace {

Options plan_options(std::uint32_t clients, std::uint64_t transactions, std::uint32_t batch = 1,
                     std::uint32_t duplicates_percent = 0) {
  Options options;
  options.clients = clients;
  options.transactions = transactions;
  options.batch = batch;
  options.duplicates_percent = duplicates_percent;
  return options;
}

RequestPlan build(const Options& options) {
  Result<RequestPlan> plan = build_plan(options);
  EXPECT_TRUE(plan.is_ok()) << plan.status().to_string();
  return plan.is_ok() ? std::move(plan).value() : RequestPlan{};
}

// The ids a frame carries, in order: one for a bare object, one per element for an array. Read
// with the router's parser, which also checks each transaction is valid.
std::vector<std::string> ids_in(const std::string& frame) {
  static TransactionParser parser;  // reused: the tests run on one thread
  ParsedRequest request = parser.parse_request(frame);
  EXPECT_FALSE(request.request_rejection.has_value()) << request.request_rejection->message;
  std::vector<std::string> ids;
  for (const ParsedItem& item : request.items) {
    EXPECT_TRUE(item.transaction.has_value()) << item.id << ": " << item.rejection.message;
    ids.push_back(item.id);
  }
  return ids;
}

std::vector<std::string> ids_of_new_frames(const ClientPlan& client) {
  std::vector<std::string> ids;
  for (const std::string& frame : client.frames) {
    for (std::string& id : ids_in(frame)) ids.push_back(std::move(id));
  }
  return ids;
}

std::vector<std::string> generator_ids(std::uint64_t seed,
                                       const std::vector<std::uint64_t>& indexes) {
  std::vector<std::string> ids;
  ids.reserve(indexes.size());
  for (std::uint64_t index : indexes) ids.push_back(TransactionGenerator(seed).id(index));
  return ids;
}

// Transactions the plan sends, resubmissions included.
std::uint64_t transactions_sent(const RequestPlan& plan) {
  std::uint64_t sent = 0;
  for (const ClientPlan& client : plan.clients) {
    for (std::uint32_t frame : client.send_order) sent += client.transactions_in_frame.at(frame);
  }
  return sent;
}

// Checks what every plan must hold: each client sends its frames in the order they were made,
// and a resubmission names a frame that client has already sent (so never its first request);
// the counters agree with send_order; new transactions are indexes first_index.. exactly once.
void expect_consistent(const RequestPlan& plan, const Options& options) {
  ASSERT_EQ(plan.clients.size(), options.clients);
  std::uint64_t requests = 0;
  std::uint64_t resubmitted = 0;
  std::multiset<std::string> new_ids;
  for (std::size_t c = 0; c < plan.clients.size(); ++c) {
    const ClientPlan& client = plan.clients[c];
    ASSERT_EQ(client.frames.size(), client.transactions_in_frame.size()) << "client " << c;
    std::uint32_t frames_sent = 0;
    for (std::size_t position = 0; position < client.send_order.size(); ++position) {
      std::uint32_t frame = client.send_order[position];
      if (frame == frames_sent) {
        ++frames_sent;  // the next new frame
      } else {
        EXPECT_LT(frame, frames_sent) << "client " << c << " request " << position;
        ++resubmitted;
      }
    }
    EXPECT_EQ(frames_sent, client.frames.size()) << "client " << c << ": a frame never sent";
    requests += client.send_order.size();
    for (std::string& id : ids_of_new_frames(client)) new_ids.insert(std::move(id));
  }
  EXPECT_EQ(plan.requests, requests);
  EXPECT_EQ(plan.resubmitted_requests, resubmitted);
  EXPECT_EQ(transactions_sent(plan), options.transactions);
  std::multiset<std::string> expected;
  for (std::uint64_t k = 0; k < plan.new_transactions; ++k) {
    expected.insert(TransactionGenerator(options.seed).id(options.first_index + k));
  }
  EXPECT_EQ(new_ids, expected);
}

TEST(RequestPlanTest, DealsRequestsRoundRobinOverClients) {
  RequestPlan plan = build(plan_options(3, 10));
  ASSERT_EQ(plan.clients.size(), 3U);
  EXPECT_EQ(ids_of_new_frames(plan.clients[0]), generator_ids(1, {0, 3, 6, 9}));
  EXPECT_EQ(ids_of_new_frames(plan.clients[1]), generator_ids(1, {1, 4, 7}));
  EXPECT_EQ(ids_of_new_frames(plan.clients[2]), generator_ids(1, {2, 5, 8}));
}

TEST(RequestPlanTest, DealsBatchedRequestsRoundRobinOverClients) {
  RequestPlan plan = build(plan_options(2, 9, 2));
  ASSERT_EQ(plan.clients.size(), 2U);
  EXPECT_EQ(ids_of_new_frames(plan.clients[0]), generator_ids(1, {0, 1, 4, 5, 8}));
  EXPECT_EQ(ids_of_new_frames(plan.clients[1]), generator_ids(1, {2, 3, 6, 7}));
  EXPECT_EQ(plan.clients[0].transactions_in_frame, (std::vector<std::uint32_t>{2, 2, 1}));
}

// Requests, not transactions, are dealt: with resubmissions the clients' request counts still
// differ by at most one.
TEST(RequestPlanTest, DealsResubmissionsRoundRobinToo) {
  RequestPlan plan = build(plan_options(4, 1001, 1, 30));
  ASSERT_EQ(plan.clients.size(), 4U);
  for (std::size_t c = 0; c < 4; ++c) {
    std::uint64_t expected = plan.requests / 4 + (c < plan.requests % 4 ? 1 : 0);
    EXPECT_EQ(plan.clients[c].send_order.size(), expected) << "client " << c;
  }
}

TEST(RequestPlanTest, SendsExactlyTheRequestedTransactionsWhateverTheShape) {
  struct Shape {
    std::uint32_t clients;
    std::uint64_t transactions;
    std::uint32_t batch;
    std::uint32_t duplicates_percent;
  };
  // Batches that do not divide the total, resubmission of big frames near the end, more
  // clients than requests, a batch bigger than the whole run.
  for (Shape shape :
       {Shape{1, 1, 1, 0}, Shape{1, 1, 1, 100}, Shape{4, 1000, 1, 30}, Shape{3, 997, 7, 30},
        Shape{2, 503, 16, 100}, Shape{5, 3, 10, 50}, Shape{8, 5, 1, 0}}) {
    SCOPED_TRACE(testing::Message()
                 << shape.clients << " clients, " << shape.transactions << " transactions, batch "
                 << shape.batch << ", " << shape.duplicates_percent << "% duplicates");
    Options options =
        plan_options(shape.clients, shape.transactions, shape.batch, shape.duplicates_percent);
    expect_consistent(build(options), options);
  }
}

TEST(RequestPlanTest, WithoutDuplicatesEveryRequestIsNew) {
  Options options = plan_options(3, 100);
  RequestPlan plan = build(options);
  expect_consistent(plan, options);
  EXPECT_EQ(plan.resubmitted_requests, 0U);
  EXPECT_EQ(plan.new_transactions, 100U);
  EXPECT_EQ(plan.requests, 100U);
  for (const ClientPlan& client : plan.clients) {
    for (std::size_t position = 0; position < client.send_order.size(); ++position) {
      EXPECT_EQ(client.send_order[position], position);
    }
  }
}

// 3,000 requests at 30%: the expected 900 (less the 4 first requests, never resubmitted) has a
// standard deviation of ~25, so 25%..35% is a ±6σ band.
TEST(RequestPlanTest, ThirtyPercentDuplicatesResubmitAboutThirtyPercentOfRequests) {
  Options options = plan_options(4, 3000, 1, 30);
  RequestPlan plan = build(options);
  expect_consistent(plan, options);
  ASSERT_EQ(plan.requests, 3000U);
  double share =
      static_cast<double>(plan.resubmitted_requests) / static_cast<double>(plan.requests);
  EXPECT_GT(share, 0.25);
  EXPECT_LT(share, 0.35);
  EXPECT_EQ(plan.new_transactions, 3000U - plan.resubmitted_requests);
}

TEST(RequestPlanTest, HundredPercentDuplicatesResubmitAllButEachClientsFirstRequest) {
  Options options = plan_options(3, 30, 1, 100);
  RequestPlan plan = build(options);
  expect_consistent(plan, options);
  EXPECT_EQ(plan.new_transactions, 3U);
  EXPECT_EQ(plan.resubmitted_requests, 27U);
  for (const ClientPlan& client : plan.clients) {
    EXPECT_EQ(client.frames.size(), 1U);
    EXPECT_EQ(client.send_order, std::vector<std::uint32_t>(10, 0));
  }
}

TEST(RequestPlanTest, BatchMakesArraysOfBatchTransactionsTheLastShorter) {
  RequestPlan plan = build(plan_options(1, 10, 4));
  ASSERT_EQ(plan.clients.size(), 1U);
  const ClientPlan& client = plan.clients[0];
  ASSERT_EQ(client.frames.size(), 3U);
  EXPECT_EQ(client.transactions_in_frame, (std::vector<std::uint32_t>{4, 4, 2}));
  EXPECT_EQ(ids_in(client.frames[0]), generator_ids(1, {0, 1, 2, 3}));
  EXPECT_EQ(ids_in(client.frames[1]), generator_ids(1, {4, 5, 6, 7}));
  EXPECT_EQ(ids_in(client.frames[2]), generator_ids(1, {8, 9}));
  EXPECT_EQ(plan.requests, 3U);
}

// The router mirrors the request's shape in its reply: with --batch every frame is an array,
// even a last one holding a single transaction.
TEST(RequestPlanTest, BatchedFrameOfOneTransactionIsStillAnArray) {
  RequestPlan plan = build(plan_options(1, 5, 4));
  ASSERT_EQ(plan.clients[0].frames.size(), 2U);
  EXPECT_EQ(plan.clients[0].transactions_in_frame[1], 1U);
  EXPECT_TRUE(nlohmann::json::parse(plan.clients[0].frames[1]).is_array());
}

TEST(RequestPlanTest, BatchOfOneSendsBareGeneratorObjects) {
  RequestPlan plan = build(plan_options(2, 4));
  TransactionGenerator generator(1);
  EXPECT_EQ(plan.clients[0].frames,
            (std::vector<std::string>{generator.json(0), generator.json(2)}));
  EXPECT_EQ(plan.clients[1].frames,
            (std::vector<std::string>{generator.json(1), generator.json(3)}));
}

TEST(RequestPlanTest, EveryFrameIsARequestTheParserAcceptsWhole) {
  for (std::uint32_t batch : {1U, 25U}) {
    SCOPED_TRACE(testing::Message() << "batch " << batch);
    RequestPlan plan = build(plan_options(2, 200, batch, 20));
    TransactionParser parser;
    for (const ClientPlan& client : plan.clients) {
      for (std::size_t f = 0; f < client.frames.size(); ++f) {
        ParsedRequest request = parser.parse_request(client.frames[f]);
        ASSERT_FALSE(request.request_rejection.has_value()) << request.request_rejection->message;
        EXPECT_EQ(request.is_array, batch > 1);
        ASSERT_EQ(request.items.size(), client.transactions_in_frame[f]);
        for (const ParsedItem& item : request.items) {
          EXPECT_TRUE(item.transaction.has_value()) << item.id << ": " << item.rejection.message;
        }
      }
    }
  }
}

// At ~1 KiB a transaction, a --batch of 1,000 passes the router's 1 MiB request limit: the
// router would reject every request `too_large`. The plan refuses it, naming --batch, the
// request's size and the limit; a batch that fits is planned, and every frame is within it.
TEST(RequestPlanTest, ABatchOverTheRouterRequestLimitIsRefused) {
  Result<RequestPlan> refused = build_plan(plan_options(1, 1000, 1000));
  ASSERT_FALSE(refused.is_ok());
  const std::string& message = refused.status().message();
  EXPECT_NE(message.find("a request of 1000 transactions"), std::string::npos) << message;
  EXPECT_NE(message.find("smaller --batch"), std::string::npos) << message;
  EXPECT_NE(message.find(std::to_string(limits::kRequestBytesMax)), std::string::npos) << message;

  RequestPlan plan = build(plan_options(1, 1000, 500));
  TransactionParser parser;
  for (const std::string& frame : plan.clients.at(0).frames) {
    EXPECT_LE(frame.size(), limits::kRequestBytesMax);
    ParsedRequest request = parser.parse_request(frame);
    EXPECT_FALSE(request.request_rejection.has_value()) << request.request_rejection->message;
  }
}

TEST(RequestPlanTest, FirstIndexShiftsTheGeneratorIndexes) {
  Options options = plan_options(1, 5, 2);
  options.seed = 9;
  options.first_index = 1000;
  RequestPlan plan = build(options);
  expect_consistent(plan, options);
  EXPECT_EQ(ids_of_new_frames(plan.clients[0]), generator_ids(9, {1000, 1001, 1002, 1003, 1004}));
  TransactionGenerator generator(9);
  EXPECT_EQ(plan.clients[0].frames[2], "[" + generator.json(1004) + "]");
}

TEST(RequestPlanTest, SameOptionsGiveTheSamePlan) {
  Options options = plan_options(3, 500, 3, 30);
  options.seed = 77;
  RequestPlan first = build(options);
  RequestPlan second = build(options);
  ASSERT_EQ(first.clients.size(), second.clients.size());
  for (std::size_t c = 0; c < first.clients.size(); ++c) {
    EXPECT_EQ(first.clients[c].frames, second.clients[c].frames) << "client " << c;
    EXPECT_EQ(first.clients[c].send_order, second.clients[c].send_order) << "client " << c;
  }
  EXPECT_EQ(first.resubmitted_requests, second.resubmitted_requests);
  EXPECT_EQ(first.mean_canonical_bytes, second.mean_canonical_bytes);
}

TEST(RequestPlanTest, DifferentSeedsGiveDifferentFramesAndResubmissions) {
  Options options = plan_options(1, 200, 1, 30);
  RequestPlan first = build(options);
  options.seed = 2;
  RequestPlan second = build(options);
  EXPECT_NE(first.clients[0].frames, second.clients[0].frames);
  EXPECT_NE(first.clients[0].send_order, second.clients[0].send_order);
}

// The mean is over new transactions only: a resubmission adds no canonical bytes.
TEST(RequestPlanTest, MeanCanonicalBytesIsTheMeanOfTheNewTransactions) {
  Options options = plan_options(2, 300, 4, 30);
  RequestPlan plan = build(options);
  ASSERT_GT(plan.resubmitted_requests, 0U);
  TransactionParser parser;
  std::uint64_t bytes = 0;
  std::uint64_t transactions = 0;
  for (const ClientPlan& client : plan.clients) {
    for (const std::string& frame : client.frames) {
      for (const ParsedItem& item : parser.parse_request(frame).items) {
        ASSERT_TRUE(item.transaction.has_value());
        bytes += canonical_json(*item.transaction).size();
        ++transactions;
      }
    }
  }
  ASSERT_EQ(transactions, plan.new_transactions);
  EXPECT_GT(plan.mean_canonical_bytes, 0.0);
  EXPECT_DOUBLE_EQ(plan.mean_canonical_bytes,
                   static_cast<double>(bytes) / static_cast<double>(transactions));
}

}  // namespace
}  // namespace coexist::loadgen
