// Ledger: opening, reading, proofs and checkpoints. The append path is in
// ledger_append.cc.
#include "wasteledger/ledger.h"

#include <fmt/format.h>

#include <cstring>
#include <filesystem>

#include "key_directory.h"
#include "store.h"
#include "wasteledger/canonical_json.h"
#include "wasteledger/merkle.h"
#include "wasteledger/merkle_tree.h"
#include "wasteledger/signed_note.h"
#include "writer_lock.h"

namespace wasteledger {

PreparedBatch::PreparedBatch() = default;
PreparedBatch::~PreparedBatch() = default;
PreparedBatch::PreparedBatch(PreparedBatch&&) noexcept = default;
PreparedBatch& PreparedBatch::operator=(PreparedBatch&&) noexcept = default;

void PreparedBatch::Append(PreparedBatch&& other) {
  for (auto& item : other.items_) items_.push_back(std::move(item));
  other.items_.clear();
}

PreparedBatch PreparedBatch::TakeIncompleteSealTail() {
  PreparedBatch tail;
  // Find the last seal statement; if fewer members follow it than its count
  // announces, move it and its members to the tail.
  for (size_t i = items_.size(); i-- > 0;) {
    const auto& st = items_[i].sub.statement;
    if (items_[i].sub.seal_index) continue;
    if (st.kind != "seal") break;
    const auto& count = st.json["body"]["count"];
    const size_t members = items_.size() - i - 1;
    if (count.is_number_integer() && count.get<int64_t>() > 0 &&
        static_cast<uint64_t>(count.get<int64_t>()) > members) {
      tail.items_.assign(std::make_move_iterator(items_.begin() + static_cast<ptrdiff_t>(i)),
                         std::make_move_iterator(items_.end()));
      items_.resize(i);
    }
    break;
  }
  return tail;
}

// Ledger() and ~Ledger() are in ledger_append.cc, with the write in flight.

namespace {

// A directory a restore is writing, or one whose restore did not finish,
// is no ledger yet: every way in but the restore's own says so.
Status CheckNotRestoring(const std::string& dir) {
  std::error_code ec;
  const auto marker = std::filesystem::path(dir) / kRestoreMarker;
  if (!std::filesystem::exists(marker, ec)) return Status::Ok();
  return Status::Refused(fmt::format(
      "{} is being restored, or its restore did not finish ({} says by which process): if that process is "
      "gone, remove the directory and run the restore again",
      dir, marker.string()));
}

}  // namespace

Result<std::unique_ptr<Ledger>> Ledger::Init(const std::string& dir, const Submission& genesis) {
  // The genesis statement is the only one checked against keys it brings
  // itself; Append knows this for seq 0.
  return Create(
      dir, [&genesis](const Ledger& l) { return l.Prepare(std::vector<Submission>{genesis}, 1u); }, false);
}

Result<std::unique_ptr<Ledger>> Ledger::InitFromExport(const std::string& dir,
                                                       std::string_view genesis_entry) {
  return Create(
      dir,
      [genesis_entry](const Ledger& l) { return l.PrepareExported({std::string(genesis_entry)}, {1}, 1u); },
      true);
}

Result<std::unique_ptr<Ledger>> Ledger::Create(
    const std::string& dir, const std::function<Result<PreparedBatch>(const Ledger&)>& first,
    bool restoring) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!restoring) WL_RETURN_IF_ERROR(CheckNotRestoring(dir));
  // A restore's directory holds its marker, and nothing else yet.
  const auto only_marker = [&] {
    fs::directory_iterator it(dir, ec), end;
    return !ec && it != end && it->path().filename() == kRestoreMarker && ++it == end;
  };
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec) && !(restoring && only_marker())) {
    if (fs::exists(fs::path(dir) / "CURRENT", ec)) {
      return Status::Refused(fmt::format("{} already holds a ledger", dir));
    }
    return Status::Refused(fmt::format("{} exists and is not empty", dir));
  }
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError(fmt::format("cannot create {}: {}", dir, ec.message()));
  auto ledger = std::unique_ptr<Ledger>(new Ledger());
  ledger->dir_ = dir;
  WL_ASSIGN_OR_RETURN(ledger->lock_, WriterLock::Acquire(dir, false));
  WL_ASSIGN_OR_RETURN(ledger->store_, Store::Open(dir, Store::Mode::kCreate));
  auto batch = first(*ledger);
  auto appended = batch.ok() ? ledger->Append(std::move(*batch)) : batch.status();
  if (!appended.ok()) {
    ledger.reset();
    if (!restoring) fs::remove_all(dir, ec);  // a restore cleans up its own directory
    return appended.status();
  }
  return ledger;
}

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::string& dir, Mode mode, bool wait_for_writer,
                                             bool restoring) {
  if (!restoring) WL_RETURN_IF_ERROR(CheckNotRestoring(dir));
  auto ledger = std::unique_ptr<Ledger>(new Ledger());
  ledger->dir_ = dir;
  if (mode == Mode::kWrite) {
    WL_RETURN_IF_ERROR(Store::CheckExists(dir));
    WL_ASSIGN_OR_RETURN(ledger->lock_, WriterLock::Acquire(dir, wait_for_writer));
  }
  WL_ASSIGN_OR_RETURN(ledger->store_,
                      Store::Open(dir, mode == Mode::kWrite ? Store::Mode::kWrite : Store::Mode::kRead));
  WL_RETURN_IF_ERROR(ledger->LoadState());
  return ledger;
}

