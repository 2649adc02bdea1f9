// End-to-end: how `coexist serve` starts and stops. A start-up that cannot serve writes nothing
// to the journal; an empty data.mdb is refused, not taken for a new journal; the ready file and
// a deleted working directory end in messages and exit codes, never in an abort; an ipc://
// endpoint another process serves is refused as a busy tcp port is.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <optional>

#include "tests/e2e/router_process.h"
#include "tests/support/temp_dir.h"

namespace coexist::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLegacyRules = R"({"default": "legacy", "rules": []})";
constexpr const char* kNewRules = R"({"default": "new", "rules": []})";
// Each test sends one transaction to a journal of its own.
constexpr const char* kTransaction =
    R"({"id":"INV-1","source":"billing","entity":"DE01","type":"invoice",)"
    R"("posting_date":"2026-11-25","currency":"EUR","lines":[{"account":"1200","debit":"119.00"},)"
    R"({"account":"4000","credit":"119.00"}]})";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct Outcome {
  std::optional<int> exit_code;  // nullopt: still running after the limit (then killed)
  std::string said;              // standard output (the log) and standard error
};

// Runs a program that is expected to end by itself; one that goes on serving is killed.
Outcome run_to_exit(const fs::path& program, const std::vector<std::string>& arguments,
                    const fs::path& dir) {
  static int counter = 0;
  auto out = dir / ("run-" + std::to_string(++counter) + ".out");
  auto err = dir / ("run-" + std::to_string(counter) + ".err");
  ChildProcess child(program, arguments, out, err);
  Outcome outcome;
  outcome.exit_code = child.wait_for_exit(std::chrono::seconds(20));
  outcome.said = read_file(out) + read_file(err);
  return outcome;
}

Outcome serve(const fs::path& dir, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "serve");
  return run_to_exit(binary("coexist"), arguments, dir);
}

// A config in `dir` with free ports and a journal and rules file beside it; `listen` overrides.
fs::path write_config(const fs::path& dir, const std::string& name, nlohmann::json listen = {}) {
  nlohmann::json config = {
      {"journal", {{"path", "journal"}}},
      {"rules", "rules.json"},
      {"listen",
       {{"ingest", "tcp://127.0.0.1:*"}, {"admin", "tcp://127.0.0.1:*"}, {"http", "127.0.0.1:0"}}}};
  if (listen.is_object()) config["listen"].merge_patch(listen);
  auto path = dir / name;
  std::ofstream(path) << config.dump(2);
  return path;
}

