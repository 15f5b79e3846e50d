// The append path: Prepare (parse and check signatures in parallel, off the
// critical path) and Append (apply the ledger's rules in order and commit one
// atomic, synced RocksDB batch).
#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "key_directory.h"
#include "parallel.h"
#include "store.h"
#include "wasteledger/canonical_json.h"
#include "wasteledger/ledger.h"
#include "wasteledger/merkle.h"
#include "wasteledger/merkle_tree.h"
#include "wasteledger/schema_validator.h"
#include "wasteledger/state_hook.h"
#include "writer_lock.h"

namespace wasteledger {

namespace {

// Records the first failure (lowest index) seen by any thread.
class FirstError {
 public:
  void Set(size_t index, Status s) {
    std::lock_guard lock(mu_);
    if (!has_ || index < index_) {
      has_ = true;
      index_ = index;
      status_ = std::move(s);
    }
  }
  bool has() const { return has_; }
  const Status& status() const { return status_; }

 private:
  std::mutex mu_;
  bool has_ = false;
  size_t index_ = 0;
  Status status_;
};

struct HashKey {
  size_t operator()(const Hash& h) const {
    size_t v;
    std::memcpy(&v, h.data(), sizeof v);
    return v;
  }
};

}  // namespace

// The signature checks of a run of prepared items, made in groups
// (VerifyMany); a failure goes to `error` under its item's index.
class SignatureGroup {
 public:
  explicit SignatureGroup(FirstError& error) : error_(error) {}

  // Queues the item's check (`verified_by` receives the key once the
  // signature checks), and makes the group's checks once it is full; false
  // if one of them failed.
  bool Add(size_t index, const Submission& sub, uint64_t line, std::shared_ptr<const VerifierKey> key,
           std::shared_ptr<const VerifierKey>* verified_by) {
    Pending& p = pending_[n_++];
    p.index = index;
    p.sub = &sub;
    p.line = line;
    p.key = std::move(key);
    p.verified_by = verified_by;
    return n_ < kGroup || Flush();
  }

  // Makes the checks queued; false if one failed (the first is recorded).
  bool Flush() {
    if (n_ == 0) return true;
    SignatureCheck checks[kGroup];
    bool ok[kGroup];
    for (size_t i = 0; i < n_; ++i) {
      const Submission& sub = *pending_[i].sub;
      checks[i] = {pending_[i].key.get(), sub.statement.jcs, sub.sig->value, kStatementPrefix};
    }
    VerifyMany(std::span(checks, n_), std::span(ok, n_));
    const size_t n = n_;
    n_ = 0;
    for (size_t i = 0; i < n; ++i) {
      Pending& p = pending_[i];
      if (!ok[i]) {
        error_.Set(p.index, Status::Unauthenticated(fmt::format("line {}: signature does not verify under key {}",
                                                                p.line, p.sub->sig->key)));
        return false;
      }
      *p.verified_by = std::move(p.key);
    }
    return true;
  }

