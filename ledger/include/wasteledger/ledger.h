// Ledger: one append-only, hash-chained, Merkle-tree log of signed
// statements, stored in RocksDB (see docs/FORMAT.md for the layout).
//
// Concurrency: one writing process at a time (Open(kWrite) takes the writer
// lock); any number of reading processes, each of which sees the consistent
// prefix that was committed when it opened. Within a process, a Ledger may be
// read from several threads; Append must be called from one thread. Prepare
// is thread-safe and may run while Append commits an earlier batch.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wasteledger/checkpoint.h"
#include "wasteledger/hash.h"
#include "wasteledger/keys.h"
#include "wasteledger/merkle_tree.h"
#include "wasteledger/party.h"
#include "wasteledger/statement.h"
#include "wasteledger/status.h"

namespace wasteledger {

class Store;
class WriterLock;
class KeyDirectory;
class StateHook;
class SchemaValidator;

// Submissions parsed and signature-checked off the append path. Only
// Ledger::Prepare makes one, so Append can trust its checks.
class PreparedBatch {
 public:
  PreparedBatch();
  ~PreparedBatch();
  PreparedBatch(PreparedBatch&&) noexcept;
  PreparedBatch& operator=(PreparedBatch&&) noexcept;
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  // Moves the trailing sealed group whose members have not all arrived yet
  // into a new batch (so a batch never splits a seal).
  PreparedBatch TakeIncompleteSealTail();
  void Append(PreparedBatch&& other);

 private:
  friend class Ledger;
  friend class AppendSession;
  struct Item {
    Submission sub;
    uint64_t line = 0;                               // input line, for messages
    std::shared_ptr<const VerifierKey> verified_by;  // key whose signature checked
    // Restore (PrepareExported) only: the entry as exported, which the
    // append must write byte for byte, and its logged time.
    std::string entry;
    std::string logged;
    int64_t logged_unix = 0;
  };
  std::vector<Item> items_;
};

struct AppendedEntry {
  uint64_t seq = 0;
  uint64_t line = 0;    // input line of the submission
  bool replay = false;  // already in the ledger: seq is the existing one
};

// The file `wasteledger restore` keeps in a ledger's directory until the
// restore has finished: a directory holding it is refused by Open, Init and
// Upgrade (a restore under way, or one interrupted, is not a ledger), and
// InitFromExport accepts a directory whose only file it is.
inline constexpr const char* kRestoreMarker = "RESTORE-UNFINISHED";

class Ledger {
 public:
  enum class Mode { kRead, kWrite };

  // Creates a ledger in `dir` (which must not hold one) whose entry 0 is the
  // given self-signed genesis submission.
  static Result<std::unique_ptr<Ledger>> Init(const std::string& dir, const Submission& genesis);
  // wait_for_writer: block until another writer releases the ledger instead
  // of failing with Status::Busy.
  // A directory holding kRestoreMarker is refused, unless `restoring` (the
  // restore opening the ledger it is writing).
  static Result<std::unique_ptr<Ledger>> Open(const std::string& dir, Mode mode, bool wait_for_writer = false,
                                              bool restoring = false);
  // Restore: creates a ledger in `dir` (which must not hold one, or hold
  // only kRestoreMarker) whose entry 0 is `genesis_entry`, the first line
  // of another ledger's export, written byte for byte (its logged time
  // kept). The rest follows through PrepareExported and Append.
  static Result<std::unique_ptr<Ledger>> InitFromExport(const std::string& dir,
                                                        std::string_view genesis_entry);
  // Converts a ledger written in an older store format (v1: a RocksDB key
  // per tree node) to the current one in place, under the writer lock; the
  // log itself is untouched. True if it converted, false if the ledger was
  // current already. Open refuses a v1 ledger, naming this.
  static Result<bool> Upgrade(const std::string& dir, bool wait_for_writer = false);
  ~Ledger();

  uint64_t size() const { return size_; }
  const std::string& origin() const { return origin_; }
  int timezone_offset_minutes() const { return timezone_minutes_; }
  const std::string& dir() const { return dir_; }

