#pragma once

// `--out PATH`: a file written in full or not at all. A regular file, or a path where nothing
// exists yet, gets the text in TARGET.partial-PID beside it, renamed onto it by commit() once it
// is on disk, with the old file's permissions: a command that fails half-way leaves whatever PATH
// held before. A symbolic link stays one: its target is what gets replaced (or created). A
// descriptor the process already has (/dev/stdout, /dev/fd/N, /proc/self/fd/N) is written through
// that descriptor, so `--out /dev/stdout >> log` appends to the log; anything else under /proc,
// and any existing file that is not a regular one (a FIFO, a device), is written in place.
// output_target.h has the exact rules.
//
// The partial file is removed if commit() is never reached: by the destructor, and by a handler
// for the signals that end a command (SIGINT, SIGTERM, SIGHUP, …; remove_on_signal.h) while it
// exists. Only SIGKILL can leave it behind.
//
// Every failure is a Status whose message names PATH and says why (errno's text), e.g.
// "cannot write shared/export.csv: cannot create a file beside it in shared/ (Permission
// denied); --out replaces the file atomically, so its directory must be writable".

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "model/status.h"
#include "tools/coexist/descriptor_buffer.h"
#include "tools/coexist/output_target.h"
#include "tools/coexist/remove_on_signal.h"

namespace coexist::cli {

class OutputFile {
 public:
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Opens (or creates the partial file for) the path; an error when that cannot be done. Call
  // once, before stream().
  [[nodiscard]] Status open();
  [[nodiscard]] std::ostream& stream() { return stream_; }
  // Flushes and closes; for a replaced file also fsyncs it, renames it onto the target and fsyncs
  // the directory when it can be opened. An error for a write that failed on the way (a full
  // disk) or any of these steps. A failure before the rename leaves the old contents; only the
  // directory's fsync comes after it (the new file is then in place but maybe not durable).
  [[nodiscard]] Status commit();
  [[nodiscard]] const std::string& path() const { return path_; }
  // Whether, once open, the output lands in `file` (the same device and inode: through any name,
  // link or descriptor). False when either does not exist.
  [[nodiscard]] bool writes_to(const std::filesystem::path& file) const;

 private:
  Status open_descriptor();
  Status open_in_place();
  Status create_partial();
  Status replace_target();
  Status error(const std::string& what, int error_number, const std::string& hint = "") const;

  std::string path_;
  OutputTarget target_;
  std::optional<std::filesystem::path> partial_;  // set while the partial file may exist
  std::optional<RemoveOnSignal> removal_;         // guards partial_ against signals
  DescriptorBuffer buffer_;
  std::ostream stream_{&buffer_};
  bool committed_ = false;
};

}  // namespace coexist::cli
