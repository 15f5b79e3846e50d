#include "store.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>

namespace wasteledger {

std::string EncodeU64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

std::optional<uint64_t> DecodeU64(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

std::string EntryKey(uint64_t seq) { return "E" + EncodeU64(seq); }
std::string TileKey(uint32_t tier, uint64_t index) {
  std::string k = "T";
  k.push_back(static_cast<char>(tier));
  return k + EncodeU64(index);
}

NodeLocation LocateNode(uint32_t level, uint64_t index) {
  // Levels within a tile start at these node offsets: 16 nodes, then 8, 4, 2.
  static constexpr size_t kLevelStart[kTileHeight] = {0, 16, 24, 28};
  const uint32_t within = level % kTileHeight;
  const uint32_t width_bits = kTileHeight - within;  // 16 >> within nodes at this level
  NodeLocation at;
  at.tier = level / kTileHeight;
  at.tile = index >> width_bits;
  at.offset = (kLevelStart[within] + (index & ((uint64_t{1} << width_bits) - 1))) * 32;
  return at;
}

bool NodeLocation::StartedAt(uint64_t size) const {
  // The tile's first bottom node covers leaves [tile * 16^(tier+1), that + 16^tier).
  const unsigned first_bits = kTileHeight * (tier + 1), node_bits = kTileHeight * tier;
  if (first_bits >= 64 || tile > (~uint64_t{0} >> first_bits)) return false;
  const uint64_t first = tile << first_bits;
  return size > first && size - first >= (uint64_t{1} << node_bits);
}

uint64_t TileCount(uint64_t size, uint32_t tier) {
  const uint32_t bottom = tier * kTileHeight;
  if (bottom >= 64) return 0;
  return ((size >> bottom) + 15) / 16;  // complete nodes of the tier's bottom level, 16 a tile
}

std::optional<Hash> NodeInTile(std::string_view tile, const NodeLocation& at) {
  if (tile.size() != kTileBytes) return std::nullopt;
  Hash h;
  std::memcpy(h.data(), tile.data() + at.offset, h.size());
  if (h == Hash{}) return std::nullopt;
  return h;
}
std::string StatementKey(const Hash& h) { return "S" + std::string(AsBytes(h)); }
std::string PartyKey(std::string_view id) { return "P" + std::string(id); }
std::string CheckpointKey(uint64_t size) { return "C" + EncodeU64(size); }
std::string MetaKey(std::string_view name) { return "M" + std::string(name); }

StoreBatch::StoreBatch() = default;
StoreBatch::~StoreBatch() = default;
void StoreBatch::Record(std::string_view key, std::string_view value, bool add) {
  const size_t key_at = arena_.size();
  arena_.append(key);
  arena_.append(value);
  writes_.push_back({key_at, key.size(), key_at + key.size(), value.size(), add});
}
void StoreBatch::Put(std::string_view key, std::string_view value) { Record(key, value, false); }
void StoreBatch::AddCounters(std::string_view key, std::string_view delta) { Record(key, delta, true); }

std::unique_ptr<rocksdb::WriteBatch> StoreBatch::Build() const {
  // Sorted by key, then by the order recorded (so the writes to one key stay
  // in that order); each element holds its key's bytes, not the Write, so
  // that the comparisons read no more than the keys.
  struct Ref {
    const char* key;
    uint32_t size, index;
  };
  std::vector<Ref> order;
  order.reserve(writes_.size());
  for (size_t i = 0; i < writes_.size(); ++i) {
    const Write& w = writes_[i];
    order.push_back({arena_.data() + w.key_at, static_cast<uint32_t>(w.key_size), static_cast<uint32_t>(i)});
  }
  auto key = [](const Ref& r) { return std::string_view(r.key, r.size); };
  std::sort(order.begin(), order.end(), [&](const Ref& a, const Ref& b) {
    const int c = key(a).compare(key(b));
    return c != 0 ? c < 0 : a.index < b.index;
  });
  // Each record costs a tag, two varint lengths and the bytes.
  auto batch = std::make_unique<rocksdb::WriteBatch>(arena_.size() + 16 * writes_.size() + 64);
  for (size_t i = 0; i < order.size(); ++i) {
    const Write& w = writes_[order[i].index];
    const std::string_view k = key(order[i]);
    // A later put of the key makes this write moot.
    bool overwritten = false;
    for (size_t j = i + 1; j < order.size() && key(order[j]) == k; ++j) {
      if (!writes_[order[j].index].add) {
        overwritten = true;
        break;
      }
    }
    if (overwritten) continue;
    const rocksdb::Slice rk(k.data(), k.size()), rv(arena_.data() + w.value_at, w.value_size);
    auto s = w.add ? batch->Merge(rk, rv) : batch->Put(rk, rv);
    assert(s.ok());
    (void)s;
  }
  return batch;
}

bool AddCounterBytes(std::string* value, std::string_view delta) {
  if (value->size() % 8 != 0 || delta.size() % 8 != 0) return false;
  if (value->size() < delta.size()) value->resize(delta.size(), '\0');
  for (size_t at = 0; at < delta.size(); at += 8) {
    uint64_t a = 0, b = 0;
    for (size_t i = 0; i < 8; ++i) {
      a = (a << 8) | static_cast<unsigned char>((*value)[at + i]);
      b = (b << 8) | static_cast<unsigned char>(delta[at + i]);
    }
    uint64_t sum = a + b;  // two's complement: unsigned wrap-around
    for (size_t i = 8; i-- > 0;) {
      (*value)[at + i] = static_cast<char>(sum & 0xff);
      sum >>= 8;
    }
  }
  return true;
}

namespace {

class CounterAdd : public rocksdb::AssociativeMergeOperator {
 public:
  const char* Name() const override { return "wasteledger.AddCounters"; }
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing, const rocksdb::Slice& delta,
             std::string* out, rocksdb::Logger* /*logger*/) const override {
    std::string sum = existing != nullptr ? existing->ToString() : std::string();
    if (!AddCounterBytes(&sum, std::string_view(delta.data(), delta.size()))) return false;  // Corruption
    *out = std::move(sum);
    return true;
  }
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> CounterMergeOperator() { return std::make_shared<CounterAdd>(); }

namespace {

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  if (s.IsCorruption()) {
    // RocksDB's state without its own "Corruption: " prefix.
    const char* state = s.getState();
    return Status::Corruption(fmt::format("{}: the ledger's storage is damaged (RocksDB: {})", what,
                                          state != nullptr ? state : s.ToString()));
  }
  return Status::IOError(fmt::format("{}: {}", what, s.ToString()));
}

// What a writer changes when it flushes, compacts or opens the store: the
// MANIFEST named by CURRENT, and that MANIFEST's length (every flush and
// compaction appends an edit to it before it deletes the files it retired).
struct ManifestMark {
  std::string current;
  std::uintmax_t length = 0;
  bool operator==(const ManifestMark&) const = default;
};

ManifestMark ReadManifestMark(const std::string& dir) {
  namespace fs = std::filesystem;
  ManifestMark mark;
  std::ifstream in(fs::path(dir) / "CURRENT", std::ios::binary);
  std::getline(in, mark.current);
  std::error_code ec;
  const auto length = fs::file_size(fs::path(dir) / mark.current, ec);
  mark.length = ec ? 0 : length;
  return mark;
}

// How many times OpenReader tries (Store::SetReaderAttemptsForTesting).
std::atomic<int> reader_attempts{50};

// Opens a read-only view while a writer (another process) may be flushing or
// compacting: RocksDB reads the MANIFEST, then opens every table file it
// lists, and a file the writer retired in between is gone ("Can't access
// 000033.sst"), or a WAL the writer flushed and deleted is no longer there to
// replay. Either way the MANIFEST changed during the open; then the open is
// tried again (and also when it succeeded, since a view that missed a deleted
// WAL is stale). An error with the MANIFEST unchanged is the store's own, and
// is returned at once.
Status OpenReader(const rocksdb::Options& options, const std::string& dir, rocksdb::DB** out) {
  const int attempts = std::max(1, reader_attempts.load());
  for (int attempt = 1;; ++attempt) {
    const ManifestMark before = ReadManifestMark(dir);
    rocksdb::DB* raw = nullptr;
    const rocksdb::Status s = rocksdb::DB::OpenForReadOnly(options, dir, &raw);
    std::unique_ptr<rocksdb::DB> db(raw);
    const bool changed = !(ReadManifestMark(dir) == before);
    if (!changed) {
      *out = db.release();
      return FromRocks(s, fmt::format("cannot open ledger {}", dir));
    }
    if (attempt == attempts) {
      // A writer that never paused: an open that succeeded is still a
      // consistent prefix (batches are atomic), if perhaps not the latest.
      if (s.ok()) {
        *out = db.release();
        return Status::Ok();
      }
      // Not the store's fault: no Corruption (that exit code means tampering).
      return Status::IOError(fmt::format(
          "cannot open ledger {}: a writer changed its files during each of {} attempts (last: {}); try again",
          dir, attempts, s.ToString()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(attempt, 20)));
  }
}

// A ledger directory whose CURRENT file (naming the MANIFEST, RocksDB's list
// of table files) is missing or names no MANIFEST is damaged, not absent:
// its table files are still there (exit 3, not "no ledger; run init").
Status CheckCurrent(const std::string& dir, bool exists) {
  namespace fs = std::filesystem;
  const auto damaged = [&](const std::string& what) {
    return Status::Corruption(
        fmt::format("cannot open ledger {}: the ledger's storage is damaged ({})", dir, what));
  };
  if (!exists) {
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(dir, ec)) {
      const std::string name = f.path().filename().string();
      if (name.rfind("MANIFEST-", 0) == 0 || name == "IDENTITY" || f.path().extension() == ".sst") {
        return damaged("its CURRENT file is missing, and it holds RocksDB files such as " + name);
      }
    }
    return Status::NotFound(fmt::format("no ledger at {} (create one with wasteledger init)", dir));
  }
  // A writer may switch to a new MANIFEST (and delete the old one) between
  // the two reads: read CURRENT again before calling it damaged.
  std::string current;
  for (int attempt = 0; attempt < 5; ++attempt) {
    const ManifestMark mark = ReadManifestMark(dir);
    current = mark.current;
    const bool named = current.size() > 9 && current.rfind("MANIFEST-", 0) == 0 &&
                       current.find_first_not_of("0123456789", 9) == std::string::npos;
    std::error_code ec;
    if (named && fs::exists(fs::path(dir) / current, ec)) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::string shown;
  for (const char c : current) {
    const auto u = static_cast<unsigned char>(c);
    shown += u >= 0x20 && u < 0x7f ? std::string(1, c) : fmt::format("\\x{:02x}", u);
  }
  return damaged(fmt::format("its CURRENT file names \"{}\", which is not a MANIFEST there", shown));
}

}  // namespace

Status Store::CheckExists(const std::string& dir) {
  std::error_code ec;
  return CheckCurrent(dir, std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec));
}

int Store::SetReaderAttemptsForTesting(int attempts) { return reader_attempts.exchange(attempts); }

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, Mode mode) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool exists = fs::exists(fs::path(dir) / "CURRENT", ec);
  if (mode == Mode::kCreate && exists) {
    return Status::Refused(fmt::format("{} already holds a ledger", dir));
  }
  if (mode != Mode::kCreate) WL_RETURN_IF_ERROR(CheckCurrent(dir, exists));
  rocksdb::Options options;
  options.create_if_missing = mode == Mode::kCreate;
  options.error_if_exists = mode == Mode::kCreate;
  options.paranoid_checks = true;
  // Keep every table file open: a reader then never loses a file that the
  // writer's compaction deletes while it reads.
  options.max_open_files = -1;
  options.keep_log_file_num = 4;
  // Most statement-index lookups (replay checks) miss: a Bloom filter answers
  // them without reading data blocks.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // The same for the memtable, where the latest appends (and so most replay
  // checks and index look-ups) are.
  options.memtable_whole_key_filtering = true;
  options.memtable_prefix_bloom_size_ratio = 0.05;
  // Aggregate counters are added blind (BatchAccess::AddCounters): no read
  // per counter per batch, however large the ledger has grown.
  options.merge_operator = CounterMergeOperator();
  auto store = std::unique_ptr<Store>(new Store());
  rocksdb::DB* raw = nullptr;
  if (mode == Mode::kRead) {
    WL_RETURN_IF_ERROR(OpenReader(options, dir, &raw));
    store->read_only_ = true;
  } else {
    const rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
    WL_RETURN_IF_ERROR(FromRocks(s, fmt::format("cannot open ledger {}", dir)));
  }
  store->db_.reset(raw);
  if (mode != Mode::kCreate) {
    WL_ASSIGN_OR_RETURN(auto format, store->Get(MetaKey(kMetaFormat)));
    if (!format) return Status::Corruption(fmt::format("{} has no format marker", dir));
    if (*format == kFormatV1) {
      if (mode != Mode::kUpgrade) {
        return Status::Refused(fmt::format(
            "{} is in the older store format \"{}\" (a key per tree node): convert it in place with "
            "`wasteledger upgrade --ledger {}` (the log is unchanged)",
            dir, *format, dir));
      }
    } else if (*format != kFormatName) {
      return Status::Refused(
          fmt::format("{} is in format \"{}\"; this build reads \"{}\"", dir, *format, kFormatName));
    }
  }
  return store;
}

