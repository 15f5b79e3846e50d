// void and correct reverse an entry's effect while the original stays in the
// log; warnings (capacity, unlisted codes) reach the caller.
#include "domain_fixture.h"

namespace wasteledger::testing {
namespace {

Json Lines(const std::string& lot, int64_t mass) {
  return Json::array({{{"lot", lot}, {"waste", "900-041-49"}, {"mass_g", mass}}});
}

TEST_CASE("void of a generate takes its lot out of stock", "[domain]") {
  DomainFixture f;
  const uint64_t gen = f.Ok(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 5000}, {"lot", "A"}}));
  f.Ok(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 700}}));
  CHECK(f.AllStock() == StockMap{{"p1", {{"900-041-49", 5700}}}});
  const std::string before = f.Export();
  const uint64_t v = f.Ok(f.S(f.p1, "void", {{"seq", gen}, {"reason", "weighed twice"}}));
  CHECK(f.Export().substr(0, before.size()) == before);  // the original stays
  CHECK(f.AllStock() == StockMap{{"p1", {{"900-041-49", 700}}}});
  CHECK(ReferenceStock(f.ledger()) == f.AllStock());
  const Lot a = f.GetLotOrFail("A");
  CHECK(a.voided_by == v);
  auto effect = GetEffect(f.ledger(), gen);
  REQUIRE(effect.ok());
  REQUIRE(effect->has_value());
  CHECK((*effect)->voided_by == v);
  // A voided lot cannot be drawn on, and its id stays used.
  CHECK(f.Refused(f.S(f.p1, "dispose", {{"method", "D1"}, {"inputs", {{{"lot", "A"}, {"mass_g", 1}}}}}))
            .find("lot \"A\" was voided at seq") != std::string::npos);
  CHECK(f.Refused(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 1}, {"lot", "A"}}))
            .find("already used") != std::string::npos);
}

TEST_CASE("a regulator corrects a dispatch; the correction keeps the number", "[domain]") {
  DomainFixture f;
  f.Ok(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 9000000}, {"lot", "L1"}}));
  const uint64_t d = f.Ok(f.S(
      f.p1, "dispatch",
      {{"manifest", "20264110000005"}, {"to", "r2"}, {"carriers", {"c1"}}, {"lines", Lines("L1", 3000000)}}));
  CHECK(f.GetLotOrFail("L1").remaining_g == 6000000);
  const uint64_t c = f.Ok(f.S(f.regulator, "correct",
                              {{"seq", d},
                               {"reason", "the weighbridge ticket says 2.5 t"},
                               {"body",
                                {{"manifest", "20264110000005"},
                                 {"to", "r2"},
                                 {"carriers", {"c1"}},
                                 {"lines", Lines("L1", 2500000)}}}}));
  CHECK(f.GetLotOrFail("L1").remaining_g == 6500000);
  const Manifest m = f.GetManifestOrFail("20264110000005");
  CHECK(m.status == "dispatched");
  CHECK(m.dispatch_seq == c);
  CHECK(m.producer == "p1");  // the original actor, not the regulator
  CHECK(m.lines.at(0).mass_g == 2500000);
  auto old_effect = GetEffect(f.ledger(), d);
  auto new_effect = GetEffect(f.ledger(), c);
  REQUIRE(old_effect.ok());
  REQUIRE(new_effect.ok());
  CHECK((*old_effect)->voided_by == c);
  CHECK((*new_effect)->corrects == d);
  CHECK((*new_effect)->kind == "dispatch");
  CHECK((*new_effect)->actor == "p1");
  // The corrected manifest goes on as usual.
  f.Ok(f.S(f.c1, "pickup", {{"manifest", "20264110000005"}}));
  f.Ok(f.S(f.r2, "receive",
           {{"manifest", "20264110000005"},
            {"lines", {{{"line", 1}, {"received_g", 2500000}, {"refused_g", 0}}}}}));
  CHECK(f.AllStock() == StockMap{{"p1", {{"900-041-49", 6500000}}}, {"r2", {{"900-041-49", 2500000}}}});
  CHECK(ReferenceStock(f.ledger()) == f.AllStock());
  // Any other dispatch with the number is still refused.
  CHECK(f.Refused(
             f.S(f.p1, "dispatch", {{"manifest", "20264110000005"}, {"to", "r2"}, {"lines", Lines("L1", 1)}}))
            .find("already used") != std::string::npos);
}

