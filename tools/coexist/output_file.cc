#include "tools/coexist/output_file.h"

#include <unistd.h>

#include <cstdio>

namespace coexist::cli {

OutputFile::OutputFile(std::string path)
    : path_(std::move(path)), partial_path_(path_ + ".partial-" + std::to_string(getpid())) {}

OutputFile::~OutputFile() {
  if (committed_) return;
  if (stream_.is_open()) stream_.close();
  (void)std::remove(partial_path_.c_str());
}

bool OutputFile::open() {
  stream_.open(partial_path_, std::ios::binary | std::ios::trunc);
  return stream_.is_open();
}

bool OutputFile::commit() {
  stream_.flush();
  bool written = static_cast<bool>(stream_);
  stream_.close();
  if (!written || std::rename(partial_path_.c_str(), path_.c_str()) != 0) return false;
  committed_ = true;
  return true;
}

}  // namespace coexist::cli
