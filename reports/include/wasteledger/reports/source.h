// What every report says about where its figures come from, and the waste
// filter every report shares.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "wasteledger/reports/document.h"
#include "wasteledger/status.h"
#include "wasteledger/waste_code.h"

namespace wasteledger {
class Ledger;
}  // namespace wasteledger

namespace wasteledger::reports {

// The ledger as of `size` entries: a regulator ties a report to a checkpoint
// of that size by its root.
struct LedgerSource {
  std::string origin;
  uint64_t size = 0;
  std::string root_hex;  // RFC 6962 root of the first `size` entries
};
Result<LedgerSource> DescribeLedger(const Ledger& ledger);
nlohmann::json SourceJson(const LedgerSource& s);                               // {"origin","size","root"}
std::vector<std::pair<Label, std::string>> SourceFacts(const LedgerSource& s);  // for Document::facts

// A code matches a filter that is empty, the code itself, or its category
// (HW49, SW02, S07, CW01).
bool WasteMatches(const WasteCatalogue& catalogue, const std::string& code, const std::string& filter);

}  // namespace wasteledger::reports
