#include "model/canonical_json.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "model/amount_text.h"
#include "model/assert.h"
#include "model/byte_scan.h"

// Hot-path design: output goes through a raw cursor into a string grown up front to the size
// the transaction needs when nothing must be escaped (the common case), each string is scanned
// for escapes eight bytes at a time and then copied in one go, and keys are literals whose
// copies compile to a few moves. Each put() checks the remaining room (one compare); the string
// grows only if escapes outgrow the estimate, and is trimmed to the written length at the end.

namespace coexist {
namespace {

// How nlohmann::json::dump() (ensure_ascii = false) writes each byte inside a string: 0 copies
// the byte, 'u' writes \u00XX with lower-case hex, anything else is the letter after a
// backslash. DEL (0x7f) and every byte >= 0x80 (valid UTF-8, checked at parse time) are copied.
constexpr std::array<char, 256> make_escape_table() {
  std::array<char, 256> table{};
  for (std::size_t c = 0; c < 0x20; ++c) table[c] = 'u';
  table['\b'] = 'b';
  table['\t'] = 't';
  table['\n'] = 'n';
  table['\f'] = 'f';
  table['\r'] = 'r';
  table['"'] = '"';
  table['\\'] = '\\';
  return table;
}
constexpr std::array<char, 256> kEscape = make_escape_table();

class Writer {
 public:
  Writer(std::string& out, std::size_t expected_size) : out_(out) {
    const std::size_t used = out_.size();
    out_.resize(used + expected_size);
    cursor_ = out_.data() + used;
    end_ = out_.data() + out_.size();
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void put(char c) {
    make_room(1);
    *cursor_++ = c;
  }
  void put(std::string_view text) {
    make_room(text.size());
    copy(text.data(), text.size());
    cursor_ += text.size();
  }
  // Trims `out` to what was written; call once, last.
  void finish() { out_.resize(static_cast<std::size_t>(cursor_ - out_.data())); }

 private:
  void make_room(std::size_t size) {
    if (static_cast<std::size_t>(end_ - cursor_) < size) [[unlikely]]
      grow(size);
  }
  [[gnu::noinline]] void grow(std::size_t size) {
    const auto used = static_cast<std::size_t>(cursor_ - out_.data());
    out_.resize(std::max(out_.size() * 2, used + size));
    cursor_ = out_.data() + used;
    end_ = out_.data() + out_.size();
  }
  // Most strings here are a few bytes long: copying them with overlapping fixed-size moves
  // saves a call to memcpy each.
  void copy(const char* from, std::size_t size) {
    if (size >= 8 && size <= 16) {
      move_bytes<8>(from, 0);
      move_bytes<8>(from, size - 8);
    } else if (size >= 4 && size < 8) {
      move_bytes<4>(from, 0);
      move_bytes<4>(from, size - 4);
    } else if (size > 0 && size < 4) {
      cursor_[0] = from[0];
      cursor_[size / 2] = from[size / 2];
      cursor_[size - 1] = from[size - 1];
    } else if (size > 16) {
      std::memcpy(cursor_, from, size);
    }
  }
  template <std::size_t kSize>
  void move_bytes(const char* from, std::size_t offset) {
    char bytes[kSize];
    std::memcpy(bytes, from + offset, kSize);
    std::memcpy(cursor_ + offset, bytes, kSize);
  }

  std::string& out_;
  char* cursor_ = nullptr;
  char* end_ = nullptr;
};

// Whether some byte of `text` needs escaping (< 0x20, '"' or '\\'). Most strings need none, and
// this check, eight bytes at a time, is all they cost.
bool has_escapes(std::string_view text) {
  return detail::any_byte(
      text,
      [](std::uint64_t word) {
        return detail::has_byte_below(word, 0x20) || detail::has_byte(word, '"') ||
               detail::has_byte(word, '\\');
      },
      [](unsigned char byte) { return kEscape[byte] != 0; });
}

void write_escaped(Writer& writer, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t run_begin = 0;  // bytes [run_begin, i) need no escaping: copied in one go
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const char escape = kEscape[byte];
    if (escape == 0) continue;
    writer.put(text.substr(run_begin, i - run_begin));
    run_begin = i + 1;
    writer.put('\\');
    writer.put(escape);
    if (escape == 'u') {
      writer.put("00");
      writer.put(kHex[byte >> 4]);
      writer.put(kHex[byte & 0xf]);
    }
  }
  writer.put(text.substr(run_begin));
}

void write_string(Writer& writer, std::string_view text) {
  writer.put('"');
  if (has_escapes(text)) {
    write_escaped(writer, text);
  } else {
    writer.put(text);
  }
  writer.put('"');
}

// Opens an object before its first member, separates the members after it.
void write_separator(Writer& writer, bool& first) {
  writer.put(first ? '{' : ',');
  first = false;
}

// Writes `{"key":` or `,"key":`. Keys are string literals (plain ASCII needing no escapes) so
// that their lengths are constants and the copies compile to a few moves.
template <std::size_t kSize>
void write_key(Writer& writer, const char (&key)[kSize], bool& first) {
  write_separator(writer, first);
  writer.put('"');
  writer.put(std::string_view(key, kSize - 1));
  writer.put('"');
  writer.put(':');
}

template <std::size_t kSize>
void write_field(Writer& writer, const char (&key)[kSize], std::string_view value, bool& first) {
  write_key(writer, key, first);
  write_string(writer, value);
}

template <std::size_t kSize>
void write_optional(Writer& writer, const char (&key)[kSize], std::string_view value, bool& first) {
  if (!value.empty()) write_field(writer, key, value, first);
}

// Line grammar, keys in byte order:
//   {"account":S[,"cost_center":S][,"counterparty":S],("credit"|"debit"):AMOUNT
//    [,"description":S][,"profit_center":S][,"tax_code":S]}
void write_line(Writer& writer, const Line& line, std::uint8_t minor_units) {
  bool first = true;
  write_field(writer, "account", line.account, first);
  write_optional(writer, "cost_center", line.cost_center, first);
  write_optional(writer, "counterparty", line.counterparty, first);
  if (line.side == Side::credit) {
    write_key(writer, "credit", first);
  } else {
    write_key(writer, "debit", first);
  }
  writer.put('"');
  writer.put(detail::AmountText(line.amount_minor, minor_units).view());
  writer.put('"');
  write_optional(writer, "description", line.description, first);
  write_optional(writer, "profit_center", line.profit_center, first);
  write_optional(writer, "tax_code", line.tax_code, first);
  writer.put('}');
}

void write_attributes(Writer& writer, const Transaction& transaction, bool& first) {
  if (transaction.attributes.empty()) return;
  write_key(writer, "attributes", first);
  bool first_attribute = true;
  for (const auto& [name, value] : transaction.attributes) {
    write_separator(writer, first_attribute);
    write_string(writer, name);
    writer.put(':');
    write_string(writer, value);
  }
  writer.put('}');
}

void write_lines(Writer& writer, const Transaction& transaction, bool& first) {
  write_key(writer, "lines", first);
  writer.put('[');
  for (std::size_t i = 0; i < transaction.lines.size(); ++i) {
    if (i != 0) writer.put(',');
    write_line(writer, transaction.lines[i], transaction.minor_units);
  }
  writer.put(']');
}

// Transaction grammar, keys in byte order, optional fields omitted when empty:
//   {["amends":S,]["attributes":{S:S,...},]["correlation_id":S,]"currency":S,
//    ["description":S,]["document_date":S,]"entity":S,"id":S,"lines":[LINE,...],
//    "posting_date":S,["reference":S,]"source":S,["traceparent":S,]"type":S}
void write_transaction(Writer& writer, const Transaction& transaction) {
  bool first = true;
  write_optional(writer, "amends", transaction.amends, first);
  write_attributes(writer, transaction, first);
  write_optional(writer, "correlation_id", transaction.correlation_id, first);
  write_field(writer, "currency", transaction.currency, first);
  write_optional(writer, "description", transaction.description, first);
  write_optional(writer, "document_date", transaction.document_date, first);
  write_field(writer, "entity", transaction.entity, first);
  write_field(writer, "id", transaction.id, first);
  write_lines(writer, transaction, first);
  write_field(writer, "posting_date", transaction.posting_date, first);
  write_optional(writer, "reference", transaction.reference, first);
  write_field(writer, "source", transaction.source, first);
  write_optional(writer, "traceparent", transaction.traceparent, first);
  write_field(writer, "type", transaction.type, first);
  writer.put('}');
}

// The exact output size when no string needs escaping, give or take the amounts' digits.
std::size_t expected_size(const Transaction& transaction) {
  constexpr std::size_t kKeysAndPunctuation = 256;  // every top-level key, quotes, commas
  constexpr std::size_t kLineOverhead = 128;        // a line's keys, quotes and amount digits
  std::size_t size =
      kKeysAndPunctuation + transaction.amends.size() + transaction.correlation_id.size() +
      transaction.currency.size() + transaction.description.size() +
      transaction.document_date.size() + transaction.entity.size() + transaction.id.size() +
      transaction.posting_date.size() + transaction.reference.size() + transaction.source.size() +
      transaction.traceparent.size() + transaction.type.size();
  for (const auto& [name, value] : transaction.attributes) size += name.size() + value.size() + 6;
  for (const Line& line : transaction.lines) {
    size += kLineOverhead + line.account.size() + line.cost_center.size() +
            line.profit_center.size() + line.tax_code.size() + line.counterparty.size() +
            line.description.size();
  }
  return size;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  Writer writer(out, text.size() + 2);
  write_string(writer, text);
  writer.finish();
}

void append_canonical_json(const Transaction& transaction, std::string& out) {
  // The canonical form (and nlohmann's std::map) needs unique attribute names in byte order;
  // the parser guarantees it, so a violation is a programmer error.
  COEXIST_ASSERT(std::adjacent_find(transaction.attributes.begin(), transaction.attributes.end(),
                                    [](const auto& a, const auto& b) {
                                      return a.first >= b.first;
                                    }) == transaction.attributes.end());
  Writer writer(out, expected_size(transaction));
  write_transaction(writer, transaction);
  writer.finish();
}

std::string canonical_json(const Transaction& transaction) {
  std::string out;
  append_canonical_json(transaction, out);
  return out;
}

}  // namespace coexist
