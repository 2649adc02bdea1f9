#pragma once

// Starts a real binary as a child process (fork + execv), with stdout and stderr going to files,
// and stops it by PID. End-to-end tests own the processes they start: the destructor kills a
// child that is still running.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace coexist::test {

// execv's argv: the program, then `arguments`. Owns the strings the pointers point into, so it
// is neither copied nor moved.
class ExecArgv {
 public:
  ExecArgv(const std::filesystem::path& program, const std::vector<std::string>& arguments)
      : storage_{program.string()} {
    storage_.insert(storage_.end(), arguments.begin(), arguments.end());
    for (auto& argument : storage_) pointers_.push_back(argument.data());
    pointers_.push_back(nullptr);
  }
  ExecArgv(const ExecArgv&) = delete;
  ExecArgv& operator=(const ExecArgv&) = delete;
  [[nodiscard]] char* const* get() const { return pointers_.data(); }

 private:
  std::vector<std::string> storage_;
  std::vector<char*> pointers_;
};

// In a forked child: standard input, output and error from and to these descriptors, SIGPIPE
// back to its default (what the program does about it is its own, not this test runner's).
// Exits the child with 127 when a descriptor could not be opened.
inline void redirect_standard_streams(int in, int out, int err) {
  if (in < 0 || out < 0 || err < 0) ::_exit(127);
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(err, 2);
  ::signal(SIGPIPE, SIG_DFL);
}

class ChildProcess {
 public:
  ChildProcess(const std::filesystem::path& program, const std::vector<std::string>& arguments,
               const std::filesystem::path& stdout_file, const std::filesystem::path& stderr_file,
               const std::filesystem::path& stdin_file = "/dev/null")
      : ChildProcess(program, arguments, -1, stderr_file, stdin_file, &stdout_file) {}

  // Standard output goes to `stdout_fd`, an open descriptor of the caller's (a pipe, say), which
  // the caller still owns.
  ChildProcess(const std::filesystem::path& program, const std::vector<std::string>& arguments,
               int stdout_fd, const std::filesystem::path& stderr_file,
               const std::filesystem::path& stdin_file = "/dev/null",
               const std::filesystem::path* stdout_file = nullptr) {
    ExecArgv argv(program, arguments);
    pid_ = ::fork();
    if (pid_ == 0) {
      int in = ::open(stdin_file.c_str(), O_RDONLY);
      int out = stdout_file != nullptr
                    ? ::open(stdout_file->c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644)
                    : stdout_fd;
      int err = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      redirect_standard_streams(in, out, err);
      ::execv(argv.get()[0], argv.get());
      ::_exit(127);
    }
  }
  ~ChildProcess() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      (void)wait_for_exit(std::chrono::seconds(10));
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] bool running() const { return pid_ > 0 && !exit_code_; }

  void signal(int signal_number) const {
    if (pid_ > 0) ::kill(pid_, signal_number);
  }

  // The exit code (128 + signal for a killed child), or nullopt if still running after `limit`.
  std::optional<int> wait_for_exit(std::chrono::milliseconds limit) {
    if (exit_code_) return exit_code_;
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      int status = 0;
      pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_code_;
      }
      if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a command to completion (at most five minutes) and collects its output.
inline CommandResult run_command(const std::filesystem::path& program,
                                 const std::vector<std::string>& arguments,
                                 const std::filesystem::path& work_dir,
                                 const std::filesystem::path& stdin_file = "/dev/null") {
  static int counter = 0;
  auto out_file = work_dir / ("cmd-" + std::to_string(++counter) + ".out");
  auto err_file = work_dir / ("cmd-" + std::to_string(counter) + ".err");
  ChildProcess child(program, arguments, out_file, err_file, stdin_file);
  CommandResult result;
  result.exit_code = child.wait_for_exit(std::chrono::minutes(5)).value_or(-1);
  std::ifstream out(out_file);
  result.out.assign(std::istreambuf_iterator<char>(out), std::istreambuf_iterator<char>());
  std::ifstream err(err_file);
  result.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
  return result;
}

}  // namespace coexist::test