Result<bool> Ledger::Upgrade(const std::string& dir, bool wait_for_writer) {
  WL_RETURN_IF_ERROR(CheckNotRestoring(dir));
  WL_RETURN_IF_ERROR(Store::CheckExists(dir));
  WL_ASSIGN_OR_RETURN(auto lock, WriterLock::Acquire(dir, wait_for_writer));
  WL_ASSIGN_OR_RETURN(bool converted, Store::Upgrade(dir));
  lock.reset();
  // What it wrote must open as any ledger does.
  WL_ASSIGN_OR_RETURN(auto opened, Open(dir, Mode::kRead));
  return converted;
}

Status Ledger::LoadState() {
  WL_ASSIGN_OR_RETURN(size_, store_->ReadSize());
  if (size_ == 0) return Status::Corruption(fmt::format("{}: ledger has no genesis entry", dir_));
  WL_ASSIGN_OR_RETURN(auto origin, store_->Get(MetaKey(kMetaOrigin)));
  WL_ASSIGN_OR_RETURN(auto tz, store_->Get(MetaKey(kMetaTimezone)));
  if (!origin || !tz) return Status::Corruption("ledger metadata (origin, timezone) is missing");
  origin_ = *origin;
  auto offset = ParseUtcOffset(*tz);
  if (!offset.ok()) return Status::Corruption("stored timezone: " + offset.status().message());
  timezone_minutes_ = *offset;
  WL_ASSIGN_OR_RETURN(range_, CompactRange::Load(*store_, size_));
  WL_ASSIGN_OR_RETURN(last_leaf_, store_->GetNode(0, size_ - 1));
  Status status;
  WL_RETURN_IF_ERROR(store_->Scan("P", "", [&](std::string_view key, std::string_view value) {
    auto j = ParseStrictJson(value);
    if (!j.ok() || !j->is_object() || !j->contains("record") || !j->contains("seq")) {
      status = Status::Corruption(fmt::format("party index entry {} is malformed", key.substr(1)));
      return false;
    }
    auto party = PartyFromRecord((*j)["record"], (*j)["seq"].get<uint64_t>());
    if (!party.ok()) {
      status = Status::Corruption(party.status().message());
      return false;
    }
    for (const auto& k : party->keys) key_directory_->Add(k);
    parties_.emplace(party->id, std::move(*party));
    return true;
  }));
  return status;
}

const Party* Ledger::FindParty(std::string_view id) const {
  auto it = parties_.find(std::string(id));
  return it == parties_.end() ? nullptr : &it->second;
}

Result<std::string> Ledger::EntryBytes(uint64_t seq) const {
  if (seq >= size_) {
    return Status::NotFound(fmt::format("seq {} is beyond the ledger (size {})", seq, size_));
  }
  WL_RETURN_IF_ERROR(WaitForWrites());
  return store_->GetEntry(seq);
}

