// End-to-end: the `coexist` CLI against a real router and its journal.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>
#include <zmq.hpp>

#include "tests/e2e/cli_command.h"
#include "tests/e2e/router_process.h"
#include "tests/journal/journal_fixture.h"
#include "tests/journal/tamperer.h"
#include "tests/support/sample_transactions.h"
#include "tests/support/temp_dir.h"
#include "tests/support/traced_process.h"

namespace coexist::test {
namespace {

class CliE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(router_.start()); }
  void TearDown() override { EXPECT_EQ(router_.stop(), 0); }

  CommandResult send(const std::filesystem::path& file) {
    return coexist(dir_, {"send", "--endpoint", router_.ingest(), file.string()});
  }
  CommandResult journal(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), "journal");
    arguments.push_back("--journal");
    arguments.push_back(router_.journal_dir().string());
    return coexist(dir_, arguments);
  }

  TempDir dir_;
  RouterProcess router_{dir_.path()};
};

TEST_F(CliE2eTest, SendPrintsOneAckPerLineAndExitsZeroWhenAllAccepted) {
  auto result =
      send(write_lines(dir_, "ok.jsonl", {sample_transaction(1), "", sample_transaction(2)}));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  auto acks = json_lines(result.out);
  ASSERT_EQ(acks.size(), 2U) << "blank lines are skipped";
  EXPECT_EQ(acks[0]["seq"], 1);
  EXPECT_EQ(acks[1]["seq"], 2);
  EXPECT_EQ(acks[0]["line"], 1);
  EXPECT_EQ(acks[1]["line"], 3) << "blank lines are counted: line is the input's line number";
}

TEST_F(CliE2eTest, SendExitsOneWhenAnyTransactionIsRejected) {
  auto result = send(write_lines(dir_, "mixed.jsonl", {sample_transaction(1), "{not json"}));
  EXPECT_EQ(result.exit_code, 1);
  auto acks = json_lines(result.out);
  ASSERT_EQ(acks.size(), 2U);
  EXPECT_EQ(acks[1]["error"]["code"], "malformed_json");
  EXPECT_EQ(acks[1]["line"], 2) << "an ack without an id still names the line it answers";
}

// A script that saves a digest to a full disk, or pipes acks into a broken file, must not be told
// all went well: every command checks that its standard output was written.
TEST_F(CliE2eTest, OutputThatCannotBeWrittenIsExitFourNotSilence) {
  ASSERT_EQ(send(write_lines(dir_, "one.jsonl", {sample_transaction(1)})).exit_code, 0);
  const std::string journal_dir = router_.journal_dir().string();
  auto to_full = [&](const std::vector<std::string>& arguments) {
    auto err_file = dir_.path() / "full.err";
    ChildProcess child(binary("coexist"), arguments, "/dev/full", err_file,
                       write_lines(dir_, "in.jsonl", {sample_transaction(2)}));
    CommandResult result;
    result.exit_code = child.wait_for_exit(std::chrono::minutes(1)).value_or(-1);
    result.err = read_file(err_file);
    return result;
  };
  for (const std::vector<std::string>& arguments :
       {std::vector<std::string>{"journal", "digest", "--journal", journal_dir},
        {"journal", "stats", "--journal", journal_dir},
        {"journal", "verify", "--journal", journal_dir},
        {"journal", "show", "1", "--journal", journal_dir},
        {"journal", "list", "--journal", journal_dir},
        {"rules", "history", "--journal", journal_dir},
        {"send", "--endpoint", router_.ingest(), "-"}}) {
    auto result = to_full(arguments);
    EXPECT_EQ(result.exit_code, 4) << arguments[0] << " " << arguments[1] << ": " << result.err;
    EXPECT_NE(result.err.find("cannot write standard output"), std::string::npos)
        << arguments[0] << " " << arguments[1] << ": " << result.err;
  }
  EXPECT_EQ(journal({"digest"}).exit_code, 0) << "a writable output is still fine";
}

// The same for a pipe whose reader is gone (`coexist journal list | head -0`): the write fails
// (EPIPE) and the command says so with exit 4, instead of dying of SIGPIPE (141 in the shell)
// without a word.
TEST_F(CliE2eTest, AClosedPipeIsExitFourNotADeathBySigpipe) {
  ASSERT_EQ(send(write_lines(dir_, "one.jsonl", {sample_transaction(1)})).exit_code, 0);
  const std::string journal_dir = router_.journal_dir().string();
  for (const std::vector<std::string>& arguments :
       {std::vector<std::string>{"journal", "digest", "--journal", journal_dir},
        {"journal", "list", "--journal", journal_dir},
        {"journal", "export", "--format", "csv", "--journal", journal_dir},
        {"send", "--endpoint", router_.ingest(),
         write_lines(dir_, "two.jsonl", {sample_transaction(2)})}}) {
    // The message names the command (and the subcommand, never send's file).
    const std::string what = arguments[0] == "send" ? "send" : arguments[0] + " " + arguments[1];
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    ::close(pipe_fds[0]);  // no reader, before the child even starts: every write is EPIPE
    auto err_file = dir_.path() / "pipe.err";
    ChildProcess child(binary("coexist"), arguments, pipe_fds[1], err_file);
    ::close(pipe_fds[1]);
    const int exit_code = child.wait_for_exit(std::chrono::minutes(1)).value_or(-1);
    const std::string err = read_file(err_file);
    EXPECT_EQ(exit_code, 4) << arguments[0] << " " << arguments[1] << ": " << err;
    EXPECT_NE(err.find("coexist " + what + ": cannot write standard output"), std::string::npos)
        << err;
  }
}

