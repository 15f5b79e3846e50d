// The waste domain's part of the RocksDB key space. Internal to the library.
//
// Key grammar (under the 'X' tag that store.h reserves for the domain;
// integers are 8-byte big-endian; ids never contain 0x00):
//   'X' 'L' lot_id                        -> JCS lot record (below)
//   'X' 'O' owner 0x00 lot_id             -> "" (lots by owner; a lot that
//                                            is empty or voided stays listed)
//   'X' 'S' owner 0x00 waste              -> u64 grams held (sum of the
//                                            owner's live lots of that code)
//   'X' 'M' manifest_number(14 digits)    -> JCS manifest record
//   'X' 'N' year(4) province(2) city(2)   -> u64 highest serial used
//   'X' 'C' receiver 0x00 permit_number 0x00 year(4)
//                                         -> u64 grams dispatched to the
//                                            receiver under that permit
//   'X' 'E' seq:u64                       -> JCS effect record of the
//                                            lifecycle entry (or correction) at seq
//   'X' 'D' lot_id 0x00 seq:u64          -> u64 grams the entry at seq drew from
//                                            the lot (0 once voided or corrected)
//   'X' 'P' party 0x00 waste              -> years of the party's import pools of
//                                            that code, ascending, "2021,2023"
//   'X' 'I' record_hash(32 bytes)         -> u64 seq of the import entry that
//                                            holds the record (ImportRecordHash)
//   'X' 'A' ..., 'X' 'F' ...              -> flow aggregates (domain_aggregate.h)
// u64 grams counters are two's complement: a stock or draw total is negative
// only where imported legacy data drew more than it held (domain_import.cc).
// Records (JCS, members in JCS order; optional members absent when empty):
//   lot:      {"born"?:"YYYY-MM-DD","hazardous":bool,"hazards"?:str,"id","mass_g","owner","remaining_g",
//              "source":{"kind","line"?,"manifest"?,"seq"},"voided_by"?,"waste"}
//   manifest: {"carriers":[..],"custody":[{"holder","seq"}..],"dispatch_seq",
//              "lines":[{"lot","mass_g","reason"?,"received_g"?,"received_waste"?,
//              "refused_g"?,"waste"}..],"number","producer","receive_seq"?,
//              "imported"?:true,"receiver","reject"?,"status","voided_by"?}
//   effect:   {"actor","capacity"?:[{"mass_g","permit","receiver","year"}..],"corrects"?,
//              "created"?:[lot..],"drawn"?:[{"lot","mass_g"}..],"kind",
//              "manifest"?,"time","voided_by"?}
// THESE ENCODINGS ARE ON DISK: change them only with a format version bump.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain_aggregate.h"
#include "wasteledger/canonical_json.h"
#include "wasteledger/hash.h"
#include "wasteledger/domain_query.h"
#include "wasteledger/state_hook.h"

namespace wasteledger::domain {

std::string LotKey(std::string_view id);
std::string OwnerLotKey(std::string_view owner, std::string_view id);
std::string StockKey(std::string_view owner, std::string_view waste);
std::string ManifestKey(std::string_view number);
std::string SerialKey(int year, int province, int city);
std::string CapacityKey(std::string_view receiver, std::string_view permit, int year);
std::string EffectKey(uint64_t seq);
std::string DrawKey(std::string_view lot, uint64_t seq);
std::string PoolYearsKey(std::string_view party, std::string_view waste);
std::string ImportedKey(const Hash& record);
// Grams live entries drew on an import pool (net of their voids): a record
// that grew the pool is not voided while they stand.
std::string LiveDrawnKey(std::string_view pool);

// What void and correct need to reverse an entry (the internal side of
// EntryEffect).
struct Draw {
  std::string lot;
  int64_t mass_g = 0;
};
struct CapacityUse {
  std::string receiver;
  std::string permit;
  int year = 0;
  int64_t mass_g = 0;
};
struct Effect {
  std::string kind;
  std::string actor;
  std::string time;  // the original event time, RFC 3339
  std::vector<std::string> created;
  std::vector<Draw> drawn;
  std::string manifest;
  std::vector<CapacityUse> capacity;
  std::optional<uint64_t> corrects;
  std::optional<uint64_t> voided_by;
};

// Each record is written directly as its JCS; the *Tree encoder is the
// reference it must equal byte for byte (a Json value, canonicalised), and
// the path that refuses, with a message, what the direct writer cannot write.
Result<std::string> EncodeLot(const Lot& lot);
Result<std::string> EncodeLotTree(const Lot& lot);
Result<Lot> DecodeLot(std::string_view bytes);
Result<std::string> EncodeManifest(const Manifest& m);
Result<std::string> EncodeManifestTree(const Manifest& m);
Result<Manifest> DecodeManifest(std::string_view bytes);
Result<std::string> EncodeEffect(const Effect& e);
Result<std::string> EncodeEffectTree(const Effect& e);
Result<Effect> DecodeEffect(std::string_view bytes);
Result<int64_t> DecodeGrams(std::string_view bytes);
std::string EncodeGrams(int64_t grams);

// Reads one domain key: from a batch or from the committed ledger.
using IndexGet = std::function<Result<std::optional<std::string>>(std::string_view key)>;

Result<std::optional<Lot>> ReadLot(const IndexGet& get, std::string_view id);
Result<std::optional<Manifest>> ReadManifest(const IndexGet& get, std::string_view number);
Result<std::optional<Effect>> ReadEffect(const IndexGet& get, uint64_t seq);
Result<int64_t> ReadGrams(const IndexGet& get, std::string_view key);  // 0 when absent

// The lots one batch reads and changes, decoded once: a batch of thousands
// of imported rows changes the same few pool lots on every row. Flush
// writes the changed ones into the batch (DomainState::Finish).
class LotCache {
 public:
  // The cached lot, or nullptr when not read yet.
  Lot* Find(const std::string& id);
  void Put(const Lot& lot);       // marks it changed
  void Remember(const Lot& lot);  // as read from the index
  Status Flush(BatchAccess& batch);
  void Clear() { lots_.clear(); }

