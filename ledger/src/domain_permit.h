// Permits as party records carry them (docs/STATEMENTS.md, "A permit"):
// finding the one that lets a receiver take a waste code on a date. Internal
// to the library; pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wasteledger/party.h"
#include "wasteledger/time_util.h"
#include "wasteledger/waste_code.h"

namespace wasteledger::domain {

struct PermitMatch {
  std::string number;
  std::optional<int64_t> capacity_g;  // annual capacity, when the permit states one
};

// The first permit in the party's record valid on `date` (YYYY-MM-DD, both
// ends inclusive) listing the code or its category (HW49, SW02, S07, CW01)
// and one of `activities`. Permits that are not well formed never match.
std::optional<PermitMatch> FindPermit(const Party& party, const WasteCodeInfo& waste, std::string_view date,
                                      const std::vector<std::string_view>& activities);

// The calendar date of an event in the offset it was written with.
std::string EventDate(const Timestamp& t);

}  // namespace wasteledger::domain
