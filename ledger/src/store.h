// Store: the RocksDB layout of one ledger. Internal to the library.
//
// Key grammar (every key starts with a one-byte tag; integers are 8-byte
// big-endian so that RocksDB's bytewise order is numeric order). THESE
// ENCODINGS ARE ON DISK: changing any of them needs a format version bump and
// a migration (see docs/FORMAT.md).
//   'M' name                  -> metadata value (see kMeta* below)
//   'E' seq:u64               -> entry bytes, JCS(entry), exactly as exported
//   'T' tier:u8 index:u64     -> a tile of the Merkle tree: the hashes of the
//                                perfect subtrees of levels 4*tier .. 4*tier+3
//                                under node (4*tier+4, index), level by level
//                                (16, 8, 4 and 2 of them: 960 bytes), where
//                                node (level, i) covers leaves
//                                [i*2^level, (i+1)*2^level) and level 0 holds
//                                the leaf hashes; 32 zero bytes stand for a
//                                node not complete yet (see NodeLocation)
//   'S' statement_hash:32     -> seq:u64 of the entry holding that statement
//   'P' party_id              -> JCS({"record":{...},"seq":N}): the latest
//                                party record and the seq it took effect at
//   'C' size:u64              -> a signed checkpoint note for that tree size
//   'X' ...                   -> reserved for domain indexes (lots, stock,
//                                aggregates); owned by the domain layer
// Thread-safety: reads are safe from any thread; Commit is called by the
// single writer only (the WriterLock guarantees one writing process).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wasteledger/hash.h"
#include "wasteledger/merkle_tree.h"
#include "wasteledger/status.h"

namespace rocksdb {
class DB;
class MergeOperator;
class WriteBatch;
}  // namespace rocksdb

namespace wasteledger {

inline constexpr std::string_view kFormatName = "wasteledger-rocksdb-v2";
// The format before tiles: one key per tree node, 'N' level:u8 index:u64 ->
// 32 bytes; everything else as in v2. Store::Upgrade converts it.
inline constexpr std::string_view kFormatV1 = "wasteledger-rocksdb-v1";
inline constexpr std::string_view kMetaFormat = "format";
inline constexpr std::string_view kMetaSize = "size";
inline constexpr std::string_view kMetaOrigin = "origin";
inline constexpr std::string_view kMetaTimezone = "timezone";
inline constexpr std::string_view kMetaOperatorKey = "operator_vkey";

std::string EntryKey(uint64_t seq);

// Merkle tree nodes are stored in tiles of height 4, as transparency logs
// serve them (C2SP tlog-tiles), with every level of the tile kept: an append
// of a thousand entries rewrites about 70 tiles instead of putting 2,000
// nodes, and a proof reads one tile per 4 levels.
inline constexpr uint32_t kTileHeight = 4;
inline constexpr size_t kTileBytes = (16 + 8 + 4 + 2) * 32;
std::string TileKey(uint32_t tier, uint64_t index);
// Where node (level, index) is kept: its tile's key and its byte offset in it.
struct NodeLocation {
  uint32_t tier = 0;
  uint64_t tile = 0;
  size_t offset = 0;
  std::string key() const { return TileKey(tier, tile); }
  // Whether the tile holds a node of a tree of `size` leaves (its first
  // node at the bottom level is complete).
  bool StartedAt(uint64_t size) const;
};
NodeLocation LocateNode(uint32_t level, uint64_t index);
// The number of tiles of `tier` that a tree of `size` leaves has (those
// holding at least one complete node); 0 once the tier is above the tree.
uint64_t TileCount(uint64_t size, uint32_t tier);
// Node (level, index) in a tile value: nullopt where the tile says it is not
// complete (32 zero bytes) or the value is not a tile.
std::optional<Hash> NodeInTile(std::string_view tile, const NodeLocation& at);
std::string StatementKey(const Hash& h);
std::string PartyKey(std::string_view id);
std::string CheckpointKey(uint64_t size);
std::string MetaKey(std::string_view name);
std::string EncodeU64(uint64_t v);
std::optional<uint64_t> DecodeU64(std::string_view bytes);
// A statement index value (`S` key): the seq it holds, nullopt when the key
// is absent, Corruption when the value is not 8 bytes.
Result<std::optional<uint64_t>> DecodeStatementSeq(const std::optional<std::string>& value);

// A set of writes committed atomically by Store::Commit.
// The writes of one atomic append. Put only records; Store::Commit hands
// RocksDB the writes sorted by key (a repeated key keeps its last value), so
// the memtable takes them as one ascending run instead of a skip-list
// search per key (the batch mixes entries, tree nodes and indexes).
class StoreBatch {
 public:
  StoreBatch();
  ~StoreBatch();
  StoreBatch(const StoreBatch&) = delete;
  StoreBatch& operator=(const StoreBatch&) = delete;
  void Put(std::string_view key, std::string_view value);
  // Counters added to the stored value by the merge operator (AddCounterBytes).
  void AddCounters(std::string_view key, std::string_view delta);
  size_t ByteSize() const { return arena_.size(); }
  size_t Count() const { return writes_.size(); }
  // The RocksDB batch in key order: of the writes to one key, a put drops
  // everything recorded before it; additions after it are kept in order.
  std::unique_ptr<rocksdb::WriteBatch> Build() const;