  Result<std::string> EntryBytes(uint64_t seq) const;
  // Calls fn(seq, bytes) for seq in [from, to) in order until it returns
  // false. Corruption naming the first missing seq, after calling fn for
  // every entry before it.
  Status ScanEntries(uint64_t from, uint64_t to,
                     const std::function<bool(uint64_t, std::string_view)>& fn) const;
  // Calls fn(seq, leaf hash) for the stored leaf hashes of [from, to) in
  // order; Corruption at the first one missing (after the ones before it).
  Status ScanLeafHashes(uint64_t from, uint64_t to,
                        const std::function<void(uint64_t, const Hash&)>& fn) const;
  Result<Hash> LeafHash(uint64_t seq) const;
  // Checks every stored tree node above the leaves against the hash of its
  // two stored children, tier by tier (the leaves themselves are checked
  // against the entries by VerifyLedger), and that no node is stored that
  // the tree of this size does not have yet. The first problem, if any, as
  // one line naming the node and the entries under it.
  Result<std::optional<std::string>> CheckStoredNodes() const;
  // The number of keys in the statement index (one per statement in the log).
  Result<uint64_t> CountStatementIndex() const;
  // Calls fn(party id, stored value) for each stored party record, the value
  // being JCS({"record":{...},"seq":N}), until fn returns false.
  Status ScanPartyRecords(const std::function<bool(std::string_view, std::string_view)>& fn) const;
  Result<Hash> Root(uint64_t size) const;
  Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size) const;
  Result<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2) const;
  Result<std::optional<uint64_t>> FindStatement(const Hash& statement_hash) const;

  // Parties as of the current size.
  const std::map<std::string, Party>& parties() const { return parties_; }
  const Party* FindParty(std::string_view id) const;

  // Parses (if given raw lines) and checks the signatures of a batch, in
  // parallel on `threads` threads (0: one per core). `line_numbers[i]` names
  // lines[i] in messages. Fails on the first bad line, naming it.
  Result<PreparedBatch> Prepare(const std::vector<std::string>& lines,
                                const std::vector<uint64_t>& line_numbers, unsigned threads = 0) const;
  // Restore: entries of another ledger's export (`wasteledger export`
  // lines), each to be appended as it stands: checked as any submission
  // (schemas, signatures, then the core's and the domain's rules in Append,
  // judged at the entry's own logged time), and Append fails, writing
  // nothing of the batch, unless the entry it writes is the exported one
  // byte for byte (same seq, prev, logged time, signature or seal) and not
  // already in this ledger.
  Result<PreparedBatch> PrepareExported(const std::vector<std::string>& entries,
                                        const std::vector<uint64_t>& line_numbers,
                                        unsigned threads = 0) const;
  // Which bodies Prepare checks against their schemas (SetSchemaValidator):
  // every one, or every one but the import records, for a caller that built
  // each of those itself from values it had checked (the import command: its
  // tests check that every record it stores satisfies the import schema).
  enum class Schemas { kCheckAll, kTrustImportRecords };
  Result<PreparedBatch> Prepare(std::vector<Submission> subs, unsigned threads = 0,
                                Schemas schemas = Schemas::kCheckAll) const;

  // Appends the batch atomically (one synced RocksDB write), or nothing.
  // Replays answer with their existing seq and write nothing.
  Result<std::vector<AppendedEntry>> Append(PreparedBatch batch);

  // Append for bulk loads: the same checks, but the batch's synced RocksDB
  // write is left to a background thread, and the call returns once the
  // batch is checked and applied in memory (size(), parties() and the domain
  // layer's caches include it), so that the caller applies the next batch
  // while this one is written. At most one write is in flight: the next
  // append waits for it before it starts its own write, and fails with its
  // error. Every read below (entries, proofs, indexes, checkpoints) waits for
  // it first. A batch is in the ledger once WaitForWrites (or a read) has
  // returned Ok after it; when AppendPipelined returns Ok, every batch before
  // this one is in the ledger. Once a write has failed,
  // the ledger refuses every further call with that error (reopen it): the
  // batch whose write failed, and any applied after it, are not stored.
  Result<std::vector<AppendedEntry>> AppendPipelined(PreparedBatch batch);
  // Waits for the write in flight, if any; its status (or an earlier
  // write's failure).
  Status WaitForWrites() const;
  // Tests only: called on the writer thread before each pipelined write; a
  // status other than Ok fails that write in its place, as a full disk would.
  void SetWriteGateForTesting(std::function<Status()> gate) { write_gate_ = std::move(gate); }

  // Signs a checkpoint of the current size with the operator key (named
  // after the origin), stores it and returns the note. The first operator key
  // used is recorded; a different one is refused.
  Result<std::string> SignCheckpoint(const SigningKey& operator_key);
  // Stores a checkpoint the operator signed elsewhere (restore: the
  // original's), once its signature checks with `operator_key` (named after
  // the origin, and the one on record if any) and it signs this ledger's
  // root at its size; records the key as the operator's if none is yet.
  Status AdoptCheckpoint(std::string_view note, const VerifierKey& operator_key);
  // The operator's verifier key, once a checkpoint has been signed.
  Result<std::optional<VerifierKey>> OperatorKey() const;
  // Every block of the store read and its checksum checked: Corruption names
  // a damaged file (verify runs it; reading the log alone does not read the
  // domain's indexes and aggregates).
  Status VerifyStorage() const;
  // Stored checkpoint notes, ascending by size.
  Result<std::vector<std::string>> Checkpoints() const;

  // Domain indexes as committed (keys starting with 'X', owned by the domain
  // layer; any other key is InvalidArgument). ScanIndex calls fn(key, value)
  // in key order for keys with `prefix` until fn returns false.
  Result<std::optional<std::string>> GetIndex(std::string_view key) const;
  Status ScanIndex(std::string_view prefix,
                   const std::function<bool(std::string_view, std::string_view)>& fn) const;
  // The same, from the key `start` (which has `prefix`) on.
  Status ScanIndexFrom(std::string_view prefix, std::string_view start,
                       const std::function<bool(std::string_view, std::string_view)>& fn) const;

  // Domain layer: called for every statement appended, in order, inside the
  // batch; may refuse it and may add writes to the same atomic batch.
  void SetStateHook(StateHook* hook) { hook_ = hook; }

  // Statement schemas (not owned; keep alive while set): Prepare checks every
  // statement's body against the schema of its kind, in parallel with the
  // signatures, and refuses the batch naming the line and the JSON path.
  void SetSchemaValidator(const SchemaValidator* schemas) { schemas_ = schemas; }

 private:
  Ledger();
  // Init's and InitFromExport's work: `first` prepares the genesis batch.
  // `restoring`: the directory may hold kRestoreMarker, and is left as it
  // is (the restore cleans it up) if the genesis is refused.
  static Result<std::unique_ptr<Ledger>> Create(
      const std::string& dir, const std::function<Result<PreparedBatch>(const Ledger&)>& first,
      bool restoring);
  Status LoadState();
  void Precompute(Statement& st) const;
  // The parallel pass of every Prepare (ledger_append.cc).
  Result<PreparedBatch> PrepareEach(size_t n, unsigned threads, Schemas schemas,
                                    const std::function<Status(size_t, PreparedBatch::Item&)>& fill) const;
  Status CheckItem(const PreparedBatch::Item& item, std::shared_ptr<const VerifierKey>* key,
                   Schemas schemas = Schemas::kCheckAll) const;
  Result<std::vector<AppendedEntry>> AppendBatch(PreparedBatch batch, bool pipelined);
  friend class AppendSession;
  struct InFlight;  // the batch being written (AppendPipelined)

  std::string dir_;
  std::unique_ptr<WriterLock> lock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<KeyDirectory> key_directory_;
  StateHook* hook_ = nullptr;
  const SchemaValidator* schemas_ = nullptr;
  uint64_t size_ = 0;
  Hash last_leaf_{};
  std::string origin_;
  int timezone_minutes_ = 0;
  std::map<std::string, Party> parties_;
  CompactRange range_;  // the tree's right edge at size_
  // Waiting for a write changes no state the caller sees: both are mutable
  // so that the const reads can wait.
  mutable std::unique_ptr<InFlight> in_flight_;
  mutable Status write_failure_;  // the first failed pipelined write, sticky
  std::function<Status()> write_gate_;
};

}  // namespace wasteledger
