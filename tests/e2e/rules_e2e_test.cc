// End-to-end: routing rules on a running router — applied through the admin socket while a load
// runs, scheduled for an instant, rolled back, kept across restarts — and the offline rules
// commands over its journal.

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "tests/e2e/router_process.h"
#include "tests/support/sample_transactions.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

constexpr const char* kLegacyRules = R"({"default": "legacy", "rules": []})";
constexpr const char* kNewRules =
    R"({"default": "new", "rules": [{"name": "JP on hold", "when": {"entity": "JP*"}, "route": "hold"}]})";

std::filesystem::path write_file(const TempDir& dir, const std::string& name, const std::string& text) {
  auto path = dir.path() / name;
  std::ofstream(path) << text;
  return path;
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class RulesE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_, "rules.json", kLegacyRules);
    ASSERT_TRUE(router_.start());
    admin_ = nlohmann::json::parse(read_file(dir_.path() / "ready.json"))["admin"];
  }
  void TearDown() override {
    if (router_.process().running()) {
      EXPECT_EQ(router_.stop(), 0);
    }
  }

  CommandResult coexist(std::vector<std::string> arguments) {
    return run_command(binary("coexist"), arguments, dir_.path());
  }
  CommandResult rules_admin(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), "rules");
    arguments.insert(arguments.end(), {"--admin", admin_, "--output", "json"});
    return coexist(arguments);
  }
  CommandResult rules_offline(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), "rules");
    arguments.insert(arguments.end(), {"--journal", router_.journal_dir().string(), "--output", "json"});
    return coexist(arguments);
  }

  TempDir dir_;
  RouterProcess router_{dir_.path(), {{"rules", "rules.json"}}};
  std::string admin_;
};

struct Ack {
  std::int64_t seq = 0;
  std::uint32_t version = 0;
  std::string route;
};

// Sends transactions from `first` on, kWindow in flight, until `stop`; returns every ack.
std::vector<Ack> run_load(const std::string& endpoint, std::uint64_t first, std::atomic<bool>& stop,
                          std::atomic<std::uint64_t>& acked) {
  constexpr std::size_t kWindow = 16;
  IngestClient client(endpoint);
  std::vector<Ack> acks;
  std::uint64_t next = first;
  std::size_t in_flight = 0;
  while (!stop.load() || in_flight > 0) {
    while (!stop.load() && in_flight < kWindow) {
      client.send(sample_transaction(next++, "LOAD"));
      ++in_flight;
    }
    auto reply = client.receive(std::chrono::seconds(10));
    if (!reply) break;
    --in_flight;
    auto ack = nlohmann::json::parse(*reply);
    EXPECT_EQ(ack["status"], "accepted") << *reply;
    acks.push_back({ack.value("seq", std::int64_t{0}), ack.value("rules_version", 0U), ack.value("route", "")});
    acked.fetch_add(1);
  }
  return acks;
}