TEST_CASE("void of a receive, a pickup, then the dispatch, in reverse order", "[domain]") {
  DomainFixture f;
  f.Ok(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 4000}, {"lot", "L1"}}));
  const uint64_t d = f.Ok(f.S(
      f.p1, "dispatch",
      {{"manifest", "20264110000001"}, {"to", "r2"}, {"carriers", {"c1"}}, {"lines", Lines("L1", 4000)}}));
  const uint64_t p = f.Ok(f.S(f.c1, "pickup", {{"manifest", "20264110000001"}}));
  const uint64_t r = f.Ok(f.S(f.r2, "receive",
                              {{"manifest", "20264110000001"},
                               {"lines", {{{"line", 1}, {"received_g", 3000}, {"refused_g", 1000}}}}}));
  CHECK(f.AllStock() == StockMap{{"p1", {{"900-041-49", 1000}}}, {"r2", {{"900-041-49", 3000}}}});
  f.Ok(f.S(f.r2, "void", {{"seq", r}, {"reason", "wrong manifest"}}));
  CHECK(f.AllStock().empty());
  CHECK(f.GetManifestOrFail("20264110000001").status == "in_transit");
  CHECK_FALSE(f.GetManifestOrFail("20264110000001").receive_seq);
  f.Ok(f.S(f.c1, "void", {{"seq", p}, {"reason", "not yet collected"}}));
  CHECK(f.GetManifestOrFail("20264110000001").status == "dispatched");
  f.Ok(f.S(f.p1, "void", {{"seq", d}, {"reason", "cancelled"}}));
  CHECK(f.GetManifestOrFail("20264110000001").status == "voided");
  CHECK(f.AllStock() == StockMap{{"p1", {{"900-041-49", 4000}}}});
  CHECK(ReferenceStock(f.ledger()) == f.AllStock());
  // A voided receive may be done again, on a live manifest only.
  CHECK(f.Refused(f.S(f.r2, "receive",
                      {{"manifest", "20264110000001"},
                       {"lines", {{{"line", 1}, {"received_g", 1}, {"refused_g", 0}}}}}))
            .find("was voided") != std::string::npos);
}

TEST_CASE("a receive with a rejection returns everything to the producer", "[domain]") {
  DomainFixture f;
  f.Ok(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 4000}, {"lot", "L1"}}));
  f.Ok(f.S(f.p1, "dispatch", {{"manifest", "20264110000001"}, {"to", "r2"}, {"lines", Lines("L1", 3000)}}));
  const uint64_t r =
      f.Ok(f.S(f.r2, "receive", {{"manifest", "20264110000001"}, {"reject", "leaking drums"}}));
  const Manifest m = f.GetManifestOrFail("20264110000001");
  CHECK(m.status == "refused");
  CHECK(m.reject == "leaking drums");
  CHECK(m.lines.at(0).refused_g == 3000);
  CHECK(f.GetLotOrFail("#" + std::to_string(r) + "/1r").owner == "p1");
  CHECK(f.AllStock() == StockMap{{"p1", {{"900-041-49", 4000}}}});
  CHECK(ReferenceStock(f.ledger()) == f.AllStock());
}