// A fake router answers one request `rejected` and the other `error` (retryable): `send` exits 3,
// so a script that resends on 3 gets the refused one in; the rejection answers again next time.
TEST(CliSendExitCodesTest, ARetryableErrorOutranksARejection) {
  TempDir dir;
  zmq::context_t context(1);
  zmq::socket_t fake(context, zmq::socket_type::router);
  fake.set(zmq::sockopt::linger, 0);
  fake.set(zmq::sockopt::rcvtimeo, 10000);
  fake.bind("tcp://127.0.0.1:*");
  const std::string endpoint = fake.get(zmq::sockopt::last_endpoint);
  std::thread answer([&] {
    const char* outcomes[] = {
        R"({"status":"rejected","error":{"code":"unbalanced","message":"x"}})",
        R"({"status":"error","error":{"code":"journal_full","message":"y"}})"};
    for (const char* outcome : outcomes) {
      std::vector<zmq::message_t> frames;  // [identity][request id][empty][transaction]
      do {
        zmq::message_t frame;
        if (!fake.recv(frame)) return;
        frames.push_back(std::move(frame));
      } while (frames.back().more());
      auto transaction = nlohmann::json::parse(frames.back().to_string());
      auto ack = nlohmann::json::parse(outcome);
      ack["id"] = transaction["id"];  // an ack names what it answers
      ack["source"] = transaction["source"];
      for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
        fake.send(frames[i], zmq::send_flags::sndmore);  // the envelope goes back with it
      }
      fake.send(zmq::buffer(ack.dump()), zmq::send_flags::none);
    }
  });
  auto file = write_lines(dir, "two.jsonl", {sample_transaction(1), sample_transaction(2)});
  auto result = coexist(dir, {"send", "--endpoint", endpoint, "--window", "1", file.string()});
  answer.join();
  EXPECT_EQ(result.exit_code, 3) << result.err;
  auto acks = json_lines(result.out);
  ASSERT_EQ(acks.size(), 2U) << result.out;
  EXPECT_EQ(acks[0]["status"], "rejected");
  EXPECT_EQ(acks[0]["line"], 1);
  EXPECT_EQ(acks[1]["status"], "error");
  EXPECT_EQ(acks[1]["line"], 2);
}

TEST_F(CliE2eTest, SendReadsStandardInput) {
  auto file = write_lines(dir_, "stdin.jsonl", {sample_transaction(5)});
  auto result = coexist(dir_, {"send", "--endpoint", router_.ingest(), "-"}, file);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(json_lines(result.out).at(0)["status"], "accepted");
}