Result<bool> Store::Upgrade(const std::string& dir) {
  WL_ASSIGN_OR_RETURN(auto store, Open(dir, Mode::kUpgrade));
  WL_ASSIGN_OR_RETURN(auto format, store->Get(MetaKey(kMetaFormat)));
  if (format != std::optional<std::string>(std::string(kFormatV1))) return false;
  WL_ASSIGN_OR_RETURN(const uint64_t size, store->ReadSize());
  auto node_key = [](uint32_t level, uint64_t index) {
    std::string k = "N";
    k.push_back(static_cast<char>(level));
    return k + EncodeU64(index);
  };
  // Tier by tier, tile by tile: one iterator per level of the tier, each
  // moving forward only, so memory stays one batch of tiles.
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  auto batch = std::make_unique<StoreBatch>();
  size_t in_batch = 0;
  for (uint32_t tier = 0; TileCount(size, tier) > 0; ++tier) {
    const uint32_t bottom = tier * kTileHeight;
    std::vector<std::unique_ptr<rocksdb::Iterator>> levels;
    for (uint32_t k = 0; k < kTileHeight; ++k) {
      levels.emplace_back(store->db_->NewIterator(ro));
      const std::string from = node_key(bottom + k, 0);
      levels.back()->Seek(rocksdb::Slice(from));
    }
    const uint64_t tiles = TileCount(size, tier);
    for (uint64_t tile = 0; tile < tiles; ++tile) {
      std::string value(kTileBytes, '\0');
      for (uint32_t k = 0; k < kTileHeight; ++k) {
        const uint32_t level = bottom + k;
        const uint64_t complete = size >> level;  // nodes of this level in the tree (level < 64)
        const uint64_t width = uint64_t{16} >> k;
        for (uint64_t index = tile * width; index < std::min(complete, (tile + 1) * width); ++index) {
          auto& it = levels[k];
          const std::string want = node_key(level, index);
          if (!it->Valid() || it->key() != rocksdb::Slice(want) || it->value().size() != 32) {
            WL_RETURN_IF_ERROR(FromRocks(it->status(), "upgrade: reading the tree nodes failed"));
            return Status::Corruption(
                fmt::format("{}: upgrade: tree node ({}, {}) is missing or not 32 bytes", dir, level, index));
          }
          std::memcpy(value.data() + LocateNode(level, index).offset, it->value().data(), 32);
          it->Next();
        }
      }
      batch->Put(TileKey(tier, tile), value);
      if (++in_batch == 8192) {
        WL_RETURN_IF_ERROR(store->Commit(*batch));
        batch = std::make_unique<StoreBatch>();
        in_batch = 0;
      }
    }
  }
  // The switch: node keys gone, format v2, in one synced batch.
  WL_RETURN_IF_ERROR(store->Commit(*batch));
  rocksdb::WriteBatch last;
  if (!last.DeleteRange(rocksdb::Slice("N"), rocksdb::Slice("O")).ok() ||
      !last.Put(rocksdb::Slice(MetaKey(kMetaFormat)), rocksdb::Slice(kFormatName.data(), kFormatName.size())).ok()) {
    return Status::IOError("upgrade: cannot build the final batch");
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  WL_RETURN_IF_ERROR(FromRocks(store->db_->Write(wo, &last), "upgrade: the final write failed"));
  return true;
}

Store::~Store() {
  if (db_) {
    if (!read_only_ && !failed_) {
      // Every commit is already synced to the write-ahead log; flushing the
      // memtable into a table file as well spares the next open (every
      // verify, prove, query) replaying that log. A failed flush loses
      // nothing: the log stays and is replayed as before.
      auto flushed = db_->Flush(rocksdb::FlushOptions());
      (void)flushed;
    }
    auto s = db_->Close();
    (void)s;
  }
}

Result<std::optional<std::string>> Store::Get(std::string_view key) const {
  std::string value;
  auto s = db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  WL_RETURN_IF_ERROR(FromRocks(s, "read failed"));
  return std::optional<std::string>(std::move(value));
}

Result<std::vector<std::optional<std::string>>> Store::GetMany(const std::vector<std::string>& keys) const {
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), keys.size(), slices.data(), values.data(),
                statuses.data());
  std::vector<std::optional<std::string>> out(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    WL_RETURN_IF_ERROR(FromRocks(statuses[i], "read failed"));
    out[i] = values[i].ToString();
  }
  return out;
}

