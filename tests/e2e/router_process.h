#pragma once

// A real `coexist serve` in a temp dir on free ports (tcp://127.0.0.1:* and 127.0.0.1:0, the
// bound ones read back from --ready-file), stopped by PID.

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "tests/support/process.h"

namespace coexist::test {

inline std::filesystem::path binary(const std::string& name) {
  return std::filesystem::path(COEXIST_BIN_DIR) / name;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class RouterProcess {
 public:
  explicit RouterProcess(const std::filesystem::path& work_dir, nlohmann::json config_patch = {})
      : work_dir_(work_dir) {
    nlohmann::json config = {
        {"journal", {{"path", "journal"}}},
        {"listen", {{"ingest", "tcp://127.0.0.1:*"}, {"admin", "tcp://127.0.0.1:*"}, {"http", "127.0.0.1:0"}}},
    };
    if (config_patch.is_object()) config.merge_patch(config_patch);
    config_path_ = work_dir / "config.json";
    std::ofstream(config_path_) << config.dump(2);
    journal_dir_ = work_dir / "journal";
  }

  // Starts the router and waits until it is ready; false (with its stderr in the test log) if not.
  bool start() {
    auto ready_file = work_dir_ / "ready.json";
    std::filesystem::remove(ready_file);
    ++starts_;
    process_ = std::make_unique<ChildProcess>(
        binary("coexist"),
        std::vector<std::string>{"serve", "--config", config_path_.string(), "--ready-file", ready_file.string()},
        stdout_file(), stderr_file());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!std::filesystem::exists(ready_file)) {
      if (!process_->running() || process_->wait_for_exit(std::chrono::milliseconds(10))) {
        ADD_FAILURE() << "coexist serve exited early:\n" << read_file(stderr_file());
        return false;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "coexist serve not ready in 20 s:\n" << read_file(stderr_file());
        return false;
      }
    }
    auto ready = nlohmann::json::parse(read_file(ready_file));
    ingest_ = ready["ingest"];
    http_ = ready["http"];
    return true;
  }

  // SIGTERM and wait; returns the exit code (-1 if it did not stop in 30 s).
  int stop() {
    process_->signal(SIGTERM);
    return process_->wait_for_exit(std::chrono::seconds(30)).value_or(-1);
  }
  void kill_hard() {
    process_->signal(SIGKILL);
    (void)process_->wait_for_exit(std::chrono::seconds(10));
  }

  [[nodiscard]] const std::string& ingest() const { return ingest_; }
  [[nodiscard]] const std::string& http() const { return http_; }
  [[nodiscard]] const std::filesystem::path& journal_dir() const { return journal_dir_; }
  [[nodiscard]] const std::filesystem::path& config_path() const { return config_path_; }
  [[nodiscard]] std::filesystem::path stdout_file() const {  // the log
    return work_dir_ / ("serve-" + std::to_string(starts_) + ".out");
  }
  [[nodiscard]] std::filesystem::path stderr_file() const {
    return work_dir_ / ("serve-" + std::to_string(starts_) + ".err");
  }
  [[nodiscard]] ChildProcess& process() { return *process_; }

 private:
  std::filesystem::path work_dir_;
  std::filesystem::path config_path_;
  std::filesystem::path journal_dir_;
  std::unique_ptr<ChildProcess> process_;
  std::string ingest_;
  std::string http_;
  int starts_ = 0;
};

// A DEALER client of the ingest socket.
class IngestClient {
 public:
  explicit IngestClient(const std::string& endpoint, zmq::socket_type type = zmq::socket_type::dealer)
      : socket_(context_, type) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.connect(endpoint);
  }
  void send(const std::string& frame) { (void)socket_.send(zmq::buffer(frame), zmq::send_flags::none); }
  void send_frames(const std::vector<std::string>& frames) {
    for (std::size_t i = 0; i < frames.size(); ++i) {
      auto flags = i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
      (void)socket_.send(zmq::buffer(frames[i]), flags);
    }
  }
  std::optional<std::string> receive(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    socket_.set(zmq::sockopt::rcvtimeo, static_cast<int>(limit.count()));
    zmq::message_t reply;
    if (!socket_.recv(reply, zmq::recv_flags::none)) return std::nullopt;
    return reply.to_string();
  }
  // One request, one reply, parsed.
  nlohmann::json request(const std::string& frame) {
    send(frame);
    auto reply = receive();
    EXPECT_TRUE(reply.has_value()) << "no reply to " << frame.substr(0, 200);
    return reply ? nlohmann::json::parse(*reply) : nlohmann::json();
  }

 private:
  zmq::context_t context_{1};
  zmq::socket_t socket_;
};

}  // namespace coexist::test
