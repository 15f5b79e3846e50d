// DomainState: the waste domain's state machine, run by the Ledger inside
// every append (Ledger::SetStateHook). For each lifecycle statement it checks
// the rules of docs/STATEMENTS.md against the lots, manifests and permits as
// of that point of the batch, refuses with one line naming the rule and the
// value, or writes the statement's effect into the same atomic batch (keys
// starting with 'X'; grammar in ledger/src/domain_store.h). Read the result
// back with the functions of domain_query.h.
//
// Ownership and thread-safety: holds its catalogue and the warnings of the
// last batch; used by the one thread that appends. The Ledger does not own
// it: keep it alive while it is set as the hook.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasteledger/state_hook.h"
#include "wasteledger/waste_code.h"

namespace wasteledger {

class SchemaValidator;
namespace domain {
class AggregateBuffer;
class LotCache;
}  // namespace domain

// How far an event time may lie after the entry's logged time.
inline constexpr int64_t kMaxFutureSkewSeconds = 600;
// The earliest event date a live entry may carry: the year manifest numbers
// start at (a time of 0001-01-01 or 1900 is a typo, not a late entry).
inline constexpr std::string_view kEarliestEventDate = "2000-01-01";

class DomainState : public StateHook {
 public:
  explicit DomainState(WasteCatalogue catalogue);
  ~DomainState() override;

  Status Apply(uint64_t seq, const Statement& st, std::optional<uint64_t> seal_by, const ApplyContext& ctx,
               BatchAccess& batch) override;
  Status Finish(BatchAccess& batch) override;
  // An import record's identity (domain::ImportRecordHashOf).
  void Precompute(Statement& st) const override;
  void KeysToRead(const Statement& st, std::vector<std::string>& keys) const override;
  void Commit() override;
  void Abort() override;

  // Warnings of the last batch (committed or refused), each one line starting
  // "seq N: ": unlisted waste codes, a receiver's annual capacity exceeded.
  const std::vector<std::string>& warnings() const { return warnings_; }

  const WasteCatalogue& catalogue() const { return catalogue_; }

  // Optional (not owned): checks the replacement body of a correct entry
  // against the schema of the kind it corrects (path "body.body"). Bodies of
  // the statements themselves are validated where the ledger validates
  // every statement.
  void SetSchemaValidator(const SchemaValidator* schemas) { schemas_ = schemas; }

 private:
  WasteCatalogue catalogue_;
  const SchemaValidator* schemas_ = nullptr;
  std::vector<std::string> warnings_;
  std::unique_ptr<domain::AggregateBuffer> aggregates_;
  std::unique_ptr<domain::LotCache> lots_;
  bool in_batch_ = false;
};

}  // namespace wasteledger
