#include "model/timestamp.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

#include "model/date.h"

namespace coexist {

std::string format_rfc3339_utc(std::int64_t unix_us) {
  std::time_t seconds = static_cast<std::time_t>(unix_us / 1'000'000);
  auto micros = static_cast<long>(unix_us % 1'000'000);
  if (micros < 0) {
    micros += 1'000'000;
    --seconds;
  }
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", parts.tm_year + 1900,
                parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, micros);
  return text;
}

// 1900-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z: the years is_valid_date() takes, so that
// every parsed instant is written back (format_rfc3339_utc) as text that parses again.
constexpr std::int64_t kFirstInstantUs = -2'208'988'800'000'000;
constexpr std::int64_t kLastInstantUs = 253'402'300'799'999'999;

std::optional<std::int64_t> parse_rfc3339_utc(const std::string& text) {
  if (text.size() < 10 || !is_valid_date(text.substr(0, 10))) return std::nullopt;
  std::tm parts{};
  parts.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  parts.tm_mon = std::stoi(text.substr(5, 2)) - 1;
  parts.tm_mday = std::stoi(text.substr(8, 2));
  std::int64_t fraction_us = 0;
  std::int64_t offset_s = 0;
  if (text.size() > 10) {
    // "THH:MM:SS" then an optional ".f{1,6}" then "Z", every digit checked (no signs, no spaces).
    auto digits = [&](std::size_t at, std::size_t count) {
      if (text.size() < at + count) return -1;
      int value = 0;
      for (std::size_t i = at; i < at + count; ++i) {
        if (std::isdigit(static_cast<unsigned char>(text[i])) == 0) return -1;
        value = value * 10 + (text[i] - '0');
      }
      return value;
    };
    // RFC 3339 (section 5.6, note) allows "t" and "z" in lower case.
    if (text.size() < 20 || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
        text[16] != ':')
      return std::nullopt;
    int hour = digits(11, 2);
    int minute = digits(14, 2);
    int second = digits(17, 2);
    if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 60)
      return std::nullopt;
    std::size_t at = 19;
    if (text[at] == '.') {
      std::size_t end_of_fraction = at + 1;
      while (end_of_fraction < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[end_of_fraction])) != 0) {
        ++end_of_fraction;
      }
      // Any number of digits, as RFC 3339 allows (Go and Java print nine): the journal keeps
      // microseconds, so digits past the sixth are dropped, which rounds towards the past.
      std::size_t count = end_of_fraction - at - 1;
      if (count == 0) return std::nullopt;
      const std::size_t kept = std::min<std::size_t>(count, 6);
      fraction_us = digits(at + 1, kept);
      for (std::size_t i = kept; i < 6; ++i) fraction_us *= 10;
      at = end_of_fraction;
    }
    // "Z", or a numeric offset "+01:00" / "-05:30": the instant is then the local time minus it.
    if (at < text.size() && (text[at] == '+' || text[at] == '-') && at + 6 == text.size() &&
        text[at + 3] == ':') {
      int offset_hours = digits(at + 1, 2);
      int offset_minutes = digits(at + 4, 2);
      if (offset_hours < 0 || offset_minutes < 0 || offset_hours > 23 || offset_minutes > 59) {
        return std::nullopt;
      }
      offset_s = (offset_hours * 3600 + offset_minutes * 60) * (text[at] == '-' ? -1 : 1);
    } else if (at + 1 != text.size() || (text[at] != 'Z' && text[at] != 'z')) {
      return std::nullopt;
    }
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_sec = second;
  }
  const std::int64_t unix_us =
      (static_cast<std::int64_t>(timegm(&parts)) - offset_s) * 1'000'000 + fraction_us;
  // An offset may carry the instant out of those years ("9999-12-31T23:00:00-23:00" is in 10000).
  if (unix_us < kFirstInstantUs || unix_us > kLastInstantUs) return std::nullopt;
  return unix_us;
}

}  // namespace coexist
