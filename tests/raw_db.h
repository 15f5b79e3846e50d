// Test helper: a ledger's RocksDB directory opened directly, as an attacker
// (or a tool) with disk access would, to edit what the store holds. Opened
// with the ledger's merge operator, as docs/FORMAT.md asks of anything that
// opens the directory itself. Header-only: several test files include it.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "store.h"

namespace wasteledger::testing {

class RawDb {
 public:
  explicit RawDb(const std::string& dir) {
    rocksdb::Options o;
    o.merge_operator = CounterMergeOperator();
    rocksdb::DB* db = nullptr;
    REQUIRE(rocksdb::DB::Open(o, dir, &db).ok());
    db_.reset(db);
  }
  std::string Get(const std::string& key) {
    std::string v;
    REQUIRE(db_->Get(rocksdb::ReadOptions(), key, &v).ok());
    return v;
  }
  void Put(const std::string& key, const std::string& value) {
    REQUIRE(db_->Put(rocksdb::WriteOptions(), key, value).ok());
  }
  void Delete(const std::string& key) { REQUIRE(db_->Delete(rocksdb::WriteOptions(), key).ok()); }
  // The number of keys that start with `prefix`.
  size_t Count(const std::string& prefix) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    size_t n = 0;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) ++n;
    REQUIRE(it->status().ok());
    return n;
  }
  // Tree nodes live in tiles (store.h): these read and rewrite one in place.
  std::string GetNode(uint32_t level, uint64_t index) {
    const NodeLocation at = LocateNode(level, index);
    return Get(at.key()).substr(at.offset, 32);
  }
  void PutNode(uint32_t level, uint64_t index, const std::string& hash) {
    REQUIRE(hash.size() == 32);
    const NodeLocation at = LocateNode(level, index);
    std::string tile = Get(at.key());
    REQUIRE(tile.size() == kTileBytes);
    tile.replace(at.offset, 32, hash);
    Put(at.key(), tile);
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace wasteledger::testing
