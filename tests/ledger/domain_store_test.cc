// The domain index records: a lot, manifest or effect record written
// directly (EncodeLot, EncodeManifest, EncodeEffect) is byte for byte the
// canonical JSON of the same record built as a tree (Encode*Tree), and reads
// back (Decode*) to the same record.
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

// The direct writer gives the tree's bytes, which read back to the record.
template <class Record, class Encode, class Tree, class Decode, class Same>
void RequireSameBytes(const Record& record, Encode encode, Tree tree, Decode decode, Same same) {
  auto direct = encode(record);
  auto reference = tree(record);
  REQUIRE(direct.ok());
  REQUIRE(reference.ok());
  REQUIRE(*direct == *reference);
  auto back = decode(*direct);
  REQUIRE(back.ok());
  REQUIRE(same(*back, record));
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
    RequireSameBytes(lot, EncodeLot, EncodeLotTree, DecodeLot, SameLot);
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

// Random records over the same awkward texts and numbers as the lots.
class RandomRecords {
 public:
  std::string Text() { return texts_[Pick(texts_.size())]; }
  int64_t Number() { return numbers_[Pick(numbers_.size())]; }
  uint64_t Seq() { return static_cast<uint64_t>(Pick(1000000)); }
  size_t Pick(size_t n) { return static_cast<size_t>(rng_() % n); }

  Manifest NewManifest() {
    Manifest m;
    m.number = Text();
    m.producer = Text();
    m.receiver = Text();
    for (size_t i = Pick(3); i > 0; --i) m.carriers.push_back(Text());
    if (Pick(2) == 1) m.receive_seq = Seq();
    for (size_t i = 1 + Pick(3); i > 0; --i) {
      ManifestLine l;
      l.lot = Text();
      l.waste = Text();
      l.mass_g = Number();
      if (m.receive_seq) {
        l.received_g = Number();
        l.refused_g = Number();
      }
      l.received_waste = Pick(2) == 1 ? Text() : "";
      l.reason = Pick(2) == 1 ? Text() : "";
      m.lines.push_back(l);
    }
    for (size_t i = 1 + Pick(3); i > 0; --i) m.custody.push_back({Text(), Seq()});
    m.status = Text();
    m.dispatch_seq = Seq();
    m.reject = Pick(2) == 1 ? Text() : "";
    if (Pick(2) == 1) m.voided_by = Seq();
    m.imported = Pick(2) == 1;
    return m;
  }

  Effect NewEffect() {
    Effect e;
    e.kind = Text();
    e.actor = Text();
    e.time = Text();
    for (size_t i = Pick(3); i > 0; --i) e.created.push_back(Text());
    for (size_t i = Pick(3); i > 0; --i) e.drawn.push_back({Text(), Number()});
    e.manifest = Pick(2) == 1 ? Text() : "";
    for (size_t i = Pick(3); i > 0; --i) {
      e.capacity.push_back({Text(), Text(), static_cast<int>(2000 + Pick(100)), Number()});
    }
    if (Pick(2) == 1) e.corrects = Seq();
    if (Pick(2) == 1) e.voided_by = Seq();
    return e;
  }

 private:
  std::mt19937_64 rng_{0x3a1f'e57};
  std::vector<std::string> texts_ = {"",          "20264110000001", "#import/p1/900-041-49/2023", "废矿物油 批次 7",
                                     "q\"uote",   "back\\slash",   "tab\there",                  "ctl\x01\x1f",
                                     "\xF0\x9F\x98\x80 emoji", "900-041-49", "received",     "2026-03-01T08:30:00+08:00"};
  std::vector<int64_t> numbers_ = {0, 1, 12500000, -5000, 9007199254740991, -9007199254740991};
};

bool SameManifest(const Manifest& a, const Manifest& b) {
  if (a.lines.size() != b.lines.size() || a.custody.size() != b.custody.size()) return false;
  for (size_t i = 0; i < a.lines.size(); ++i) {
    const ManifestLine &x = a.lines[i], &y = b.lines[i];
    if (x.lot != y.lot || x.waste != y.waste || x.mass_g != y.mass_g || x.received_g != y.received_g ||
        x.refused_g != y.refused_g || x.received_waste != y.received_waste || x.reason != y.reason) {
      return false;
    }
  }
  for (size_t i = 0; i < a.custody.size(); ++i) {
    if (a.custody[i].holder != b.custody[i].holder || a.custody[i].seq != b.custody[i].seq) return false;
  }
  return a.number == b.number && a.producer == b.producer && a.receiver == b.receiver &&
         a.carriers == b.carriers && a.status == b.status && a.dispatch_seq == b.dispatch_seq &&
         a.receive_seq == b.receive_seq && a.reject == b.reject && a.voided_by == b.voided_by &&
         a.imported == b.imported;
}

bool SameEffect(const Effect& a, const Effect& b) {
  if (a.drawn.size() != b.drawn.size() || a.capacity.size() != b.capacity.size()) return false;
  for (size_t i = 0; i < a.drawn.size(); ++i) {
    if (a.drawn[i].lot != b.drawn[i].lot || a.drawn[i].mass_g != b.drawn[i].mass_g) return false;
  }
  for (size_t i = 0; i < a.capacity.size(); ++i) {
    const CapacityUse &x = a.capacity[i], &y = b.capacity[i];
    if (x.receiver != y.receiver || x.permit != y.permit || x.year != y.year || x.mass_g != y.mass_g) return false;
  }
  return a.kind == b.kind && a.actor == b.actor && a.time == b.time && a.created == b.created &&
         a.manifest == b.manifest && a.corrects == b.corrects && a.voided_by == b.voided_by;
}

TEST_CASE("EncodeManifest and EncodeEffect write the bytes of the canonicalised tree", "[domain][store]") {
  RandomRecords random;
  for (int i = 0; i < 5000; ++i) {
    RequireSameBytes(random.NewManifest(), EncodeManifest, EncodeManifestTree, DecodeManifest, SameManifest);
    RequireSameBytes(random.NewEffect(), EncodeEffect, EncodeEffectTree, DecodeEffect, SameEffect);
  }
}

TEST_CASE("EncodeManifest and EncodeEffect refuse what the tree path refuses, with its message", "[domain][store]") {
  RandomRecords random;
  Manifest m = random.NewManifest();
  m.receiver = "bad\xC3";
  auto direct = EncodeManifest(m);
  auto tree = EncodeManifestTree(m);
  REQUIRE_FALSE(direct.ok());
  CHECK(direct.status().message() == tree.status().message());
  m.receiver = "r1";
  m.voided_by = uint64_t{1} << 60;
  CHECK_FALSE(EncodeManifest(m).ok());
  Effect e = random.NewEffect();
  e.drawn.push_back({"L1", 9007199254740992});  // 2^53
  auto direct_e = EncodeEffect(e);
  auto tree_e = EncodeEffectTree(e);
  REQUIRE_FALSE(direct_e.ok());
  CHECK(direct_e.status().message() == tree_e.status().message());
}

}  // namespace
}  // namespace wasteledger::domain
