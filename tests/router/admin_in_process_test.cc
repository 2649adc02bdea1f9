// The admin socket served by a router in-process, on a journal too small for a large rule set
// (journal_full, which leaves the journal writable): a rules version whose commit fails must not
// stay in force; every request gets exactly one answer, even one that must wait its turn or is
// an attack.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "journal/verify.h"
#include "router/rules_state.h"
#include "tests/router/in_process_router.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

using json = nlohmann::json;

// About 1 MB of rules: 1,000 rules, each listing 100 entities of its own.
json large_rules() {
  json rules = json::array();
  for (int rule = 0; rule < 1000; ++rule) {
    json entities = json::array();
    for (int entity = 0; entity < 100; ++entity) {
      entities.push_back("E" + std::to_string(rule) + "X" + std::to_string(entity));
    }
    rules.push_back({{"name", "rule " + std::to_string(rule)},
                     {"when", {{"entity", entities}}},
                     {"route", "new"}});
  }
  return {{"default", "legacy"}, {"rules", rules}};
}

const json kSmallRules = {
    {"default", "legacy"},
    {"rules",
     json::array(
         {{{"name", "DE01 dual run"}, {"when", {{"entity", "DE01"}}}, {"route", "both"}}})}};

class AdminInProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    journal::OpenOptions options;
    options.path = dir_.path();
    options.map_size_bytes_initial = 1 << 20;
    options.map_size_bytes_max = 1 << 20;  // the large rule set cannot fit: journal_full
    ASSERT_TRUE(router_.start(options, true, 20000));
  }

  json apply(const json& rules) {
    return exchange(admin_client_,
                    json{{"op", "rules.apply"}, {"rules", rules}, {"reason", "test"}}.dump());
  }
  json latest_version() {
    return exchange(admin_client_, R"({"op":"rules.active"})")["latest_version"];
  }
  static json exchange(zmq::socket_t& socket, const std::string& frame) {
    return InProcessRouter::exchange(socket, frame);
  }

  TempDir dir_;
  InProcessRouter router_;
  zmq::socket_t& client_ = router_.client;
  zmq::socket_t& admin_client_ = router_.admin_client;
};

TEST_F(AdminInProcessTest, VersionRefusedAsJournalFullIsNotInForceAndIsNumberedAgain) {
  ASSERT_EQ(exchange(client_, transaction("A"))["rules_version"], 0);

  // The transaction is sent before the refusal is known. In the refused version's own batch it
  // was decided by version 0 and is journaled although the version is refused (the journal
  // refuses only what does not fit); in the batch built meanwhile or later it is decided again,
  // by version 0. Either way it is accepted with version 0.
  (void)admin_client_.send(
      zmq::buffer(json{{"op", "rules.apply"}, {"rules", large_rules()}, {"reason", "big"}}.dump()),
      zmq::send_flags::none);
  json during = exchange(client_, transaction("B"));
  zmq::message_t refusal_frame;
  ASSERT_TRUE(admin_client_.recv(refusal_frame, zmq::recv_flags::none));
  json refusal = json::parse(refusal_frame.to_string());
  EXPECT_EQ(refusal["status"], "error") << refusal.dump();
  EXPECT_EQ(refusal["error"]["code"], "journal_full") << refusal.dump();
  EXPECT_EQ(during["status"], "accepted") << during.dump();
  EXPECT_EQ(during["rules_version"], 0) << during.dump();

  json after = exchange(client_, transaction("C"));
  EXPECT_EQ(after["status"], "accepted");
  EXPECT_EQ(after["rules_version"], 0) << "the refused version must not route anything";

  json applied = apply(kSmallRules);
  EXPECT_EQ(applied["status"], "ok") << applied.dump();
  EXPECT_EQ(applied["version"], 1) << "the refused number is free again";
  json routed = exchange(client_, transaction("D"));
  EXPECT_EQ(routed["rules_version"], 1);
  EXPECT_EQ(routed["route"], "both");

  auto report = journal::verify(*router_.journal, std::nullopt);
  ASSERT_TRUE(report.is_ok());
  EXPECT_TRUE(report.value().ok) << report.value().problem;
  auto reloaded = router::RulesState::load(*router_.journal);  // what a restart does
  ASSERT_TRUE(reloaded.is_ok());
  EXPECT_EQ(reloaded.value()->latest_version(), 1U);
}

