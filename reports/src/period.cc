#include "wasteledger/reports/period.h"

#include <fmt/format.h>

#include <charconv>

#include "wasteledger/time_util.h"

namespace wasteledger::reports {

namespace {

bool Digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int ToInt(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::string DayText(int64_t days) {
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d);
}

int64_t DayNumber(std::string_view date) {
  return DaysFromCivil(ToInt(date.substr(0, 4)), static_cast<unsigned>(ToInt(date.substr(5, 2))),
                       static_cast<unsigned>(ToInt(date.substr(8, 2))));
}

}  // namespace

Status CheckDate(std::string_view date, std::string_view what) {
  const bool shape = date.size() == 10 && date[4] == '-' && date[7] == '-' && Digits(date.substr(0, 4)) &&
                     Digits(date.substr(5, 2)) && Digits(date.substr(8, 2));
  if (!shape || DayText(DayNumber(date)) != date || date.substr(0, 4) == "0000") {
    return Status::InvalidArgument(fmt::format("{}: \"{}\" is not a date YYYY-MM-DD", what, date));
  }
  return Status::Ok();
}

std::string NextDay(std::string_view date) { return DayText(DayNumber(date) + 1); }

Result<Period> MakePeriod(std::string_view year, std::string_view month, std::string_view from,
                          std::string_view to, std::string_view today) {
  const int forms =
      (!year.empty() ? 1 : 0) + (!month.empty() ? 1 : 0) + (!from.empty() || !to.empty() ? 1 : 0);
  if (forms > 1) return Status::InvalidArgument("give one of --year, --month or --from/--to");
  if (!year.empty()) {
    if (year.size() != 4 || !Digits(year) || year == "0000") {
      return Status::InvalidArgument(fmt::format("--year: \"{}\" is not a year YYYY", year));
    }
    return Period{std::string(year) + "-01-01", std::string(year) + "-12-31"};
  }
  if (!month.empty()) {
    const std::string first = std::string(month) + "-01";
    if (month.size() != 7 || !CheckDate(first, "--month").ok()) {
      return Status::InvalidArgument(fmt::format("--month: \"{}\" is not a month YYYY-MM", month));
    }
    const int m = ToInt(month.substr(5, 2));
    const std::string next = m == 12 ? fmt::format("{:04d}-01-01", ToInt(month.substr(0, 4)) + 1)
                                     : fmt::format("{}-{:02d}-01", month.substr(0, 4), m + 1);
    return Period{first, DayText(DayNumber(next) - 1)};
  }
  if (!from.empty() || !to.empty()) {
    if (from.empty() || to.empty()) return Status::InvalidArgument("--from and --to go together");
    WL_RETURN_IF_ERROR(CheckDate(from, "--from"));
    WL_RETURN_IF_ERROR(CheckDate(to, "--to"));
    if (to < from) return Status::InvalidArgument(fmt::format("--to {} is before --from {}", to, from));
    return Period{std::string(from), std::string(to)};
  }
  WL_RETURN_IF_ERROR(CheckDate(today, "today"));
  return Period{std::string(today.substr(0, 4)) + "-01-01", std::string(today)};
}

}  // namespace wasteledger::reports