Status Ledger::ScanEntries(uint64_t from, uint64_t to,
                           const std::function<bool(uint64_t, std::string_view)>& fn) const {
  to = std::min(to, size_);
  if (from >= to) return Status::Ok();
  WL_RETURN_IF_ERROR(WaitForWrites());
  uint64_t expect = from;
  bool stopped = false;
  Status status;
  WL_RETURN_IF_ERROR(store_->Scan("E", EntryKey(from), [&](std::string_view key, std::string_view value) {
    auto seq = DecodeU64(key.substr(1));
    if (!seq) {
      status = Status::Corruption("entry key is not 9 bytes");
      return false;
    }
    if (*seq >= to) return false;
    if (*seq != expect) {
      status = Status::Corruption(fmt::format("seq {}: entry is missing", expect));
      return false;
    }
    ++expect;
    stopped = !fn(*seq, value);
    return !stopped;
  }));
  WL_RETURN_IF_ERROR(status);
  if (!stopped && expect < to) {
    return Status::Corruption(fmt::format("seq {}: entry is missing", expect));
  }
  return Status::Ok();
}

Result<std::optional<std::string>> Ledger::GetIndex(std::string_view key) const {
  if (key.empty() || key[0] != 'X') return Status::InvalidArgument("domain index keys start with 'X'");
  WL_RETURN_IF_ERROR(WaitForWrites());
  return store_->Get(key);
}

Status Ledger::VerifyStorage() const {
  WL_RETURN_IF_ERROR(WaitForWrites());
  return store_->VerifyChecksums();
}

Status Ledger::ScanIndex(std::string_view prefix,
                         const std::function<bool(std::string_view, std::string_view)>& fn) const {
  if (prefix.empty() || prefix[0] != 'X') return Status::InvalidArgument("domain index keys start with 'X'");
  WL_RETURN_IF_ERROR(WaitForWrites());
  return store_->Scan(prefix, prefix, fn);
}

Status Ledger::ScanIndexFrom(std::string_view prefix, std::string_view start,
                             const std::function<bool(std::string_view, std::string_view)>& fn) const {
  if (prefix.empty() || prefix[0] != 'X') return Status::InvalidArgument("domain index keys start with 'X'");
  if (start.substr(0, prefix.size()) != prefix)
    return Status::InvalidArgument("start key is outside the prefix");
  WL_RETURN_IF_ERROR(WaitForWrites());
  return store_->Scan(prefix, start, fn);
}

Status Ledger::ScanLeafHashes(uint64_t from, uint64_t to,
                              const std::function<void(uint64_t, const Hash&)>& fn) const {
  to = std::min(to, size_);
  if (from >= to) return Status::Ok();
  WL_RETURN_IF_ERROR(WaitForWrites());
  // Level 0 lives in the tiles of tier 0, 16 leaf hashes each.
  uint64_t expect = from;
  WL_RETURN_IF_ERROR(store_->Scan(std::string_view("T\0", 2), TileKey(0, from >> kTileHeight),
                                  [&](std::string_view key, std::string_view value) {
                                    auto tile = DecodeU64(key.substr(2));
                                    if (!tile || *tile != expect >> kTileHeight) return false;
                                    for (; expect < to && (expect >> kTileHeight) == *tile; ++expect) {
                                      auto h = NodeInTile(value, LocateNode(0, expect));
                                      if (!h) return false;
                                      fn(expect, *h);
                                    }
                                    return expect < to;
                                  }));
  if (expect < to) return Status::Corruption(fmt::format("seq {}: the stored leaf hash is missing", expect));
  return Status::Ok();
}