 private:
  static constexpr size_t kGroup = 32;
  struct Pending {
    size_t index = 0;
    const Submission* sub = nullptr;
    uint64_t line = 0;
    std::shared_ptr<const VerifierKey> key;
    std::shared_ptr<const VerifierKey>* verified_by = nullptr;
  };
  FirstError& error_;
  Pending pending_[kGroup];
  size_t n_ = 0;
};

// The checks of one statement that need nothing but itself: its body's
// schema here, and its signature when the directory knows the key it names
// (*key, for the caller to check; keys it does not know yet are left to
// Append).
Status Ledger::CheckItem(const PreparedBatch::Item& item, std::shared_ptr<const VerifierKey>* key,
                         Schemas schemas) const {
  const Statement& st = item.sub.statement;
  if (schemas_ != nullptr && !(schemas == Schemas::kTrustImportRecords && st.kind == "import")) {
    Status valid = schemas_->ValidateBody(st.kind, st.json["body"]);
    if (!valid.ok()) {
      return Status::InvalidArgument(fmt::format("line {}: {}: {}", item.line, st.kind, valid.message()));
    }
  }
  if (item.sub.sig) *key = key_directory_->Find(item.sub.sig->key);
  return Status::Ok();
}

void Ledger::Precompute(Statement& st) const {
  st.precomputed.reset();  // only the hook sets it
  if (hook_ != nullptr) hook_->Precompute(st);
}

// One parallel pass: `fill` makes item i (parsing its line, if it has one),
// then the hook's precomputation, the schema check and the signature check
// (in groups). The first failure (lowest index) is the one reported,
// whatever is wrong with it.
Result<PreparedBatch> Ledger::PrepareEach(
    size_t n, unsigned threads, Schemas schemas,
    const std::function<Status(size_t, PreparedBatch::Item&)>& fill) const {
  PreparedBatch batch;
  batch.items_.resize(n);
  FirstError error;
  ParallelFor(n, threads, [&](size_t begin, size_t end) {
    SignatureGroup group(error);
    for (size_t i = begin; i < end; ++i) {
      auto& item = batch.items_[i];
      Status made = fill(i, item);
      if (made.ok()) {
        Precompute(item.sub.statement);
        std::shared_ptr<const VerifierKey> key;
        made = CheckItem(item, &key, schemas);
        if (made.ok()) {
          if (key && !group.Add(i, item.sub, item.line, std::move(key), &item.verified_by)) return;
          continue;
        }
      }
      group.Flush();  // a bad signature on an earlier line comes first
      error.Set(i, std::move(made));
      return;
    }
    group.Flush();
  });
  if (error.has()) return error.status();
  return batch;
}

Result<PreparedBatch> Ledger::Prepare(const std::vector<std::string>& lines,
                                      const std::vector<uint64_t>& line_numbers, unsigned threads) const {
  assert(lines.size() == line_numbers.size());
  return PrepareEach(lines.size(), threads, Schemas::kCheckAll, [&](size_t i, PreparedBatch::Item& item) {
    auto sub = ParseSubmission(lines[i]);
    if (!sub.ok()) return sub.status().WithContext(fmt::format("line {}", line_numbers[i]));
    item.sub = std::move(*sub);
    item.line = line_numbers[i];
    return Status::Ok();
  });
}

Result<PreparedBatch> Ledger::Prepare(std::vector<Submission> subs, unsigned threads, Schemas schemas) const {
  return PrepareEach(subs.size(), threads, schemas, [&](size_t i, PreparedBatch::Item& item) {
    item.sub = std::move(subs[i]);
    item.line = i + 1;
    return Status::Ok();
  });
}

Result<PreparedBatch> Ledger::PrepareExported(const std::vector<std::string>& entries,
                                              const std::vector<uint64_t>& line_numbers,
                                              unsigned threads) const {
  assert(entries.size() == line_numbers.size());
  return PrepareEach(entries.size(), threads, Schemas::kCheckAll, [&](size_t i, PreparedBatch::Item& item) {
    auto parsed = ParseEntry(entries[i]);
    if (!parsed.ok()) return parsed.status().WithContext(fmt::format("line {}", line_numbers[i]));
    auto logged = ParseRfc3339(parsed->header.logged);
    if (!logged.ok()) return logged.status().WithContext(fmt::format("line {}: logged", line_numbers[i]));
    item.sub.statement = std::move(parsed->statement);
    item.sub.sig = std::move(parsed->header.sig);
    if (parsed->header.seal_by) item.sub.seal_index = parsed->header.seal_index;
    item.line = line_numbers[i];
    item.entry = entries[i];
    item.logged = std::move(parsed->header.logged);
    item.logged_unix = logged->unix_seconds;
    return Status::Ok();
  });
}

// Batches of at least this many statements read their keys ahead
// (AppendSession::ReadAhead); a smaller one reads them as it goes.
constexpr size_t kReadAheadFrom = 64;

// The state of one Append while it builds its batch: nothing here touches
// the Ledger until the batch is committed.
//
// A pipelined append (AppendPipelined) may start while the previous batch
// is still being written: `prev` is that batch's session, whose maps then
// answer for the keys it writes (the store may not hold them yet).
class AppendSession : public BatchAccess {
 public:
  AppendSession(Ledger& ledger, const AppendSession* prev)
      : ledger_(ledger), prev_(prev), size_(ledger.size_), last_leaf_(ledger.last_leaf_), range_(ledger.range_) {}

