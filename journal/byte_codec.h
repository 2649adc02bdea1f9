#pragma once

// Big-endian integers and length-prefixed strings: the building blocks of every persistent
// grammar in journal/ (format.h, rules_history.h). Writers append to a std::string; ByteReader
// reads back and refuses to step past the end.

#include <cstdint>
#include <string>
#include <string_view>

#include "model/assert.h"

namespace coexist::journal {

inline void put_unsigned(std::string& out, std::uint64_t value, int width_bytes) {
  for (int shift = (width_bytes - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}
inline void put_u16(std::string& out, std::uint16_t value) { put_unsigned(out, value, 2); }
inline void put_u32(std::string& out, std::uint32_t value) { put_unsigned(out, value, 4); }
inline void put_u64(std::string& out, std::uint64_t value) { put_unsigned(out, value, 8); }

// str := len:u16 byte[len]. Longer strings are a programmer error (model/limits.h keeps them
// far shorter).
inline void put_str(std::string& out, std::string_view text) {
  COEXIST_ASSERT(text.size() <= 0xffff);
  put_u16(out, static_cast<std::uint16_t>(text.size()));
  out.append(text);
}

inline std::uint32_t get_u32(const unsigned char* bytes) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | bytes[i];
  return value;
}

inline std::uint64_t get_u64(const unsigned char* bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | bytes[i];
  return value;
}

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

  bool u8(std::uint8_t& value) { return narrow(1, value); }
  bool u32(std::uint32_t& value) { return narrow(4, value); }
  bool u64(std::uint64_t& value) { return unsigned_be(8, value); }
  bool i64(std::int64_t& value) {
    std::uint64_t wide = 0;
    if (!unsigned_be(8, wide)) return false;
    value = static_cast<std::int64_t>(wide);
    return true;
  }
  bool str(std::string_view& value) {
    std::uint16_t length = 0;
    return narrow(2, length) && bytes(length, value);
  }
  bool bytes(std::size_t length, std::string_view& value) {
    if (bytes_.size() - position_ < length) return false;
    value = bytes_.substr(position_, length);
    position_ += length;
    return true;
  }
  [[nodiscard]] bool at_end() const { return position_ == bytes_.size(); }

 private:
  template <typename Narrow>
  bool narrow(std::size_t width, Narrow& value) {
    std::uint64_t wide = 0;
    if (!unsigned_be(width, wide)) return false;
    value = static_cast<Narrow>(wide);
    return true;
  }
  bool unsigned_be(std::size_t width, std::uint64_t& value) {
    if (bytes_.size() - position_ < width) return false;
    value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      value = (value << 8) | static_cast<unsigned char>(bytes_[position_ + i]);
    }
    position_ += width;
    return true;
  }

  std::string_view bytes_;
  std::size_t position_ = 0;
};

}  // namespace coexist::journal
