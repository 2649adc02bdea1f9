#include "tools/coexist/remove_on_signal.h"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <string>

#include "model/assert.h"

namespace coexist::cli {

namespace {

// The signals whose default action ends the process and that a user, a supervisor or our own
// writes (SIGXFSZ) may send while a file is half-written.
constexpr std::array<int, 10> kSignals = {SIGHUP,  SIGINT,  SIGQUIT,   SIGTERM, SIGXFSZ,
                                          SIGALRM, SIGUSR1, SIGUSR2,   SIGXCPU, SIGVTALRM};

struct GuardedSignal {
  int number = 0;
  bool installed = false;  // false: it was ignored, and is left so
  struct sigaction previous {};
};

// Shared with the handler. They change only while `armed` is 0 (the path) or while no handler of
// ours is installed (the signals), so the handler never sees them half-written.
char partial_path[PATH_MAX];
volatile std::sig_atomic_t armed = 0;
std::array<GuardedSignal, kSignals.size()> guarded_signals;
bool guard_exists = false;  // not the handler's: catches a second guard

extern "C" void remove_partial_and_reraise(int signal_number) {
  const int saved_errno = errno;
  if (armed != 0) ::unlink(partial_path);
  for (const GuardedSignal& guarded : guarded_signals) {
    if (guarded.number == signal_number && guarded.installed) {
      ::sigaction(signal_number, &guarded.previous, nullptr);
    }
  }
  // Blocked while this handler runs (it is not SA_NODEFER): the earlier action takes it as soon
  // as the handler returns, so the process ends as the signal would have ended it without us.
  ::raise(signal_number);
  errno = saved_errno;
}

}  // namespace

RemoveOnSignal::RemoveOnSignal(const std::filesystem::path& path) {
  COEXIST_ASSERT(!guard_exists);
  guard_exists = true;
  const std::string& text = path.native();
  if (text.size() < sizeof(partial_path)) {
    std::memcpy(partial_path, text.c_str(), text.size() + 1);
    std::atomic_signal_fence(std::memory_order_seq_cst);  // the path before the flag
    armed = 1;
  }
  struct sigaction action {};
  action.sa_handler = remove_partial_and_reraise;
  sigemptyset(&action.sa_mask);
  for (int number : kSignals) sigaddset(&action.sa_mask, number);  // one cleanup at a time
  action.sa_flags = SA_RESTART;
  for (std::size_t i = 0; i < kSignals.size(); ++i) {
    GuardedSignal& guarded = guarded_signals[i];
    guarded.number = kSignals[i];
    guarded.installed = false;
    if (::sigaction(guarded.number, nullptr, &guarded.previous) != 0) continue;
    const bool ignored =
        (guarded.previous.sa_flags & SA_SIGINFO) == 0 && guarded.previous.sa_handler == SIG_IGN;
    if (ignored) continue;
    guarded.installed = ::sigaction(guarded.number, &action, nullptr) == 0;
  }
}

RemoveOnSignal::~RemoveOnSignal() {
  armed = 0;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  for (GuardedSignal& guarded : guarded_signals) {
    if (guarded.installed) ::sigaction(guarded.number, &guarded.previous, nullptr);
    guarded.installed = false;
  }
  guard_exists = false;
}

}  // namespace coexist::cli