  // Index writes are kept here, last value per key, and go into the batch
  // once at the end (Flush): a batch of thousands of statements rewrites
  // the same stock and lot keys over and over, and each Put would otherwise
  // be one more memtable entry.
  void Put(std::string_view key, std::string_view value) override {
    std::string k(key);
    added_.erase(k);
    auto [it, fresh] = pending_.try_emplace(std::move(k), value);
    if (!fresh) it->second.assign(value);
  }
  // Counters are added blind: into a value put in this batch, else summed
  // here and handed to RocksDB's merge operator, which adds them to the
  // stored value without this batch ever reading it.
  void AddCounters(std::string_view key, std::string_view delta) override {
    std::string k(key);
    auto put = pending_.find(k);
    std::string* into = put != pending_.end() ? &put->second : nullptr;
    if (into == nullptr) {
      auto [it, fresh] = added_.try_emplace(std::move(k));
      if (fresh && delta.size() % 8 == 0) {
        it->second.assign(delta);  // the sum of nothing and delta
        return;
      }
      into = &it->second;
    }
    if (!AddCounterBytes(into, delta)) bad_counters_ = std::string(key);
  }
  Status CheckCounters() const {
    if (!bad_counters_.empty()) {
      return Status::Corruption(fmt::format("domain index: counters of key {} are not 8-byte columns",
                                            QuoteForMessage(bad_counters_)));
    }
    return Status::Ok();
  }
  // Moves the index writes into the batch. Reads pending_ and added_ only:
  // the next session may read them meanwhile (Stored).
  void FlushPending() {
    for (const auto& [key, value] : pending_) batch_.Put(key, value);
    for (const auto& [key, delta] : added_) batch_.AddCounters(key, delta);
  }
  Result<std::optional<std::string>> Get(std::string_view key) const override {
    std::string k(key);
    auto it = pending_.find(k);
    if (it != pending_.end()) return std::optional<std::string>(it->second);
    WL_ASSIGN_OR_RETURN(auto stored, Stored(k));
    auto added = added_.find(k);
    if (added == added_.end()) return stored;
    std::string sum = stored.value_or("");
    if (!AddCounterBytes(&sum, added->second)) {
      return Status::Corruption(
          fmt::format("domain index: counters of key {} are not 8-byte columns", QuoteForMessage(key)));
    }
    return std::optional<std::string>(std::move(sum));
  }

  const Party* FindParty(const std::string& id) const {
    auto it = parties_.find(id);
    if (it != parties_.end()) return &it->second;
    return ledger_.FindParty(id);
  }

  Result<std::optional<uint64_t>> FindStatement(const Hash& h) const {
    auto it = statements_.find(h);
    if (it != statements_.end()) return std::optional<uint64_t>(it->second);
    if (prev_ != nullptr) {
      auto p = prev_->statements_.find(h);
      if (p != prev_->statements_.end()) return std::optional<uint64_t>(p->second);
    }
    if (!read_cache_.empty()) {
      auto cached = read_cache_.find(StatementKey(h));
      if (cached != read_cache_.end()) return DecodeStatementSeq(cached->second);
    }
    return ledger_.store_->FindStatement(h);
  }

  // Reads ahead, in one batched look-up, the keys the batch will read from
  // the store: its statements' index keys (the replay check) and what the
  // state hook names. Read as Stored would read them one by one: a key the
  // previous batch writes is answered by that batch, so it is not read here.
  Status ReadAhead(std::vector<std::string> keys) {
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::erase_if(keys, [this](const std::string& k) {
      return read_cache_.count(k) != 0 ||
             (prev_ != nullptr && (prev_->pending_.count(k) != 0 || prev_->added_.count(k) != 0));
    });
    if (keys.empty()) return Status::Ok();
    WL_ASSIGN_OR_RETURN(auto values, ledger_.store_->GetMany(keys));
    for (size_t i = 0; i < keys.size(); ++i) read_cache_.emplace(std::move(keys[i]), std::move(values[i]));
    return Status::Ok();
  }

  // The key's value before this batch: the previous batch's, while it may
  // still be on its way to the store, else the stored one.
  Result<std::optional<std::string>> Stored(const std::string& key) const {
    if (prev_ != nullptr) {
      auto p = prev_->pending_.find(key);
      if (p != prev_->pending_.end()) return std::optional<std::string>(p->second);
      // Counters the previous batch adds (blind) are in the store only once
      // it is written. (The domain layer reads none while it applies.)
      if (prev_->added_.count(key) != 0) WL_RETURN_IF_ERROR(ledger_.WaitForWrites());
    }
    // Nothing else writes the store while this batch is built: what it
    // held for a key still holds. (The domain layer reads some keys once
    // per statement, such as a party's pool years.)
    auto cached = read_cache_.find(key);
    if (cached != read_cache_.end()) return cached->second;
    WL_ASSIGN_OR_RETURN(auto stored, ledger_.store_->Get(key));
    read_cache_.emplace(key, stored);
    return stored;
  }