// A loopback TCP port some other process listens on.
class BusyPort {
 public:
  BusyPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd_, 4) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot hold a port: " << std::strerror(errno);
    }
    port_ = ntohs(address.sin_port);
  }
  ~BusyPort() { ::close(fd_); }
  BusyPort(const BusyPort&) = delete;
  BusyPort& operator=(const BusyPort&) = delete;
  [[nodiscard]] std::string port() const { return std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A Unix socket file left behind by a process that is gone: nobody listens on it.
void leave_stale_socket(const fs::path& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(::listen(fd, 4), 0);
  ::close(fd);
  ASSERT_TRUE(fs::is_socket(path));
}

// After a start-up that failed: the next start records the rules file as it is now (edited to
// route everything `new`) as version 1, and routes by it.
void expect_next_start_records_the_edited_rules(const fs::path& dir) {
  std::ofstream(dir / "rules.json") << kNewRules;
  RouterProcess router(dir, {{"rules", "rules.json"}});
  ASSERT_TRUE(router.start());
  IngestClient client(router.ingest());
  auto ack = client.request(kTransaction);
  EXPECT_EQ(ack["status"], "accepted") << ack;
  EXPECT_EQ(ack["route"], "new") << "the failed start-up recorded the old rules file: " << ack;
  EXPECT_EQ(ack["rules_version"], 1) << ack;
  EXPECT_EQ(router.stop(), 0);
  std::string log = read_file(router.stdout_file()) + read_file(router.stderr_file());
  EXPECT_TRUE(contains(log, "as version 1")) << log;
  EXPECT_FALSE(contains(log, "is not applied")) << log;
}

// A data.mdb emptied by a failed restore used to be initialised as a new journal: seq 1 again,
// and every resubmission accepted a second time.
TEST(ServeLifecycleE2eTest, EmptyDataFileIsAJournalErrorNotANewJournal) {
  TempDir dir;
  {
    RouterProcess router(dir.path());
    ASSERT_TRUE(router.start());
    IngestClient client(router.ingest());
    EXPECT_EQ(client.request(kTransaction)["status"], "accepted");
    EXPECT_EQ(router.stop(), 0);
  }
  fs::resize_file(dir.path() / "journal" / "data.mdb", 0);
  Outcome outcome = serve(dir.path(), {"--config", (dir.path() / "config.json").string()});
  ASSERT_TRUE(outcome.exit_code.has_value()) << "the router serves an empty data.mdb";
  EXPECT_EQ(*outcome.exit_code, 4) << outcome.said;
  EXPECT_TRUE(contains(outcome.said, (dir.path() / "journal" / "data.mdb").string() + " is empty"))
      << outcome.said;
  EXPECT_TRUE(contains(outcome.said, "delete the empty data.mdb")) << outcome.said;
  EXPECT_EQ(fs::file_size(dir.path() / "journal" / "data.mdb"), 0U);
}

// A start-up refused as a configuration error (exit 2) that says `message` and recorded no
// rules version on the way.
void expect_refused_before_recording_rules(const Outcome& outcome, const std::string& message) {
  ASSERT_TRUE(outcome.exit_code.has_value()) << message;
  EXPECT_EQ(*outcome.exit_code, 2) << outcome.said;
  EXPECT_TRUE(contains(outcome.said, message)) << outcome.said;
  EXPECT_FALSE(contains(outcome.said, "as version 1")) << outcome.said;
}

// A busy port used to fail start-up only after the rules file was recorded as version 1: the
// file corrected before the next start was then "not applied".
TEST(ServeLifecycleE2eTest, StartUpThatCannotBindWritesNothingToTheJournal) {
  BusyPort busy;
  for (const char* key : {"ingest", "admin", "http"}) {
    TempDir dir;
    std::ofstream(dir.path() / "rules.json") << kLegacyRules;
    std::string taken =
        std::string(key) == "http" ? "127.0.0.1:" + busy.port() : "tcp://127.0.0.1:" + busy.port();
    auto config = write_config(dir.path(), "busy.json", {{key, taken}});
    Outcome outcome = serve(dir.path(), {"--config", config.string()});
    expect_refused_before_recording_rules(outcome, std::string("listen.") + key + ": cannot bind");
    expect_next_start_records_the_edited_rules(dir.path());
  }
}

TEST(ServeLifecycleE2eTest, ReadyFileThatCannotBeWrittenSaysWhyAndWritesNothingToTheJournal) {
  TempDir dir;
  std::ofstream(dir.path() / "rules.json") << kLegacyRules;
  auto config = write_config(dir.path(), "config.json");
  auto in_the_way = dir.path() / "adir";
  fs::create_directory(in_the_way);
  Outcome outcome =
      serve(dir.path(), {"--config", config.string(), "--ready-file", in_the_way.string()});
  expect_refused_before_recording_rules(
      outcome, "cannot write ready file " + in_the_way.string() + ": Is a directory");
  EXPECT_FALSE(fs::exists(dir.path() / "adir.tmp"));
  auto missing = dir.path() / "missing" / "ready.json";
  outcome = serve(dir.path(), {"--config", config.string(), "--ready-file", missing.string()});
  expect_refused_before_recording_rules(
      outcome, "cannot write ready file " + missing.string() + ".tmp: No such file or directory");
  expect_next_start_records_the_edited_rules(dir.path());
}

TEST(ServeLifecycleE2eTest, EmptyReadyFileIsAUsageError) {
  TempDir dir;
  std::ofstream(dir.path() / "rules.json") << kLegacyRules;
  auto config = write_config(dir.path(), "config.json");
  Outcome outcome = serve(dir.path(), {"--config", config.string(), "--ready-file", ""});
  ASSERT_TRUE(outcome.exit_code.has_value()) << "serves with no ready file for its script";
  EXPECT_EQ(*outcome.exit_code, 2) << outcome.said;
  EXPECT_TRUE(contains(outcome.said, "--ready-file must name a file")) << outcome.said;
  EXPECT_FALSE(fs::exists(dir.path() / "journal"));
}

// The throwing std::filesystem::remove used to abort the stop: exit 134 instead of 0.
TEST(ServeLifecycleE2eTest, ReadyFileThatCannotBeRemovedOnStopIsAWarning) {
  TempDir dir;
  RouterProcess router(dir.path());
  ASSERT_TRUE(router.start());
  auto ready = dir.path() / "ready.json";
  fs::remove(ready);
  fs::create_directories(ready / "not empty");
  EXPECT_EQ(router.stop(), 0);
  std::string log = read_file(router.stdout_file()) + read_file(router.stderr_file());
  EXPECT_TRUE(contains(log, "cannot remove ready file " + ready.string() + ": ")) << log;
  EXPECT_TRUE(contains(log, "coexist stopped at journal seq 0")) << log;
}

// `mkdir g && cd g && rmdir ../g && coexist …`: std::filesystem::current_path() threw, exit 134.
TEST(ServeLifecycleE2eTest, DeletedWorkingDirectoryIsAUsageErrorNotAnAbort) {
  TempDir dir;
  const std::string in_deleted_directory =
      R"(cd "$1" && mkdir gone && cd gone && rmdir ../gone && shift && exec "$0" "$@")";
  for (std::vector<std::string> command :
       {std::vector<std::string>{"serve"}, {"journal", "stats"}}) {
    std::vector<std::string> arguments{"-c", in_deleted_directory, binary("coexist").string(),
                                       dir.path().string()};
    arguments.insert(arguments.end(), command.begin(), command.end());
    Outcome outcome = run_to_exit("/bin/sh", arguments, dir.path());
    ASSERT_TRUE(outcome.exit_code.has_value()) << command[0];
    EXPECT_EQ(*outcome.exit_code, 2) << command[0] << ": " << outcome.said;
    EXPECT_TRUE(contains(outcome.said, "cannot tell the working directory (was it deleted?)"))
        << outcome.said;
  }
}

// libzmq unlinks an ipc socket file before binding: the second router used to take the first
// one's endpoint over without a word.
TEST(ServeLifecycleE2eTest, IpcEndpointAnotherRouterServesIsRefusedAndKeepsServingThere) {
  TempDir dir;
  fs::create_directories(dir.path() / "first");
  fs::create_directories(dir.path() / "second");
  const std::string endpoint = "ipc://" + (dir.path() / "ingest.sock").string();
  RouterProcess first(dir.path() / "first", {{"listen", {{"ingest", endpoint}}}});
  ASSERT_TRUE(first.start());
  std::ofstream(dir.path() / "second" / "rules.json") << kLegacyRules;
  auto config = write_config(dir.path() / "second", "config.json", {{"ingest", endpoint}});
  Outcome outcome = serve(dir.path(), {"--config", config.string()});
  ASSERT_TRUE(outcome.exit_code.has_value()) << "a second router took over " << endpoint;
  EXPECT_EQ(*outcome.exit_code, 2) << outcome.said;
  EXPECT_TRUE(contains(outcome.said, "listen.ingest: cannot bind " + endpoint +
                                         ": address already in use by another process"))
      << outcome.said;
  IngestClient client(endpoint);
  EXPECT_EQ(client.request(kTransaction)["status"], "accepted");
  EXPECT_EQ(first.stop(), 0);
}

// A relative socket path resolves against the config's folder, wherever the router is started
// (this test's process runs elsewhere), and a socket file left by a killed router is replaced.
TEST(ServeLifecycleE2eTest, RelativeIpcEndpointIsBesideTheConfigAndAStaleSocketIsReplaced) {
  TempDir dir;
  const fs::path socket_file = dir.path() / "ingest.sock";
  leave_stale_socket(socket_file);
  RouterProcess router(dir.path(), {{"listen", {{"ingest", "ipc://ingest.sock"}}}});
  ASSERT_TRUE(router.start());
  EXPECT_EQ(router.ingest(), "ipc://" + socket_file.string());
  IngestClient client(router.ingest());
  EXPECT_EQ(client.request(kTransaction)["status"], "accepted");
  EXPECT_EQ(router.stop(), 0);
}

TEST(ServeLifecycleE2eTest, ListenEndpointsNoOtherProcessCanUseAreConfigurationErrors) {
  TempDir dir;
  auto shared = write_config(dir.path(), "shared.json",
                             {{"ingest", "ipc://router.sock"}, {"admin", "ipc://router.sock"}});
  Outcome outcome = serve(dir.path(), {"--config", shared.string()});
  ASSERT_TRUE(outcome.exit_code.has_value());
  EXPECT_EQ(*outcome.exit_code, 2) << outcome.said;
  EXPECT_TRUE(contains(outcome.said, "listen.admin: \"ipc://" +
                                         (dir.path() / "router.sock").string() +
                                         "\" is also listen.ingest"))
      << outcome.said;
  auto inproc = write_config(dir.path(), "inproc.json", {{"ingest", "inproc://coexist"}});
  outcome = serve(dir.path(), {"--config", inproc.string()});
  ASSERT_TRUE(outcome.exit_code.has_value());
  EXPECT_EQ(*outcome.exit_code, 2) << outcome.said;
  EXPECT_TRUE(contains(outcome.said, "listen.ingest: \"inproc://coexist\" is an inproc://"))
      << outcome.said;
  EXPECT_FALSE(fs::exists(dir.path() / "journal"));
}

}  // namespace
}  // namespace coexist::test
