// report trace: a lot followed by hand through two hops, a partial refusal,
// a transport loss, utilisation into a product and a fly-ash lot, the fly
// ash's disposal and a shared utilisation; backward to the sources;
// --manifest; unknown ids; a voided lot.
#include "wasteledger/reports/trace.h"

#include <catch2/catch.hpp>
#include <functional>

#include "ledger/domain_fixture.h"
#include "wasteledger/reports/render.h"

namespace wasteledger::testing {
namespace {

using reports::TraceNode;
using reports::TraceStep;

const char* kHw = "900-041-49";
const char* kAsh = "772-002-18";

struct Chain {
  std::string received;  // r1's lot from M1: "#<seq>/1"
  std::string returned;  // p1's refused lot: "#<seq>/1r"
  std::string at_r2;     // r2's lot from M2
};

Json Line(const std::string& lot, int64_t mass) { return {{"lot", lot}, {"waste", kHw}, {"mass_g", mass}}; }

// p1 makes 10 t (L1) and r1 2 t (R1LOT). M1: p1 sends 6 t to r1, which takes
// 5.9 t and refuses 0.05 t (0.05 t lost on the road). M2: r1 sends 4 t of it
// to r2, received in full; r2 utilises 3 t into 2 t of brick and 0.3 t of fly
// ash (ASH1), then disposes of 0.2 t of the ash. r1 utilises 1 t of its lot
// with 2 t of R1LOT into 100001 g of ash (ASH2) and 10 g of oil. M3: p1
// sends 1 t to r2, not yet received.
Chain Story(DomainFixture& f) {
  f.Ok(f.S(f.p1, "generate", {{"waste", kHw}, {"mass_g", 10000000}, {"lot", "L1"}}));
  f.Ok(f.S(f.r1, "generate", {{"waste", kHw}, {"mass_g", 2000000}, {"lot", "R1LOT"}}));
  f.Ok(f.S(f.p1, "dispatch",
           {{"manifest", "20264110000001"}, {"to", "r1"}, {"lines", {Line("L1", 6000000)}}}));
  const uint64_t rc1 = f.Ok(
      f.S(f.r1, "receive",
          {{"manifest", "20264110000001"},
           {"lines", {{{"line", 1}, {"received_g", 5900000}, {"refused_g", 50000}, {"reason", "wet"}}}}}));
  Chain c{"#" + std::to_string(rc1) + "/1", "#" + std::to_string(rc1) + "/1r", ""};
  f.Ok(f.S(f.r1, "dispatch",
           {{"manifest", "20264110000002"}, {"to", "r2"}, {"lines", {Line(c.received, 4000000)}}}));
  const uint64_t rc2 = f.Ok(f.S(f.r2, "receive",
                                {{"manifest", "20264110000002"},
                                 {"lines", {{{"line", 1}, {"received_g", 4000000}, {"refused_g", 0}}}}}));
  c.at_r2 = "#" + std::to_string(rc2) + "/1";
  f.Ok(f.S(f.r2, "utilize",
           {{"method", "R4"},
            {"inputs", {{{"lot", c.at_r2}, {"mass_g", 3000000}}}},
            {"outputs", {{{"waste", kAsh}, {"mass_g", 300000}, {"lot", "ASH1"}}}},
            {"products", {{{"name", "brick"}, {"mass_g", 2000000}}}}}));
  f.Ok(f.S(f.r2, "dispose", {{"method", "D10"}, {"inputs", {{{"lot", "ASH1"}, {"mass_g", 200000}}}}}));
  f.Ok(f.S(f.r1, "utilize",
           {{"method", "R2"},
            {"inputs", {{{"lot", c.received}, {"mass_g", 1000000}}, {{"lot", "R1LOT"}, {"mass_g", 2000000}}}},
            {"outputs", {{{"waste", kAsh}, {"mass_g", 100001}, {"lot", "ASH2"}}}},
            {"products", {{{"name", "oil"}, {"mass_g", 10}}}}}));
  f.Ok(f.S(f.p1, "dispatch",
           {{"manifest", "20264110000003"}, {"to", "r2"}, {"lines", {Line("L1", 1000000)}}}));
  return c;
}

reports::TraceReport TraceOk(DomainFixture& f, reports::TraceOptions o) {
  auto r = reports::Trace(f.ledger(), o);
  INFO(r.status().message());
  REQUIRE(r.ok());
  return *r;
}

const TraceNode* Find(const TraceNode& n, const std::function<bool(const TraceNode&)>& match) {
  if (match(n)) return &n;
  for (const auto& c : n.children) {
    if (const TraceNode* found = Find(c, match)) return found;
  }
  return nullptr;
}

const TraceNode& LotNode(const TraceNode& root, const std::string& lot) {
  const TraceNode* n =
      Find(root, [&](const TraceNode& x) { return x.step == TraceStep::kLot && x.lot == lot; });
  REQUIRE(n != nullptr);
  return *n;
}

const TraceNode& StepNode(const TraceNode& root, TraceStep step) {
  const TraceNode* n = Find(root, [&](const TraceNode& x) { return x.step == step; });
  REQUIRE(n != nullptr);
  return *n;
}

// Every lot, line and manifest node accounts for its mass exactly.
void CheckEveryNodeAccounted(const TraceNode& n) {
  if (n.step == TraceStep::kLot || n.step == TraceStep::kLine || n.step == TraceStep::kManifest) {
    INFO(n.lot << " " << n.manifest);
    CHECK(n.fate.Accounted() == n.mass_g);
  }
  for (const auto& c : n.children) CheckEveryNodeAccounted(c);
}

reports::Fate MakeFate(int64_t held, int64_t transit, int64_t utilized, int64_t disposed, int64_t diff,
                       int64_t products, int64_t secondary, int64_t voided = 0) {
  return {held, transit, utilized, disposed, diff, products, secondary, voided};
}

// Backward, every step's sources sum exactly to the mass that went into it,
// and a lot ending at its generate entry gave all of its share.
void CheckBackwardSums(const TraceNode& n) {
  if (n.step == TraceStep::kLine || n.step == TraceStep::kUtilized || n.step == TraceStep::kDisposed) {
    int64_t sum = 0;
    for (const auto& c : n.children) sum += c.mass_g;
    INFO(n.manifest << " " << n.party << " " << n.mass_g);
    CHECK(sum == n.mass_g);
  }
  if (n.step == TraceStep::kLot) {
    CHECK(n.mass_g <= n.lot_mass_g);
    for (const auto& c : n.children) {
      if (c.step == TraceStep::kGenerated) CHECK(c.mass_g == n.mass_g);
    }
  }
  for (const auto& c : n.children) CheckBackwardSums(c);
}

TEST_CASE("SplitByWeight: largest remainder, parts sum exactly", "[reports][trace]") {
  using reports::SplitByWeight;
  CHECK(SplitByWeight(100001, {1000000, 2000000}) == std::vector<int64_t>{33334, 66667});
  CHECK(SplitByWeight(10, {1000000, 2000000}) == std::vector<int64_t>{3, 7});
  CHECK(SplitByWeight(10, {1, 1, 1}) == std::vector<int64_t>{4, 3, 3});  // ties: earlier first
  CHECK(SplitByWeight(7, {0, 0}) == std::vector<int64_t>{0, 0});
  CHECK(SplitByWeight(5, {5, 0, 3}) == std::vector<int64_t>{3, 0, 2});
  // No overflow with masses of millions of tonnes.
  const int64_t big = 4000000000000000;  // 4 million t in grams
  CHECK(SplitByWeight(big, {big - 1, 1}) == std::vector<int64_t>{big - 1, 1});
}

TEST_CASE("trace forward: every gram of a lot, by hand", "[reports][trace]") {
  DomainFixture f;
  const Chain c = Story(f);
  const auto r = TraceOk(f, {"L1", "", false});
  const TraceNode& root = r.root;
  CHECK(root.step == TraceStep::kLot);
  CHECK(root.mass_g == 10000000);
  // held: L1 3 t + refused 0.05 t + at r1 0.9 t + at r2 1 t; in transit M3
  // 1 t; utilized 3 t (r2) + 1 t (r1); lost 0.05 t on M1. New mass: brick 2 t
  // and a third of the oil (3 g of 10); ash 0.3 t and a third of ASH2 (33334
  // g of 100001, largest remainder).
  CHECK(r.fate == MakeFate(4950000, 1000000, 4000000, 0, 50000, 2000003, 333334));
  CHECK(r.fate.Accounted() == 10000000);
  CHECK(root.remaining_g == 3000000);
  CheckEveryNodeAccounted(root);

  const TraceNode& m1 = *Find(root, [](const TraceNode& n) { return n.manifest == "20264110000001"; });
  CHECK(m1.step == TraceStep::kLine);
  CHECK(m1.party == "r1");
  CHECK(m1.mass_g == 6000000);
  CHECK(m1.fate == MakeFate(1950000, 0, 4000000, 0, 50000, 2000003, 333334));

  const TraceNode& returned = LotNode(root, c.returned);
  CHECK(returned.party == "p1");
  CHECK(returned.mass_g == 50000);
  CHECK(returned.fate == MakeFate(50000, 0, 0, 0, 0, 0, 0));

  const TraceNode& at_r1 = LotNode(root, c.received);
  CHECK(at_r1.party == "r1");
  CHECK(at_r1.mass_g == 5900000);
  CHECK(at_r1.remaining_g == 900000);
  CHECK(at_r1.fate == MakeFate(1900000, 0, 4000000, 0, 0, 2000003, 333334));  // 0.9 t here, 1 t at r2

  const TraceNode& at_r2 = LotNode(root, c.at_r2);
  CHECK(at_r2.mass_g == 4000000);
  CHECK(at_r2.fate == MakeFate(1000000, 0, 3000000, 0, 0, 2000000, 300000));

  const TraceNode& lost = StepNode(root, TraceStep::kTransportDiff);
  CHECK(lost.mass_g == 50000);
  CHECK(lost.manifest == "20264110000001");
  const TraceNode& transit = StepNode(root, TraceStep::kInTransit);
  CHECK(transit.mass_g == 1000000);
  CHECK(transit.manifest == "20264110000003");

  // The fly ash: its own fate, outside the root's 10 t.
  const TraceNode& ash = LotNode(root, "ASH1");
  CHECK(ash.mass_g == 300000);
  CHECK(ash.waste == kAsh);
  CHECK(ash.fate == MakeFate(100000, 0, 0, 200000, 0, 0, 0));
  const TraceNode& disposal = StepNode(ash, TraceStep::kDisposed);
  CHECK(disposal.party == "r2");
  CHECK(disposal.method == "D10");
  CHECK(disposal.mass_g == 200000);

  const TraceNode& brick =
      *Find(root, [](const TraceNode& n) { return n.step == TraceStep::kProduct && n.name == "brick"; });
  CHECK(brick.mass_g == 2000000);
  const TraceNode& ash2 = LotNode(root, "ASH2");
  CHECK(ash2.mass_g == 33334);
  CHECK(ash2.lot_mass_g == 100001);
  CHECK(ash2.remaining_g == 33334);

  // JSON holds the same figures.
  const Json j = reports::TraceJson(r);
  CHECK(j["report"] == "trace");
  CHECK(j["direction"] == "forward");
  CHECK(j["fate"]["held_g"] == 4950000);
  CHECK(j["fate"]["in_transit_g"] == 1000000);
  CHECK(j["fate"]["utilized_g"] == 4000000);
  CHECK(j["fate"]["disposed_g"] == 0);
  CHECK(j["fate"]["transport_diff_g"] == 50000);
  CHECK(j["fate"]["accounted_g"] == 10000000);
  CHECK(j["root"]["lot"] == "L1");
  CHECK(j["root"]["children"].size() == 2);
  CHECK(j["ledger"]["size"] == f.ledger().size());

  // A share of a lot traced on: R1LOT's 2 t gave two thirds of ASH2.
  const auto from_r1lot = TraceOk(f, {"R1LOT", "", false});
  CHECK(from_r1lot.fate == MakeFate(0, 0, 2000000, 0, 0, 7, 66667));
  CHECK(LotNode(from_r1lot.root, "ASH2").mass_g == 66667);
}

TEST_CASE("trace the fly ash forward, and a manifest's lines", "[reports][trace]") {
  DomainFixture f;
  Story(f);
  const auto ash = TraceOk(f, {"ASH1", "", false});
  CHECK(ash.fate == MakeFate(100000, 0, 0, 200000, 0, 0, 0));

  const auto m1 = TraceOk(f, {"", "20264110000001", false});
  CHECK(m1.root.step == TraceStep::kManifest);
  CHECK(m1.root.mass_g == 6000000);
  CHECK(m1.fate == MakeFate(1950000, 0, 4000000, 0, 50000, 2000003, 333334));
  CHECK(m1.fate.Accounted() == 6000000);
  CheckEveryNodeAccounted(m1.root);

  const auto m3 = TraceOk(f, {"", "20264110000003", false});
  CHECK(m3.fate == MakeFate(0, 1000000, 0, 0, 0, 0, 0));
  REQUIRE(m3.root.children.size() == 1);
  CHECK(m3.root.children[0].children.at(0).step == TraceStep::kInTransit);
}

TEST_CASE("trace backward from the fly ash to the generate entry", "[reports][trace]") {
  DomainFixture f;
  const Chain c = Story(f);
  const auto r = TraceOk(f, {"ASH1", "", true});
  // ASH1 <- utilize (r2) <- c.at_r2 <- M2 line 1 (r1) <- c.received <- M1 line 1 (p1) <- L1 <- generate.
  const TraceNode* n = &r.root;
  const std::vector<std::pair<TraceStep, std::string>> chain = {
      {TraceStep::kLot, "ASH1"},     {TraceStep::kUtilized, "r2"},
      {TraceStep::kLot, c.at_r2},    {TraceStep::kLine, "20264110000002"},
      {TraceStep::kLot, c.received}, {TraceStep::kLine, "20264110000001"},
      {TraceStep::kLot, "L1"},       {TraceStep::kGenerated, "p1"}};
  for (size_t i = 0; i < chain.size(); ++i) {
    INFO("hop " << i);
    REQUIRE(n != nullptr);
    CHECK(n->step == chain[i].first);
    const std::string& what = n->step == TraceStep::kLot    ? n->lot
                              : n->step == TraceStep::kLine ? n->manifest
                                                            : n->party;
    CHECK(what == chain[i].second);
    n = n->children.empty() ? nullptr : &n->children[0];
  }
  CHECK(n == nullptr);
  CHECK(StepNode(r.root, TraceStep::kUtilized).mass_g == 3000000);
  // Each hop carries the part that went into ASH1: 3 t of the 4 t lot at r2,
  // sent whole on M2; 3 t of the 5.9 t r1 received, i.e. 6 t x 3/5.9 of M1's
  // line (3050847 g, largest remainder), all drawn from L1.
  CHECK(LotNode(r.root, c.at_r2).mass_g == 3000000);
  CHECK(LotNode(r.root, c.at_r2).lot_mass_g == 4000000);
  CHECK(LotNode(r.root, c.received).mass_g == 3000000);
  CHECK(LotNode(r.root, c.received).lot_mass_g == 5900000);
  const TraceNode& m1 = *Find(r.root, [](const TraceNode& x) { return x.manifest == "20264110000001"; });
  CHECK(m1.mass_g == 3050847);
  CHECK(LotNode(r.root, "L1").mass_g == 3050847);
  CHECK(LotNode(r.root, "L1").lot_mass_g == 10000000);
  CHECK(StepNode(r.root, TraceStep::kGenerated).mass_g == 3050847);
  CheckBackwardSums(r.root);

  // ASH2 came from two lots: the chain back to L1, and R1LOT.
  const auto ash2 = TraceOk(f, {"ASH2", "", true});
  const TraceNode& use = StepNode(ash2.root, TraceStep::kUtilized);
  REQUIRE(use.children.size() == 2);
  CHECK(use.children[0].lot == c.received);
  CHECK(use.children[1].lot == "R1LOT");
  CHECK(use.mass_g == 3000000);
  CHECK(use.children[0].mass_g == 1000000);
  CHECK(use.children[1].mass_g == 2000000);
  CheckBackwardSums(ash2.root);
  CHECK(!reports::TraceJson(ash2).contains("fate"));
}

TEST_CASE("trace: every lot of the story accounts for every gram", "[reports][trace]") {
  DomainFixture f;
  Story(f);
  auto lots = ListLots(f.ledger(), {"", "", true, false});
  REQUIRE(lots.ok());
  CHECK(lots->size() == 7);
  for (const Lot& lot : *lots) {
    INFO(lot.id);
    const auto r = TraceOk(f, {lot.id, "", false});
    CHECK(r.fate.Accounted() == lot.mass_g);
    CHECK(r.fate.held_g >= lot.remaining_g);
    CheckEveryNodeAccounted(r.root);
    const auto back = TraceOk(f, {lot.id, "", true});
    CHECK(Find(back.root, [](const TraceNode& n) { return n.step == TraceStep::kGenerated; }) != nullptr);
    CHECK(back.root.mass_g == lot.mass_g);
    CheckBackwardSums(back.root);
  }
}

// Backward, a source lot showed its whole mass (RH25 10 t under a disposal
// that drew 6 t of it, the sources summing to 14 t under 10 t; utilisation
// here, the same walk), and across a
// manifest the producer's whole lot rather than what the line sent.
TEST_CASE("trace backward: each source shows what went into the step, the parts sum exactly",
          "[reports][trace]") {
  DomainFixture f;
  f.Ok(f.S(f.r1, "generate", {{"waste", kHw}, {"mass_g", 10000000}, {"lot", "RH25"}}));
  f.Ok(f.S(f.r1, "generate", {{"waste", kHw}, {"mass_g", 4000000}, {"lot", "RH26"}}));
  f.Ok(f.S(f.r1, "utilize",
           {{"method", "R4"},
            {"inputs", {{{"lot", "RH25"}, {"mass_g", 6000000}}, {{"lot", "RH26"}, {"mass_g", 4000000}}}},
            {"outputs", {{{"waste", kAsh}, {"mass_g", 1000000}, {"lot", "ASH"}}}}}));
  const auto r = TraceOk(f, {"ASH", "", true});
  CHECK(r.root.mass_g == 1000000);
  const TraceNode& disposal = StepNode(r.root, TraceStep::kUtilized);
  CHECK(disposal.mass_g == 10000000);
  REQUIRE(disposal.children.size() == 2);
  const TraceNode& rh25 = disposal.children[0];
  CHECK(rh25.lot == "RH25");
  CHECK(rh25.mass_g == 6000000);
  CHECK(rh25.lot_mass_g == 10000000);
  CHECK(rh25.remaining_g == 4000000);  // the whole lot's, now
  REQUIRE(rh25.children.size() == 1);
  CHECK(rh25.children[0].step == TraceStep::kGenerated);
  CHECK(rh25.children[0].mass_g == 6000000);
  CHECK(disposal.children[1].lot == "RH26");
  CHECK(disposal.children[1].mass_g == 4000000);
  CHECK(disposal.children[1].lot_mass_g == 4000000);
  CheckBackwardSums(r.root);
  // JSON: mass_g the share drawn, lot_mass_g the whole lot, as forward.
  const Json j = reports::TraceJson(r);
  const Json& sources = j["root"]["children"][0]["children"];
  CHECK(sources[0]["mass_g"] == 6000000);
  CHECK(sources[0]["lot_mass_g"] == 10000000);
  CHECK(sources[1]["mass_g"] == 4000000);
  // The table says which part of the lot it is.
  const std::string text =
      reports::RenderText(reports::TraceDocument(r, reports::Lang::kEn, reports::MassUnit::kTonne));
  CHECK(text.find("6.000000 t of the lot's 10.000000 t") != std::string::npos);

  // Across a manifest: p1 sends 20 t of its 50 t lot; the receiver's lot
  // traces back to the 20 t sent.
  f.Ok(f.S(f.p1, "generate", {{"waste", kHw}, {"mass_g", 50000000}, {"lot", "A26"}}));
  f.Ok(f.S(f.p1, "dispatch",
           {{"manifest", "20264110000008"}, {"to", "r1"}, {"lines", {Line("A26", 20000000)}}}));
  const uint64_t rc = f.Ok(f.S(f.r1, "receive",
                               {{"manifest", "20264110000008"},
                                {"lines", {{{"line", 1}, {"received_g", 19990000}, {"refused_g", 0}}}}}));
  const auto back = TraceOk(f, {"#" + std::to_string(rc) + "/1", "", true});
  CHECK(back.root.mass_g == 19990000);
  const TraceNode& line = StepNode(back.root, TraceStep::kLine);
  CHECK(line.mass_g == 20000000);  // what the line sent
  const TraceNode& a26 = LotNode(back.root, "A26");
  CHECK(a26.mass_g == 20000000);
  CHECK(a26.lot_mass_g == 50000000);
  CheckBackwardSums(back.root);
}

// A voided lot traced as "lot generated; still held 0": its 5 t had no fate
// (accounted 0 of 5 t) and nothing said it was voided.
TEST_CASE("trace of a voided lot says so, and its fate adds up", "[reports][trace]") {
  DomainFixture f;
  const uint64_t made = f.Ok(f.S(f.p1, "generate", {{"waste", "SW02"}, {"mass_g", 5000000}, {"lot", "DUP"}}));
  const uint64_t voided = f.Ok(f.S(f.p1, "void", {{"seq", made}, {"reason", "entered twice"}}));
  const auto r = TraceOk(f, {"DUP", "", false});
  CHECK(r.root.voided_by == voided);
  CHECK(r.fate == MakeFate(0, 0, 0, 0, 0, 0, 0, 5000000));
  CHECK(r.fate.Accounted() == 5000000);
  CheckEveryNodeAccounted(r.root);
  const TraceNode& leaf = StepNode(r.root, TraceStep::kVoided);
  CHECK(leaf.mass_g == 5000000);
  CHECK(leaf.seqs == std::vector<uint64_t>{voided});

  const Json j = reports::TraceJson(r);
  CHECK(j["voided_by"] == voided);
  CHECK(j["root"]["voided_by"] == voided);
  CHECK(j["fate"]["voided_g"] == 5000000);
  CHECK(j["fate"]["accounted_g"] == j["fate"]["mass_g"]);
  CHECK(j["root"]["children"][0]["step"] == "voided");

  const auto doc = reports::TraceDocument(r, reports::Lang::kEn, reports::MassUnit::kTonne);
  const std::string text = reports::RenderText(doc);
  const std::string at = "voided at seq " + std::to_string(voided);
  CHECK(text.find(at) != std::string::npos);
  CHECK(reports::RenderCsv(doc, {}).find(at) != std::string::npos);
  CHECK(std::get<int64_t>(doc.tables[1].totals.at(0).at(1)) == 5000000);
  const std::string zh =
      reports::RenderText(reports::TraceDocument(r, reports::Lang::kZh, reports::MassUnit::kTonne));
  CHECK(zh.find("作废") != std::string::npos);
  // Backward too.
  const auto back = TraceOk(f, {"DUP", "", true});
  CHECK(back.root.voided_by == voided);
  CHECK(reports::TraceJson(back)["voided_by"] == voided);
  // A live lot names no void.
  f.Ok(f.S(f.p1, "generate", {{"waste", "SW02"}, {"mass_g", 1000000}, {"lot", "LIVE"}}));
  const auto live = TraceOk(f, {"LIVE", "", false});
  CHECK(!live.root.voided_by);
  CHECK(!reports::TraceJson(live).contains("voided_by"));
  CHECK(live.fate.voided_g == 0);
}

TEST_CASE("trace refuses unknown ids and bad option sets", "[reports][trace]") {
  DomainFixture f;
  Story(f);
  auto lot = reports::Trace(f.ledger(), {"NOPE", "", false});
  REQUIRE(!lot.ok());
  CHECK(lot.status().code() == Status::Code::kNotFound);
  CHECK(lot.status().message().find("NOPE") != std::string::npos);
  auto manifest = reports::Trace(f.ledger(), {"", "20264110000099", false});
  REQUIRE(!manifest.ok());
  CHECK(manifest.status().code() == Status::Code::kNotFound);
  CHECK(manifest.status().message().find("20264110000099") != std::string::npos);
  CHECK(!reports::Trace(f.ledger(), {"", "", false}).ok());
  CHECK(!reports::Trace(f.ledger(), {"L1", "20264110000001", false}).ok());
  CHECK(!reports::Trace(f.ledger(), {"", "20264110000001", true}).ok());
}

// An import pool was traced as a secondary-waste lot whose draws were all
// "disposed" by the regulator who imported them; a 台账 transfer's hop to
// its receiver was missing.
TEST_CASE("trace forward of an import pool: each record as its party did it", "[reports][trace]") {
  DomainFixture f;
  auto record = [&](Json extra) {
    Json b = {{"source", {{"file", "台账.csv"}, {"sha256", std::string(64, 'a')}, {"row", 2 + f.ledger().size()}}},
              {"from", "p1"},
              {"waste", kHw}};
    b.update(extra);
    f.Ok(f.S(f.regulator, "import", b));
  };
  record({{"record", "generate"}, {"mass_g", 5000000}, {"date", "2025-03-01"}});
  record({{"record", "transfer"}, {"to", "r1"}, {"method", "D10"}, {"mass_g", 1500000}, {"date", "2025-06-01"}});
  record({{"record", "dispose"}, {"mass_g", 3000000}, {"date", "2025-09-01"}});
  auto r = reports::Trace(f.ledger(), {"#import/p1/900-041-49/2025", "", false});
  REQUIRE(r.ok());
  const TraceNode& root = r->root;
  CHECK(root.source == "import");
  CHECK(root.remaining_g == 500000);
  REQUIRE(root.children.size() == 2);
  const TraceNode& hop = root.children[0];
  CHECK(hop.step == TraceStep::kLine);
  CHECK(hop.party == "r1");
  REQUIRE(hop.children.size() == 1);
  CHECK(hop.children[0].lot == "#import/r1/900-041-49/2025");
  REQUIRE(hop.children[0].children.size() == 1);
  CHECK(hop.children[0].children[0].step == TraceStep::kDisposed);
  CHECK(hop.children[0].children[0].party == "r1");
  CHECK(hop.children[0].children[0].method == "D10");
  CHECK(root.children[1].step == TraceStep::kDisposed);
  CHECK(root.children[1].party == "p1");
  CHECK(r->fate.held_g == 500000);
  CHECK(r->fate.disposed_g == 4500000);
  CHECK(r->fate.Accounted() == 5000000);
}

TEST_CASE("trace document: the tree flattened and the fate", "[reports][trace]") {
  DomainFixture f;
  Story(f);
  const auto r = TraceOk(f, {"L1", "", false});
  const auto doc = reports::TraceDocument(r, reports::Lang::kEn, reports::MassUnit::kGram);
  REQUIRE(doc.tables.size() == 2);
  CHECK(doc.tables[0].rows.size() > 10);
  CHECK(std::get<int64_t>(doc.tables[1].totals.at(0).at(1)) == 10000000);
  const std::string text = reports::RenderText(doc);
  CHECK(text.find("└ ") != std::string::npos);
  CHECK(text.find("ASH1") != std::string::npos);
  CHECK(text.find("disposed by method D10") != std::string::npos);
  CHECK(text.find("4950000") != std::string::npos);
  const std::string zh =
      reports::RenderText(reports::TraceDocument(r, reports::Lang::kZh, reports::MassUnit::kTonne));
  CHECK(zh.find("去向追溯") != std::string::npos);
  CHECK(zh.find("10.000000") != std::string::npos);
  const auto back = TraceOk(f, {"ASH1", "", true});
  CHECK(reports::TraceDocument(back, reports::Lang::kEn, reports::MassUnit::kGram).tables.size() == 1);
}

}  // namespace
}  // namespace wasteledger::testing
