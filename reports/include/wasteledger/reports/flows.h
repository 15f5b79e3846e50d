// report flows: the city's material flows over a period, between parties and
// stream classes, for a Sankey diagram. Read from the flow aggregates
// (domain_query.h FlowsBefore(to + 1 day) - FlowsBefore(from)), so the cost
// grows with parties x codes x periods, not with the log.
//
// Nodes sit in three columns: 0 the producers ("producer:<party>"), 1 the
// receivers ("receiver:<party>") and "transit" (in transit), 2 the fates
// "fate:utilized", "fate:disposed", "fate:stored" and "fate:lost". Links, per
// stream class (StreamClass below), in grams:
//   - producer -> receiver: received in the period on its manifests (under
//     the dispatched code);
//   - producer -> transit: in transit at the end of the period, on its
//     manifests not received or refused by then, whenever dispatched (the
//     balance report's in_transit_g);
//   - producer -> fate:lost: the transport difference of its manifests
//     received in the period (dispatched - received - refused), when positive;
//   - party -> fate:utilized / fate:disposed: utilised / disposed by the
//     party in the period; from its receiver node when it has received that
//     code (as the receipt names it) up to the end of the period, else from
//     its producer node (in-house utilisation or disposal);
//   - party -> fate:stored: the growth of its stock of the code, when positive
//     (from the same node as its fates).
// The `top` parties by the mass of their links keep their own nodes; the rest
// are merged into "producer:others" / "receiver:others".
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "wasteledger/reports/document.h"
#include "wasteledger/reports/period.h"
#include "wasteledger/reports/source.h"
#include "wasteledger/status.h"
#include "wasteledger/waste_code.h"

namespace wasteledger {
class Ledger;
}  // namespace wasteledger

namespace wasteledger::reports {

struct FlowsOptions {
  Period period;
  std::string waste;  // empty, a code, or a category
  size_t top = 12;    // parties with their own node
};

struct FlowNode {
  std::string id;     // "producer:p1", "receiver:r2", "transit", "fate:utilized", ...
  std::string party;  // the party, "others", or empty for transit and fates
  Label label;
  int column = 0;
};

struct FlowLink {
  std::string from;
  std::string to;
  std::string stream;  // a stream class
  int64_t mass_g = 0;
  bool operator==(const FlowLink&) const = default;
};

struct FlowsReport {
  LedgerSource source;
  FlowsOptions options;
  std::vector<FlowNode> nodes;  // by column, then by the mass through them, "others" last
  std::vector<FlowLink> links;  // by from, to, stream; every mass > 0
};

// "hazardous" for a 名录 code, else the catalogue stream (coal_gangue,
// fly_ash, smelting_slag, byproduct_gypsum, construction_waste, other).
std::string StreamClass(const WasteCatalogue& catalogue, const std::string& code);

Result<FlowsReport> Flows(const Ledger& ledger, const WasteCatalogue& catalogue, const FlowsOptions& options);
nlohmann::json FlowsJson(const FlowsReport& report);
// A table of the links and the Sankey chart.
Document FlowsDocument(const FlowsReport& report, Lang lang, MassUnit unit);

}  // namespace wasteledger::reports
