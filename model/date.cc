#include "model/date.h"

namespace coexist {
namespace {

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

// The value of `count` ASCII digits at `text[begin]`, or -1 when one of them is not a digit.
int read_digits(std::string_view text, std::size_t begin, std::size_t count) {
  int value = 0;
  for (std::size_t i = begin; i < begin + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

bool is_valid_date(std::string_view text) {
  // YYYY-MM-DD, exactly ten bytes.
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  const int year = read_digits(text, 0, 4);
  const int month = read_digits(text, 5, 2);
  const int day = read_digits(text, 8, 2);
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  return day <= days_in_month(year, month);
}

}  // namespace coexist