TEST_F(RulesE2eTest, ApplyDuringLoadSwitchesExactlyBetweenTwoCommits) {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> acked{0};
  std::vector<Ack> acks;
  std::thread load([&] { acks = run_load(router_.ingest(), 0, stop, acked); });
  while (acked.load() < 500) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto applied = rules_admin({"apply", write_file(dir_, "new.json", kNewRules).string(), "--reason", "cut over"});
  std::uint64_t acked_at_apply = acked.load();
  while (acked.load() < acked_at_apply + 500) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  stop.store(true);
  load.join();
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  auto reply = nlohmann::json::parse(applied.out);
  ASSERT_EQ(reply["version"], 2);
  auto boundary = reply["activated_after_seq"].get<std::int64_t>();
  std::size_t before = 0;
  std::size_t after = 0;
  for (const Ack& ack : acks) {
    if (ack.seq <= boundary) {
      EXPECT_EQ(ack.version, 1U) << "seq " << ack.seq << " committed before version 2 was recorded";
      EXPECT_EQ(ack.route, "legacy");
      ++before;
    } else {
      EXPECT_EQ(ack.version, 2U) << "seq " << ack.seq << " committed after version 2 was recorded";
      EXPECT_NE(ack.route, "legacy");
      ++after;
    }
  }
  EXPECT_GT(before, 0U);
  EXPECT_GT(after, 0U);
  auto verify = coexist({"journal", "verify", "--journal", router_.journal_dir().string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
}

TEST_F(RulesE2eTest, ScheduledVersionTakesOverAtItsInstant) {
  std::int64_t instant_us = (now_us() / 1'000'000 + 2) * 1'000'000;  // a whole second, ≥ 1 s away
  std::time_t seconds = static_cast<std::time_t>(instant_us / 1'000'000);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&seconds));
  auto applied = rules_admin({"apply", write_file(dir_, "new.json", kNewRules).string(), "--reason",
                              "midnight cutover", "--effective-at", text});
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  IngestClient client(router_.ingest());
  std::uint64_t index = 0;
  while (now_us() < instant_us + 500'000) {
    EXPECT_EQ(client.request(sample_transaction(index++))["status"], "accepted");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto exported = coexist({"journal", "export", "--format", "jsonl", "--journal", router_.journal_dir().string()});
  ASSERT_EQ(exported.exit_code, 0);
  std::istringstream lines(exported.out);
  std::size_t old_count = 0;
  std::size_t new_count = 0;
  for (std::string line; std::getline(lines, line);) {
    auto record = nlohmann::json::parse(line);
    std::string received = record["received_at"];
    bool after_instant = received.substr(0, 19) + "Z" >= std::string(text);
    EXPECT_EQ(record["rules_version"], after_instant ? 2 : 1) << received << " vs " << text;
    (after_instant ? new_count : old_count)++;
  }
  EXPECT_GT(old_count, 0U);
  EXPECT_GT(new_count, 0U);
}

TEST_F(RulesE2eTest, InvalidRulesAreNeverAppliedAndEveryProblemIsNamed) {
  auto bad = write_file(dir_, "bad.json",
                        R"({"default": "nowhere", "rules": [{"name": "x", "when": {"posting_date": {"from": "2026-13-01"}}, "route": "both"}], "extra": 1})");
  auto applied = rules_admin({"apply", bad.string(), "--reason", "oops"});
  EXPECT_EQ(applied.exit_code, 1);
  std::string out = applied.out;
  for (const char* path : {"default", "rules[0].when.posting_date.from", "extra"}) {
    EXPECT_NE(out.find(path), std::string::npos) << path << " not named in " << out;
  }
  auto active = rules_admin({"active"});
  EXPECT_EQ(nlohmann::json::parse(active.out)["version"], 1);
  // Straight to the admin socket, past the CLI's own check: the router refuses it too.
  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::linger, 0);
  socket.connect(admin_);
  (void)socket.send(zmq::buffer(std::string(R"({"op":"rules.apply","reason":"r","rules":{"default":"x"}})")), zmq::send_flags::none);
  zmq::message_t reply;
  ASSERT_TRUE(socket.recv(reply, zmq::recv_flags::none));
  EXPECT_EQ(nlohmann::json::parse(reply.to_string())["error"]["code"], "invalid_rules");
}

TEST_F(RulesE2eTest, RestartKeepsTheActiveVersionAndRollbackCopiesAnOldOne) {
  ASSERT_EQ(rules_admin({"apply", write_file(dir_, "new.json", kNewRules).string(), "--reason", "go"}).exit_code, 0);
  ASSERT_EQ(router_.stop(), 0);
  ASSERT_TRUE(router_.start());  // the config still names the legacy rules file
  admin_ = nlohmann::json::parse(read_file(dir_.path() / "ready.json"))["admin"];
  IngestClient client(router_.ingest());
  auto ack = client.request(sample_transaction(1));
  EXPECT_EQ(ack["rules_version"], 2);
  EXPECT_EQ(ack["route"], "new");

  auto rollback = rules_admin({"rollback", "--to", "1", "--reason", "back out"});
  ASSERT_EQ(rollback.exit_code, 0) << rollback.out << rollback.err;
  EXPECT_EQ(nlohmann::json::parse(rollback.out)["version"], 3);
  ack = client.request(sample_transaction(2));
  EXPECT_EQ(ack["rules_version"], 3);
  EXPECT_EQ(ack["route"], "legacy");

  auto history = nlohmann::json::parse(rules_offline({"history"}).out);
  ASSERT_EQ(history.size(), 3U);
  EXPECT_EQ(history[2]["copied_from"], 1);
  EXPECT_EQ(history[2]["state"], "active");
  EXPECT_EQ(history[0]["sha256"], history[2]["sha256"]);
  auto diff = rules_offline({"diff", "1", "2"});
  EXPECT_EQ(diff.exit_code, 1) << "versions differ";
  auto changes = nlohmann::json::parse(diff.out);
  EXPECT_EQ(changes["default"]["to"], "new");
  EXPECT_EQ(changes["added"][0]["name"], "JP on hold");
  EXPECT_EQ(rules_offline({"diff", "1", "3"}).exit_code, 0);
}

