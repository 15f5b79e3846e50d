// Store format v1 (a key per tree node) to v2 (tiles): a v1 ledger is
// refused by name until Ledger::Upgrade converts it; after that every root,
// proof and verification is what it was, and appends go on.
#include <catch2/catch.hpp>

#include "ledger_fixture.h"
#include "raw_db.h"
#include "store.h"
#include "store_v1.h"
#include "wasteledger/merkle.h"
#include "wasteledger/verify.h"

using namespace wasteledger;
using namespace wasteledger::testing;

namespace {

std::vector<Hash> LeafHashes(const Ledger& ledger) {
  std::vector<Hash> leaves;
  REQUIRE(ledger
              .ScanEntries(0, ledger.size(),
                           [&](uint64_t, std::string_view b) {
                             leaves.push_back(HashLeaf(b));
                             return true;
                           })
              .ok());
  return leaves;
}

}  // namespace

TEST_CASE("a v1 ledger is refused by name, and Upgrade converts it with every root and proof kept",
          "[ledger][upgrade]") {
  LedgerFixture f;
  int nonce = 0;
  for (int n : {40, 200, 61}) {  // 3 + 301 = 304 entries: two tiers, partial tiles
    f.AppendOk(f.Generates(n, nonce));
    nonce += n;
  }
  const uint64_t size = f.ledger().size();
  REQUIRE(size == 304);
  const std::vector<Hash> leaves = LeafHashes(f.ledger());
  f.Close();
  const size_t nodes = RewriteAsV1(f.dir());
  size_t perfect = 0;
  for (uint32_t level = 0; (size >> level) > 0; ++level) perfect += size >> level;
  CHECK(nodes == perfect);
  CHECK(RawDb(f.dir()).Count("T") == 0);

  for (auto mode : {Ledger::Mode::kRead, Ledger::Mode::kWrite}) {
    auto refused = Ledger::Open(f.dir(), mode);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Status::Code::kRefused);
    CHECK_THAT(refused.status().message(),
               Catch::Contains("wasteledger-rocksdb-v1") && Catch::Contains("wasteledger upgrade --ledger"));
  }

  SECTION("converted: same roots and proofs, verifies, appends go on, a second upgrade does nothing") {
    auto converted = Ledger::Upgrade(f.dir());
    INFO(converted.status().message());
    REQUIRE(converted.ok());
    CHECK(*converted);
    CHECK(RawDb(f.dir()).Count("N") == 0);
    CHECK(RawDb(f.dir()).Count("T") == 19 + 2 + 1);  // tier 0: ceil(304/16); tier 1: 19 nodes; tier 2: 1
    f.Reopen(Ledger::Mode::kRead);
    for (uint64_t n = 1; n <= size; ++n) {
      auto root = f.ledger().Root(n);
      REQUIRE(root.ok());
      REQUIRE(*root == RootFromLeafHashes(std::span(leaves).first(n)));
    }
    const Hash root = RootFromLeafHashes(leaves);
    for (uint64_t index = 0; index < size; index += 7) {
      auto proof = f.ledger().InclusionProof(index, size);
      REQUIRE(proof.ok());
      CHECK(VerifyInclusion(index, size, leaves[index], *proof, root).ok());
    }
    auto verified = VerifyLedger(f.ledger(), {});
    REQUIRE(verified.ok());
    CHECK(verified->ok());
    f.Reopen(Ledger::Mode::kWrite);
    f.AppendOk(f.Generates(20, nonce));
    CHECK(f.ledger().size() == size + 20);
    auto again = VerifyLedger(f.ledger(), {});
    REQUIRE(again.ok());
    CHECK(again->ok());
    f.Close();
    auto second = Ledger::Upgrade(f.dir());
    REQUIRE(second.ok());
    CHECK_FALSE(*second);
  }

  SECTION("a node missing from the v1 store stops the conversion and leaves the ledger v1") {
    std::string victim = "N";
    victim.push_back('\x02');
    victim += EncodeU64(40);  // level 2, leaves 160..163
    RawDb(f.dir()).Delete(victim);
    auto converted = Ledger::Upgrade(f.dir());
    REQUIRE_FALSE(converted.ok());
    CHECK(converted.status().code() == Status::Code::kCorruption);
    CHECK_THAT(converted.status().message(), Catch::Contains("tree node (2, 40) is missing"));
    auto still = Ledger::Open(f.dir(), Ledger::Mode::kRead);
    REQUIRE_FALSE(still.ok());
    CHECK_THAT(still.status().message(), Catch::Contains("wasteledger-rocksdb-v1"));
  }
}
