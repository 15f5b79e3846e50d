// Dates of cells (values.h): the default formats, explicit strftime-style
// formats from mapping files, and spreadsheet serials in the 1900 date
// system. Grammar of the default formats, on normalised text:
//   date   = ymd / cjk / digits8 [ time ]      ; digits5 = a serial
//   ymd    = year sep month sep day             ; sep one of - / . (the same twice)
//   cjk    = year [sp] "年" [sp] month [sp] "月" [sp] day [sp] [ "日" / "号" ]
//   month  = 1*2digit, day = 1*2digit, year = 4digit (>= 1900)
//   time   = ( sp / "T" ) hour ":" minute [ ":" second [ "." 1*digit ] ]
// With allow_month, "year sep month", "year 年 month 月" and 6 digits are a
// month too (its 1st day).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "wasteledger/import/values.h"

namespace wasteledger::import {
namespace {

constexpr const char* kNotADate = "not a date (write 2023-01-05)";
constexpr const char* kNotACalendarDate = "not a calendar date";

// Spreadsheet serials: 1 is 1900-01-01, 2958465 is 9999-12-31; 60 is the
// 1900-02-29 that Lotus 1-2-3 invented and Excel kept.
constexpr int64_t kMaxSerial = 2958465;
constexpr int64_t kLotusLeapDay = 60;
// In the 1904 date system (old Mac Excel) 0 is 1904-01-01, 2957003 is
// 9999-12-31, and 1970-01-01 is 24107: the 1900 serial less 1462.
constexpr int64_t k1904Offset = 1462;
constexpr int64_t kMaxSerial1904 = kMaxSerial - k1904Offset;
// A whole number in a text cell is read as a serial only in this range.
constexpr int64_t kMinTextSerial = 20000;
constexpr int64_t kMaxTextSerial = 80000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t DaysInMonth(int64_t y, int64_t m) {
  static constexpr std::array<int64_t, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[static_cast<size_t>(m - 1)];
}

// The proleptic Gregorian date `days` after 1970-01-01 (days may be
// negative), by the era arithmetic of H. Hinnant's chrono date algorithms.
void DateFromDays(int64_t days, int64_t& y, int64_t& m, int64_t& d) {
  days += 719468;  // days from 0000-03-01 to 1970-01-01
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;                                    // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // March = 0
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = yoe + era * 400 + (m <= 2 ? 1 : 0);
}

struct Ymd {
  int64_t y = -1;
  int64_t m = -1;
  int64_t d = 1;
};

Result<std::string> Format(const Ymd& date) {
  if (date.y < 1900 || date.y > 9999) return Status::InvalidArgument(kNotADate);
  if (date.m < 1 || date.m > 12 || date.d < 1 || date.d > DaysInMonth(date.y, date.m)) {
    return Status::InvalidArgument(kNotACalendarDate);
  }
  std::string out(10, '-');
  auto put = [&out](size_t at, int64_t value, size_t width) {
    for (size_t k = width; k-- > 0;) {
      out[at + k] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, date.y, 4);
  put(5, date.m, 2);
  put(8, date.d, 2);
  return out;
}

Result<std::string> FromSerial(int64_t serial) {
  if (serial < 1 || serial > kMaxSerial) return Status::InvalidArgument(kNotADate);
  if (serial == kLotusLeapDay) {
    return Status::InvalidArgument("spreadsheet serial 60 is 1900-02-29, a day that does not exist");
  }
  // Serials after the phantom leap day count from 1899-12-30, those before
  // it from 1899-12-31; 1970-01-01 is serial 25569.
  const int64_t days = serial - (serial > kLotusLeapDay ? 25569 : 25568);
  Ymd date;
  DateFromDays(days, date.y, date.m, date.d);
  return Format(date);
}

Result<std::string> FromSerial1904(int64_t serial) {
  if (serial < 0 || serial > kMaxSerial1904) return Status::InvalidArgument(kNotADate);
  Ymd date;
  DateFromDays(serial - (25569 - k1904Offset), date.y, date.m, date.d);
  return Format(date);
}

// Reads between `min` and `max` digits at s[i]; -1 when fewer than `min`.
int64_t Digits(std::string_view s, size_t& i, size_t min, size_t max) {
  int64_t value = 0;
  size_t n = 0;
  while (n < max && i < s.size() && IsDigit(s[i])) {
    value = value * 10 + (s[i++] - '0');
    ++n;
  }
  return n < min ? -1 : value;
}

void SkipSpaces(std::string_view s, size_t& i) {
  while (i < s.size() && s[i] == ' ') ++i;
}

bool Consume(std::string_view s, size_t& i, std::string_view what) {
  if (s.substr(i, what.size()) != what) return false;
  i += what.size();
  return true;
}

// True when s[i..] is empty or a time of day (which is dropped).
bool TimeSuffix(std::string_view s, size_t i) {
  if (i == s.size()) return true;
  if (s[i] != ' ' && s[i] != 'T') return false;
  ++i;
  const int64_t hour = Digits(s, i, 1, 2);
  if (hour < 0 || hour > 23 || !Consume(s, i, ":")) return false;
  const int64_t minute = Digits(s, i, 2, 2);
  if (minute < 0 || minute > 59) return false;
  if (Consume(s, i, ":")) {
    const int64_t second = Digits(s, i, 2, 2);
    if (second < 0 || second > 59) return false;
    if (Consume(s, i, ".") && Digits(s, i, 1, 9) < 0) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  return i == s.size();
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return !s.empty();
}

int64_t DigitsValue(std::string_view s) {
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// An 8-digit YYYYMMDD or (allow_month) a 6-digit YYYYMM.
bool PackedDigits(std::string_view s, bool allow_month, Ymd& date) {
  if (s.size() != 8 && !(allow_month && s.size() == 6)) return false;
  date.y = DigitsValue(s.substr(0, 4));
  date.m = DigitsValue(s.substr(4, 2));
  date.d = s.size() == 8 ? DigitsValue(s.substr(6, 2)) : 1;
  return true;
}

Result<std::string> DefaultText(std::string_view s, bool allow_month) {
  Ymd date;
  if (AllDigits(s)) {
    if (PackedDigits(s, allow_month, date)) return Format(date);
    if (s.size() == 5) {
      const int64_t serial = DigitsValue(s);
      if (serial >= kMinTextSerial && serial <= kMaxTextSerial) return FromSerial(serial);
    }
    return Status::InvalidArgument(kNotADate);
  }
  size_t i = 0;
  date.y = Digits(s, i, 4, 4);
  if (date.y < 0 || i == s.size()) return Status::InvalidArgument(kNotADate);
  const char sep = s[i];
  if (sep == '-' || sep == '/' || sep == '.') {
    ++i;
    date.m = Digits(s, i, 1, 2);
    if (date.m < 0) return Status::InvalidArgument(kNotADate);
    if (i == s.size() && allow_month) return Format(date);
    if (i == s.size() || s[i] != sep) return Status::InvalidArgument(kNotADate);
    ++i;
    date.d = Digits(s, i, 1, 2);
    if (date.d < 0 || !TimeSuffix(s, i)) return Status::InvalidArgument(kNotADate);
    return Format(date);
  }
  SkipSpaces(s, i);
  if (!Consume(s, i, "年")) return Status::InvalidArgument(kNotADate);
  SkipSpaces(s, i);
  date.m = Digits(s, i, 1, 2);
  SkipSpaces(s, i);
  if (date.m < 0 || !Consume(s, i, "月")) return Status::InvalidArgument(kNotADate);
  SkipSpaces(s, i);
  if (i == s.size() && allow_month) return Format(date);
  date.d = Digits(s, i, 1, 2);
  if (date.d < 0) return Status::InvalidArgument(kNotADate);
  const size_t before_suffix = i;
  SkipSpaces(s, i);
  if (!Consume(s, i, "日") && !Consume(s, i, "号")) i = before_suffix;
  if (!TimeSuffix(s, i)) return Status::InvalidArgument(kNotADate);
  return Format(date);
}

// A kNumber cell: a serial (the fraction is the time of day), or a number
// typed as YYYYMMDD (or YYYYMM for a month). nullopt when the text is not a
// plain decimal number (then it is read as text).
std::optional<Result<std::string>> NumberCell(std::string_view s, bool allow_month, bool date1904) {
  size_t i = 0;
  while (i < s.size() && IsDigit(s[i])) ++i;
  const std::string_view whole = s.substr(0, i);
  if (whole.empty() || whole.size() > 9) return std::nullopt;
  if (i < s.size()) {
    if (s[i] != '.') return std::nullopt;
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i != s.size()) return std::nullopt;
  }
  const bool integral = whole.size() == s.size();
  Ymd date;
  if (integral && PackedDigits(whole, allow_month, date) && date.y >= 1900 && date.m >= 1 && date.m <= 12) {
    return Format(date);
  }
  return date1904 ? FromSerial1904(DigitsValue(whole)) : FromSerial(DigitsValue(whole));
}

Result<std::string> WithFormat(std::string_view s, const DateFormat& format) {
  const std::string& p = format.pattern();
  const Status mismatch = Status::InvalidArgument("does not match the date format " + p);
  Ymd date;
  size_t i = 0;
  bool has_time = false;
  for (size_t k = 0; k < p.size();) {
    if (p[k] == ' ') {
      SkipSpaces(s, i);
      ++k;
      continue;
    }
    if (p[k] != '%' || p[k + 1] == '%') {
      const size_t len = p[k] == '%' ? 2 : 1;
      if (i >= s.size() || s[i] != p[k]) return mismatch;
      ++i;
      k += len;
      continue;
    }
    const char directive = p[k + 1];
    k += 2;
    const bool packed = k + 1 < p.size() && p[k] == '%' && p[k + 1] != '%';
    int64_t value = -1;
    switch (directive) {
      case 'Y':
        value = date.y = Digits(s, i, 4, 4);
        break;
      case 'y':
        value = Digits(s, i, 2, 2);
        date.y = 2000 + value;
        break;
      case 'm':
        value = date.m = Digits(s, i, packed ? 2 : 1, 2);
        break;
      case 'd':
        value = date.d = Digits(s, i, packed ? 2 : 1, 2);
        break;
      default: {  // H M S
        value = Digits(s, i, packed ? 2 : 1, 2);
        if (value > (directive == 'H' ? 23 : 59)) return mismatch;
        has_time = true;
        break;
      }
    }
    if (value < 0) return mismatch;
  }
  if (i != s.size() && (has_time || !TimeSuffix(s, i))) return mismatch;
  return Format(date);
}

}  // namespace

Result<DateFormat> DateFormat::Compile(std::string_view pattern) {
  std::string p = NormalizeText(pattern);
  if (p.empty()) return Status::InvalidArgument("empty date format");
  std::string seen;
  for (size_t k = 0; k < p.size(); ++k) {
    if (p[k] != '%') continue;
    if (k + 1 == p.size()) return Status::InvalidArgument("date format ends in a lone \"%\"");
    const char d = p[++k];
    if (d == '%') continue;
    if (std::string_view("YymdHMS").find(d) == std::string_view::npos) {
      return Status::InvalidArgument("unknown directive \"%" + std::string(1, d) +
                                     "\" in date format (use %Y, %y, %m, %d, %H, %M, %S or %%)");
    }
    const bool year = d == 'Y' || d == 'y';
    if (seen.find(d) != std::string::npos || (year && seen.find_first_of("Yy") != std::string::npos)) {
      return Status::InvalidArgument("date format repeats %" + std::string(1, d));
    }
    seen.push_back(d);
  }
  if (seen.find_first_of("Yy") == std::string::npos || seen.find('m') == std::string::npos) {
    return Status::InvalidArgument("date format needs a year (%Y or %y) and a month (%m)");
  }
  return DateFormat(std::move(p));
}

Result<std::string> ParseDate(std::string_view text, Cell::Kind kind, const DateFormat* format,
                              bool allow_month, bool date1904) {
  std::string buffer;  // stays empty (no allocation) unless the text needs normalising
  const std::string_view s = NormalizeText(text, buffer);
  if (s.empty() || s.size() > 64) return Status::InvalidArgument(kNotADate);
  if (kind == Cell::Kind::kNumber) {
    if (std::optional<Result<std::string>> date = NumberCell(s, allow_month, date1904)) return std::move(*date);
  }
  if (kind != Cell::Kind::kText && kind != Cell::Kind::kNumber) return Status::InvalidArgument(kNotADate);
  if (format != nullptr) return WithFormat(s, *format);
  return DefaultText(s, allow_month);
}

}  // namespace wasteledger::import
