// The domain index records: a lot record written directly (EncodeLot) is
// byte for byte the canonical JSON of the same record built as a tree
// (EncodeLotTree), and reads back (DecodeLot) to the same lot.
#include "domain_store.h"

#include <random>

#include <catch2/catch.hpp>

namespace wasteledger::domain {
namespace {

bool SameLot(const Lot& a, const Lot& b) {
  return a.id == b.id && a.owner == b.owner && a.waste == b.waste && a.mass_g == b.mass_g &&
         a.remaining_g == b.remaining_g && a.hazardous == b.hazardous && a.hazards == b.hazards &&
         a.born == b.born && a.source.kind == b.source.kind && a.source.seq == b.source.seq &&
         a.source.manifest == b.source.manifest && a.source.line == b.source.line && a.voided_by == b.voided_by;
}

TEST_CASE("EncodeLot writes the bytes of the canonicalised tree, for every shape of lot", "[domain][store]") {
  std::mt19937_64 rng(0x10'7e57);
  auto pick = [&rng](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::vector<std::string> texts = {"",          "L-2026-0001",         "#1234/1",  "废矿物油 批次 7",
                                          "q\"uote",   "back\\slash",         "tab\there", "ctl\x01\x1f",
                                          "\xF0\x9F\x98\x80 emoji", "900-041-49", "T,I",      "2026-03-01"};
  const std::vector<int64_t> numbers = {0, 1, 12500000, -5000, 9007199254740991, -9007199254740991};
  for (int i = 0; i < 5000; ++i) {
    Lot lot;
    lot.id = texts[pick(texts.size())];
    lot.owner = texts[pick(texts.size())];
    lot.waste = texts[pick(texts.size())];
    lot.mass_g = numbers[pick(numbers.size())];
    lot.remaining_g = numbers[pick(numbers.size())];
    lot.hazardous = pick(2) == 1;
    lot.hazards = texts[pick(texts.size())];
    lot.born = texts[pick(texts.size())];
    lot.source.kind = texts[pick(texts.size())];
    lot.source.seq = static_cast<uint64_t>(pick(1000000));
    lot.source.manifest = texts[pick(texts.size())];
    lot.source.line = static_cast<int64_t>(pick(3));
    if (pick(2) == 1) lot.voided_by = static_cast<uint64_t>(pick(1000000));
    auto direct = EncodeLot(lot);
    auto tree = EncodeLotTree(lot);
    REQUIRE(direct.ok());
    REQUIRE(tree.ok());
    REQUIRE(*direct == *tree);
    auto back = DecodeLot(*direct);
    REQUIRE(back.ok());
    REQUIRE(SameLot(*back, lot));
  }
}

TEST_CASE("EncodeLot refuses what the tree path refuses, with its message", "[domain][store]") {
  Lot lot;
  lot.id = "bad\xC3";
  auto direct = EncodeLot(lot);
  auto tree = EncodeLotTree(lot);
  REQUIRE_FALSE(direct.ok());
  CHECK(direct.status().message() == tree.status().message());
  Lot big;
  big.mass_g = 9007199254740992;  // 2^53
  REQUIRE_FALSE(EncodeLot(big).ok());
  Lot late;
  late.voided_by = uint64_t{1} << 60;
  REQUIRE_FALSE(EncodeLot(late).ok());
}

}  // namespace
}  // namespace wasteledger::domain