TEST_F(CliE2eTest, JournalShowListExportAndStatsAgreeWithTheAcks) {
  ASSERT_EQ(send(write_lines(dir_, "three.jsonl",
                             {sample_transaction(0), sample_transaction(1), sample_transaction(3)}))
                .exit_code,
            0);
  auto show = journal({"show", "crm/TX-1", "--output", "json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  auto record = nlohmann::json::parse(show.out);
  EXPECT_EQ(record["seq"], 2);
  EXPECT_EQ(record["entity"], "FR01");
  EXPECT_EQ(record["transaction"]["id"], "TX-1");
  EXPECT_EQ(record["hash"].get<std::string>().size(), 64U);
  EXPECT_EQ(nlohmann::json::parse(journal({"show", "2", "--output", "json"}).out), record);
  EXPECT_EQ(journal({"show", "crm/NOPE"}).exit_code, 1);

  auto list = journal({"list", "--entity", "JP01", "--output", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto listed = nlohmann::json::parse(list.out);
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0]["id"], "TX-3");
  EXPECT_EQ(listed[0]["debit_total"].get<std::string>().find('.'), std::string::npos) << "JPY";

  // Every DESIGN.md delivery state is a valid filter: a cutover gate asking for dead records
  // before delivery exists gets an empty list, not a usage error.
  auto dead = journal({"list", "--state", "dead", "--output", "json"});
  ASSERT_EQ(dead.exit_code, 0) << dead.err;
  EXPECT_EQ(nlohmann::json::parse(dead.out), nlohmann::json::array());
  auto pending = journal({"list", "--state", "pending", "--output", "json"});
  ASSERT_EQ(pending.exit_code, 0) << pending.err;
  EXPECT_EQ(nlohmann::json::parse(pending.out).size(), 3U);
  // --since takes `date -Iseconds` output: a time with a numeric offset.
  auto since_offset = journal({"list", "--since", "2020-01-02T00:00:00+14:00", "--output", "json"});
  ASSERT_EQ(since_offset.exit_code, 0) << since_offset.err;
  EXPECT_EQ(nlohmann::json::parse(since_offset.out).size(), 3U);
  auto since_future = journal({"list", "--since", "2999-01-01T00:00:00-01:00", "--output", "json"});
  ASSERT_EQ(since_future.exit_code, 0) << since_future.err;
  EXPECT_EQ(nlohmann::json::parse(since_future.out).size(), 0U);

  auto exported = journal({"export", "--format", "jsonl"});
  ASSERT_EQ(exported.exit_code, 0);
  auto lines = json_lines(exported.out);
  ASSERT_EQ(lines.size(), 3U);
  for (const char* field :
       {"seq", "received_at", "source", "id", "entity", "type", "posting_date", "currency",
        "debit_total", "route", "rule", "rules_version", "hash", "transaction", "deliveries"}) {
    EXPECT_TRUE(lines[0].contains(field)) << field;
  }
  auto csv = journal({"export", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.out.substr(0, 20), "seq,received_at,sour");
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 4);

  auto stats = nlohmann::json::parse(journal({"stats", "--output", "json"}).out);
  EXPECT_EQ(stats["transactions"], 3);
}

TEST_F(CliE2eTest, VerifyAgainstASavedDigestPasses) {
  ASSERT_EQ(send(write_lines(dir_, "a.jsonl", {sample_transaction(1)})).exit_code, 0);
  auto digest = journal({"digest"});
  ASSERT_EQ(digest.exit_code, 0);
  auto digest_file = write_lines(dir_, "digest.json", {digest.out});
  ASSERT_EQ(send(write_lines(dir_, "b.jsonl", {sample_transaction(2)})).exit_code, 0);
  auto verify = journal({"verify", "--digest", digest_file.string(), "--output", "json"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_EQ(nlohmann::json::parse(verify.out)["records"], 2);
  // Seq 0 is the empty journal: only the all-zero hash is its digest, anything else is forged.
  auto forged =
      write_lines(dir_, "forged.json", {R"({"seq":0,"hash":")" + std::string(64, '1') + R"("})"});
  auto refused = journal({"verify", "--digest", forged.string()});
  EXPECT_EQ(refused.exit_code, 2) << refused.out;
  EXPECT_NE(refused.err.find("seq 0"), std::string::npos) << refused.err;
  auto empty =
      write_lines(dir_, "empty.json", {R"({"seq":0,"hash":")" + std::string(64, '0') + R"("})"});
  EXPECT_EQ(journal({"verify", "--digest", empty.string()}).exit_code, 0);
}

TEST_F(CliE2eTest, ReadCommandsWorkWhileTheRouterWrites) {
  std::vector<std::string> lines;
  for (std::uint64_t i = 0; i < 3000; ++i) lines.push_back(sample_transaction(i));
  auto file = write_lines(dir_, "load.jsonl", lines);
  std::thread writer([&] { EXPECT_EQ(send(file).exit_code, 0); });
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(journal({"verify", "--output", "json"}).exit_code, 0);
    EXPECT_EQ(journal({"stats", "--output", "json"}).exit_code, 0);
  }
  writer.join();
  EXPECT_EQ(nlohmann::json::parse(journal({"verify", "--output", "json"}).out)["records"], 3000);
}

TEST(CliExitCodesTest, UnreachableRouterIsThree) {
  TempDir dir;
  auto file = write_lines(dir, "one.jsonl", {sample_transaction(1)});
  auto result = coexist(
      dir, {"send", "--endpoint", "tcp://127.0.0.1:1", "--timeout-ms", "300", file.string()});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("did not answer"), std::string::npos) << result.err;
}

TEST(CliExitCodesTest, BadConfigIsTwoAndNamesTheField) {
  TempDir dir;
  auto config = write_lines(dir, "bad.json", {R"({"delivery": {"attempts_max": 0}})"});
  auto result = coexist(dir, {"serve", "--config", config.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("delivery.attempts_max"), std::string::npos) << result.err;
  auto unknown = write_lines(dir, "unknown.json", {R"({"jounral": {}})"});
  result = coexist(dir, {"serve", "--config", unknown.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("jounral"), std::string::npos) << result.err;
  result = coexist(dir, {"serve", "--config", dir.path().string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("is a directory"), std::string::npos) << result.err;
  // libzmq would read port 110000 modulo 65536 and bind 44464, where no client looks.
  auto wrapped =
      write_lines(dir, "port.json", {R"({"listen": {"ingest": "tcp://127.0.0.1:110000"}})"});
  result = coexist(dir, {"serve", "--config", wrapped.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("listen.ingest"), std::string::npos) << result.err;
}

TEST(CliExitCodesTest, MissingJournalIsFourAndUnknownCommandIsTwo) {
  TempDir dir;
  EXPECT_EQ(
      coexist(dir, {"journal", "verify", "--journal", (dir.path() / "none").string()}).exit_code,
      4);
  EXPECT_EQ(coexist(dir, {"journal", "frobnicate"}).exit_code, 2);
  EXPECT_EQ(coexist(dir, {"nonsense"}).exit_code, 2);
  EXPECT_EQ(coexist(dir, {"journal", "list", "--help"}).exit_code, 0);
  EXPECT_EQ(coexist(dir, {"send", "--bogus"}).exit_code, 2);
}

TEST_F(CliE2eTest, JournalAndConfigTogetherAreAUsageErrorNotAGuess) {
  ASSERT_EQ(send(write_lines(dir_, "one.jsonl", {sample_transaction(1)})).exit_code, 0);
  for (const char* command : {"verify", "stats", "list"}) {
    auto both = coexist(dir_, {"journal", command, "--journal", router_.journal_dir().string(),
                               "--config", router_.config_path().string()});
    EXPECT_EQ(both.exit_code, 2) << command << ": " << both.err;
    EXPECT_NE(both.err.find("--journal and --config both name a journal"), std::string::npos)
        << both.err;
  }
  EXPECT_EQ(journal({"verify"}).exit_code, 0) << "either alone still works";
}

TEST_F(CliE2eTest, ExportRefusesOutputWhichItWouldIgnore) {
  auto refused = journal({"export", "--output", "json"});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("output"), std::string::npos) << refused.err;
  EXPECT_EQ(journal({"export", "--help"}).out.find("--output"), std::string::npos);
  EXPECT_EQ(journal({"export", "--format", "csv"}).exit_code, 0);
}

TEST_F(CliE2eTest, FailedExportLeavesAnEarlierExportAsItWas) {
  ASSERT_EQ(send(write_lines(dir_, "two.jsonl", {sample_transaction(1), sample_transaction(2)}))
                .exit_code,
            0);
  auto out = dir_.path() / "export.jsonl";
  ASSERT_EQ(journal({"export", "--out", out.string()}).exit_code, 0);
  std::string earlier = read_file(out);
  EXPECT_EQ(json_lines(earlier).size(), 2U);
  auto missing = coexist(dir_, {"journal", "export", "--out", out.string(), "--journal",
                                (dir_.path() / "no-such-journal").string()});
  EXPECT_EQ(missing.exit_code, 4) << missing.err;
  EXPECT_EQ(read_file(out), earlier) << "the failed export must not truncate it";
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos)
        << "left behind: " << entry.path();
  }
}

TEST_F(CliE2eTest, ExportOutKeepsALinkItsTargetsPermissionsAndWritesDevicesInPlace) {
  ASSERT_EQ(send(write_lines(dir_, "one.jsonl", {sample_transaction(1)})).exit_code, 0);
  namespace fs = std::filesystem;
  auto target = dir_.path() / "private.jsonl";
  write_lines(dir_, "private.jsonl", {"old"});
  fs::permissions(target, fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace);
  auto link = dir_.path() / "latest.jsonl";
  fs::create_symlink(target, link);
  ASSERT_EQ(journal({"export", "--out", link.string()}).exit_code, 0);
  EXPECT_TRUE(fs::is_symlink(link)) << "the link is not replaced by a file";
  EXPECT_EQ(json_lines(read_file(target)).size(), 1U) << "its target got the export";
  EXPECT_EQ(fs::status(target).permissions(), fs::perms::owner_read | fs::perms::owner_write);
  auto to_stdout = journal({"export", "--out", "/dev/stdout"});
  EXPECT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  EXPECT_EQ(json_lines(to_stdout.out).size(), 1U);
}

// `coexist journal export --out /dev/stdout >> run.log`: the shell opened the log for appending.
// The export goes through that descriptor, after what the log held; it used to reopen the path
// or rename a new file onto the log, and the earlier runs' lines were gone.
TEST_F(CliE2eTest, ExportToStandardOutputAppendedToALogKeepsTheLog) {
  ASSERT_EQ(send(write_lines(dir_, "two.jsonl", {sample_transaction(1), sample_transaction(2)}))
                .exit_code,
            0);
  for (const std::string out : {"/dev/stdout", "/proc/self/fd/1"}) {
    auto log = write_lines(dir_, "run.log", {"earlier run"});
    int appended = ::open(log.c_str(), O_WRONLY | O_APPEND);
    ASSERT_GE(appended, 0);
    auto err_file = dir_.path() / "append.err";
    ChildProcess child(binary("coexist"),
                       {"journal", "export", "--journal", router_.journal_dir().string(),
                        "--to-seq", "1", "--out", out},
                       appended, err_file);
    ::close(appended);
    EXPECT_EQ(child.wait_for_exit(std::chrono::minutes(1)).value_or(-1), 0)
        << out << ": " << read_file(err_file);
    const std::string text = read_file(log);
    ASSERT_TRUE(text.starts_with("earlier run\n")) << out << " lost the log's earlier contents:\n"
                                                   << text;
    auto exported = json_lines(text.substr(std::string("earlier run\n").size()));
    ASSERT_EQ(exported.size(), 1U) << out << ":\n" << text;
    EXPECT_EQ(exported[0]["seq"], 1);
  }
}

// `ln -s arch/exp.csv link.csv; coexist journal export --out link.csv`: the link's target is
// created (its relative path taken from the link's directory) and the link stays a link.
TEST_F(CliE2eTest, ExportOutThroughADanglingLinkCreatesTheLinksTarget) {
  ASSERT_EQ(send(write_lines(dir_, "one.jsonl", {sample_transaction(1)})).exit_code, 0);
  namespace fs = std::filesystem;
  fs::create_directories(dir_.path() / "arch");
  const fs::path link = dir_.path() / "link.csv";
  fs::create_symlink("arch/exp.csv", link);
  auto result = journal({"export", "--format", "csv", "--out", link.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(fs::is_symlink(link)) << "the link was replaced by a file";
  const std::string csv = read_file(dir_.path() / "arch" / "exp.csv");
  EXPECT_TRUE(csv.starts_with("seq,")) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 2) << "a header and one record:\n" << csv;
}

// An output that cannot be opened is a usage error (2), as a bad argument is, and the message
// says why; a write that fails midway (a full disk) is an output failure (4), as for stdout.
TEST_F(CliE2eTest, ExportOutThatCannotBeOpenedIsTwoAndSaysWhyAFailedWriteIsFour) {
  ASSERT_EQ(send(write_lines(dir_, "one.jsonl", {sample_transaction(1)})).exit_code, 0);
  auto empty = journal({"export", "--out", ""});
  EXPECT_EQ(empty.exit_code, 2) << empty.err;
  EXPECT_EQ(empty.err, "coexist journal export: --out needs a file name\n");
  auto missing = journal({"export", "--out", "/nonexistent/d/x"});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_EQ(missing.err,
            "coexist journal export: cannot write /nonexistent/d/x: cannot create a file beside it "
            "in /nonexistent/d/ (No such file or directory)\n");
  auto full = journal({"export", "--out", "/dev/full"});
  EXPECT_EQ(full.exit_code, 4) << full.err;
  EXPECT_EQ(full.err, "coexist journal export: cannot write /dev/full: No space left on device\n");
}

// A journal of `records` sample transactions (about 1 KiB each), written directly.
std::filesystem::path write_sample_journal(const TempDir& dir, std::uint64_t records) {
  const std::filesystem::path journal_dir = dir.path() / "journal";
  std::filesystem::create_directories(journal_dir);
  auto journal = open_journal(journal_dir);
  EXPECT_NE(journal, nullptr);
  if (journal == nullptr) return journal_dir;
  RequestBuilder builder;
  std::vector<journal::AppendRequest> batch;
  for (std::uint64_t i = 1; i <= records; ++i) batch.push_back(builder.make(sample_transaction(i)));
  std::vector<journal::AppendResult> results;
  EXPECT_TRUE(journal->append_batch(batch, results).is_ok());
  return journal_dir;
}

bool has_partial_file(const std::filesystem::path& directory) {
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().filename().string().find(".partial-") != std::string::npos) return true;
  }
  return false;
}

// Ctrl-C, `timeout` (SIGTERM) or a closed terminal (SIGHUP) during `journal export --out F`: the
// command dies of the signal as before, but its partial file goes with it and F keeps the earlier
// export. The export is held (ptrace) as it is about to write its first MiB into the partial
// file, with most of the journal still unread, and signalled there: no race with a fast export.
TEST(CliSignalTest, AnExportEndedBySignalLeavesNoPartialFileAndTheEarlierExport) {
  TempDir dir;
  const std::string journal_dir = write_sample_journal(dir, 3000).string();  // about 4 MiB out
  const auto out = write_lines(dir, "big.jsonl", {"earlier export"});
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    const std::string name = std::string("SIG") + ::sigabbrev_np(signal_number);
    auto err_file = dir.path() / "export.err";
    TracedProcess exporting(binary("coexist"),
                            {"journal", "export", "--journal", journal_dir, "--out", out.string()},
                            dir.path() / "export.out", err_file);
    if (!exporting.traced()) GTEST_SKIP() << "cannot ptrace a child process here";
    ASSERT_TRUE(exporting.run_until_write_to(".partial-"))
        << name << ": the export never wrote a partial file (exit "
        << exporting.exit_code().value_or(-1) << "): " << read_file(err_file);
    EXPECT_TRUE(has_partial_file(dir.path())) << name;
    EXPECT_EQ(exporting.signal_and_release(signal_number, std::chrono::minutes(1)).value_or(-1),
              128 + signal_number)
        << name << ": " << read_file(err_file);
    EXPECT_FALSE(has_partial_file(dir.path())) << name << " left the partial file";
    EXPECT_EQ(read_file(out), "earlier export\n") << name;
  }
  auto whole = coexist(dir, {"journal", "export", "--journal", journal_dir, "--out", out.string()});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_EQ(json_lines(read_file(out)).size(), 3000U) << "undisturbed, the export completes";
}

// The partial file passing `ulimit -f` raises SIGXFSZ, which ends the export in the middle of
// writing it: the partial file goes too. (No core file: `ulimit -c 0`.)
TEST(CliSignalTest, AnExportPastTheFileSizeLimitLeavesNoPartialFile) {
  TempDir dir;
  const std::string journal_dir = write_sample_journal(dir, 1000).string();  // over 1 MiB out
  const auto out = write_lines(dir, "big.jsonl", {"earlier export"});
  auto limited = run_command(
      "/bin/sh",
      {"-c", "ulimit -c 0 && ulimit -f 256 && exec \"$0\" \"$@\"", binary("coexist").string(),
       "journal", "export", "--journal", journal_dir, "--out", out.string()},
      dir.path());
  EXPECT_EQ(limited.exit_code, 128 + SIGXFSZ) << limited.err;
  EXPECT_FALSE(has_partial_file(dir.path()));
  EXPECT_EQ(read_file(out), "earlier export\n");
}

// A journal written before ingest refused self-amends may hold one. The commands that re-read
// stored transactions take them with the structural checks only: such a record must neither make
// `journal verify` fail a sound journal nor stop `rules simulate` (which parses every record).
TEST(CliStoredRecordsTest, ARecordAnOlderRouterAcceptedIsReadByVerifyAndSimulate) {
  TempDir dir;
  const std::filesystem::path journal_dir = dir.path() / "journal";
  {
    std::filesystem::create_directories(journal_dir);
    auto journal = open_journal(journal_dir);
    ASSERT_NE(journal, nullptr);
    RequestBuilder older_router(ParsePurpose::stored);
    std::string self_amending = transaction_json("T1", "10.00", "DE01");
    self_amending.insert(self_amending.size() - 1, R"(,"amends":"T1")");
    std::vector<journal::AppendRequest> batch{
        older_router.make(self_amending),
        older_router.make(transaction_json("T2", "5.00", "US01"))};
    std::vector<journal::AppendResult> results;
    ASSERT_TRUE(journal->append_batch(batch, results).is_ok());
    ASSERT_EQ(results.at(0).status, journal::AppendStatus::accepted);
  }
  const std::string journal_arg = journal_dir.string();
  auto verify = coexist(dir, {"journal", "verify", "--journal", journal_arg, "--output", "json"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  // A draft that reads the lines, so simulate has to parse each stored transaction.
  auto draft = dir.path() / "draft.json";
  std::ofstream(draft)
      << R"({"default": "legacy", "rules": [{"name": "DE receivables", "when": {"entity": "DE01", "account": "12"}, "route": "new"}]})";
  auto simulated = coexist(
      dir, {"rules", "simulate", draft.string(), "--journal", journal_arg, "--output", "json"});
  ASSERT_EQ(simulated.exit_code, 0) << simulated.out << simulated.err;
  auto report = nlohmann::json::parse(simulated.out);
  EXPECT_EQ(report["examined"], 2);
  EXPECT_EQ(report["changed"], 1) << "T1 (DE01, account 1200) moves from legacy to new";
  EXPECT_EQ(report["entities"]["DE01"]["changes"][0]["ids"][0]["id"], "T1");
}

TEST(CliExitCodesTest, BadArgumentsAreTwoNotACrash) {
  TempDir dir;
  auto journal_dir = (dir.path() / "journal").string();
  auto expect_usage = [&](const std::vector<std::string>& arguments, const std::string& says) {
    auto result = coexist(dir, arguments);
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_NE(result.err.find(says), std::string::npos) << result.err;
  };
  expect_usage({"journal", "show", "99999999999999999999999", "--journal", journal_dir},
               "out of range");
  expect_usage({"journal", "list", "--from-seq", "-1", "--journal", journal_dir}, "--from-seq");
  expect_usage({"journal", "list", "--to-seq", "0", "--journal", journal_dir}, "--to-seq");
  expect_usage({"journal", "list", "--from-seq", "3", "--to-seq", "2", "--journal", journal_dir},
               "coexist journal list: --from-seq is after --to-seq");
  expect_usage({"journal", "list", "--route", "everywhere", "--journal", journal_dir}, "--route");
  expect_usage({"journal", "list", "--state", "lost", "--journal", journal_dir}, "--state");
  expect_usage({"journal", "export", "--format", "table", "--journal", journal_dir}, "--format");
  expect_usage({"send", dir.path().string()}, "is a directory");
  expect_usage({"rules", "validate", dir.path().string()}, "is a directory");
  expect_usage({"send", "--timeout-ms", "0", "-"}, "--timeout-ms");
  expect_usage({"rules", "active", "--admin", "bogus"}, "not a ZeroMQ endpoint");
  expect_usage({"rules", "active", "--admin", "tcp://127.0.0.1:1", "--output", "bogus"},
               "--output");
  expect_usage({"journal", "digest", "--output", "bogus", "--journal", journal_dir}, "--output");
  expect_usage({"journal", "list", "--output", "yaml", "--journal", journal_dir},
               "coexist journal list: --output must be table or json, not \"yaml\"");
}

TEST(CliExitCodesTest, UnreachableRouterIsThreeEvenWithAWindowOverTheQueueLimit) {
  TempDir dir;
  std::vector<std::string> lines;
  for (std::uint64_t i = 1; i <= 3000; ++i) lines.push_back(sample_transaction(i));
  auto file = write_lines(dir, "many.jsonl", lines);
  auto result = coexist(dir, {"send", "--endpoint", "tcp://127.0.0.1:1", "--window", "5000",
                              "--timeout-ms", "300", file.string()});
  EXPECT_EQ(result.exit_code, 3) << result.err;
}

namespace fs = std::filesystem;

// A closed journal of `count` records, as a router leaves it; returns the bytes its pages need.
std::uint64_t write_journal(const fs::path& path, int count) {
  auto journal = open_journal(path);
  EXPECT_NE(journal, nullptr);
  if (journal == nullptr) return 0;
  RequestBuilder build;
  std::vector<journal::AppendRequest> batch;
  for (int i = 0; i < count; ++i)
    batch.push_back(build.make(transaction_json("T" + std::to_string(i))));
  std::vector<journal::AppendResult> results;
  EXPECT_TRUE(journal->append_batch(batch, results).is_ok());
  return journal->stats().value().used_bytes;
}

// A partial backup (`head -c 50M data.mdb > copy/data.mdb`) used to be a SIGBUS for every command
// that opened it, the router's too: exit 135 and not a word.
TEST(CliJournalOpenTest, TruncatedJournalIsAJournalErrorForReadersAndTheRouter) {
  TempDir dir;
  auto journal_dir = dir.path() / "journal";
  std::uint64_t kept = write_journal(journal_dir, 400) / 2;
  fs::resize_file(journal_dir / "data.mdb", kept);
  for (const char* command : {"verify", "stats", "list", "export"}) {
    auto result = coexist(dir, {"journal", command, "--journal", journal_dir.string()});
    EXPECT_EQ(result.exit_code, 4) << command << ": " << result.err;
    EXPECT_NE(result.err.find((journal_dir / "data.mdb").string() + " is truncated: it has " +
                              std::to_string(kept) + " bytes"),
              std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("restore the journal from a complete copy"), std::string::npos)
        << result.err;
  }
  auto config =
      write_lines(dir, "config.json",
                  {R"({"journal": {"path": "journal"}, "listen": {"ingest": "tcp://127.0.0.1:*",)"
                   R"( "admin": "tcp://127.0.0.1:*", "http": "127.0.0.1:0"}})"});
  ChildProcess serve(binary("coexist"), {"serve", "--config", config.string()},
                     dir.path() / "serve.out", dir.path() / "serve.err");
  auto exit_code = serve.wait_for_exit(std::chrono::seconds(30));
  ASSERT_TRUE(exit_code.has_value()) << "the router serves a truncated journal";
  EXPECT_EQ(*exit_code, 4);
  std::string said = read_file(dir.path() / "serve.out") + read_file(dir.path() / "serve.err");
  EXPECT_NE(said.find("is truncated"), std::string::npos) << said;
  EXPECT_EQ(fs::file_size(journal_dir / "data.mdb"), kept) << "the router wrote nothing";
}

// The CLI as a user who may read the journal but not write its lock file: as root (who ignores
// file modes) user nobody, otherwise this user, kept out by the modes the test sets.
CommandResult coexist_as_reader(const TempDir& dir, std::vector<std::string> arguments) {
  if (::geteuid() != 0) return coexist(dir, arguments);
  arguments.insert(arguments.begin(), {"--reuid=65534", "--regid=65534", "--clear-groups",
                                       binary("coexist").string()});
  return run_command("/usr/bin/setpriv", arguments, dir.path());
}

bool can_run_as_reader() { return ::geteuid() != 0 || fs::exists("/usr/bin/setpriv"); }

// Sets file modes for a test and gives the files back to their owner afterwards (TempDir could not
// remove a 0555 directory's entries otherwise).
class ModesForTest {
 public:
  ModesForTest()
      : saved_umask_(::umask(022)) {}  // writer.lock readable by others, as in production
  ~ModesForTest() {
    std::error_code ignored;
    for (const auto& path : changed_) fs::permissions(path, fs::perms(0755), ignored);
    ::umask(saved_umask_);
  }
  ModesForTest(const ModesForTest&) = delete;
  ModesForTest& operator=(const ModesForTest&) = delete;

  void set(const fs::path& path, int mode) {
    fs::permissions(path, static_cast<fs::perms>(mode));
    changed_.push_back(path);
  }

 private:
  mode_t saved_umask_;
  std::vector<fs::path> changed_;
};

// An auditor's read-only archive copy: LMDB used to refuse it ("Permission denied", exit 4)
// because it opens lock.mdb for writing even to read.
TEST(CliJournalOpenTest, ReadOnlyArchiveCopyIsReadByAUserWhoCannotWriteIt) {
  if (!can_run_as_reader()) GTEST_SKIP() << "running as root without setpriv";
  TempDir dir;
  ModesForTest modes;
  (void)write_journal(dir.path() / "journal", 5);
  auto archive = dir.path() / "archive";
  fs::copy(dir.path() / "journal", archive, fs::copy_options::recursive);
  modes.set(dir.path(), 0755);
  for (const char* name : {"data.mdb", "lock.mdb", "writer.lock"}) modes.set(archive / name, 0444);
  modes.set(archive, 0555);
  auto verify = coexist_as_reader(
      dir, {"journal", "verify", "--journal", archive.string(), "--output", "json"});
  ASSERT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_EQ(nlohmann::json::parse(verify.out)["records"], 5);
  auto list = coexist_as_reader(
      dir, {"journal", "list", "--journal", archive.string(), "--output", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(nlohmann::json::parse(list.out).size(), 5U);
}

// Without lock.mdb a reader is safe only while no router writes: refused while one does, served
// once it has stopped.
TEST(CliJournalOpenTest, UserWhoCannotWriteTheLockFileIsRefusedWhileTheRouterWrites) {
  if (!can_run_as_reader()) GTEST_SKIP() << "running as root without setpriv";
  TempDir dir;
  ModesForTest modes;
  RouterProcess router(dir.path());
  ASSERT_TRUE(router.start());
  auto sent = coexist(dir, {"send", "--endpoint", router.ingest(),
                            write_lines(dir, "one.jsonl", {sample_transaction(1)}).string()});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  modes.set(dir.path(), 0755);
  modes.set(router.journal_dir() / "data.mdb", 0644);
  modes.set(router.journal_dir() / "lock.mdb", 0444);  // the router has it open already
  auto refused =
      coexist_as_reader(dir, {"journal", "verify", "--journal", router.journal_dir().string()});
  EXPECT_EQ(refused.exit_code, 4) << refused.err;
  EXPECT_NE(refused.err.find("a router is writing journal " + router.journal_dir().string()),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("or read a copy of the journal"), std::string::npos) << refused.err;
  ASSERT_EQ(router.stop(), 0);
  auto served = coexist_as_reader(
      dir, {"journal", "verify", "--journal", router.journal_dir().string(), "--output", "json"});
  ASSERT_EQ(served.exit_code, 0) << served.err;
  EXPECT_EQ(nlohmann::json::parse(served.out)["records"], 1);
}

// `coexist journal …` through a read-only bind mount of the journal (an audit container, say),
// run in a mount namespace of its own so that nothing of the mount outlives the command.
CommandResult coexist_through_read_only_mount(const TempDir& dir, const fs::path& journal_dir,
                                              const std::string& subcommand) {
  fs::path mounted = dir.path() / "read-only-view";
  fs::create_directories(mounted);
  std::string script = "mount --bind '" + journal_dir.string() + "' '" + mounted.string() +
                       "' && mount -o remount,bind,ro '" + mounted.string() + "' && exec '" +
                       binary("coexist").string() + "' journal " + subcommand + " --journal '" +
                       mounted.string() + "' --output json";
  return run_command("/usr/bin/unshare", {"-m", "/bin/sh", "-c", script}, dir.path());
}

// On a read-only file system LMDB goes without lock.mdb by itself, so such a reader is as unsafe
// beside a router as one without write access to lock.mdb, and is refused the same way.
TEST(CliJournalOpenTest, ReaderThroughAReadOnlyMountIsRefusedWhileTheRouterWrites) {
  TempDir dir;
  if (::geteuid() != 0 ||
      run_command("/usr/bin/unshare", {"-m", "true"}, dir.path()).exit_code != 0) {
    GTEST_SKIP() << "needs root and mount namespaces (unshare -m)";
  }
  RouterProcess router(dir.path());
  ASSERT_TRUE(router.start());
  auto sent = coexist(dir, {"send", "--endpoint", router.ingest(),
                            write_lines(dir, "one.jsonl", {sample_transaction(1)}).string()});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  auto refused = coexist_through_read_only_mount(dir, router.journal_dir(), "verify");
  EXPECT_EQ(refused.exit_code, 4) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("a router is writing journal"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("read-only file system"), std::string::npos) << refused.err;
  ASSERT_EQ(router.stop(), 0);
  auto served = coexist_through_read_only_mount(dir, router.journal_dir(), "verify");
  ASSERT_EQ(served.exit_code, 0) << served.err;
  EXPECT_EQ(nlohmann::json::parse(served.out)["records"], 1);
}

// LMDB opens data.mdb before lock.mdb for a reader, so a data.mdb this user may not read used to
// be taken for an unwritable lock file: the reader went on without one and was told about lock
// files. It is a journal error naming data.mdb.
TEST(CliJournalOpenTest, UserWhoCannotReadTheDataFileIsToldSo) {
  if (!can_run_as_reader()) GTEST_SKIP() << "running as root without setpriv";
  TempDir dir;
  ModesForTest modes;
  auto journal_dir = dir.path() / "journal";
  (void)write_journal(journal_dir, 2);
  modes.set(dir.path(), 0755);
  modes.set(journal_dir / "lock.mdb", 0444);
  modes.set(journal_dir / "data.mdb", 0040);  // the router's group's; not this user's
  auto refused = coexist_as_reader(dir, {"journal", "verify", "--journal", journal_dir.string()});
  EXPECT_EQ(refused.exit_code, 4) << refused.err;
  EXPECT_NE(refused.err.find("cannot read " + (journal_dir / "data.mdb").string() +
                             ": Permission denied"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.err.find("lock.mdb"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find("lock file"), std::string::npos) << refused.err;
}

// Journals altered on disk, as an attacker or a bad disk leaves them. `journal verify` names what
// is wrong; the read commands must neither crash on it nor pass it on as JSON with exit 0.
class CliDamagedJournalTest : public ::testing::Test {
 protected:
  // billing/T0, T1, T2 (seqs 1 to 3, recorded with rules version 1), then rules version 2.
  void SetUp() override {
    auto journal = open_journal(journal_dir_);
    ASSERT_NE(journal, nullptr);
    RequestBuilder build;
    std::vector<journal::AppendRequest> batch;
    for (int i = 0; i < 3; ++i)
      batch.push_back(build.make(transaction_json("T" + std::to_string(i))));
    std::vector<journal::AppendResult> results;
    journal::RuleSetRecord first = rules_version(1);
    ASSERT_TRUE(journal->append_batch(batch, results, &first).is_ok());
    journal::RuleSetRecord second = rules_version(2);
    ASSERT_TRUE(journal->append_batch({}, results, &second).is_ok());
  }

  static journal::RuleSetRecord rules_version(std::uint32_t number) {
    journal::RuleSetRecord record;
    record.version = number;
    record.applied_at_us = 1'764'000'000'000'000;
    record.effective_at_us = record.applied_at_us;
    record.applied_by = "alice@ops";
    record.reason = "step " + std::to_string(number);
    record.canonical = R"({"default":"legacy","rules":[]})";
    record.sha256 = journal::sha256(record.canonical);
    return record;
  }

  CommandResult journal(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), "journal");
    arguments.push_back("--journal");
    arguments.push_back(journal_dir_.string());
    return coexist(dir_, arguments);
  }

  // Rewrites rules version 1's content together with its sha256: consistent in itself.
  void rewrite_rules_version_1() {
    Tamperer(journal_dir_).rewrite_rules_content(1, R"({"default":"new","rules":[]})");
  }

  TempDir dir_;
  fs::path journal_dir_ = dir_.path() / "journal";
};

TEST_F(CliDamagedJournalTest, TransactionTextThatIsNotJsonIsAJournalErrorNotInvalidOutput) {
  {
    Tamperer tamper(journal_dir_);
    std::string record = tamper.get(1);
    const std::size_t canonical_at =
        record.size() - journal::decode_record(1, record).value().canonical.size();
    ASSERT_EQ(record[canonical_at], '{');
    record[canonical_at] = '[';
    tamper.put(1, record);
  }
  const std::string says =
      "record 1's stored transaction is not valid JSON: the journal is damaged; `coexist journal "
      "verify` names the first bad record";
  const std::vector<std::vector<std::string>> commands = {{"show", "1"},
                                                          {"show", "1", "--output", "json"},
                                                          {"show", "billing/T0"},
                                                          {"list", "--output", "json"},
                                                          {"export"},
                                                          {"export", "--format", "csv"}};
  for (const auto& command : commands) {
    auto result = journal(command);
    EXPECT_EQ(result.exit_code, 4) << command.front() << ": " << result.err;
    EXPECT_NE(result.err.find(says), std::string::npos) << result.err;
    EXPECT_EQ(result.out, "") << command.front();
  }
  auto out = write_lines(dir_, "export.jsonl", {"an earlier export"});
  EXPECT_EQ(journal({"export", "--out", out.string()}).exit_code, 4);
  EXPECT_EQ(read_file(out), "an earlier export\n") << "a failed export keeps what the file held";

  auto verify = journal({"verify", "--output", "json"});
  EXPECT_EQ(verify.exit_code, 1) << verify.err;
  EXPECT_EQ(nlohmann::json::parse(verify.out)["first_bad_seq"], 1);
  // The sound records around it are still read.
  EXPECT_EQ(journal({"show", "2"}).exit_code, 0);
  auto rest = journal({"export", "--from-seq", "2"});
  EXPECT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_EQ(json_lines(rest.out).size(), 2U);
}

// Text appended to a stored transaction (`…},"route":"new"`) is still valid JSON inside the
// export object, where it would add or override fields: the transaction is judged on its own.
TEST_F(CliDamagedJournalTest, TextAppendedToATransactionIsNotPassedOnAsFields) {
  {
    Tamperer tamper(journal_dir_);
    const std::string stored = tamper.get(2);  // the view points into it
    auto view = journal::decode_record(2, stored).value();
    journal::RecordFields fields = journal::fields_of(view);
    const std::string injected =
        std::string(fields.canonical) + R"(,"route":"new","debit_total":"0.01")";
    fields.canonical = injected;
    std::string body;
    journal::encode_body(fields, body);
    journal::Hash hash = journal::chain_hash(view.hash, 2, journal::kRecordVersion, body);
    std::string record(1, static_cast<char>(journal::kRecordVersion));
    record.append(reinterpret_cast<const char*>(hash.data()), hash.size());
    tamper.put(2, record + body);
  }
  const std::string says = "record 2's stored transaction is not valid JSON";
  for (const auto& command : std::vector<std::vector<std::string>>{
           {"show", "2"}, {"list", "--output", "json"}, {"export"}, {"export", "--format", "csv"}}) {
    auto result = journal(command);
    EXPECT_EQ(result.exit_code, 4) << command.front() << ": " << result.out;
    EXPECT_NE(result.err.find(says), std::string::npos) << result.err;
    EXPECT_EQ(result.out.find("0.01"), std::string::npos) << command.front() << ": " << result.out;
  }
}

// Renamed onto data.mdb, an export would replace the journal itself.
TEST_F(CliDamagedJournalTest, TheJournalsOwnFilesAreRefusedAsOutput) {
  fs::create_symlink(journal_dir_ / "data.mdb", dir_.path() / "innocent.jsonl");
  for (const fs::path& out : {journal_dir_ / "data.mdb", dir_.path() / "innocent.jsonl",
                              journal_dir_ / "lock.mdb"}) {
    auto result = journal({"export", "--out", out.string()});
    EXPECT_EQ(result.exit_code, 2) << out << ": " << result.err;
    EXPECT_NE(result.err.find("is the journal's own"), std::string::npos) << result.err;
  }
  auto verify = journal({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << "the journal is intact: " << verify.out << verify.err;
}

TEST_F(CliDamagedJournalTest, FieldThatIsNotUtf8IsAJournalErrorNotInvalidOutput) {
  {
    Tamperer tamper(journal_dir_);
    std::string record = tamper.get(2);
    const std::size_t rule_at = record.find("DE01 dual run");  // the rule, outside the transaction
    ASSERT_NE(rule_at, std::string::npos);
    record[rule_at] = '\xff';
    tamper.put(2, record);
  }
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"show", "2", "--output", "json"}, {"export"}}) {
    auto result = journal(command);
    EXPECT_EQ(result.exit_code, 4) << command[0] << ": " << result.err;
    EXPECT_NE(
        result.err.find("record 2's stored fields are not valid UTF-8: the journal is damaged"),
        std::string::npos)
        << result.err;
    EXPECT_EQ(result.out, "") << command[0];
  }
}

// `show SOURCE/ID` goes through the idempotency index: a damaged entry must not show another
// transaction as if it were the one asked for.
TEST_F(CliDamagedJournalTest, ShowThroughADamagedIndexEntryIsAJournalError) {
  {
    Tamperer tamper(journal_dir_);
    tamper.put_index("billing", "T0", 2);
    tamper.put_index("billing", "T1", 99);
  }
  auto elsewhere = journal({"show", "billing/T0", "--output", "json"});
  EXPECT_EQ(elsewhere.exit_code, 4) << elsewhere.err;
  EXPECT_NE(elsewhere.err.find("the idempotency index is damaged: billing/T0 points at seq 2, "
                               "which holds billing/T1"),
            std::string::npos)
      << elsewhere.err;
  EXPECT_EQ(elsewhere.out, "");
  auto nowhere = journal({"show", "billing/T1"});
  EXPECT_EQ(nowhere.exit_code, 4) << nowhere.err;
  EXPECT_NE(nowhere.err.find("billing/T1 points at seq 99, which holds no record"),
            std::string::npos)
      << nowhere.err;
  auto sound = journal({"show", "billing/T2", "--output", "json"});
  ASSERT_EQ(sound.exit_code, 0) << sound.err;
  EXPECT_EQ(nlohmann::json::parse(sound.out)["seq"], 3);
  EXPECT_EQ(journal({"show", "billing/NOPE"}).exit_code, 1) << "an unknown key is not damage";
}

TEST_F(CliDamagedJournalTest, RewrittenRulesHistoryFailsAgainstADigestThatCoversIt) {
  auto digest = journal({"digest"});
  ASSERT_EQ(digest.exit_code, 0) << digest.err;
  auto saved = nlohmann::json::parse(digest.out);
  EXPECT_EQ(saved["seq"], 3);
  EXPECT_EQ(saved["rules_version"], 2);
  EXPECT_EQ(saved["rules_hash"].get<std::string>().size(), 64U);
  auto digest_file = write_lines(dir_, "digest.json", {digest.out});
  nlohmann::json older = {{"seq", saved["seq"]}, {"hash", saved["hash"]}};
  auto older_file = write_lines(dir_, "older-digest.json", {older.dump()});
  rewrite_rules_version_1();

  EXPECT_EQ(journal({"verify"}).exit_code, 0) << "a rewritten version is consistent in itself";
  auto caught = journal({"verify", "--digest", digest_file.string()});
  EXPECT_EQ(caught.exit_code, 1) << caught.out;
  EXPECT_EQ(caught.out,
            "FAILED: rules versions 1 to 2 differ from the digest: at least one of them was "
            "rewritten\n");
  auto caught_json = journal({"verify", "--digest", digest_file.string(), "--output", "json"});
  auto report = nlohmann::json::parse(caught_json.out);
  EXPECT_EQ(report["ok"], false);
  EXPECT_TRUE(report["first_bad_seq"].is_null()) << report;
  EXPECT_EQ(report["digest_covers_rules"], true);

  // A digest an older coexist saved still proves the transactions, and says what it does not.
  auto older_check = journal({"verify", "--digest", older_file.string()});
  EXPECT_EQ(older_check.exit_code, 0) << older_check.out;
  EXPECT_NE(older_check.out.find("it vouches for the transactions only, not for the rules history"),
            std::string::npos)
      << older_check.out;
  auto older_json = journal({"verify", "--digest", older_file.string(), "--output", "json"});
  EXPECT_EQ(nlohmann::json::parse(older_json.out)["digest_covers_rules"], false);
}

TEST_F(CliDamagedJournalTest, ProblemOfNoRecordIsNotReportedAtSeqZero) {
  {
    Tamperer tamper(journal_dir_);
    std::string record = tamper.get_rules(2);
    record.back() = record.back() == '}' ? ']' : '}';  // the content, not its sha256
    tamper.put_rules(2, record);
  }
  auto text = journal({"verify"});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_EQ(text.out, "FAILED: rules version 2 does not match its sha256\n");
  auto json = journal({"verify", "--output", "json"});
  auto report = nlohmann::json::parse(json.out);
  EXPECT_TRUE(report.contains("first_bad_seq") && report["first_bad_seq"].is_null()) << report;
  EXPECT_EQ(report["problem"], "rules version 2 does not match its sha256");
}

TEST_F(CliDamagedJournalTest, DigestFileWithARepeatedOrHalfAKeyIsRefused) {
  auto saved = nlohmann::json::parse(journal({"digest"}).out);
  const std::string hash = saved["hash"];
  auto expect_refused = [&](const std::string& name, const std::string& text,
                            const std::string& says) {
    auto file = write_lines(dir_, name, {text});
    auto result = journal({"verify", "--digest", file.string()});
    EXPECT_EQ(result.exit_code, 2) << text << ": " << result.out;
    EXPECT_NE(result.err.find(says), std::string::npos) << result.err;
  };
  // nlohmann keeps the last of a repeated key: this would vouch for seq 1 while one reads seq 3.
  expect_refused("repeated.json", R"({"seq":3,"hash":")" + hash + R"(","seq":1})",
                 "duplicate key \"seq\"");
  expect_refused("half.json", R"({"seq":3,"hash":")" + hash + R"(","rules_version":2})",
                 "rules_version and rules_hash go together");
  expect_refused("forged.json",
                 R"({"seq":3,"hash":")" + hash + R"(","rules_version":0,"rules_hash":")" +
                     std::string(64, '1') + R"("})",
                 "rules_version 0");
}

}  // namespace
}  // namespace coexist::test
