#pragma once

// Private to model/: scanning short strings eight bytes at a time with the exact "has a zero
// byte" / "has a byte less than n" tricks (Bit Twiddling Hacks, valid for n <= 128). The hot
// path asks of every string whether it holds a byte of some small class; most hold none.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace coexist::detail {

inline constexpr std::uint64_t kEveryByte = 0x0101010101010101;
inline constexpr std::uint64_t kEveryHighBit = 0x8080808080808080;

inline std::uint64_t load_word(const char* bytes) {
  std::uint64_t word = 0;
  std::memcpy(&word, bytes, sizeof(word));
  return word;
}

// Whether some byte of `word` is < `limit` (limit <= 128).
constexpr bool has_byte_below(std::uint64_t word, std::uint64_t limit) {
  return ((word - kEveryByte * limit) & ~word & kEveryHighBit) != 0;
}

// Whether some byte of `word` equals `byte`.
constexpr bool has_byte(std::uint64_t word, unsigned char byte) {
  return has_byte_below(word ^ (kEveryByte * byte), 1);
}

// Whether `word_test` holds for some word of `text` (the last word overlapping the one before
// it), or `byte_test` for some byte when `text` is shorter than a word.
template <typename WordTest, typename ByteTest>
bool any_byte(std::string_view text, WordTest word_test, ByteTest byte_test) {
  constexpr std::size_t kWord = sizeof(std::uint64_t);
  if (text.size() < kWord) {
    for (char c : text) {
      if (byte_test(static_cast<unsigned char>(c))) return true;
    }
    return false;
  }
  const std::size_t last_word = text.size() - kWord;
  for (std::size_t i = 0; i < last_word; i += kWord) {
    if (word_test(load_word(text.data() + i))) return true;
  }
  return word_test(load_word(text.data() + last_word));
}

}  // namespace coexist::detail