  // Adds the entry for the item's statement at the next seq; returns that
  // seq. A restored item's entry is its own logged time, and must come out
  // as the exported bytes (else `mismatch_` says so and the batch fails).
  uint64_t AddEntry(const PreparedBatch::Item& item, std::optional<uint64_t> seal_by, uint64_t seal_index) {
    const Statement& st = item.sub.statement;
    EntryHeader h;
    h.seq = size_;
    h.prev = size_ == 0 ? Hash{} : last_leaf_;
    h.logged = item.entry.empty() ? logged_ : item.logged;
    h.sig = seal_by ? std::nullopt : item.sub.sig;
    h.seal_by = seal_by;
    h.seal_index = seal_index;
    std::string bytes = EntryBytes(h, st);
    if (!item.entry.empty() && bytes != item.entry && mismatch_.ok()) {
      mismatch_ = Status::Corruption(fmt::format(
          "seq {}: the exported entry is not the one this ledger writes for its statement at that point "
          "(its seq, prev or seal differs: entries are missing, repeated or out of order, or one was edited)",
          h.seq));
    }
    Hash leaf = HashLeaf(bytes);
    batch_.Put(EntryKey(h.seq), bytes);
    range_.Append(leaf, [this](uint32_t level, uint64_t index, const Hash& node) { PutNode(level, index, node); });
    batch_.Put(StatementKey(st.hash), EncodeU64(h.seq));
    statements_[st.hash] = h.seq;
    last_leaf_ = leaf;
    return size_++;
  }

  // Writes a tree node into its tile (store.h, TileKey), read on first use
  // if an earlier batch began it; the tiles are put once each (FlushTiles).
  void PutNode(uint32_t level, uint64_t index, const Hash& node) {
    const NodeLocation at = LocateNode(level, index);
    std::string key = at.key();
    auto it = tiles_.find(key);
    if (it == tiles_.end()) {
      std::string tile;
      if (at.StartedAt(start_size_)) {
        auto stored = Stored(key);
        if (!stored.ok()) {
          if (tile_error_.ok()) tile_error_ = stored.status();
        } else if (!*stored || (*stored)->size() != kTileBytes) {
          if (tile_error_.ok()) {
            tile_error_ = Status::Corruption(fmt::format("tree tile ({}, {}) is missing or not {} bytes", at.tier,
                                                         at.tile, kTileBytes));
          }
        } else {
          tile = std::move(**stored);
        }
      }
      tile.resize(kTileBytes, '\0');
      it = tiles_.emplace(std::move(key), std::move(tile)).first;
    }
    std::memcpy(it->second.data() + at.offset, node.data(), node.size());
  }
  // Hands the tiles written to the index writes (which the next batch reads
  // while this one is in flight).
  Status FlushTiles() {
    WL_RETURN_IF_ERROR(tile_error_);
    for (auto& [key, tile] : tiles_) pending_.insert_or_assign(key, std::move(tile));
    tiles_.clear();
    return Status::Ok();
  }

