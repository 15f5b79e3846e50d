// StateHook: how the domain layer (lots, stock, permits, aggregates) joins
// the append path. The Ledger calls the hook for every statement it is about
// to append, in log order, inside one batch; the hook may refuse the
// statement (the whole batch is then refused and nothing is written) and may
// add its own index writes to the same atomic batch.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wasteledger/statement.h"
#include "wasteledger/status.h"

namespace wasteledger {

class Ledger;
struct Party;

// What the Ledger knows about the point of the batch a statement is applied
// at: the parties in force there (records earlier in the batch included) and
// the "logged" time the entry will carry.
struct ApplyContext {
  std::function<const Party*(std::string_view id)> find_party;
  int64_t logged_unix_seconds = 0;
  int timezone_minutes = 0;  // the ledger's genesis timezone
  // The bytes of an entry of an earlier batch (the domain reads an imported
  // record's body again to undo it); an entry of this batch is an error.
  std::function<Result<std::string>(uint64_t seq)> entry_bytes;
};

// Writes and reads inside the batch being built: Get sees the batch's own
// earlier Puts, then the committed store.
class BatchAccess {
 public:
  virtual ~BatchAccess() = default;
  virtual void Put(std::string_view key, std::string_view value) = 0;
  // Adds counters to the key's value without reading it: `delta` and the
  // value are n x 8-byte big-endian two's-complement integers, added column
  // by column, a shorter one reading as zeros beyond its end (AddCounterBytes
  // in store.h; RocksDB applies it as a merge operator). Get sees the sum.
  virtual void AddCounters(std::string_view key, std::string_view delta) = 0;
  virtual Result<std::optional<std::string>> Get(std::string_view key) const = 0;
};

class StateHook {
 public:
  virtual ~StateHook() = default;
  // Checks and applies `st`, about to be appended at `seq` (sealed: the seq
  // of its seal in `seal_by`); `ctx` shows the parties as of this point of
  // the batch.
  virtual Status Apply(uint64_t seq, const Statement& st, std::optional<uint64_t> seal_by,
                       const ApplyContext& ctx, BatchAccess& batch) = 0;
  // Work on one statement that needs no ledger state (a hash of part of
  // it), done by Ledger::Prepare on its threads, off the serial append path:
  // the result goes in `st.precomputed`, where Apply finds it. Thread-safe.
  virtual void Precompute(Statement& /*st*/) const {}
  // Adds to `keys` the keys Apply will read for `st` (after Precompute), so
  // the ledger can read them ahead, all the batch's at once, before it
  // applies the batch. Only a hint: Apply reads through BatchAccess as
  // always, and a key left out is read then.
  virtual void KeysToRead(const Statement& /*st*/, std::vector<std::string>& /*keys*/) const {}
  // Every statement of the batch was applied: the hook adds its last writes
  // (e.g. aggregates it summed over the batch). A failure refuses the batch.
  virtual Status Finish(BatchAccess& /*batch*/) { return Status::Ok(); }
  // The batch was committed, or refused: the hook keeps or drops whatever it
  // cached since the batch began.
  virtual void Commit() = 0;
  virtual void Abort() = 0;
};

}  // namespace wasteledger
