// Event dates of statements. Internal to the library; pure. FindPermit, the
// permit check the domain rules apply, is declared in wasteledger/party.h
// (public: the reports re-check permits) and defined in domain_permit.cc.
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

// The calendar date of an event in the ledger's timezone (`tz_minutes`, its
// genesis timezone): periods are cut there whatever offset a statement was
// written with (ledger format v1, "Quantities and time").
std::string EventDate(const Timestamp& t, int tz_minutes);

// What the permit schema cannot check in a party record's permits: dates that
// exist on the calendar, valid_from not after valid_to, each number once,
// and every entry of "wastes" a code or an existing category. A refusal
// "party: body.permits[i].member: why".
Status CheckPermits(const nlohmann::json& record);

}  // namespace wasteledger::domain