TEST_F(RulesE2eTest, ScheduledVersionOvertakenByALaterOneIsSupersededNotScheduled) {
  ASSERT_EQ(rules_admin({"apply", write_file(dir_, "new.json", kNewRules).string(), "--reason",
                         "next year", "--effective-at", "2099-01-01T00:00:00Z"})
                .exit_code,
            0);
  auto history = nlohmann::json::parse(rules_offline({"history"}).out);
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[1]["state"], "scheduled");
  // A rollback now is version 3: in force from now on, 2099 included (the higher number wins).
  ASSERT_EQ(rules_admin({"rollback", "--to", "1", "--reason", "not after all"}).exit_code, 0);
  history = nlohmann::json::parse(rules_offline({"history"}).out);
  ASSERT_EQ(history.size(), 3U);
  EXPECT_EQ(history[1]["state"], "superseded") << "version 2 can never come into force now";
  EXPECT_EQ(history[2]["state"], "active");
}

TEST_F(RulesE2eTest, SimulateCountsWhatADraftWouldRouteDifferently) {
  IngestClient client(router_.ingest());
  for (std::uint64_t i = 0; i < 20; ++i) ASSERT_EQ(client.request(sample_transaction(i))["status"], "accepted");
  auto draft = write_file(dir_, "draft.json", kNewRules);
  auto simulated = rules_offline({"simulate", draft.string()});
  ASSERT_EQ(simulated.exit_code, 0) << simulated.err;
  auto report = nlohmann::json::parse(simulated.out);
  EXPECT_EQ(report["examined"], 20);
  EXPECT_EQ(report["changed"], 20) << "legacy → new for most, legacy → hold for JP01";
  EXPECT_EQ(report["entities"]["JP01"]["changes"][0]["to"], "hold");
  EXPECT_EQ(report["entities"]["JP01"]["changes"][0]["count"], 4);
  auto one_entity = nlohmann::json::parse(rules_offline({"simulate", draft.string(), "--entity", "DE01"}).out);
  EXPECT_EQ(one_entity["examined"], 4);
  // A draft that reads the lines: simulate must parse each journaled transaction.
  auto by_account = write_file(dir_, "accounts.json",
                               R"({"default": "legacy", "rules": [{"name": "receivables", "when": {"account": "12", "entity": ["FR01", "US01"]}, "route": "both"}]})");
  auto accounts = nlohmann::json::parse(rules_offline({"simulate", by_account.string()}).out);
  EXPECT_EQ(accounts["changed"], 8) << "FR01 and US01 transactions all debit account 1200";
  EXPECT_EQ(accounts["changes"][0]["to"], "both");
}

TEST(RulesCliTest, ValidateAndExplainWorkOffline) {
  TempDir dir;
  auto good = write_file(dir, "good.json", kNewRules);
  auto bad = write_file(dir, "bad.json", "{\"default\": ");
  auto transaction = write_file(dir, "tx.json", sample_transaction(3));  // JP01
  EXPECT_EQ(run_command(binary("coexist"), {"rules", "validate", good.string()}, dir.path()).exit_code, 0);
  auto invalid = run_command(binary("coexist"), {"rules", "validate", bad.string(), "--output", "json"}, dir.path());
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_FALSE(nlohmann::json::parse(invalid.out)["valid"]);
  auto explained = run_command(binary("coexist"),
                               {"rules", "explain", "--rules", good.string(), transaction.string(), "--output", "json"},
                               dir.path());
  ASSERT_EQ(explained.exit_code, 0) << explained.err;
  auto explanation = nlohmann::json::parse(explained.out);
  EXPECT_EQ(explanation["route"], "hold");
  EXPECT_EQ(explanation["rule"], "JP on hold");
  auto unreachable = run_command(binary("coexist"),
                                 {"rules", "apply", good.string(), "--reason", "r", "--admin",
                                  "tcp://127.0.0.1:1", "--timeout-ms", "300"},
                                 dir.path());
  EXPECT_EQ(unreachable.exit_code, 3);
}


TEST_F(RulesE2eTest, AConfigWhoseAdminPortIsPickedAtStartIsAUsageErrorNamingTheWayOut) {
  // The router's config says tcp://127.0.0.1:*: only its ready file knows the port it got.
  auto result = coexist({"rules", "active", "--config", router_.config_path().string()});
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_NE(result.err.find("listen.admin in " + router_.config_path().string() +
                            " is tcp://127.0.0.1:*"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("--admin"), std::string::npos) << result.err;
  EXPECT_EQ(rules_admin({"active"}).exit_code, 0) << "--admin with the ready file's endpoint works";
}

}  // namespace
}  // namespace coexist::test
