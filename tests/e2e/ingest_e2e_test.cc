// End-to-end: the real `coexist serve`, talked to over ZeroMQ.

#include <gtest/gtest.h>
#include <sched.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <vector>

#include "tests/e2e/router_process.h"
#include "tests/support/sample_transactions.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

std::string unbalanced(const std::string& id) {
  return R"({"id":")" + id + R"(","source":"billing","entity":"DE01","type":"invoice","posting_date":"2026-11-25","currency":"EUR","lines":[{"account":"1200","debit":"119.00"},{"account":"4000","credit":"118.00"}]})";
}

CommandResult journal_command(const RouterProcess& router, const TempDir& dir,
                              std::vector<std::string> arguments) {
  arguments.push_back("--journal");
  arguments.push_back(router.journal_dir().string());
  return run_command(binary("coexist"), arguments, dir.path());
}

// Thread name → scheduling policy (SCHED_OTHER 0, SCHED_BATCH 3) of every thread of `pid`, from
// /proc/PID/task/TID: `comm`, and field 41 of `stat` (counted after the name's closing paren,
// since a name may hold spaces).
std::multimap<std::string, int> thread_policies(pid_t pid) {
  std::multimap<std::string, int> policies;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::string name = read_file(task.path() / "comm");
    if (!name.empty() && name.back() == '\n') name.pop_back();
    std::string stat = read_file(task.path() / "stat");
    const std::size_t name_end = stat.rfind(')');
    if (name_end == std::string::npos || name_end + 2 > stat.size()) continue;  // it just ended
    std::istringstream rest(stat.substr(name_end + 2));  // from field 3, the state, on
    const std::vector<std::string> fields{std::istream_iterator<std::string>(rest), {}};
    constexpr std::size_t kPolicy = 41 - 3;
    if (fields.size() <= kPolicy) continue;
    policies.emplace(name, std::stoi(fields[kPolicy]));
  }
  return policies;
}

TEST(IngestE2eTest, AcceptsThenAnswersDuplicateAndConflict) {
  TempDir dir;
  RouterProcess router(dir.path());
  ASSERT_TRUE(router.start());
  IngestClient client(router.ingest());
  auto first = client.request(sample_transaction(1));
  EXPECT_EQ(first["status"], "accepted");
  EXPECT_EQ(first["seq"], 1);
  EXPECT_EQ(first["route"], "legacy");
  EXPECT_EQ(first["rule"], "default");
  EXPECT_EQ(first["rules_version"], 0);
  auto again = client.request(sample_transaction(1));
  EXPECT_EQ(again["status"], "duplicate");
  EXPECT_EQ(again["seq"], 1);
  std::string changed = sample_transaction(1);
  changed.replace(changed.find("sample transaction"), 6, "SAMPLE");
  auto conflict = client.request(changed);
  EXPECT_EQ(conflict["status"], "rejected");
  EXPECT_EQ(conflict["error"]["code"], "conflict");
  EXPECT_EQ(conflict["error"]["seq"], 1) << "the original's seq, inside the error";
  EXPECT_FALSE(conflict.contains("seq"));
  EXPECT_EQ(router.stop(), 0);
}

TEST(IngestE2eTest, ReqClientsAndArraysWithEachElementJudgedAlone) {
  TempDir dir;
  RouterProcess router(dir.path());
  ASSERT_TRUE(router.start());
  IngestClient req(router.ingest(), zmq::socket_type::req);
  auto acks = req.request("[" + sample_transaction(1) + "," + unbalanced("bad") + "," +
                          sample_transaction(2) + "]");
  ASSERT_TRUE(acks.is_array());
  ASSERT_EQ(acks.size(), 3U);
  EXPECT_EQ(acks[0]["status"], "accepted");
  EXPECT_EQ(acks[1]["status"], "rejected");
  EXPECT_EQ(acks[1]["error"]["code"], "unbalanced");
  EXPECT_EQ(acks[1]["error"]["message"], "debits 119.00 != credits 118.00 EUR");
  EXPECT_EQ(acks[1]["id"], "bad");
  EXPECT_EQ(acks[2]["status"], "accepted");
  EXPECT_EQ(acks[2]["seq"], 2) << "a rejected element takes no seq";
  EXPECT_EQ(router.stop(), 0);
}

TEST(IngestE2eTest, IdempotencySurvivesRestart) {
  TempDir dir;
  RouterProcess router(dir.path());
  ASSERT_TRUE(router.start());
  std::vector<int> seqs;
  {
    IngestClient client(router.ingest());
    for (int i = 0; i < 50; ++i) seqs.push_back(client.request(sample_transaction(static_cast<std::uint64_t>(i)))["seq"]);
  }
  ASSERT_EQ(router.stop(), 0);
  ASSERT_TRUE(router.start());
  IngestClient client(router.ingest());
  for (int i = 0; i < 50; ++i) {
    auto ack = client.request(sample_transaction(static_cast<std::uint64_t>(i)));
    EXPECT_EQ(ack["status"], "duplicate");
    EXPECT_EQ(ack["seq"], seqs[static_cast<std::size_t>(i)]);
  }
  EXPECT_EQ(client.request(sample_transaction(50))["seq"], 51) << "seq continues after restart";
  EXPECT_EQ(router.stop(), 0);
}

