// report trace: where every gram of a lot (or of a manifest's lines) went,
// through any number of hops, or (backward) where a lot came from.
//
// Forward, a lot node's mass is split over the live draws on the lot
// (domain_query.h DrawsOn) and what it still holds:
//   - a dispatch draw leads to the manifest line(s) drawing on the lot, and
//     each line to its received lot "#<seq>/<line>" and refused lot
//     "#<seq>/<line>r" (both traced on), the transport difference
//     (dispatched - received - refused) as a leaf, or "in transit" while the
//     manifest is not yet received;
//   - a utilize or dispose draw is a leaf (utilized / disposed) with the
//     products and secondary-waste output lots it yielded, attributed to
//     this lot in proportion to the mass drawn; output lots are traced on.
// Proportions are exact integer grams: a mass is split over parts by the
// largest-remainder method (each part gets floor(mass * w / W), the grams
// left go one each to the parts with the largest remainders, earlier parts
// first on ties), so the parts always sum to the mass. A node whose mass is
// a share of its lot traces that share, split the same way.
//
// A voided lot (the entry that made it undone by a void or correct) keeps
// its mass on record but holds nothing: that mass is "voided" (a leaf with
// the void's seq), and the lot node names the void (voided_by).
//
// The fate of a traced mass: held + in transit + utilized + disposed +
// transport difference + voided == the mass, exactly. Products and secondary
// waste are new mass and are reported beside it, not in it.
//
// Backward, each step's mass is the mass that went into it, and its sources
// are the parts of it each lot gave, so they sum exactly to the step:
//   - a received or returned lot comes from its manifest line (mass_g: what
//     the line dispatched), which drew that mass from the producer's lot;
//   - an output lot comes from its utilize / dispose entry (mass_g: the mass
//     it drew), whose source lots are the draws on each (mass_g: the grams
//     drawn; lot_mass_g the whole lot);
//   - a generate (or import pool) lot ends at a "generated" leaf.
// When only a share of a lot went on (a source lot that gave part of its
// mass), the steps before it are shared down in the same proportion, by the
// same largest-remainder split, so every figure is the part of that source
// that went into the traced lot. A backward lot node's remaining_g is what
// the whole lot still holds now.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "wasteledger/reports/document.h"
#include "wasteledger/reports/source.h"
#include "wasteledger/status.h"

namespace wasteledger {
class Ledger;
}  // namespace wasteledger

namespace wasteledger::reports {

struct TraceOptions {
  std::string lot;        // trace this lot ...
  std::string manifest;   // ... or every line of this manifest, as dispatched
  bool backward = false;  // from the lot to its sources (lot only)
};

// What became of a traced mass (all grams).
struct Fate {
  int64_t held_g = 0;        // still in some lot
  int64_t in_transit_g = 0;  // on manifests not yet received
  int64_t utilized_g = 0;
  int64_t disposed_g = 0;
  int64_t transport_diff_g = 0;  // dispatched - (received + refused) on received manifests
  int64_t products_g = 0;        // new mass: products of utilisation / disposal
  int64_t secondary_g = 0;       // new mass: secondary-waste output lots
  int64_t voided_g = 0;          // in lots voided (their making entry undone)
  // held + in transit + utilized + disposed + transport difference + voided.
  int64_t Accounted() const {
    return held_g + in_transit_g + utilized_g + disposed_g + transport_diff_g + voided_g;
  }
  Fate& operator+=(const Fate& o);
  bool operator==(const Fate&) const = default;
};

enum class TraceStep {
  kLot,            // a lot (root, received, returned, output or, backward, a source)
  kManifest,       // the root of --manifest
  kLine,           // a manifest line drawing on the parent lot
  kInTransit,      // leaf: the line is not yet received
  kTransportDiff,  // leaf: dispatched - (received + refused)
  kUtilized,       // a utilize draw, parent of its products and output lots
  kDisposed,       // a dispose draw, parent of its products and output lots
  kProduct,        // leaf: a named product
  kGenerated,      // backward leaf: the generate entry
  kVoided,         // leaf: the part of a voided lot's mass (seqs: the void or correct)
  kCycle,          // a lot already on the path (never expected; stops the walk)
};

struct TraceNode {
  TraceStep step = TraceStep::kLot;
  std::string lot;    // kLot, kCycle
  std::string party;  // owner of a lot, receiver of a line, actor of a draw
  std::string waste;
  int64_t mass_g = 0;          // the grams of the trace in this step
  int64_t remaining_g = 0;     // kLot: of mass_g, still held in the lot (backward: the whole lot's)
  int64_t lot_mass_g = 0;      // kLot: the lot's whole mass
  std::optional<uint64_t> voided_by;  // kLot: the void or correct entry that undid the lot
  std::vector<uint64_t> seqs;  // the entries of this step
  std::string manifest;
  int64_t line = 0;    // kLine (1-based)
  std::string method;  // kUtilized, kDisposed
  std::string name;    // kProduct
  std::string source;  // kLot: generate, receive, return or output
  Fate fate;           // forward kLot, kManifest, kLine: the fate of mass_g
  std::vector<TraceNode> children;
};

struct TraceReport {
  LedgerSource source;
  TraceOptions options;
  TraceNode root;
  Fate fate;  // forward: the root's fate; backward: zero
};

// NotFound naming the lot or manifest when it does not exist;
// InvalidArgument for neither or both of lot and manifest, or --backward
// with a manifest.
Result<TraceReport> Trace(const Ledger& ledger, const TraceOptions& options);

// Splits `mass` over parts weighted by `weights` (non-negative) by the
// largest-remainder method; the parts sum to `mass` (all zero when the
// weights do).
std::vector<int64_t> SplitByWeight(int64_t mass, const std::vector<int64_t>& weights);

nlohmann::json TraceJson(const TraceReport& report);
Document TraceDocument(const TraceReport& report, Lang lang, MassUnit unit);

}  // namespace wasteledger::reports