Result<std::optional<std::string>> Ledger::CheckStoredNodes() const {
  WL_RETURN_IF_ERROR(WaitForWrites());
  auto span = [](uint32_t level, uint64_t index) {
    const uint64_t first = index << level;
    return fmt::format("level {}, index {}: seqs {}..{}", level, index, first, first + (uint64_t{1} << level) - 1);
  };
  // Tier t's bottom nodes as recomputed from the tops of tier t-1's tiles
  // (none for tier 0: its bottom nodes are the leaf hashes).
  std::vector<Hash> below;
  for (uint32_t tier = 0; TileCount(size_, tier) > 0; ++tier) {
    const uint32_t bottom = tier * kTileHeight;
    const uint64_t tiles = TileCount(size_, tier);
    std::vector<Hash> above;
    above.reserve(static_cast<size_t>(tiles / 16 + 1));
    uint64_t expect = 0;
    std::optional<std::string> problem;
    const std::string prefix = TileKey(tier, 0).substr(0, 2);
    WL_RETURN_IF_ERROR(store_->Scan(prefix, TileKey(tier, 0), [&](std::string_view key, std::string_view value) {
      auto tile = DecodeU64(key.substr(2));
      if (!tile || *tile >= tiles) {
        problem = fmt::format("the stored tree has a tile ({}, {}) beyond a tree of {} entries", tier,
                              tile.value_or(0), size_);
        return false;
      }
      if (*tile != expect || value.size() != kTileBytes) {
        problem = fmt::format("the stored tree's tile ({}, {}) is missing or not {} bytes", tier, expect, kTileBytes);
        return false;
      }
      // The slots of the tile level by level, 16, 8, 4, 2 (zeros: not complete).
      auto slot = [&](uint32_t k, uint64_t pos) {
        return NodeInTile(value, LocateNode(bottom + k, (*tile << (kTileHeight - k)) + pos)).value_or(Hash{});
      };
      for (uint32_t k = 0; k < kTileHeight; ++k) {
        const uint32_t level = bottom + k;
        const uint64_t width = uint64_t{16} >> k, complete = size_ >> level;
        for (uint64_t pos = 0; pos < width; ++pos) {
          const uint64_t index = (*tile << (kTileHeight - k)) + pos;
          const Hash stored = slot(k, pos);
          if (index >= complete) {
            if (stored != Hash{}) {
              problem = fmt::format("the stored tree holds node ({}) before its entries are all in", span(level, index));
              return false;
            }
            continue;
          }
          if (k == 0 && tier == 0) continue;  // a leaf hash: VerifyLedger compares it with the entry
          const Hash want = k == 0 ? below[index] : HashChildren(slot(k - 1, 2 * pos), slot(k - 1, 2 * pos + 1));
          if (stored != want) {
            problem = fmt::format("the stored tree node ({}) is not the hash of its children: proofs over these "
                                  "entries would not verify",
                                  span(level, index));
            return false;
          }
        }
      }
      // The tile's root (the next tier's bottom node), once complete.
      const uint32_t root_level = bottom + kTileHeight;
      if (root_level < 64 && *tile < (size_ >> root_level)) above.push_back(HashChildren(slot(3, 0), slot(3, 1)));
      ++expect;
      return true;
    }));
    if (problem) return problem;
    if (expect < tiles) {
      return std::optional<std::string>(
          fmt::format("the stored tree's tile ({}, {}) is missing", tier, expect));
    }
    below = std::move(above);
  }
  return std::optional<std::string>();
}

Result<uint64_t> Ledger::CountStatementIndex() const {
  WL_RETURN_IF_ERROR(WaitForWrites());
  uint64_t n = 0;
  WL_RETURN_IF_ERROR(store_->Scan("S", "", [&](std::string_view, std::string_view) {
    ++n;
    return true;
  }));
  return n;
}

Status Ledger::ScanPartyRecords(const std::function<bool(std::string_view, std::string_view)>& fn) const {
  WL_RETURN_IF_ERROR(WaitForWrites());
  return store_->Scan("P", "", [&](std::string_view key, std::string_view value) { return fn(key.substr(1), value); });
}

Result<Hash> Ledger::LeafHash(uint64_t seq) const {
  if (seq >= size_) return Status::NotFound(fmt::format("seq {} is beyond the ledger", seq));
  WL_RETURN_IF_ERROR(WaitForWrites());
  return store_->GetNode(0, seq);
}

Result<Hash> Ledger::Root(uint64_t size) const {
  if (size > size_) {
    return Status::InvalidArgument(fmt::format("size {} is beyond the ledger (size {})", size, size_));
  }
  WL_RETURN_IF_ERROR(WaitForWrites());
  if (size == size_) return range_.Root();
  return RootAt(*store_, size);
}

Result<std::vector<Hash>> Ledger::InclusionProof(uint64_t index, uint64_t size) const {
  if (size > size_) {
    return Status::InvalidArgument(fmt::format("size {} is beyond the ledger (size {})", size, size_));
  }
  WL_RETURN_IF_ERROR(WaitForWrites());
  return wasteledger::InclusionProof(*store_, index, size);
}

Result<std::vector<Hash>> Ledger::ConsistencyProof(uint64_t size1, uint64_t size2) const {
  if (size2 > size_) {
    return Status::InvalidArgument(fmt::format("size {} is beyond the ledger (size {})", size2, size_));
  }
  WL_RETURN_IF_ERROR(WaitForWrites());
  return wasteledger::ConsistencyProof(*store_, size1, size2);
}

