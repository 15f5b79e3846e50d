// The RocksDB store's write batch: puts are handed to RocksDB sorted by key,
// and of several puts to one key the last one recorded wins, as in a plain
// rocksdb::WriteBatch.
#include "store.h"

#include <catch2/catch.hpp>

#include "test_util.h"

namespace wasteledger {
namespace {

TEST_CASE("StoreBatch: any order in, last put of a key wins, all committed at once", "[store]") {
  testing::TempDir tmp;
  auto store = Store::Open(tmp / "db", Store::Mode::kCreate);
  REQUIRE(store.ok());
  StoreBatch batch;
  batch.Put("k3", "three");
  batch.Put("k1", "first");
  batch.Put("k2", std::string("with\0nul", 8));
  batch.Put("k1", "second");
  batch.Put("", "empty key");
  batch.Put("k1", "third");
  CHECK(batch.Count() == 6);
  // Nothing is visible before the commit.
  auto before = (*store)->Get("k1");
  REQUIRE(before.ok());
  CHECK_FALSE(before->has_value());
  REQUIRE((*store)->Commit(batch).ok());
  auto get = [&](std::string_view key) {
    auto v = (*store)->Get(key);
    REQUIRE(v.ok());
    REQUIRE(v->has_value());
    return **v;
  };
  CHECK(get("k1") == "third");
  CHECK(get("k2") == std::string("with\0nul", 8));
  CHECK(get("k3") == "three");
  CHECK(get("") == "empty key");
  std::vector<std::string> keys;
  REQUIRE((*store)->Scan("k", "", [&](std::string_view k, std::string_view) {
                    keys.emplace_back(k);
                    return true;
                  }).ok());
  CHECK(keys == std::vector<std::string>{"k1", "k2", "k3"});
}

}  // namespace
}  // namespace wasteledger
