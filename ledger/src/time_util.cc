#include "wasteledger/time_util.h"

#include <chrono>

#include <fmt/format.h>

namespace wasteledger {

// Howard Hinnant's public-domain civil calendar algorithms, written out.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

Result<int> ParseUtcOffset(std::string_view s) {
  int hh = 0, mm = 0;
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' || !Digits(s, 1, 2, &hh) ||
      !Digits(s, 4, 2, &mm) || hh > 23 || mm > 59) {
    return Status::InvalidArgument(
        fmt::format("offset \"{}\" is not of the form +HH:MM or -HH:MM", s));
  }
  int v = hh * 60 + mm;
  return s[0] == '-' ? -v : v;
}

std::string FormatUtcOffset(int offset_minutes) {
  char sign = offset_minutes < 0 ? '-' : '+';
  int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  return fmt::format("{}{:02}:{:02}", sign, a / 60, a % 60);
}

Result<Timestamp> ParseRfc3339(std::string_view s) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(
        fmt::format("time \"{}\" is not RFC 3339 (e.g. 2026-03-01T08:30:00+08:00): {}", s, why));
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!Digits(s, 0, 4, &y) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d) || s[10] != 'T' || !Digits(s, 11, 2, &h) ||
      s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' || !Digits(s, 17, 2, &se)) {
    return bad("expected YYYY-MM-DDTHH:MM:SS");
  }
  if (mo < 1 || mo > 12) return bad("month out of range");
  if (d < 1 || d > DaysInMonth(y, mo)) return bad("day out of range");
  if (h > 23 || mi > 59 || se > 59) return bad("time of day out of range");
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return bad("empty fraction of a second");
  }
  Timestamp ts;
  std::string_view zone = s.substr(pos);
  if (zone == "Z") {
    ts.offset_minutes = 0;
  } else {
    auto off = ParseUtcOffset(zone);
    if (!off.ok()) return bad("missing or malformed offset (Z or +HH:MM)");
    ts.offset_minutes = *off;
  }
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  ts.unix_seconds = days * 86400 + h * 3600 + mi * 60 + se - int64_t{ts.offset_minutes} * 60;
  return ts;
}

std::string FormatWithOffset(int64_t unix_seconds, int offset_minutes) {
  int64_t local = unix_seconds + int64_t{offset_minutes} * 60;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  int64_t secs = local - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  std::string zone = offset_minutes == 0 ? "Z" : FormatUtcOffset(offset_minutes);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}", y, m, d, secs / 3600,
                     secs / 60 % 60, secs % 60, zone);
}

std::string FormatUtc(int64_t unix_seconds) { return FormatWithOffset(unix_seconds, 0); }

int64_t NowUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsCalendarDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  auto num = [&](size_t at, size_t n) {
    unsigned v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + static_cast<unsigned>(s[i] - '0');
    return v;
  };
  const unsigned m = num(5, 2), d = num(8, 2);
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  int64_t y2;
  unsigned m2, d2;
  CivilFromDays(DaysFromCivil(num(0, 4), m, d), &y2, &m2, &d2);
  return m2 == m && d2 == d;
}

}  // namespace wasteledger
