// What is where now: the lots, stock and manifests that DomainState keeps in
// the ledger's domain index, read back as of the ledger's committed size.
// These are the read side of the waste domain (the CLI verbs stock, lots and
// manifest show, and the reports). docs/STATEMENTS.md describes how each
// statement kind changes them.
//
// Thread-safety: the functions only read; they are safe wherever reading the
// Ledger is (see ledger.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "wasteledger/canonical_json.h"
#include "wasteledger/hash.h"
#include "wasteledger/status.h"

namespace wasteledger {

class Ledger;

// Where a lot came from.
struct LotSource {
  std::string kind;      // "generate", "receive", "return" (refused mass back at
                         // the producer) or "output" (of utilize / dispose)
  uint64_t seq = 0;      // the entry that created the lot
  std::string manifest;  // receive, return: the manifest it arrived on
  int64_t line = 0;      // receive, return: manifest line; output: output index (1-based)
};

struct Lot {
  std::string id;
  std::string owner;
  std::string waste;        // normalised code
  int64_t mass_g = 0;       // at creation
  int64_t remaining_g = 0;  // after every live consumption
  bool hazardous = false;   // the code is a 名录 hazardous code
  std::string hazards;      // "T,C" as declared at generation, or empty
  // The event date (YYYY-MM-DD) the waste was generated on: its generate or
  // utilize/dispose entry's; a received or returned lot keeps its source's.
  std::string born;
  LotSource source;
  std::optional<uint64_t> voided_by;  // the void or correct entry that undid it
};

struct ManifestLine {
  std::string lot;
  std::string waste;
  int64_t mass_g = 0;
  // Filled in by the receive entry.
  int64_t received_g = 0;
  int64_t refused_g = 0;
  std::string received_waste;  // the code the receiver recorded (== waste unless mismatched)
  std::string reason;
  // An imported manifest's line: the import entry that added it (absent in
  // ledgers written before 2026-12-06, and on live manifests).
  std::optional<uint64_t> seq;
  bool code_mismatch() const { return !received_waste.empty() && received_waste != waste; }
};

struct CustodyStep {
  std::string holder;  // producer, then carriers in turn
  uint64_t seq = 0;    // dispatch, pickup or handover entry
};

struct Manifest {
  std::string number;
  std::string producer;
  std::string receiver;
  std::vector<std::string> carriers;
  std::vector<ManifestLine> lines;
  std::vector<CustodyStep> custody;  // never empty: custody[0] is the producer
  // "dispatched" (with the producer), "in_transit" (with a carrier),
  // "received", "refused" (nothing received) or "voided".
  std::string status;
  uint64_t dispatch_seq = 0;
  std::optional<uint64_t> receive_seq;
  std::string reject;  // the receiver's reason for refusing it all
  std::optional<uint64_t> voided_by;
  bool imported = false;  // made by an import entry from a legacy file

