// Test helper: rewrites a ledger's RocksDB directory into the v1 store
// format (a key per tree node, 'N' level:u8 index:u64 -> 32 bytes, instead
// of tiles), as builds before 2026-11-30 wrote it, so that tests can check
// that v1 ledgers are refused and that `upgrade` converts them.
// Header-only: the unit and the CLI tests both include it.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "store.h"

namespace wasteledger::testing {

// Returns the number of node keys written.
inline size_t RewriteAsV1(const std::string& dir) {
  rocksdb::Options o;
  o.merge_operator = CounterMergeOperator();
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::Open(o, dir, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteBatch batch;
  size_t nodes = 0;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek("T"); it->Valid() && it->key().starts_with("T"); it->Next()) {
    const std::string key = it->key().ToString(), tile = it->value().ToString();
    REQUIRE(key.size() == 10);
    REQUIRE(tile.size() == kTileBytes);
    const auto tier = static_cast<uint32_t>(static_cast<unsigned char>(key[1]));
    const uint64_t index = *DecodeU64(std::string_view(key).substr(2));
    const uint32_t starts[] = {0, 16, 24, 28, 30};
    for (uint32_t k = 0; k < kTileHeight; ++k) {
      for (uint32_t slot = starts[k]; slot < starts[k + 1]; ++slot) {
        const std::string hash = tile.substr(size_t{slot} * 32, 32);
        if (hash == std::string(32, '\0')) continue;
        std::string node = "N";
        node.push_back(static_cast<char>(tier * kTileHeight + k));
        node += EncodeU64(index * (uint64_t{16} >> k) + (slot - starts[k]));
        REQUIRE(batch.Put(node, hash).ok());
        ++nodes;
      }
    }
    REQUIRE(batch.Delete(key).ok());
  }
  REQUIRE(it->status().ok());
  REQUIRE(batch.Put(MetaKey(kMetaFormat), std::string(kFormatV1)).ok());
  rocksdb::WriteOptions wo;
  wo.sync = true;
  REQUIRE(db->Write(wo, &batch).ok());
  return nodes;
}

}  // namespace wasteledger::testing
