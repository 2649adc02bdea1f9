#pragma once

// The --acks-out file: every ack received, one JSON line each. Each reply's lines go to the
// kernel in one write(2) as soon as the reply arrives, without user-space buffering, so the file
// holds every ack the router sent even when the router is killed mid-run (the crash test reads it
// to know what was acknowledged). Shared by all client threads.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "model/status.h"

namespace coexist::loadgen {

class AckLog {
 public:
  ~AckLog();
  AckLog(const AckLog&) = delete;
  AckLog& operator=(const AckLog&) = delete;

  // Opens `path` for appending, creating it if needed.
  [[nodiscard]] static Result<std::unique_ptr<AckLog>> open(const std::string& path);

  // Appends `lines` (whole lines, each ending in '\n') in one piece: lines of concurrent callers
  // never interleave.
  [[nodiscard]] Status append(std::string_view lines);

 private:
  explicit AckLog(int fd) : fd_(fd) {}
  int fd_;
  std::mutex mutex_;  // a short write is continued before another thread writes
};

}  // namespace coexist::loadgen
