// The rules of each lifecycle kind (docs/STATEMENTS.md), as functions over
// one Step: the statement's position, its effective actor and event time,
// and the batch it writes into. Each checks everything, refuses with one line
// "<kind>: <rule and value>", or writes the effect (lots, manifests, stock
// and the effect record at the step's seq). Internal to the library.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain_body.h"
#include "domain_store.h"
#include "wasteledger/party.h"
#include "wasteledger/state_hook.h"
#include "wasteledger/time_util.h"
#include "wasteledger/waste_code.h"

namespace wasteledger {
class SchemaValidator;
}  // namespace wasteledger

namespace wasteledger::domain {

struct Step {
  uint64_t seq = 0;
  std::string kind;       // the lifecycle kind applied (a correction: the target's)
  std::string actor;      // the original actor (a correction keeps the target's)
  Timestamp time;         // the event time (a correction keeps the target's)
  std::string time_text;  // as written in the statement
  std::string where;      // path of the body in messages: "body" or "body.body"
  // The statement's canonical text (JCS), whose "body" member is the body
  // applied when `where` is "body"; a rule may read the body's canonical
  // text from it instead of canonicalising the tree again.
  std::string_view statement_jcs;
  // The statement's precomputed value (StateHook::Precompute), for its own
  // body (`where` "body").
  std::optional<Hash> precomputed;
  std::optional<uint64_t> corrects;
  const ApplyContext* ctx = nullptr;
  DomainTxn* txn = nullptr;
  const WasteCatalogue* catalogue = nullptr;
  std::vector<std::string>* warnings = nullptr;
  const SchemaValidator* schemas = nullptr;  // optional

  Status Refuse(const std::string& rule) const { return Status::Refused(kind + ": " + rule); }
  void Warn(const std::string& what) const;
  BodyReader Reader(const Json& j) const { return BodyReader(j, kind + ": " + where); }
  // The party, or a refusal unless it is registered with `role`.
  Result<const Party*> NeedParty(const std::string& id, std::string_view role, std::string_view as) const;
  // A normalised, well-formed code (warns when unlisted); `path` names it.
  Result<WasteCodeInfo> NeedWaste(const std::string& code, const std::string& path) const;
  // Ok unless a live lot (or one voided other than by this step) has the id.
  Status NeedFreeLotId(const std::string& id) const;
  // Refused when this entry's event time is before that of the entry at
  // `seq`, which it follows (`what`: the lot's making, the manifest's last
  // custody step): no flow before its cause, no stock below zero in a period.
  // `path`, when given, names the field in the message instead of the kind.
  Status NotBefore(uint64_t seq, const std::string& what, const std::string& path = "") const;
  // A live lot held by the actor with at least `draw_g` remaining, made no
  // later than this entry's event time.
  Result<Lot> NeedOwnLot(const std::string& id, int64_t draw_g, const std::string& path) const;
  Effect NewEffect() const;
};

Status ApplyGenerate(const Step& step, const Json& body);
Status ApplyDispatch(const Step& step, const Json& body);
Status ApplyPickup(const Step& step, const Json& body);
Status ApplyHandover(const Step& step, const Json& body);
Status ApplyReceive(const Step& step, const Json& body);
Status ApplyProcess(const Step& step, const Json& body);  // utilize and dispose
// import (domain_import.cc): one legacy record, into the party's pools.
Status ApplyImport(const Step& step, const Json& body);
// void of the imported record at `target` (its effect `effect`): takes back
// what ApplyImport did, from the record's body read again from the log.
Status ReverseImport(const Step& step, uint64_t target, Effect& effect);
// The identity of an imported record: SHA-256 over the body without "source".
Result<Hash> ImportRecordHashOf(const Json& body);
// The same from the body's canonical text (no tree built).
Result<Hash> ImportRecordHashOfCanonical(std::string_view body_jcs);
// The same for the body of an import statement, from the statement's
// canonical text.
Result<Hash> ImportRecordHashOfStatement(std::string_view statement_jcs);
// Applies a lifecycle kind by name.
Status ApplyLifecycle(const Step& step, const Json& body);

// Counts a received manifest's settlement flows on `day` (sign -1 undoes them).
void CountSettlement(DomainTxn& txn, const Manifest& m, std::string_view day, int sign);

// void and correct. `step` is the statement's own (kind "void"/"correct",
// the actor who signed).
Status ApplyVoidOrCorrect(const Step& step, const Json& body);

}  // namespace wasteledger::domain
