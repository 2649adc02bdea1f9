#pragma once

// A file written in full or not at all. When PATH is (or links to) a regular file, or does not
// exist yet, the text goes to TARGET.partial-PID beside the file itself and is renamed onto it by
// commit() once it is on disk, keeping the old file's permissions: a command that fails half-way leaves whatever
// PATH held before. Anything else (a FIFO, /dev/stdout, a device) is written in place. The
// partial file is removed if commit() is never reached.

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

namespace coexist::cli {

class OutputFile {
 public:
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  [[nodiscard]] bool open();
  [[nodiscard]] std::ostream& stream() { return stream_; }
  // Flushes, closes and (for a regular file) fsyncs, renames onto the path and fsyncs the
  // directory when it can be opened; false on any failure. A failure before the rename leaves
  // the old contents; only the directory's fsync comes after it (the new file is then in place
  // but maybe not durable).
  [[nodiscard]] bool commit();
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::filesystem::path target_;                 // the regular file renamed onto
  std::optional<std::filesystem::path> partial_;  // set when written beside it
  std::optional<std::filesystem::perms> permissions_;  // the old file's, kept
  std::ofstream stream_;
  bool committed_ = false;
};

}  // namespace coexist::cli
