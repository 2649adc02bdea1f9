#pragma once

// Starts a real binary under ptrace(2) and holds it at a chosen point of its work: when it is about
// to write(2) to a file whose path contains a given text. A test can then look at the files and
// send a signal while the program is known to be mid-way, instead of racing it with a timer
// (which a fast run or a busy machine would win or lose by chance). Released, the program runs
// on untraced and takes the signal before its next instruction. Linux only; needs to be allowed
// to trace its own children (the default, unless Yama's ptrace_scope is 3 or seccomp forbids it).
// Only the main thread is traced; threads the program starts run freely.

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/process.h"

namespace coexist::test {

class TracedProcess {
 public:
  // Starts `program` stopped at its first instruction; stdout and stderr go to files.
  TracedProcess(const std::filesystem::path& program, const std::vector<std::string>& arguments,
                const std::filesystem::path& stdout_file,
                const std::filesystem::path& stderr_file) {
    ExecArgv argv(program, arguments);
    pid_ = ::fork();
    if (pid_ == 0) {
      redirect_standard_streams(::open("/dev/null", O_RDONLY),
                                ::open(stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644),
                                ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
      if (::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) != 0) ::_exit(126);
      ::execv(argv.get()[0], argv.get());  // stops with SIGTRAP once the new program is loaded
      ::_exit(127);
    }
    int status = 0;
    traced_ =
        pid_ > 0 && ::waitpid(pid_, &status, 0) == pid_ && WIFSTOPPED(status) &&
        ::ptrace(
            PTRACE_SETOPTIONS, pid_, nullptr,
            reinterpret_cast<void*>(std::intptr_t{PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL})) == 0;
  }
  ~TracedProcess() {
    if (pid_ > 0 && !exit_code_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  TracedProcess(const TracedProcess&) = delete;
  TracedProcess& operator=(const TracedProcess&) = delete;

  // Runs the program until it enters write(2) (or writev, pwrite…) on a descriptor whose path
  // contains `text`, and holds it there (the write not done yet). False if it ends first or cannot
  // be traced.
  bool run_until_write_to(const std::string& text) {
    if (!traced_) return false;
    int pass_on = 0;  // a signal meant for the program, handed back to it
    for (;;) {
      if (::ptrace(PTRACE_SYSCALL, pid_, nullptr,
                   reinterpret_cast<void*>(std::intptr_t{pass_on})) != 0) {
        return false;
      }
      pass_on = 0;
      int status = 0;
      if (::waitpid(pid_, &status, 0) != pid_) return false;
      if (WIFEXITED(status) || WIFSIGNALED(status)) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return false;
      }
      if (!WIFSTOPPED(status)) continue;
      if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {  // not a system call stop
        pass_on = WSTOPSIG(status);
        continue;
      }
      __ptrace_syscall_info call{};
      if (::ptrace(PTRACE_GET_SYSCALL_INFO, pid_,
                   reinterpret_cast<void*>(std::uintptr_t{sizeof call}), &call) <= 0) {
        return false;
      }
      if (call.op != PTRACE_SYSCALL_INFO_ENTRY || !is_write(call.entry.nr)) continue;
      std::error_code not_a_file;
      auto path = std::filesystem::read_symlink(
          "/proc/" + std::to_string(pid_) + "/fd/" + std::to_string(call.entry.args[0]),
          not_a_file);
      if (!not_a_file && path.string().find(text) != std::string::npos) return true;
    }
  }

  // Sends `signal_number` to the held program, lets it go untraced and waits for it to end:
  // its exit code, 128 + the signal's number if a signal ended it; nullopt if still running
  // after `limit`.
  std::optional<int> signal_and_release(int signal_number, std::chrono::milliseconds limit) {
    ::kill(pid_, signal_number);  // pending: it is taken when the program runs again
    ::ptrace(PTRACE_DETACH, pid_, nullptr, nullptr);
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      int status = 0;
      pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_ && (WIFEXITED(status) || WIFSIGNALED(status))) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_code_;
      }
      if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  // False when the program could not be started under ptrace (not allowed here, or no program).
  [[nodiscard]] bool traced() const { return traced_; }
  [[nodiscard]] std::optional<int> exit_code() const { return exit_code_; }

 private:
  // The system calls that write to a descriptor given as their first argument (std::ofstream,
  // for one, writes with writev).
  static bool is_write(std::uint64_t number) {
    for (long call : {SYS_write, SYS_writev, SYS_pwrite64, SYS_pwritev, SYS_pwritev2}) {
      if (number == static_cast<std::uint64_t>(call)) return true;
    }
    return false;
  }

  pid_t pid_ = -1;
  bool traced_ = false;
  std::optional<int> exit_code_;
};

}  // namespace coexist::test
