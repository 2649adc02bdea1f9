#include "tools/coexist/output_file.h"

#include <unistd.h>

namespace coexist::cli {

namespace fs = std::filesystem;

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {}

OutputFile::~OutputFile() {
  if (committed_ || !partial_) return;
  if (stream_.is_open()) stream_.close();
  std::error_code ignored;
  fs::remove(*partial_, ignored);
}

bool OutputFile::open() {
  std::error_code not_there;  // set for a path that does not exist yet: that is fine
  fs::file_status status = fs::status(path_, not_there);  // follows symbolic links
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    stream_.open(path_, std::ios::binary | std::ios::trunc);  // a FIFO or device: in place
    return stream_.is_open();
  }
  // A symbolic link stays one: its target is what gets replaced.
  std::error_code error;
  target_ = fs::exists(status) ? fs::canonical(path_, error) : fs::path(path_);
  if (error) return false;
  if (fs::exists(status)) permissions_ = status.permissions();
  partial_ = target_;
  partial_->concat(".partial-" + std::to_string(getpid()));
  stream_.open(*partial_, std::ios::binary | std::ios::trunc);
  return stream_.is_open();
}

bool OutputFile::commit() {
  stream_.flush();
  bool written = static_cast<bool>(stream_);
  stream_.close();
  if (!written) return false;
  if (partial_) {
    std::error_code error;
    if (permissions_) fs::permissions(*partial_, *permissions_, fs::perm_options::replace, error);
    if (error) return false;
    fs::rename(*partial_, target_, error);
    if (error) return false;
  }
  committed_ = true;
  return true;
}

}  // namespace coexist::cli
