// Reconciliation: the findings a regulator expects (docs/design domain.md,
// "Reconciliation findings a regulator expects"), computed from a ledger by
// reading it only. Each finding names a rule, the party it is about, the
// entries (seqs) that prove it and one sentence in Chinese and English with
// the figures (masses in tonnes with 6 decimals, i.e. exact to the gram).
//
// Rules (the ids are part of the CLI's documented output):
//   unconfirmed-receipt   serious (hazardous) / warning: a manifest still
//                         dispatched or in transit more than 5 working days
//                         (Mon-Fri; public holidays are not modelled) after
//                         its dispatch date, as of `as_of` (one received or
//                         refused after as_of's day counts as open). Party:
//                         producer; seqs: dispatch, pickups and handovers.
//   late-confirmation     serious (hazardous) / warning: a manifest received
//                         or refused, on or before as_of's day, more than 5
//                         working days after its dispatch date. Party:
//                         receiver; seqs: dispatch, receive.
//   quantity-discrepancy  warning: a received line where |received + refused
//                         - dispatched| > tolerance x dispatched with no
//                         reason recorded. Party: receiver; seqs: dispatch,
//                         receive.
//   phantom-consumption   serious: a lot drawn below zero. Live entries are
//                         refused at append time, so this exists for legacy
//                         imported data and cannot fire on a live ledger.
//                         Party: owner; seqs: the lot's creating entry.
//   unpermitted-receiver  serious: a manifest line whose receiver held no
//                         valid permit (utilize, dispose, store or collect,
//                         the code or its category) on the dispatch date
//                         under the party record in force at the dispatch,
//                         or on the receive date under the record in force at
//                         the receive (for the code received). Party:
//                         receiver; seqs: dispatch (and receive), and the
//                         party record in force.
//   capacity-exceeded     warning: the mass dispatched to a receiver under
//                         one permit in a calendar year goes above the
//                         permit's capacity_g. Party: receiver; seqs: the
//                         dispatch that crossed the limit (once per
//                         receiver x permit x year).
//   code-mismatch         warning: a line received under another code than
//                         the dispatched one. Party: receiver; seqs:
//                         dispatch, receive.
//   storage-overdue       serious: a hazardous lot with mass remaining whose
//                         storage began more than one year (same day of the
//                         next year, 29 Feb -> 28 Feb) before the as_of date:
//                         its creating event date, or for a lot returned to
//                         the producer (refused) that of the lot it was
//                         dispatched from; with as_of given, the mass it
//                         held on that day (now plus what was drawn after).
//                         Party: owner; seqs: the creating entry.
//   late-entry            warning: a lifecycle, correct or void entry logged
//                         more than late_entry_seconds after its statement's
//                         event time. Party: the actor; seqs: the entry;
//                         manifest and waste: the entry's (generate: its
//                         code; dispatch, pickup, handover, receive: the
//                         manifest and its line codes, receive also the
//                         codes received under; utilize, dispose: the input
//                         lots' and the outputs' codes; void: the undone
//                         entry's; correct: the target's and the
//                         replacement's).
//
// A finding belongs to the period when its triggering event date falls in
// [from, to]: the dispatch date (unconfirmed-receipt, capacity-exceeded,
// unpermitted-receiver at dispatch), the receive date (quantity-discrepancy,
// code-mismatch, unpermitted-receiver at receipt, late-confirmation), the lot's creating event
// date (phantom-consumption) or storage start (storage-overdue), or the entry's own event date
// (late-entry). Event dates are the instants' dates in the ledger's
// (genesis) timezone; a correction's replacement keeps its target's event
// time.
// Otherwise the ledger is read as it is now (statuses, voids, corrections,
// party records); `as_of` is the day the time-based rules judge.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "wasteledger/ledger.h"
#include "wasteledger/reports/document.h"
#include "wasteledger/reports/source.h"
#include "wasteledger/status.h"
#include "wasteledger/waste_code.h"

namespace wasteledger::reports {

enum class Severity { kInfo, kWarning, kSerious };

// "info", "warning" or "serious".
std::string_view SeverityName(Severity s);

struct Finding {
  std::string rule;  // one of the rule ids above
  Severity severity = Severity::kWarning;
  std::string party;     // the party the finding is about
  std::string manifest;  // may be empty
  // The waste codes concerned, comma-separated (a manifest's distinct codes
  // in line order; code-mismatch: dispatched then received); may be empty.
  std::string waste;
  std::vector<uint64_t> seqs;  // the entries that prove it, ascending
  std::string sentence_zh;
  std::string sentence_en;
};

struct ReconcileOptions {
  std::string from, to;  // event-date period YYYY-MM-DD, inclusive; empty = unbounded
  std::string party;     // findings about this party only (empty = all)
  // A waste code (any spelling NormaliseWasteCode accepts) or a category
  // (HW08, SW02, S07, CW01): findings naming a matching code only (a finding
  // naming several codes matches when any of them does); findings naming no
  // code are left out. Empty = all.
  std::string waste;
  double tolerance = 0.02;  // quantity discrepancy allowed, fraction of dispatched, 0..1
  // "Now" for unconfirmed-receipt and storage-overdue, RFC 3339 (its date is
  // taken in the offset it is written with); empty = the current time in the
  // ledger's timezone.
  std::string as_of;
  int64_t late_entry_seconds = 7 * 86400;  // late-entry threshold (logged - event time), >= 0
};

// The findings with the ledger they were computed from (origin, size and
// root, as every report names it) and the options that selected them.
struct ReconcileReport {
  LedgerSource source;
  ReconcileOptions options;
  // The time the time rules judged, RFC 3339: options.as_of, or (when that is
  // empty) the time of the run in the ledger's timezone.
  std::string as_of;
  std::vector<Finding> findings;  // in rule order (as listed above), then by seqs
};

// Every finding of every rule, in rule order (as listed above), then by
// seqs. InvalidArgument for bad options (malformed dates, from after to,
// tolerance outside 0..1, negative threshold); read errors as they come.
[[nodiscard]] Result<ReconcileReport> Reconcile(const Ledger& ledger, const WasteCatalogue& catalogue,
                                                const ReconcileOptions& options);

// One table "findings": rule, severity, party, manifest, waste, seqs
// ("3, 5"), sentence (in `lang`); facts give the ledger (SourceFacts), the
// period, filters, tolerance and as_of.
Document ReconcileDocument(const ReconcileReport& report, Lang lang);

// {"report":"reconcile","ledger":{"origin","size","root"},
//  "period":{"from","to"} (null when unbounded),
//  "filters":{"party","waste"} (each only when given), "as_of" (report.as_of),
//  "as_of_given" (false: the time of the run), "tolerance_ppm" (parts per
//  million of the dispatched mass),
//  "findings":[{"rule","severity","party","manifest","waste","seqs":[..],
//               "sentence":{"zh","en"}}..],
//  "counts":{"<rule>":n, ...every rule id, 0 included}}
nlohmann::json ReconcileJson(const ReconcileReport& report);

}  // namespace wasteledger::reports