Status Store::VerifyChecksums() const {
  rocksdb::ReadOptions ro;
  ro.verify_checksums = true;
  ro.fill_cache = false;
  const rocksdb::Status s = db_->VerifyChecksum(ro);
  if (s.ok() || !read_only_) return FromRocks(s, "checking every block's checksum");
  // RocksDB's VerifyChecksum opens each table file of this view again by
  // name, and a writer (another process) may have compacted some away since
  // this reader opened: "No such file or directory", though nothing is
  // damaged. This view still holds every one of its files open
  // (max_open_files = -1), so then every block is read through those
  // instead: each data block and index block the view holds, checked as it
  // is read.
  std::vector<rocksdb::LiveFileMetaData> files;
  db_->GetLiveFilesMetaData(&files);
  const bool gone = std::any_of(files.begin(), files.end(), [](const rocksdb::LiveFileMetaData& f) {
    std::error_code ec;
    return !std::filesystem::exists(std::filesystem::path(f.db_path) / f.relative_filename, ec) && !ec;
  });
  if (!gone) return FromRocks(s, "checking every block's checksum");
  ro.readahead_size = 2 << 20;
  ro.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
  }
  return FromRocks(it->status(), "checking every block's checksum (reading every key)");
}

Result<std::string> Store::GetEntry(uint64_t seq) const {
  WL_ASSIGN_OR_RETURN(auto v, Get(EntryKey(seq)));
  if (!v) return Status::NotFound(fmt::format("seq {}: no such entry", seq));
  return std::move(*v);
}

