#pragma once

// A std::streambuf that writes to a file descriptor it owns. std::ofstream can only open a path;
// `--out /dev/stdout` must write through the descriptor the shell opened (reopening the path
// would truncate a `>>` log), and every failure must say why, so this keeps errno of the first
// write that failed. After a failure every later write fails too: the output is already broken.
// Not thread-safe (one writer).

#include <cstddef>
#include <streambuf>
#include <vector>

namespace coexist::cli {

class DescriptorBuffer final : public std::streambuf {
 public:
  DescriptorBuffer() = default;
  ~DescriptorBuffer() override;  // closes without flushing: close() is the checked way
  DescriptorBuffer(const DescriptorBuffer&) = delete;
  DescriptorBuffer& operator=(const DescriptorBuffer&) = delete;

  // Takes ownership of an open descriptor (the buffer must not hold one already).
  void attach(int descriptor);
  [[nodiscard]] int descriptor() const { return descriptor_; }

  // Writes out what is buffered; false when the descriptor refused it (see error()).
  [[nodiscard]] bool flush();
  // Flushes and closes; false on any failure (see error()). Closed afterwards either way.
  [[nodiscard]] bool close();
  // errno of the first failed write or close, 0 if none failed.
  [[nodiscard]] int error() const { return error_; }

 protected:
  int_type overflow(int_type character) override;
  std::streamsize xsputn(const char* data, std::streamsize size) override;
  int sync() override;

 private:
  static constexpr std::size_t kBufferBytes = 64 * 1024;

  bool write_all(const char* data, std::size_t size);

  int descriptor_ = -1;
  int error_ = 0;
  std::vector<char> buffer_ = std::vector<char>(kBufferBytes);
};

}  // namespace coexist::cli
