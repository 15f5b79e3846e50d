// Aggregates: running totals of every flow, kept per party x waste code and
// per producer x receiver x waste code, for each year, month and day of the
// flows' event dates. DomainTxn feeds them as it changes lots and manifests;
// DomainState adds them once per batch (BatchAccess::AddCounters: a RocksDB
// merge, no read of the stored counters, in the same atomic RocksDB batch). Reports read them, so a report's
// cost grows with parties x codes x periods, not with the log. Internal to
// the library; the read side is in domain_query.h (FlowsBefore).
//
// Key grammar (see also domain_store.h):
//   'X' 'A' grain period 0x00 party 0x00 waste           -> counters (FlowTotals order)
//   'X' 'F' grain period 0x00 from 0x00 to 0x00 waste    -> counters (PairFlow order)
// grain is 'Y' (period "2026"), 'M' ("2026-03") or 'D' ("2026-03-01").
// Counters: n x 8-byte big-endian two's-complement int64, in column order; a
// missing trailing column reads as 0, so columns are only ever appended.
// THESE ENCODINGS ARE ON DISK: change them only with a format version bump.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wasteledger/domain_query.h"
#include "wasteledger/state_hook.h"
#include "wasteledger/status.h"

namespace wasteledger::domain {

inline constexpr char kPartyFlows = 'A';
inline constexpr char kPairFlows = 'F';
inline constexpr char kGrains[] = {'Y', 'M', 'D'};

// Columns of 'A' counters (the order of FlowTotals's members).
enum Column : size_t {
  kGenerated,
  kSecondary,
  kReceived,
  kReturned,
  kDispatched,
  kUtilized,
  kDisposed,
  kUtilizedPrior,
  kDisposedPrior,
  kSettled,
  kTransitDiff,
  kReversals,
  kPartyColumns
};
// Columns of 'F' counters (the order of PairFlow's members).
enum PairColumn : size_t { kPairDispatched, kPairReceived, kPairReturned, kPairColumns };

using Counters = std::vector<int64_t>;

// dims: "party\0waste" or "from\0to\0waste".
std::string PartyDims(std::string_view party, std::string_view waste);
std::string PairDims(std::string_view from, std::string_view to, std::string_view waste);
std::string AggregateKey(char family, char grain, std::string_view period, std::string_view dims);
// The same into `key` (its buffer reused).
void AssignAggregateKey(std::string& key, char family, char grain, std::string_view period, std::string_view dims);
// The period of `day` (YYYY-MM-DD) at a grain: "YYYY", "YYYY-MM" or the day.
std::string_view PeriodOf(std::string_view day, char grain);

std::string EncodeCounters(const Counters& c);
Result<Counters> DecodeCounters(std::string_view bytes);
// a += b, element-wise; a grows to b's length.
void AddCounters(Counters& a, const Counters& b);

FlowTotals ToFlowTotals(const Counters& c);
PairFlow ToPairFlow(const Counters& c);
Counters FromFlowTotals(const FlowTotals& t);
Counters FromPairFlow(const PairFlow& p);

// The deltas of one batch, written by Flush.
class AggregateBuffer {
 public:
  // Adds delta to one column of the family's counters for `dims` on `day`
  // (at every grain).
  void Add(char family, std::string_view dims, std::string_view day, size_t column, int64_t delta);
  // Adds the buffered deltas to the stored counters, in `batch`, blind.
  Status Flush(BatchAccess& batch);
  void Clear() { deltas_.clear(); }
  bool empty() const { return deltas_.empty(); }

 private:
  // The columns of one key, held in the map's node (no allocation of their
  // own: a batch adds to tens of thousands of keys).
  struct Delta {
    int64_t column[kPartyColumns] = {};
    size_t width = 0;
  };
  // key -> delta; the batch sorts its writes, so no order is kept here.
  std::unordered_map<std::string, Delta> deltas_;
  std::string key_;  // scratch for Add
};

}  // namespace wasteledger::domain
