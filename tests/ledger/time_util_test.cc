// IsCalendarDate: the one check of "YYYY-MM-DD" dates that the import rules
// (ledger and CLI) share.
#include <catch2/catch.hpp>

#include "wasteledger/time_util.h"

namespace wasteledger {
namespace {

TEST_CASE("IsCalendarDate accepts real days only", "[time]") {
  for (const char* good : {"2023-01-05", "2024-02-29", "2000-02-29", "1999-12-31"}) {
    INFO(good);
    CHECK(IsCalendarDate(good));
  }
  for (const char* bad : {"2023-02-29", "1900-02-29", "2023-02-30", "2023-04-31", "2023-13-01", "2023-00-10",
                          "2023-01-00", "2023/01/05", "2023-1-5", "20230105", "2023-01-05T00:00", ""}) {
    INFO(bad);
    CHECK_FALSE(IsCalendarDate(bad));
  }
}

}  // namespace
}  // namespace wasteledger