TEST_CASE("a code received differently is recorded, not refused", "[domain]") {
  DomainFixture f;
  f.Ok(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 4000}, {"lot", "L1"}}));
  f.Ok(f.S(f.p1, "dispatch", {{"manifest", "20264110000001"}, {"to", "r2"}, {"lines", Lines("L1", 4000)}}));
  const uint64_t r = f.Ok(f.S(f.r2, "receive",
                              {{"manifest", "20264110000001"},
                               {"lines",
                                {{{"line", 1},
                                  {"received_g", 4000},
                                  {"refused_g", 0},
                                  {"waste", "772-002-18"},
                                  {"reason", "it is fly ash"}}}}}));
  const Manifest m = f.GetManifestOrFail("20264110000001");
  CHECK(m.lines.at(0).code_mismatch());
  CHECK(m.lines.at(0).received_waste == "772-002-18");
  CHECK(f.GetLotOrFail("#" + std::to_string(r) + "/1").waste == "772-002-18");
  CHECK(f.AllStock() == StockMap{{"r2", {{"772-002-18", 4000}}}});
  CHECK(ReferenceStock(f.ledger()) == f.AllStock());
}

TEST_CASE("exceeding a receiver's annual capacity warns and is accepted", "[domain]") {
  DomainFixture f;  // r2 may take 10 t a year
  f.Ok(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 20000000}, {"lot", "L1"}}));
  f.Ok(
      f.S(f.p1, "dispatch", {{"manifest", "20264110000001"}, {"to", "r2"}, {"lines", Lines("L1", 8000000)}}));
  CHECK(f.domain.warnings().empty());
  const uint64_t d2 = f.Ok(
      f.S(f.p1, "dispatch", {{"manifest", "20264110000002"}, {"to", "r2"}, {"lines", Lines("L1", 3000000)}}));
  REQUIRE(f.domain.warnings().size() == 1);
  CHECK(f.domain.warnings()[0] ==
        "seq " + std::to_string(d2) +
            ": annual capacity exceeded: receiver \"r2\" permit XK-R2-1 allows 10.000 t a year; 11.000 t "
            "dispatched to it in 2026 with manifest 20264110000002");
  CHECK(f.GetManifestOrFail("20264110000002").status == "dispatched");
  // Voiding the first dispatch gives the capacity back.
  f.Ok(f.S(f.p1, "void", {{"seq", d2 - 1}, {"reason", "cancelled"}}));
  CHECK(f.domain.warnings().empty());
  f.Ok(
      f.S(f.p1, "dispatch", {{"manifest", "20264110000003"}, {"to", "r2"}, {"lines", Lines("L1", 7000000)}}));
  CHECK(f.domain.warnings().empty());
}

TEST_CASE("a manifest numbered for another year or region warns and is accepted", "[domain]") {
  DomainFixture f;  // events on 2026-03-01
  Json p3 = PartyRecord("p3", {"producer"}, {&f.p3});
  p3["uscc"] = "91411081MA44XXXX0A";  // registered in Henan 41, Xuchang 10
  f.Ok(f.S(f.regulator, "party", p3));
  f.Ok(f.S(f.p3, "generate", {{"waste", "900-041-49"}, {"mass_g", 9000}, {"lot", "L3"}}));
  f.Ok(f.S(f.p3, "dispatch", {{"manifest", "20264110000001"}, {"to", "r2"}, {"lines", Lines("L3", 1000)}}));
  CHECK(f.domain.warnings().empty());
  const uint64_t d = f.Ok(
      f.S(f.p3, "dispatch", {{"manifest", "20193210000001"}, {"to", "r2"}, {"lines", Lines("L3", 1000)}}));
  const std::string at = "seq " + std::to_string(d) + ": manifest 20193210000001 is numbered ";
  CHECK(f.domain.warnings() ==
        std::vector<std::string>{at + "for 2019, but the dispatch is dated 2026-03-01",
                                 at + "for province and city 3210, but producer \"p3\" is registered in 4110 "
                                      "(its USCC 91411081MA44XXXX0A)"});
  CHECK(f.GetManifestOrFail("20193210000001").status == "dispatched");
  // A producer with no USCC is not judged on its region.
  f.Ok(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 9000}, {"lot", "L9"}}));
  f.Ok(f.S(f.p1, "dispatch", {{"manifest", "20263210000001"}, {"to", "r2"}, {"lines", Lines("L9", 1000)}}));
  CHECK(f.domain.warnings().empty());
}

}  // namespace
}  // namespace wasteledger::testing