 private:
  struct Write {
    size_t key_at, key_size, value_at, value_size;
    bool add;  // AddCounters, else Put
  };
  void Record(std::string_view key, std::string_view value, bool add);
  std::string arena_;
  std::vector<Write> writes_;
};

// The counter addition of BatchAccess::AddCounters: `*value` += `delta`,
// column by column (8-byte big-endian two's complement, wrapping), the
// result as long as the longer. False (and `*value` unchanged) when either
// is not a whole number of 8-byte columns. The merge operator RocksDB runs
// (on reads and compactions) is this function: THE ENCODING IS ON DISK.
bool AddCounterBytes(std::string* value, std::string_view delta);
// The merge operator every Store opens with (name "wasteledger.AddCounters");
// a tool that opens the RocksDB directory itself must set it too, or reading
// a counter not yet compacted fails.
std::shared_ptr<rocksdb::MergeOperator> CounterMergeOperator();

class Store : public NodeReader {
 public:
  enum class Mode { kCreate, kWrite, kRead, kUpgrade };
  // kCreate refuses an existing ledger; the others refuse a missing one.
  // kUpgrade is kWrite that also opens a v1 store (for Upgrade).
  // Ok when `dir` holds a ledger's store; NotFound when it holds none;
  // Corruption when its CURRENT file is missing or names no MANIFEST while
  // table files are there (damaged, not absent).
  static Status CheckExists(const std::string& dir);
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, Mode mode);
  // How many times a kRead open is tried while a writer changes the store's
  // files under it (default 50; see Open). Tests lower it to reach the
  // give-up path; returns the previous value.
  static int SetReaderAttemptsForTesting(int attempts);
  // Converts a v1 store in `dir` to v2 in place (the caller holds the writer
  // lock): the tiles are written from the node keys, then one synced batch
  // drops the node keys and sets the format. Until that batch the directory
  // is a v1 store as before, so an interrupted upgrade is simply run again.
  // Ok and false when the store is v2 already.
  static Result<bool> Upgrade(const std::string& dir);
  ~Store() override;

  Result<std::optional<std::string>> Get(std::string_view key) const;
  // Reads every table file and checks each block's checksum (the indexes
  // and aggregates included, which reading the log does not touch).
  Status VerifyChecksums() const;
  // Get for many keys in one call (RocksDB's MultiGet, which probes each
  // table's filter and reads its blocks for the keys together), in the
  // order given.
  Result<std::vector<std::optional<std::string>>> GetMany(const std::vector<std::string>& keys) const;
  Result<std::string> GetEntry(uint64_t seq) const;
  Result<Hash> GetNode(uint32_t level, uint64_t index) const override;
  Result<std::optional<uint64_t>> FindStatement(const Hash& statement_hash) const;
  // The committed tree size (0 before genesis).
  Result<uint64_t> ReadSize() const;

  // Calls fn(key, value) for keys with `prefix`, from `start` (inclusive, a
  // full key) on, until fn returns false.
  Status Scan(std::string_view prefix, std::string_view start,
              const std::function<bool(std::string_view, std::string_view)>& fn) const;

  // Writes the batch with sync=true. After a failed write the store refuses
  // every later write (the state on disk is unknown until reopened).
  Status Commit(StoreBatch& batch);

 private:
  Store() = default;
  std::unique_ptr<rocksdb::DB> db_;
  bool read_only_ = false;
  bool failed_ = false;
};

}  // namespace wasteledger
