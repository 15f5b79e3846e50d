// The mass balance (report balance) and the city indicators (report
// indicators), both read from the flow aggregates (domain_query.h
// FlowsBefore), so their cost grows with parties x codes x periods, not with
// the log. docs/REPORTS.md defines every figure.
#pragma once

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

struct BalanceOptions {
  Period period;
  std::string party;  // empty: every party
  std::string waste;  // empty, a code, or a category
};

// One party x waste code over the period; every row satisfies
// opening + generated + received - dispatched - utilized - disposed = closing.
struct BalanceRow {
  std::string party;
  std::string party_name;
  std::string waste;
  std::string category;
  int64_t opening_g = 0;
  int64_t generated_g = 0;  // including secondary_g
  int64_t secondary_g = 0;  // waste output by utilisation or disposal
  int64_t received_g = 0;   // including returned_g
  int64_t returned_g = 0;   // refused on receipt and back at the producer
  int64_t dispatched_g = 0;
  int64_t utilized_g = 0;
  int64_t disposed_g = 0;
  int64_t closing_g = 0;
  int64_t corrections = 0;  // lot changes of the period undone by void or correct
  // Some of its figures (this period's or the opening stock) come from
  // imported legacy records (docs/IMPORT.md), not only from live entries.
  bool imported = false;
};

struct BalanceReport {
  LedgerSource source;
  Period period;
  BalanceOptions options;
  std::vector<BalanceRow> rows;  // by party, then code
  BalanceRow totals;             // party "", the city
  int64_t in_transit_g = 0;      // dispatched and not yet received at the end of the period
  int64_t transit_diff_g = 0;    // settled in the period: dispatched - (received + refused)
};

Result<BalanceReport> Balance(const Ledger& ledger, const WasteCatalogue& catalogue,
                              const BalanceOptions& options);
nlohmann::json BalanceJson(const BalanceReport& report);
Document BalanceDocument(const BalanceReport& report, Lang lang, MassUnit unit);

// One indicator of 无废城市建设指标体系 (2021): a rate with its numerator and
// denominator, exact in grams.
struct Indicator {
  std::string id;  // "general_industrial_utilization", "hazardous_utilization_disposal",
                   // "<stream>_utilization" (coal_gangue, fly_ash, smelting_slag,
                   // byproduct_gypsum, construction_waste)
  Label name;
  Label formula;
  int64_t numerator_g = 0;
  int64_t denominator_g = 0;
  // The parts, named as in the formula ("generated_g", "utilized_g", ...).
  std::vector<std::pair<std::string, int64_t>> parts;
};

struct IndicatorReport {
  LedgerSource source;
  int year = 0;
  std::vector<Indicator> indicators;
  // Generated and utilized + disposed, per month, all streams (for the chart).
  std::vector<std::string> months;
  std::vector<int64_t> generated_by_month, handled_by_month;
};

Result<IndicatorReport> Indicators(const Ledger& ledger, const WasteCatalogue& catalogue, int year);
nlohmann::json IndicatorsJson(const IndicatorReport& report);
Document IndicatorsDocument(const IndicatorReport& report, Lang lang, MassUnit unit);

}  // namespace wasteledger::reports