// Each hostile request gets its specific answer; a well-behaved client keeps being served and
// nothing of the hostile requests reaches the journal.
TEST(IngestE2eTest, HostileRequestsGetSpecificAnswersAndDisturbNobody) {
  TempDir dir;
  RouterProcess router(dir.path());
  ASSERT_TRUE(router.start());
  IngestClient hostile(router.ingest());
  IngestClient good(router.ingest());
  struct Case {
    std::string frame;
    std::string code;
  };
  std::vector<Case> cases = {
      {"{\"id\":", "malformed_json"},
      {std::string(2 << 20, ' '), "too_large"},
      {std::string(100000, '[') + std::string(100000, ']'), "too_large"},
      {"{\"id\":\"\xff\xfe\"}", "malformed_json"},
      {unbalanced("u1"), "unbalanced"},
  };
  std::uint64_t next = 0;
  for (const Case& c : cases) {
    auto reply = hostile.request(c.frame);
    EXPECT_EQ(reply.value("status", ""), "rejected") << reply.dump();
    EXPECT_EQ(reply["error"]["code"], c.code) << reply.dump();
    EXPECT_EQ(good.request(sample_transaction(next++))["status"], "accepted");
  }
  hostile.send_frames({"garbage", "more garbage", "and more"});
  auto multi = nlohmann::json::parse(hostile.receive().value_or("{}"));
  EXPECT_EQ(multi["error"]["code"], "malformed_json");
  EXPECT_EQ(good.request(sample_transaction(next++))["status"], "accepted");

  auto verify = journal_command(router, dir, {"journal", "verify", "--output", "json"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(nlohmann::json::parse(verify.out)["records"], next) << "only the good client's";
  EXPECT_EQ(router.stop(), 0);
}

TEST(IngestE2eTest, SigtermAcknowledgesEverythingItJournaledAndExitsZero) {
  TempDir dir;
  RouterProcess router(dir.path());
  ASSERT_TRUE(router.start());
  IngestClient client(router.ingest());
  constexpr int kRequests = 3000;
  for (int i = 0; i < kRequests; ++i) client.send(sample_transaction(static_cast<std::uint64_t>(i)));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  router.process().signal(SIGTERM);
  std::size_t acked = 0;
  while (auto reply = client.receive(std::chrono::milliseconds(3000))) {
    EXPECT_EQ(nlohmann::json::parse(*reply)["status"], "accepted");
    ++acked;
  }
  EXPECT_EQ(router.process().wait_for_exit(std::chrono::seconds(30)), 0);
  auto verify = journal_command(router, dir, {"journal", "verify", "--output", "json"});
  ASSERT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // Every ack is journaled; an unanswered request may or may not be (it was never promised).
  EXPECT_GE(nlohmann::json::parse(verify.out)["records"].get<std::size_t>(), acked);
  EXPECT_GT(acked, 0U);
}

TEST(IngestE2eTest, EveryRouterThreadRunsBatchScheduledUnlessConfiguredNormal) {
  for (const auto& [setting, expected] : {std::pair{"", SCHED_BATCH}, {"batch", SCHED_BATCH},
                                         {"normal", SCHED_OTHER}}) {
    SCOPED_TRACE(std::string("ingest.scheduling: ") + (*setting ? setting : "(default)"));
    TempDir dir;
    nlohmann::json patch = nlohmann::json::object();
    if (*setting) patch["ingest"] = {{"scheduling", setting}};
    RouterProcess router(dir.path(), patch);
    ASSERT_TRUE(router.start());
    // It serves as it did: a transaction in, its ack out.
    IngestClient client(router.ingest());
    EXPECT_EQ(client.request(sample_transaction(1))["status"], "accepted");
    auto policies = thread_policies(router.process().pid());
    // The threads that carry a transaction: network (the main thread), ZeroMQ I/O, commit.
    for (const char* name : {"coexist", "ZMQbg/IO/0", "coexist-commit"}) {
      EXPECT_TRUE(policies.contains(name)) << name;
    }
    for (const char* name : {"coexist-signals", "ZMQbg/Reaper"}) {
      EXPECT_TRUE(policies.contains(name)) << name;
    }
    for (const auto& [name, policy] : policies) EXPECT_EQ(policy, expected) << name;
    EXPECT_EQ(router.stop(), 0);
  }
}

TEST(IngestE2eTest, FullJournalAnswersRetryableJournalFullAndLosesNothing) {
  TempDir dir;
  RouterProcess router(dir.path(), {{"journal", {{"map_size_mb_initial", 1}, {"map_size_mb_max", 16}}}});
  ASSERT_TRUE(router.start());
  IngestClient client(router.ingest());
  std::size_t accepted = 0;
  std::uint64_t next = 0;
  nlohmann::json full_ack;
  while (full_ack.is_null() && next < 60000) {
    std::string request = "[";
    for (int i = 0; i < 250; ++i) request += (i > 0 ? "," : "") + sample_transaction(next++);
    for (const auto& ack : client.request(request + "]")) {
      if (ack["status"] == "accepted") ++accepted;
      if (ack["status"] == "error" && full_ack.is_null()) full_ack = ack;
    }
  }
  ASSERT_FALSE(full_ack.is_null()) << "16 MiB never filled";
  EXPECT_EQ(full_ack["error"]["code"], "journal_full");
  EXPECT_TRUE(full_ack.contains("id"));
  EXPECT_EQ(client.request(sample_transaction(0))["status"], "duplicate")
      << "what is journaled is still recognised";
  EXPECT_EQ(router.stop(), 0);
  auto verify = run_command(binary("coexist"), {"journal", "verify", "--output", "json", "--journal",
                                                router.journal_dir().string()}, dir.path());
  ASSERT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_EQ(nlohmann::json::parse(verify.out)["records"], accepted);
}

// The reviewer's case: 40 transactions of about 540 KB sent pipelined to a 16 MiB journal land
// in one group commit. All of them used to be refused journal_full, and so were their retries,
// although 30 fit (as sending them one at a time showed). Now what fits is journaled, in order.
TEST(IngestE2eTest, PipelinedRequestsPastTheMaximumAreJournaledUpToWhatFits) {
  TempDir dir;
  RouterProcess router(dir.path(),
                       {{"journal", {{"map_size_mb_initial", 16}, {"map_size_mb_max", 16}}}});
  ASSERT_TRUE(router.start());
  const auto file = dir.path() / "big.jsonl";
  {
    std::ofstream out(file);
    for (int i = 0; i < 40; ++i) {
      out << large_transaction("BIG-" + std::to_string(i), 540'000) << "\n";
    }
  }
  auto sent = run_command(binary("coexist"), {"send", "--endpoint", router.ingest(), file.string()},
                          dir.path());
  EXPECT_EQ(sent.exit_code, 3) << "some were refused, retryable: " << sent.err;
  std::istringstream acks(sent.out);
  std::size_t accepted = 0;
  std::size_t refused = 0;
  for (std::string line; std::getline(acks, line);) {
    auto ack = nlohmann::json::parse(line);
    if (ack["status"] == "accepted") {
      EXPECT_EQ(refused, 0U) << "equal transactions: what fits is a prefix; " << line;
      EXPECT_EQ(ack["seq"], ++accepted) << line;
    } else {
      EXPECT_EQ(ack["error"]["code"], "journal_full") << line;
      ++refused;
    }
  }
  EXPECT_EQ(accepted + refused, 40U);
  EXPECT_GE(accepted, 25U) << "about 30 of them fit in 16 MiB";
  EXPECT_GE(refused, 1U) << "not all of them fit";
  EXPECT_EQ(router.stop(), 0);
  auto verify = run_command(binary("coexist"), {"journal", "verify", "--output", "json", "--journal",
                                                router.journal_dir().string()}, dir.path());
  ASSERT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_EQ(nlohmann::json::parse(verify.out)["records"], accepted);
}


TEST(IngestE2eTest, JsonLogsAreOneJsonObjectPerLine) {
  TempDir dir;
  RouterProcess router(dir.path(), {{"log", {{"format", "json"}, {"level", "debug"}}}});
  ASSERT_TRUE(router.start());
  IngestClient client(router.ingest());
  EXPECT_EQ(client.request("{\"id\":\"\xff\"")["error"]["code"], "malformed_json");
  EXPECT_EQ(client.request(sample_transaction(1))["status"], "accepted");
  ASSERT_EQ(router.stop(), 0);
  std::ifstream log(router.stdout_file());
  std::vector<std::string> messages;
  for (std::string line; std::getline(log, line);) {
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(parsed.is_object()) << "not a JSON object: " << line;
    EXPECT_TRUE(parsed.contains("time") && parsed.contains("level") && parsed.contains("thread"))
        << line;
    messages.push_back(parsed.value("message", ""));
  }
  auto logged = [&](const std::string& start) {
    return std::any_of(messages.begin(), messages.end(),
                       [&](const std::string& message) { return message.rfind(start, 0) == 0; });
  };
  EXPECT_TRUE(logged("coexist serving: ")) << messages.size() << " lines";
  EXPECT_TRUE(logged("request rejected: malformed_json")) << "the debug line on bad input";
  EXPECT_TRUE(logged("coexist stopped at journal seq 1"));
}

}  // namespace
}  // namespace coexist::test