// The router keeps no parsed transactions in its batches: a transaction decided by a version
// that is then refused is decided again from its canonical JSON. Here that must give version 1's
// route, which depends on the entity and the amount (read back from the lines), not the refused
// version's. A held commit makes the order certain: the transaction is decided while the refused
// version's batch is committing.
TEST(AdminInProcessWithdrawTest, TransactionsDecidedByARefusedVersionAreDecidedAgainFromTheirJson) {
  std::mutex mutex;
  std::condition_variable changed;
  bool hold_next = false;
  bool holding = false;
  journal::OpenOptions options;
  TempDir dir;
  options.path = dir.path();
  options.map_size_bytes_initial = 1 << 20;
  options.map_size_bytes_max = 1 << 20;  // the large rule set cannot fit: journal_full
  options.before_append_for_test = [&] {
    std::unique_lock lock(mutex);
    if (!hold_next) return;
    hold_next = false;
    holding = true;
    changed.notify_all();
    changed.wait(lock, [&] { return !holding; });
  };
  // The guard is declared after the router, so it is destroyed first: whatever fails below, a
  // held commit is let go before the router's thread is joined.
  InProcessRouter router;
  struct ReleaseOnExit {
    std::mutex& mutex;
    std::condition_variable& changed;
    bool& hold_next;
    bool& holding;
    ~ReleaseOnExit() {
      {
        std::lock_guard lock(mutex);
        hold_next = false;
        holding = false;
      }
      changed.notify_all();
    }
  } release_on_exit{mutex, changed, hold_next, holding};
  ASSERT_TRUE(router.start(options, true, 20000));
  const json version_1 = {
      {"default", "legacy"},
      {"rules", json::array({{{"name", "DE01 from 5.00"},
                              {"when", {{"entity", "DE01"}, {"amount", {{"min", "5.00"}}}}},
                              {"route", "both"}}})}};
  json applied = InProcessRouter::exchange(
      router.admin_client,
      json{{"op", "rules.apply"}, {"rules", version_1}, {"reason", "t"}}.dump());
  ASSERT_EQ(applied["version"], 1) << applied.dump();

  {
    std::lock_guard lock(mutex);
    hold_next = true;
  }
  (void)router.admin_client.send(
      zmq::buffer(json{{"op", "rules.apply"}, {"rules", large_rules()}, {"reason", "big"}}.dump()),
      zmq::send_flags::none);
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(20), [&] { return holding; }));
  }
  const std::uint64_t requests_before = router.metrics.requests_total.load();
  (void)router.client.send(zmq::buffer(transaction("B")), zmq::send_flags::none);
  // Once counted, the request is being decided by version 2 on the network thread, which
  // finishes it before it looks at the commit's outcome.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (router.metrics.requests_total.load() == requests_before) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the request never arrived";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  {
    std::lock_guard lock(mutex);
    holding = false;
  }
  changed.notify_all();

  zmq::message_t refusal;
  ASSERT_TRUE(router.admin_client.recv(refusal, zmq::recv_flags::none));
  EXPECT_EQ(json::parse(refusal.to_string())["error"]["code"], "journal_full");
  zmq::message_t reply;
  ASSERT_TRUE(router.client.recv(reply, zmq::recv_flags::none));
  json ack = json::parse(reply.to_string());
  EXPECT_EQ(ack["status"], "accepted") << ack.dump();
  EXPECT_EQ(ack["rules_version"], 1) << ack.dump();
  EXPECT_EQ(ack["rule"], "DE01 from 5.00") << ack.dump();
  EXPECT_EQ(ack["route"], "both") << ack.dump();
  auto report = journal::verify(*router.journal, std::nullopt);
  ASSERT_TRUE(report.is_ok());
  EXPECT_TRUE(report.value().ok) << report.value().problem;
}

TEST_F(AdminInProcessTest, EmptyAdminRequestFromADealerIsAnsweredInOneFrame) {
  (void)admin_client_.send(zmq::message_t(), zmq::send_flags::none);
  zmq::message_t reply;
  ASSERT_TRUE(admin_client_.recv(reply, zmq::recv_flags::none));
  EXPECT_FALSE(reply.more()) << "a DEALER gets no delimiter frame";
  EXPECT_EQ(json::parse(reply.to_string())["error"]["code"], "bad_request") << reply.to_string();
}

TEST_F(AdminInProcessTest, ChangesArrivingWhileOneWaitsAreAnsweredBusy) {
  const std::string frame =
      json{{"op", "rules.apply"}, {"rules", kSmallRules}, {"reason", "burst"}}.dump();
  for (int i = 0; i < 3; ++i) (void)admin_client_.send(zmq::buffer(frame), zmq::send_flags::none);
  int ok = 0;
  int busy = 0;
  for (int i = 0; i < 3; ++i) {
    zmq::message_t reply;
    ASSERT_TRUE(admin_client_.recv(reply, zmq::recv_flags::none)) << "every request is answered";
    json answer = json::parse(reply.to_string());
    if (answer["status"] == "ok") {
      ++ok;
    } else {
      EXPECT_EQ(answer["error"]["code"], "busy") << answer.dump();
      ++busy;
    }
  }
  EXPECT_GE(ok, 1);
  EXPECT_EQ(ok + busy, 3);
}

TEST_F(AdminInProcessTest, DeeplyNestedAdminRequestIsRefusedAndTheRouterGoesOn) {
  std::string bomb =
      R"({"op":"ping","request_id":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  json refused = exchange(admin_client_, bomb);
  EXPECT_EQ(refused["error"]["code"], "bad_request") << refused.dump();
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("nested deeper"),
            std::string::npos);
  EXPECT_EQ(exchange(admin_client_, R"({"op":"ping"})")["status"], "ok");
}

