// Deep verification (verify --deep): recomputes the flow aggregates, every
// party's stock and every lot (owner, code, remaining mass, live or voided)
// from the log alone and compares them with what the domain index stores.
//
// The recomputation folds the live lifecycle entries in log order: a void
// takes the entry it names out, a correction replaces it (counted as the
// kind, actor and event date of the entry it corrects, with its replacement
// body). It does not model the `reversals` column (a count of undone lot
// changes, not a mass), so that column is left out of the comparison.
//
// Cost: one pass over the log (plus one read of each entry a void or correct
// names), memory proportional to the lots, manifests and aggregate keys.
//
// Differences are a result, not an error: a Status is returned only when the
// check could not run (I/O error, an entry that does not parse or names a lot
// or manifest no earlier live entry made: Corruption "seq N: ...").
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "wasteledger/status.h"

namespace wasteledger {

class Ledger;

struct DeepReport {
  uint64_t entries = 0;     // entries read
  uint64_t aggregates = 0;  // aggregate keys compared (stored or recomputed)
  uint64_t stock_rows = 0;  // party x waste stock rows compared (stored or recomputed)
  uint64_t lots = 0;        // lot records compared (stored, or recomputed and not stored)
  // One line each, aggregates in key order then stock, e.g.
  //   aggregate day 2026-03-01 p1 900-041-49: generated_g stored 1000 recomputed 900
  //   pair flow month 2026-03 p1 -> r2 900-041-49: received_g stored 5 recomputed 0
  //   stock p1 900-041-49: stored 5 recomputed 7
  //   lot "L1": remaining_g stored 99500000 recomputed 7500000
  std::vector<std::string> differences;
  bool ok() const { return differences.empty(); }
};

// progress (optional) is called now and then with entries read and the total.
[[nodiscard]] Result<DeepReport> DeepCheck(
    const Ledger& ledger, const std::function<void(uint64_t done, uint64_t total)>& progress = {});

}  // namespace wasteledger