 private:
  struct Slot {
    Lot lot;
    bool dirty = false;
  };
  std::unordered_map<std::string, Slot> lots_;
};

// Typed writes into the batch being built; reads see them at once. Every
// change of a lot's mass is also a flow, counted in `aggregates` (when
// given) on the event date `day` (YYYY-MM-DD) of the entry it belongs to.
class DomainTxn {
 public:
  explicit DomainTxn(BatchAccess& batch, AggregateBuffer* aggregates = nullptr, LotCache* lots = nullptr)
      : batch_(batch),
        aggregates_(aggregates),
        lots_(lots),
        get_([&batch](std::string_view k) { return batch.Get(k); }) {}
  DomainTxn(const DomainTxn&) = delete;
  DomainTxn& operator=(const DomainTxn&) = delete;

  const IndexGet& get() const { return get_; }
  Result<std::optional<Lot>> GetLot(std::string_view id) const;
  Result<std::optional<Manifest>> GetManifest(std::string_view no) const { return ReadManifest(get_, no); }
  Result<std::optional<Effect>> GetEffect(uint64_t seq) const { return ReadEffect(get_, seq); }

  // A new lot (also indexed by owner, and added to the owner's stock),
  // counted as generated, secondary, received or returned by its source kind.
  Status CreateLot(const Lot& lot, std::string_view day);
  // Takes `mass` from the lot for the dispatch, utilize or dispose (`kind`)
  // at `seq`, and indexes the draw under the lot.
  Status DrawLot(Lot& lot, int64_t mass, std::string_view kind, std::string_view day, uint64_t seq);
  // Puts back what the draw of `kind` on `day` at `seq` took (void and correct).
  Status UndrawLot(Lot& lot, int64_t mass, std::string_view kind, std::string_view day, uint64_t seq);
  // Import pools (domain_import.cc): adds `mass` to the lot, counted in
  // `column` on `day`; draws without the floor at zero (the caller indexes
  // the draw).
  Status GrowLot(Lot& lot, int64_t mass, size_t column, std::string_view day);
  Status DrawPoolLot(Lot& lot, int64_t mass, std::string_view kind, std::string_view day);
  // Puts back what DrawPoolLot took (a voided import record).
  Status UndrawPoolLot(Lot& lot, int64_t mass, std::string_view kind, std::string_view day);
  Status PutRaw(const std::string& key, std::string_view value);
  // Marks an untouched lot voided and takes it out of the owner's stock; its
  // creation on `day` no longer counts.
  Status VoidLot(Lot& lot, uint64_t by, std::string_view day);
  // A flow that changes no lot (manifest settlement, pair flows).
  void AddFlow(char family, std::string_view dims, std::string_view day, size_t column, int64_t delta);
  Status PutManifest(const Manifest& m);
  Status PutEffect(uint64_t seq, const Effect& e);
  // Adds delta to a grams counter; returns the new value. Below zero is
  // Corruption unless `may_go_negative` (an imported deficit's stock).
  Result<int64_t> AddGrams(const std::string& key, int64_t delta, bool may_go_negative = false);
  // Adds delta to the stock of the lot's owner and code (below zero allowed:
  // import pools may hold a deficit).
  Status AddStock(const Lot& lot, int64_t delta);
  Status RaiseSerial(int year, int province, int city, int serial);

 private:
  Status PutLot(const Lot& lot);
  Status AdjustLot(Lot& lot, int64_t delta);
  // Counts a draw (sign +1) or its undoing (-1).
  Status CountDraw(const Lot& lot, int64_t mass, std::string_view kind, std::string_view day, int sign);
  BatchAccess& batch_;
  AggregateBuffer* aggregates_;
  LotCache* lots_;
  IndexGet get_;
};

}  // namespace wasteledger::domain