  Ledger& ledger_;
  const AppendSession* prev_;
  StoreBatch batch_;
  std::unordered_map<std::string, std::string> pending_;
  std::unordered_map<std::string, std::string> added_;  // counters to add to the stored values
  mutable std::unordered_map<std::string, std::optional<std::string>> read_cache_;  // store reads (Stored)
  std::string bad_counters_;  // a key whose counters could not be added
  std::map<std::string, Party> parties_;
  std::unordered_map<Hash, uint64_t, HashKey> statements_;
  uint64_t size_;
  const uint64_t start_size_ = size_;
  Hash last_leaf_;
  CompactRange range_;
  std::map<std::string, std::string> tiles_;  // the tiles this batch writes nodes into
  Status tile_error_;                          // the first failure to read one
  Status mismatch_;                            // a restored entry that came out otherwise (AddEntry)
  int64_t logged_unix_ = NowUnixSeconds();
  std::string logged_ = FormatUtc(logged_unix_);
};

namespace {

Status AtLine(uint64_t line, Status s) { return s.WithContext(fmt::format("line {}", line)); }

// Checks the signature of an individually signed statement against the
// actor's keys valid at this point of the log.
Status CheckSignature(const Submission& sub, const Party* actor,
                      const std::shared_ptr<const VerifierKey>& verified_by) {
  const std::string& actor_id = sub.statement.actor;
  const std::string& ref = sub.sig->key;
  const auto plus = ref.find('+');
  if (ref.substr(0, plus) != actor_id) {
    return Status::Unauthenticated(
        fmt::format("signed by key {} but the actor is \"{}\" (a party signs with keys named after its id)",
                    ref, actor_id));
  }
  if (actor == nullptr) {
    return Status::Refused(fmt::format("actor \"{}\" is not a registered party", actor_id));
  }
  const VerifierKey* key = actor->FindKey(ref);
  if (key == nullptr) {
    return Status::Unauthenticated(
        fmt::format("key {} is not a valid key of \"{}\" (unknown, or revoked by the party record at seq {})",
                    ref, actor_id, actor->since_seq));
  }
  if (verified_by && *verified_by == *key) return Status::Ok();
  if (!key->Verify(sub.statement.Payload(), sub.sig->value)) {
    return Status::Unauthenticated(fmt::format("signature does not verify under key {}", ref));
  }
  return Status::Ok();
}

// A party that can act as a regulator: the role and a key to sign with.
bool CanRegulate(const Party& p) { return p.HasRole("regulator") && !p.keys.empty(); }

// Whether a party other than `id` can act as a regulator, as of this point
// of the batch (the batch's own party records first, then the ledger's).
bool OtherRegulator(const AppendSession& session, const std::string& id) {
  for (const auto& [other, p] : session.parties_) {
    if (other != id && CanRegulate(p)) return true;
  }
  for (const auto& [other, p] : session.ledger_.parties()) {
    if (other != id && !session.parties_.count(other) && CanRegulate(p)) return true;
  }
  return false;
}

}  // namespace

namespace {

// One background thread that runs the tasks posted to it in order; one
// thread for all the writes, so that the memory a batch's write allocates
// and frees stays in one allocator arena.
class SerialWorker {
 public:
  SerialWorker() : thread_([this] { Loop(); }) {}
  ~SerialWorker() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  template <class F>
  std::future<Status> Post(F&& fn) {
    std::packaged_task<Status()> task(std::forward<F>(fn));
    auto done = task.get_future();
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
    return done;
  }

