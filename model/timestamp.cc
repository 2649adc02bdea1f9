#include "model/timestamp.h"

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

std::optional<std::int64_t> parse_rfc3339_utc(const std::string& text) {
  if (text.size() < 10 || !is_valid_date(text.substr(0, 10))) return std::nullopt;
  std::tm parts{};
  parts.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  parts.tm_mon = std::stoi(text.substr(5, 2)) - 1;
  parts.tm_mday = std::stoi(text.substr(8, 2));
  std::int64_t fraction_us = 0;
  if (text.size() > 10) {
    int hour = 0;
    int minute = 0;
    int second = 0;
    char zulu = 0;
    int consumed = 0;
    if (std::sscanf(text.c_str() + 10, "T%2d:%2d:%2d%n", &hour, &minute, &second, &consumed) != 3) {
      return std::nullopt;
    }
    std::string rest = text.substr(10 + static_cast<std::size_t>(consumed));
    if (!rest.empty() && rest[0] == '.') {
      std::size_t digits = 1;
      while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits])) != 0) ++digits;
      std::string fraction = (rest.substr(1, digits - 1) + "000000").substr(0, 6);
      fraction_us = std::stoll(fraction);
      rest = rest.substr(digits);
    }
    zulu = rest.size() == 1 ? rest[0] : 0;
    if (zulu != 'Z' || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_sec = second;
  }
  return static_cast<std::int64_t>(timegm(&parts)) * 1'000'000 + fraction_us;
}

}  // namespace coexist