Result<Hash> Store::GetNode(uint32_t level, uint64_t index) const {
  const NodeLocation at = LocateNode(level, index);
  WL_ASSIGN_OR_RETURN(auto v, Get(at.key()));
  if (v && v->size() != kTileBytes) {
    return Status::Corruption(fmt::format("tree tile ({}, {}) is {} bytes, not {}", at.tier, at.tile, v->size(),
                                          kTileBytes));
  }
  auto h = v ? NodeInTile(*v, at) : std::nullopt;
  if (!h) return Status::Corruption(fmt::format("tree node ({}, {}) is missing", level, index));
  return *h;
}

Result<std::optional<uint64_t>> DecodeStatementSeq(const std::optional<std::string>& value) {
  if (!value) return std::optional<uint64_t>();
  auto seq = DecodeU64(*value);
  if (!seq) return Status::Corruption("statement index value is not 8 bytes");
  return seq;
}

Result<std::optional<uint64_t>> Store::FindStatement(const Hash& statement_hash) const {
  WL_ASSIGN_OR_RETURN(auto v, Get(StatementKey(statement_hash)));
  return DecodeStatementSeq(v);
}

Result<uint64_t> Store::ReadSize() const {
  WL_ASSIGN_OR_RETURN(auto v, Get(MetaKey(kMetaSize)));
  if (!v) return uint64_t{0};
  auto size = DecodeU64(*v);
  if (!size) return Status::Corruption("stored tree size is not 8 bytes");
  return *size;
}

Status Store::Scan(std::string_view prefix, std::string_view start,
                   const std::function<bool(std::string_view, std::string_view)>& fn) const {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  std::string_view from = start.empty() ? prefix : start;
  for (it->Seek(rocksdb::Slice(from.data(), from.size())); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!fn(key, std::string_view(it->value().data(), it->value().size()))) break;
  }
  return FromRocks(it->status(), "scan failed");
}

Status Store::Commit(StoreBatch& batch) {
  if (read_only_) return Status::Refused("ledger is open read-only");
  if (failed_) return Status::IOError("an earlier write failed; reopen the ledger");
  rocksdb::WriteOptions wo;
  wo.sync = true;
  auto built = batch.Build();
  auto s = db_->Write(wo, built.get());
  if (!s.ok()) failed_ = true;
  return FromRocks(s, "append failed");
}

}  // namespace wasteledger
