// RFC 3339 timestamps as the format uses them: statements carry a time with
// an explicit offset, entries a UTC "logged" time ending in Z. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wasteledger/status.h"

namespace wasteledger {

struct Timestamp {
  int64_t unix_seconds = 0;   // the instant, seconds since 1970-01-01T00:00:00Z
  int offset_minutes = 0;     // the offset it was written with (0 for Z)
};

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)". A fraction is
// accepted and truncated to whole seconds. Refuses a missing offset, out of
// range fields (month 13, Feb 30, hour 24) and lowercase t/z.
Result<Timestamp> ParseRfc3339(std::string_view text);

// "+08:00" -> 480; refuses anything else.
Result<int> ParseUtcOffset(std::string_view text);
std::string FormatUtcOffset(int offset_minutes);

// "2026-11-28T16:06:13Z".
std::string FormatUtc(int64_t unix_seconds);
// "2026-11-28T16:06:13+08:00" for offset 480.
std::string FormatWithOffset(int64_t unix_seconds, int offset_minutes);

// Seconds since the epoch, from the system clock.
int64_t NowUnixSeconds();

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);

// True for "YYYY-MM-DD" naming a real calendar day (2023-02-29 is not one).
bool IsCalendarDate(std::string_view text);

}  // namespace wasteledger