  const std::string& holder() const { return custody.back().holder; }
  bool closed() const { return status == "received" || status == "refused" || status == "voided"; }
};

// The effect of one lifecycle entry (or of the replacement a correct entry
// applied), kept so that void and correct can reverse it.
struct EntryEffect {
  uint64_t seq = 0;
  std::string kind;                   // the lifecycle kind in force at seq
  std::string actor;                  // the original actor (a correction keeps it)
  std::optional<uint64_t> corrects;   // this is the replacement for that seq
  std::optional<uint64_t> voided_by;  // void or correct entry that reversed it
  std::vector<std::string> created_lots;
  std::string time;      // the event time, RFC 3339
  std::string manifest;  // dispatch, pickup, handover, receive: the manifest
  struct Draw {
    std::string lot;
    int64_t mass_g = 0;
  };
  std::vector<Draw> drawn;  // dispatch, utilize, dispose: what it took from which lots
};

// A live draw on a lot: the dispatch, utilize or dispose entry at `seq` took
// `mass_g` from it.
struct LotDraw {
  uint64_t seq = 0;
  int64_t mass_g = 0;
};

struct LotFilter {
  std::string owner;           // empty: every owner
  std::string waste;           // empty: every code
  bool include_empty = false;  // lots with nothing remaining
  bool include_voided = false;
};

// Lots oldest first (created seq, then id).
[[nodiscard]] Result<std::vector<Lot>> ListLots(const Ledger& ledger, const LotFilter& filter = {});
[[nodiscard]] Result<std::optional<Lot>> GetLot(const Ledger& ledger, std::string_view id);

// Grams held per waste code (codes with nothing held are left out; below
// zero: an imported deficit, as StockAll).
[[nodiscard]] Result<std::map<std::string, int64_t>> Stock(const Ledger& ledger, std::string_view party);
// Every party's stock: party -> code -> grams.
[[nodiscard]] Result<std::map<std::string, std::map<std::string, int64_t>>> StockAll(const Ledger& ledger);

[[nodiscard]] Result<std::optional<Manifest>> GetManifest(const Ledger& ledger, std::string_view number);

// Imported legacy records (kind "import", docs/IMPORT.md). A record's
// identity is SHA-256("wasteledger/import-record/v1\n" || JCS(body without
// "source")): the same record from any file, or any row, is the same record.
[[nodiscard]] Result<Hash> ImportRecordHash(const Json& body);
inline constexpr std::string_view kImportRecordPrefix = "wasteledger/import-record/v1\n";
// The same from the body's canonical text (JCS), as an importer holds it.
[[nodiscard]] Result<Hash> ImportRecordHashOfCanonical(std::string_view body_jcs);
// The years of the party's import pools of that code (lots
// "#import/<party>/<waste>/<year>"), ascending; empty when nothing of it was
// imported.
[[nodiscard]] Result<std::vector<std::string>> ImportPoolYears(const Ledger& ledger, std::string_view party,
                                                               std::string_view waste);
// The seq of the import entry holding the record, if any.
// `voided` (when given) says whether the record was imported and then voided
// (it is then not held: the same record may be imported again).
[[nodiscard]] Result<std::optional<uint64_t>> FindImportedRecord(const Ledger& ledger, const Hash& record,
                                                                 bool* voided = nullptr);
// Every manifest, by number.
[[nodiscard]] Result<std::vector<Manifest>> ListManifests(const Ledger& ledger);

// The serial the next manifest of this year, province and city should use
// (one past the highest used; 1 for the first). NotFound past 999999.
[[nodiscard]] Result<int> NextManifestSerial(const Ledger& ledger, int year, int province, int city);

[[nodiscard]] Result<std::optional<EntryEffect>> GetEffect(const Ledger& ledger, uint64_t seq);
// The live draws on a lot, by seq (voided and corrected draws left out).
[[nodiscard]] Result<std::vector<LotDraw>> DrawsOn(const Ledger& ledger, std::string_view lot);

// The flows of one party and waste code over a span of event dates, in grams
// (docs/REPORTS.md defines each). Voids and corrections are applied at the
// event date of the entry they undo.
struct FlowTotals {
  int64_t generated_g = 0;   // generate entries
  int64_t secondary_g = 0;   // waste output by utilize / dispose (e.g. fly ash)
  int64_t received_g = 0;    // received on manifests (by the receiver)
  int64_t returned_g = 0;    // refused on receipt, back at the producer
  int64_t dispatched_g = 0;  // sent on manifests
  int64_t utilized_g = 0;
  int64_t disposed_g = 0;
  int64_t utilized_prior_g = 0;  // of utilized_g: waste generated in an earlier year
  int64_t disposed_prior_g = 0;  // of disposed_g: waste generated in an earlier year
  int64_t settled_g = 0;         // dispatched mass of this producer's manifests closed by a receive
  int64_t transit_diff_g = 0;    // settled - (received + refused) on those manifests
  int64_t reversals = 0;         // lot changes undone by void or correct entries

  // The change of stock these flows make.
  int64_t Net() const {
    return generated_g + secondary_g + received_g + returned_g - dispatched_g - utilized_g - disposed_g;
  }
  FlowTotals& operator+=(const FlowTotals& o);
  FlowTotals& operator-=(const FlowTotals& o);
  bool operator==(const FlowTotals&) const = default;
};

// Waste sent from one producer to one receiver.
struct PairFlow {
  int64_t dispatched_g = 0;  // on the dispatch date
  int64_t received_g = 0;    // on the receive date (counted under the dispatched code)
  int64_t returned_g = 0;    // refused, on the receive date
  PairFlow& operator+=(const PairFlow& o);
  PairFlow& operator-=(const PairFlow& o);
  bool operator==(const PairFlow&) const = default;
};

using PartyWaste = std::pair<std::string, std::string>;               // party, waste
using PairWaste = std::tuple<std::string, std::string, std::string>;  // from, to, waste
struct FlowSums {
  std::map<PartyWaste, FlowTotals> parties;
  std::map<PairWaste, PairFlow> pairs;
};

// The sum of every flow with an event date before `date` (YYYY-MM-DD): from
// the year, month and day aggregates, so the cost grows with the number of
// parties, codes and periods, not with the log. A span [from, to] is
// FlowsBefore(to + 1 day) minus FlowsBefore(from).
[[nodiscard]] Result<FlowSums> FlowsBefore(const Ledger& ledger, std::string_view date);
// The flows of each month of `year` ("YYYY-MM" -> sums).
[[nodiscard]] Result<std::map<std::string, FlowSums>> FlowsByMonth(const Ledger& ledger, int year);
// Every aggregate stored, key -> counters, for checking (verify --deep).
[[nodiscard]] Result<std::map<std::string, std::vector<int64_t>>> StoredAggregates(const Ledger& ledger);

}  // namespace wasteledger
