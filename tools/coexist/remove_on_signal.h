#pragma once

// Removes a half-written file when a signal ends the process before the file is complete:
// Ctrl-C (SIGINT), `timeout` and service managers (SIGTERM), a closed terminal (SIGHUP), SIGQUIT,
// SIGXFSZ (the write itself passed `ulimit -f`), SIGXCPU (`ulimit -t`), and the signals whose
// default also ends a process that scripts send (SIGALRM, SIGUSR1, SIGUSR2, SIGVTALRM). The handler unlinks the file, puts back the
// action the signal had before and raises it again, so the signal then does what it would have
// done anyway: the process still ends "killed by SIGINT" (exit status 130 in the shell), with a
// core dump where the default makes one. A signal that was ignored when the guard was made
// (`nohup` ignores SIGHUP) stays ignored: it cannot end the process, so there is nothing to
// clean. SIGPIPE is not handled: `coexist` ignores it (main.cc), and writing a regular file never
// raises it. SIGKILL cannot be caught: a `kill -9` can still leave the file behind.
//
// The path is copied into a static buffer when the guard is made, since a handler may only call
// async-signal-safe functions. At most one guard may exist at a time (the CLI writes at most one
// --out file); creating a second is a programmer error.

#include <filesystem>

namespace coexist::cli {

class RemoveOnSignal {
 public:
  // Arms removal of `path` (which need not exist yet: arm it before creating the file, so no
  // moment is left where the file exists unguarded). A path too long for the buffer is not
  // guarded; the file system refuses to create it anyway (ENAMETOOLONG).
  explicit RemoveOnSignal(const std::filesystem::path& path);
  // Disarms and puts back the signals' earlier actions.
  ~RemoveOnSignal();
  RemoveOnSignal(const RemoveOnSignal&) = delete;
  RemoveOnSignal& operator=(const RemoveOnSignal&) = delete;
};

}  // namespace coexist::cli
