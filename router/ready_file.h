#pragma once

// `coexist serve --ready-file F`: JSON with the bound endpoints and the pid, for the scripts and
// tests that wait for a router. Written in two steps: `prepare` writes F.tmp once every listener
// is bound and before start-up writes anything to the journal, so a ready file that cannot be
// written stops start-up with nothing recorded; `publish` renames it to F once the router is
// about to serve, so a reader never sees half a file. A clean stop removes F.

#include <filesystem>
#include <nlohmann/json.hpp>

#include "model/status.h"

namespace coexist::router {

class ReadyFile {
 public:
  // An empty path means no ready file: every step then succeeds and does nothing.
  explicit ReadyFile(std::filesystem::path file);
  // Removes F.tmp when it was prepared but never published (start-up failed in between).
  ~ReadyFile();
  ReadyFile(const ReadyFile&) = delete;
  ReadyFile& operator=(const ReadyFile&) = delete;

  // Writes `content` to F.tmp. Errors (io_error) name the file and the system's reason; F.tmp is
  // then removed.
  [[nodiscard]] Status prepare(const nlohmann::json& content);
  // Renames F.tmp to F; on failure F.tmp is removed and the error names F and the reason.
  [[nodiscard]] Status publish();
  // Removes F. A failure (F replaced by a directory that is not empty, say) is returned for the
  // caller to report: the router has stopped all the same.
  [[nodiscard]] Status remove();

 private:
  void discard_temporary();

  std::filesystem::path file_;
  std::filesystem::path temporary_;
  bool temporary_written_ = false;
};

}  // namespace coexist::router