// nlohmann keeps the last of a repeated key: the rule set as sent would silently lose a rule's
// first name, or the request its first op.
TEST_F(AdminInProcessTest, RepeatedKeyInsideARulesObjectIsAnInvalidRulesProblem) {
  std::string request =
      R"({"op":"rules.apply","reason":"test","rules":{"default":"legacy","rules":[)"
      R"({"name":"DE01 dual run","name":"US cut over","when":{"entity":"DE01"},"route":"both"}]}})";
  json refused = exchange(admin_client_, request);
  ASSERT_EQ(refused["error"]["code"], "invalid_rules") << refused.dump();
  ASSERT_EQ(refused["error"]["problems"].size(), 1U) << refused.dump();
  EXPECT_EQ(refused["error"]["problems"][0]["path"], "rules[0].name");
  EXPECT_NE(refused["error"]["problems"][0]["message"].get<std::string>().find("duplicate key"),
            std::string::npos);
  EXPECT_EQ(latest_version(), 0);
  // The same rule set as JSON text names the same path.
  json as_text = exchange(
      admin_client_,
      json{{"op", "rules.apply"},
           {"reason", "test"},
           {"rules", R"({"default":"legacy","rules":[{"name":"DE01 dual run","name":"US cut over",)"
                     R"("when":{"entity":"DE01"},"route":"both"}]})"}}
          .dump());
  EXPECT_EQ(as_text["error"]["problems"], refused["error"]["problems"]) << as_text.dump();
}

TEST_F(AdminInProcessTest, RepeatedKeyOutsideTheRulesIsABadRequest) {
  json refused = exchange(admin_client_, R"({"op":"rules.apply","op":"ping","request_id":7})");
  EXPECT_EQ(refused["error"]["code"], "bad_request") << refused.dump();
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("op: duplicate key"),
            std::string::npos)
      << refused.dump();
  EXPECT_EQ(refused["request_id"], 7);
  json twice =
      exchange(admin_client_, R"({"op":"rules.apply","reason":"test","rules":)" +
                                  kSmallRules.dump() + R"(,"rules":)" + kSmallRules.dump() + "}");
  EXPECT_EQ(twice["error"]["code"], "bad_request") << twice.dump();
  EXPECT_EQ(latest_version(), 0);
}

// A misspelt key is refused, never ignored: "effective_att" would otherwise have put the version
// in force at once instead of at the planned instant.
TEST_F(AdminInProcessTest, UnknownKeyIsABadRequestNamingItAndNothingChanges) {
  json refused = exchange(admin_client_, json{{"op", "rules.apply"},
                                              {"reason", "DE01 cutover"},
                                              {"rules", kSmallRules},
                                              {"effective_att", "2030-12-01T00:00:00Z"},
                                              {"request_id", 9}}
                                             .dump());
  EXPECT_EQ(refused["error"]["code"], "bad_request") << refused.dump();
  EXPECT_NE(refused["error"]["message"].get<std::string>().find(
                "unknown key \"effective_att\" for rules.apply (it takes applied_by, "
                "effective_at, op, reason, request_id, rules)"),
            std::string::npos)
      << refused.dump();
  EXPECT_EQ(refused["request_id"], 9);
  EXPECT_EQ(latest_version(), 0);
  for (const char* request : {R"({"op":"ping","verbose":true})", R"({"op":"rules.active","x":1})",
                              R"({"op":"rules.rollback","to":1,"reason":"r","version":1})"}) {
    EXPECT_EQ(exchange(admin_client_, request)["error"]["code"], "bad_request") << request;
  }
  EXPECT_EQ(exchange(admin_client_, R"({"op":"ping","request_id":"x"})")["status"], "ok");
}

TEST_F(AdminInProcessTest, UnreadableJsonIsABadRequestSayingWhere) {
  json refused = exchange(admin_client_, R"({"op":"ping",})");
  EXPECT_EQ(refused["error"]["code"], "bad_request") << refused.dump();
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("invalid JSON at byte 14"),
            std::string::npos)
      << refused.dump();
  EXPECT_EQ(exchange(admin_client_, R"({"op":"ping"})")["status"], "ok");
}

// nlohmann's parse errors quote the last bytes read, which may be half a UTF-8 character or not
// UTF-8 at all; a reply quoting them must still be valid JSON (dumping it used to throw and end
// the router).
TEST_F(AdminInProcessTest, UnreadableBytesAreAnsweredAndTheRouterGoesOn) {
  const std::string requests[] = {
      "{\"op\":\"\xff\"}",           // not UTF-8
      "{\"op\":\"ping\",\xc3\xa9}",  // é where a key belongs: the error quotes 0xC3
      R"({"op":"rules.apply","reason":"test","rules":"\u00e9"})",  // rule-set text "é"
  };
  for (const std::string& request : requests) {
    json refused = exchange(admin_client_, request);
    EXPECT_EQ(refused["status"], "error") << refused.dump();
    // In the message, or in error.problems for the rule set's own text.
    EXPECT_NE(refused.dump().find("invalid JSON at byte"), std::string::npos) << refused.dump();
  }
  EXPECT_EQ(exchange(admin_client_, R"({"op":"ping"})")["status"], "ok");
}

}  // namespace
}  // namespace coexist::test
