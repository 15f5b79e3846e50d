// Report periods: spans of event dates, both ends inclusive, written
// YYYY-MM-DD in the offset each event was written with (docs/REPORTS.md).
#pragma once

#include <string>
#include <string_view>

#include "wasteledger/status.h"

namespace wasteledger::reports {

struct Period {
  std::string from;  // first day, YYYY-MM-DD
  std::string to;    // last day, YYYY-MM-DD
};

// Ok for a real calendar date written YYYY-MM-DD; else InvalidArgument naming `what`.
Status CheckDate(std::string_view date, std::string_view what);
// The day after `date` (a checked date).
std::string NextDay(std::string_view date);
// The period of --year Y, --month Y-M or --from/--to (exactly one form;
// `today` (YYYY-MM-DD) gives the default: its year up to and including it).
Result<Period> MakePeriod(std::string_view year, std::string_view month, std::string_view from,
                          std::string_view to, std::string_view today);

}  // namespace wasteledger::reports
