#pragma once

// A file written in full or not at all: the text goes to PATH.partial-PID beside it and is renamed
// onto PATH by commit(), so a command that fails half-way (or never starts writing) leaves
// whatever PATH held before. The partial file is removed if commit() is never reached.

#include <fstream>
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
  // Flushes, closes and renames onto the path; false (and the old file kept) on any failure.
  [[nodiscard]] bool commit();
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string partial_path_;
  std::ofstream stream_;
  bool committed_ = false;
};

}  // namespace coexist::cli
