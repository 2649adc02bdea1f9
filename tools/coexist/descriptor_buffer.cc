#include "tools/coexist/descriptor_buffer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "model/assert.h"

namespace coexist::cli {

DescriptorBuffer::~DescriptorBuffer() {
  if (descriptor_ >= 0) ::close(descriptor_);
}

void DescriptorBuffer::attach(int descriptor) {
  COEXIST_ASSERT(descriptor_ < 0 && descriptor >= 0);
  descriptor_ = descriptor;
  setp(buffer_.data(), buffer_.data() + buffer_.size());
}

bool DescriptorBuffer::flush() {
  const auto buffered = static_cast<std::size_t>(pptr() - pbase());
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  return write_all(buffer_.data(), buffered);
}

bool DescriptorBuffer::close() {
  if (descriptor_ < 0) return error_ == 0;
  bool flushed = flush();
  // Linux releases the descriptor even when close() fails: never retry it.
  if (::close(descriptor_) != 0 && error_ == 0) error_ = errno;
  descriptor_ = -1;
  return flushed && error_ == 0;
}

DescriptorBuffer::int_type DescriptorBuffer::overflow(int_type character) {
  if (!flush()) return traits_type::eof();
  if (traits_type::eq_int_type(character, traits_type::eof())) return traits_type::not_eof(0);
  *pptr() = traits_type::to_char_type(character);
  pbump(1);
  return character;
}

// The export hands over about 1 MiB at a time: a block at least the buffer's size goes straight
// to write(2) instead of being copied through it.
std::streamsize DescriptorBuffer::xsputn(const char* data, std::streamsize size) {
  const auto bytes = static_cast<std::size_t>(size);
  if (bytes <= static_cast<std::size_t>(epptr() - pptr())) {
    std::memcpy(pptr(), data, bytes);
    pbump(static_cast<int>(size));  // at most kBufferBytes
    return size;
  }
  if (!flush()) return 0;
  if (bytes >= buffer_.size()) return write_all(data, bytes) ? size : 0;
  std::memcpy(pptr(), data, bytes);
  pbump(static_cast<int>(size));
  return size;
}

int DescriptorBuffer::sync() { return flush() ? 0 : -1; }

bool DescriptorBuffer::write_all(const char* data, std::size_t size) {
  if (error_ != 0) return false;
  if (descriptor_ < 0) {
    error_ = EBADF;
    return false;
  }
  while (size > 0) {
    ssize_t written = ::write(descriptor_, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {  // 0 for a non-empty write would loop forever: count it as an I/O error
      error_ = written < 0 ? errno : EIO;
      return false;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

}  // namespace coexist::cli