 private:
  void Loop() {
    for (;;) {
      std::packaged_task<Status()> task;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::packaged_task<Status()>> queue_;
  bool stop_ = false;
  std::thread thread_;  // last: started once the members above are
};

}  // namespace

struct Ledger::InFlight {
  SerialWorker writer;
  std::unique_ptr<AppendSession> session;  // the batch written last (or being written)
  std::future<Status> written;             // invalid once waited for
};

Ledger::Ledger() : key_directory_(std::make_unique<KeyDirectory>()) {}

Ledger::~Ledger() {
  auto waited = WaitForWrites();
  (void)waited;  // a failed write was reported to whoever waited; nothing to add here
  in_flight_.reset();
}

Status Ledger::WaitForWrites() const {
  if (in_flight_ && in_flight_->written.valid()) {
    Status s = in_flight_->written.get();
    if (!s.ok() && write_failure_.ok()) write_failure_ = std::move(s);
  }
  return write_failure_;
}

Result<std::vector<AppendedEntry>> Ledger::Append(PreparedBatch batch) {
  return AppendBatch(std::move(batch), false);
}

Result<std::vector<AppendedEntry>> Ledger::AppendPipelined(PreparedBatch batch) {
  return AppendBatch(std::move(batch), true);
}

Result<std::vector<AppendedEntry>> Ledger::AppendBatch(PreparedBatch batch, bool pipelined) {
  if (!lock_) return Status::Refused("ledger is open read-only");
  WL_RETURN_IF_ERROR(write_failure_);
  // The first batch after genesis loads the origin from the store: written
  // in place. So is every batch of a plain Append, after the one in flight.
  if (origin_.empty()) pipelined = false;
  if (!pipelined) {
    WL_RETURN_IF_ERROR(WaitForWrites());
    if (in_flight_) in_flight_->session.reset();
  }
  auto owned = std::make_unique<AppendSession>(*this, in_flight_ ? in_flight_->session.get() : nullptr);
  AppendSession& session = *owned;
  std::vector<AppendedEntry> out;
  auto& items = batch.items_;
  auto fail = [&](Status s) -> Result<std::vector<AppendedEntry>> {
    if (hook_) hook_->Abort();
    return s;
  };
  if (items.size() >= kReadAheadFrom) {
    std::vector<std::string> keys;
    keys.reserve(items.size() * 3);
    for (const auto& item : items) {
      keys.push_back(StatementKey(item.sub.statement.hash));
      if (hook_) hook_->KeysToRead(item.sub.statement, keys);
    }
    if (Status s = session.ReadAhead(std::move(keys)); !s.ok()) return fail(s);
  }
  // What the domain's rules may ask of the ledger, the same for every
  // statement of the batch but its logged time.
  ApplyContext ctx;
  ctx.find_party = [&session](std::string_view id) { return session.FindParty(std::string(id)); };
  ctx.timezone_minutes = timezone_minutes_;
  ctx.entry_bytes = [this, &session, &items](uint64_t at) -> Result<std::string> {
    if (at >= session.start_size_) {
      // A restore's batch holds no replay: its items are its entries in
      // order, each with the bytes it was checked to write.
      const uint64_t held = at - session.start_size_;
      if (at < session.size_ && !items[held].entry.empty()) return items[held].entry;
      return Status::Refused(fmt::format("seq {} is in this same batch: undo it in a later one", at));
    }
    WL_RETURN_IF_ERROR(WaitForWrites());
    return store_->GetEntry(at);
  };
  for (size_t i = 0; i < items.size();) {
    const auto& item = items[i];
    const Statement& st = item.sub.statement;
    if (item.sub.seal_index) {
      return fail(AtLine(
          item.line,
          Status::InvalidArgument("a sealed statement must follow its seal (and its earlier members)")));
    }
    auto existing = session.FindStatement(st.hash);
    if (!existing.ok()) return fail(existing.status());
    if (*existing && !item.entry.empty()) {
      return fail(AtLine(item.line, Status::Refused(fmt::format(
                                        "seq {}: its statement is already in this ledger at seq {} (a ledger "
                                        "holds a statement once: the export repeats it)",
                                        session.size_, **existing))));
    }
    if (*existing) {
      // Replay: answer with the existing seq(s); a replayed seal brings its
      // members, which must be the same statements.
      size_t members = 0;
      if (st.kind == "seal") {
        while (i + 1 + members < items.size() && items[i + 1 + members].sub.seal_index) ++members;
      }
      for (size_t m = 0; m <= members; ++m) {
        if (m > 0) {
          auto held = session.FindStatement(items[i + m].sub.statement.hash);
          if (!held.ok()) return fail(held.status());
          if (!*held || **held != **existing + m) {
            return fail(AtLine(items[i + m].line,
                               Status::Refused(fmt::format("the seal at seq {} was replayed with a "
                                                           "different batch behind it",
                                                           **existing))));
          }
        }
        out.push_back({**existing + m, items[i + m].line, true});
      }
      i += 1 + members;
      continue;
    }
    const bool genesis_now = session.size_ == 0;
    if (genesis_now != (st.kind == "genesis")) {
      return fail(
          AtLine(item.line, Status::Refused(genesis_now ? "the first entry must be the genesis statement"
                                                        : "a genesis statement is allowed only at seq 0")));
    }
    if (!item.sub.sig) {
      return fail(AtLine(item.line, Status::InvalidArgument("statement is not signed")));
    }
    if (genesis_now) {
      const Json& body = st.json["body"];
      for (const auto& [key, value] : body.items()) {
        if (key != "origin" && key != "timezone" && key != "party") {
          return fail(AtLine(item.line, Status::InvalidArgument(
                                            fmt::format("genesis body has unknown member {}", QuoteForMessage(key)))));
        }
      }
      if (!body.contains("origin") || !body["origin"].is_string() ||
          !ValidateKeyName(body["origin"].get<std::string>()).ok()) {
        return fail(AtLine(item.line, Status::InvalidArgument(
                                          "genesis body \"origin\" must be a log name (no spaces, no '+')")));
      }
      if (!body.contains("timezone") || !body["timezone"].is_string() ||
          !ParseUtcOffset(body["timezone"].get<std::string>()).ok()) {
        return fail(AtLine(
            item.line, Status::InvalidArgument("genesis body \"timezone\" must be an offset like +08:00")));
      }
      if (!body.contains("party")) {
        return fail(AtLine(item.line, Status::InvalidArgument("genesis body has no \"party\"")));
      }
      auto party = PartyFromRecord(body["party"], 0);
      if (!party.ok()) return fail(AtLine(item.line, party.status()));
      if (!party->HasRole("regulator") || party->id != st.actor) {
        return fail(
            AtLine(item.line,
                   Status::Refused("genesis must register its actor as a party with the regulator role")));
      }
      session.parties_.emplace(party->id, std::move(*party));
    }
    const Party* actor = session.FindParty(st.actor);
    if (Status sig = CheckSignature(item.sub, actor, item.verified_by); !sig.ok()) {
      return fail(AtLine(item.line, sig));
    }
    std::vector<const PreparedBatch::Item*> members;
    if (st.kind == "seal") {
      const Json& body = st.json["body"];
      if (!body.contains("count") || !body["count"].is_number_integer() || body["count"].get<int64_t>() < 1 ||
          !body.contains("root") || !body["root"].is_string() ||
          !HashFromHex(body["root"].get<std::string>())) {
        return fail(AtLine(
            item.line,
            Status::InvalidArgument("seal body must hold \"count\" (>= 1) and \"root\" (64 hex digits)")));
      }
      const auto count = static_cast<uint64_t>(body["count"].get<int64_t>());
      std::vector<Hash> hashes;
      std::unordered_map<Hash, uint64_t, HashKey> member_line;  // statement hash -> the member's line
      for (uint64_t m = 0; m < count; ++m) {
        size_t j = i + 1 + m;
        if (j >= items.size() || !items[j].sub.seal_index || *items[j].sub.seal_index != m) {
          return fail(AtLine(
              item.line, Status::InvalidArgument(fmt::format(
                             "seal announces {} statements but member {} does not follow it", count, m))));
        }
        const Statement& ms = items[j].sub.statement;
        if (ms.actor != st.actor) {
          return fail(AtLine(items[j].line, Status::Refused(fmt::format(
                                                "sealed statement by \"{}\" under a seal signed by \"{}\"",
                                                ms.actor, st.actor))));
        }
        if (ms.kind == "seal" || ms.kind == "genesis") {
          return fail(AtLine(items[j].line, Status::Refused("a seal cannot cover a seal or a genesis")));
        }
        auto held = session.FindStatement(ms.hash);
        if (!held.ok()) return fail(held.status());
        if (*held) {
          return fail(AtLine(
              items[j].line,
              Status::Refused(fmt::format("sealed statement is already in the ledger at seq {}", **held))));
        }
        if (auto [at, added] = member_line.emplace(ms.hash, items[j].line); !added) {
          return fail(
              AtLine(items[j].line,
                     Status::Refused(fmt::format(
                         "this sealed statement repeats line {} under the same seal: the ledger keeps "
                         "one statement once, so a seal cannot hold it twice",
                         at->second))));
        }
        hashes.push_back(ms.hash);
        members.push_back(&items[j]);
      }
      std::vector<Hash> leaves;
      leaves.reserve(hashes.size());
      for (const auto& h : hashes) leaves.push_back(HashLeaf(AsBytes(h)));
      if (ToHex(RootFromLeafHashes(leaves)) != body["root"].get<std::string>()) {
        return fail(AtLine(
            item.line, Status::Unauthenticated("seal root does not match the statements that follow it")));
      }
    }
    // Core rules for the statement itself, then the domain's.
    auto apply = [&](const PreparedBatch::Item& it, uint64_t seq, std::optional<uint64_t> seal_by) -> Status {
      const Statement& s = it.sub.statement;
      if (s.kind == "party") {
        const Party* who = session.FindParty(s.actor);
        if (who == nullptr || !who->HasRole("regulator")) {
          return Status::Refused(
              fmt::format("only a regulator registers parties; \"{}\" is not one", s.actor));
        }
        WL_ASSIGN_OR_RETURN(Party p, PartyFromRecord(s.json["body"], seq));
        const Party* before = session.FindParty(p.id);
        if (before != nullptr && CanRegulate(*before) && !CanRegulate(p) && !OtherRegulator(session, p.id)) {
          return Status::Refused(fmt::format(
              "party \"{}\" is the last regulator with a key: this record {} it, and no one could register "
              "parties, import or undo entries again; register another regulator first",
              p.id, p.HasRole("regulator") ? "leaves no key to" : "takes the regulator role from"));
        }
        for (const auto& k : p.keys) key_directory_->Add(k);
        WL_ASSIGN_OR_RETURN(std::string rec, Canonicalize(Json{{"record", s.json["body"]}, {"seq", seq}}));
        session.Put(PartyKey(p.id), rec);
        session.parties_[p.id] = std::move(p);
      }
      if (s.kind == "genesis") {
        const Json& body = s.json["body"];
        WL_ASSIGN_OR_RETURN(std::string rec, Canonicalize(Json{{"record", body["party"]}, {"seq", 0}}));
        session.Put(PartyKey(s.actor), rec);
        session.Put(MetaKey(kMetaOrigin), body["origin"].get<std::string>());
        session.Put(MetaKey(kMetaTimezone), body["timezone"].get<std::string>());
        session.Put(MetaKey(kMetaFormat), kFormatName);
        for (const auto& k : session.parties_[s.actor].keys) key_directory_->Add(k);
      }
      if (hook_) {
        ctx.logged_unix_seconds = it.entry.empty() ? session.logged_unix_ : it.logged_unix;
        WL_RETURN_IF_ERROR(hook_->Apply(seq, s, seal_by, ctx, session));
      }
      return Status::Ok();
    };
    const uint64_t seq = session.size_;
    if (Status a = apply(item, seq, std::nullopt); !a.ok()) return fail(AtLine(item.line, a));
    session.AddEntry(item, std::nullopt, 0);
    if (!session.mismatch_.ok()) return fail(AtLine(item.line, session.mismatch_));
    out.push_back({seq, item.line, false});
    for (size_t m = 0; m < members.size(); ++m) {
      const uint64_t mseq = session.size_;
      if (Status a = apply(*members[m], mseq, seq); !a.ok()) return fail(AtLine(members[m]->line, a));
      session.AddEntry(*members[m], seq, m);
      if (!session.mismatch_.ok()) return fail(AtLine(members[m]->line, session.mismatch_));
      out.push_back({mseq, members[m]->line, false});
    }
    i += 1 + members.size();
  }
  if (session.size_ == size_) {
    if (Status w = WaitForWrites(); !w.ok()) return fail(w);  // see AppendPipelined
    if (hook_) hook_->Commit();
    return out;  // replays only: nothing to write
  }
  if (hook_) {
    if (Status f = hook_->Finish(session); !f.ok()) return fail(f);
  }
  if (Status f = session.FlushTiles(); !f.ok()) return fail(f);
  session.Put(MetaKey(kMetaSize), EncodeU64(session.size_));
  if (Status f = session.CheckCounters(); !f.ok()) return fail(f);
  // The previous batch must be stored before this one is written.
  if (Status w = WaitForWrites(); !w.ok()) return fail(w);
  std::unique_ptr<AppendSession> written_before = in_flight_ ? std::move(in_flight_->session) : nullptr;
  session.prev_ = nullptr;  // stored now: no longer read
  if (pipelined) {
    if (!in_flight_) in_flight_ = std::make_unique<InFlight>();
    in_flight_->written = in_flight_->writer.Post([store = store_.get(), s = owned.get(), gate = write_gate_,
                                                   before = std::move(written_before)]() mutable {
      before.reset();  // freed here, off the caller's thread
      if (gate) WL_RETURN_IF_ERROR(gate());
      s->FlushPending();
      return store->Commit(s->batch_);
    });
  } else {
    written_before.reset();
    session.FlushPending();
    Status s = store_->Commit(session.batch_);
    if (!s.ok()) return fail(s);
  }
  if (hook_) hook_->Commit();
  size_ = session.size_;
  last_leaf_ = session.last_leaf_;
  range_ = session.range_;
  for (auto& [id, party] : session.parties_) parties_[id] = std::move(party);
  if (pipelined) in_flight_->session = std::move(owned);
  if (size_ > 0 && origin_.empty()) {
    WL_ASSIGN_OR_RETURN(auto origin, store_->Get(MetaKey(kMetaOrigin)));
    WL_ASSIGN_OR_RETURN(auto tz, store_->Get(MetaKey(kMetaTimezone)));
    origin_ = origin.value_or("");
    timezone_minutes_ = tz ? ParseUtcOffset(*tz).value() : 0;
  }
  if (!pipelined) {
    // The spent batch and session are freed on the writer thread, idle in a
    // plain append, instead of on the caller's, which is a submit's serial
    // stage (their memory is mostly the parsed statements).
    if (!in_flight_) in_flight_ = std::make_unique<InFlight>();
    (void)in_flight_->writer.Post([spent = std::move(batch), used = std::move(owned)]() mutable {
      spent = PreparedBatch();
      used.reset();
      return Status::Ok();
    });
  }
  return out;
}

}  // namespace wasteledger
