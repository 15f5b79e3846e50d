#include "wasteledger/reports/source.h"

#include "wasteledger/hash.h"
#include "wasteledger/ledger.h"

namespace wasteledger::reports {

Result<LedgerSource> DescribeLedger(const Ledger& ledger) {
  LedgerSource s;
  s.origin = ledger.origin();
  s.size = ledger.size();
  WL_ASSIGN_OR_RETURN(Hash root, ledger.Root(s.size));
  s.root_hex = ToHex(root);
  return s;
}

bool WasteMatches(const WasteCatalogue& catalogue, const std::string& code, const std::string& filter) {
  return filter.empty() || code == filter || catalogue.Classify(code).category == filter;
}

nlohmann::json SourceJson(const LedgerSource& s) {
  return {{"origin", s.origin}, {"size", s.size}, {"root", s.root_hex}};
}

std::vector<std::pair<Label, std::string>> SourceFacts(const LedgerSource& s) {
  return {{{"台账来源", "ledger"}, s.origin},
          {{"条目数", "entries"}, std::to_string(s.size)},
          {{"默克尔根", "Merkle root"}, s.root_hex}};
}

}  // namespace wasteledger::reports