Result<std::optional<uint64_t>> Ledger::FindStatement(const Hash& statement_hash) const {
  WL_RETURN_IF_ERROR(WaitForWrites());
  return store_->FindStatement(statement_hash);
}

Result<std::optional<VerifierKey>> Ledger::OperatorKey() const {
  WL_RETURN_IF_ERROR(WaitForWrites());
  WL_ASSIGN_OR_RETURN(auto v, store_->Get(MetaKey(kMetaOperatorKey)));
  if (!v) return std::optional<VerifierKey>();
  auto key = VerifierKey::Parse(*v);
  if (!key.ok()) return Status::Corruption("stored operator key: " + key.status().message());
  return std::optional<VerifierKey>(std::move(*key));
}

Result<std::string> Ledger::SignCheckpoint(const SigningKey& operator_key) {
  if (!lock_) return Status::Refused("ledger is open read-only");
  WL_RETURN_IF_ERROR(WaitForWrites());
  const VerifierKey& vk = operator_key.verifier();
  if (vk.name() != origin_) {
    return Status::Refused(fmt::format(
        "key \"{}\" cannot sign checkpoints of {}: the operator key must be named after the origin "
        "(wasteledger keygen --name {})",
        vk.name(), origin_, origin_));
  }
  WL_ASSIGN_OR_RETURN(auto recorded, OperatorKey());
  if (recorded && recorded->ToString() != vk.ToString()) {
    return Status::Refused(
        fmt::format("this ledger's checkpoints are signed by {}, not by {}", recorded->Ref(), vk.Ref()));
  }
  Checkpoint cp{origin_, size_, range_.Root(), {}};
  std::string note = wasteledger::SignCheckpoint(cp, operator_key);
  StoreBatch batch;
  batch.Put(CheckpointKey(size_), note);
  if (!recorded) batch.Put(MetaKey(kMetaOperatorKey), vk.ToString());
  WL_RETURN_IF_ERROR(store_->Commit(batch));
  return note;
}

Status Ledger::AdoptCheckpoint(std::string_view note, const VerifierKey& operator_key) {
  if (!lock_) return Status::Refused("ledger is open read-only");
  WL_RETURN_IF_ERROR(WaitForWrites());
  if (operator_key.name() != origin_) {
    return Status::Refused(
        fmt::format("key \"{}\" is not an operator key of {}: it must be named after the origin",
                    operator_key.name(), origin_));
  }
  WL_ASSIGN_OR_RETURN(auto recorded, OperatorKey());
  if (recorded && recorded->ToString() != operator_key.ToString()) {
    return Status::Refused(fmt::format("this ledger's checkpoints are signed by {}, not by {}",
                                       recorded->Ref(), operator_key.Ref()));
  }
  WL_ASSIGN_OR_RETURN(auto cp, OpenCheckpoint(note, operator_key));
  if (cp.origin != origin_) {
    return Status::Refused(
        fmt::format("the checkpoint is of the log \"{}\", not of this one (\"{}\")", cp.origin, origin_));
  }
  if (cp.size == 0 || cp.size > size_) {
    return Status::Refused(
        fmt::format("the checkpoint signs size {}, and this ledger holds {} entries", cp.size, size_));
  }
  WL_ASSIGN_OR_RETURN(Hash root, Root(cp.size));
  if (root != cp.root) {
    return Status::Refused(
        fmt::format("the checkpoint signs root {} at size {}, and this ledger's root there is {}",
                    ToHex(cp.root), cp.size, ToHex(root)));
  }
  StoreBatch batch;
  batch.Put(CheckpointKey(cp.size), std::string(note));
  if (!recorded) batch.Put(MetaKey(kMetaOperatorKey), operator_key.ToString());
  return store_->Commit(batch);
}

Result<std::vector<std::string>> Ledger::Checkpoints() const {
  std::vector<std::string> notes;
  WL_RETURN_IF_ERROR(WaitForWrites());
  WL_RETURN_IF_ERROR(store_->Scan("C", "", [&](std::string_view, std::string_view value) {
    notes.emplace_back(value);
    return true;
  }));
  return notes;
}

}  // namespace wasteledger
