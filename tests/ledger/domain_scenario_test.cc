// The lifecycle end to end through Ledger::Append with DomainState hooked
// in: a lot followed through two hops to utilisation and disposal, and a
// randomised run checked against the reference stock.
#include <random>

#include "domain_fixture.h"
#include "wasteledger/manifest_number.h"

namespace wasteledger::testing {
namespace {

TEST_CASE("a lot followed through two hops to utilisation and disposal", "[domain]") {
  DomainFixture f;
  const uint64_t gen = f.Ok(f.S(
      f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 10000000}, {"lot", "L1"}, {"hazards", {"T"}}}));
  const uint64_t d1 = f.Ok(f.S(f.p1, "dispatch",
                               {{"manifest", "20264110000001"},
                                {"to", "r1"},
                                {"carriers", {"c1", "c2"}},
                                {"lines", {{{"lot", "L1"}, {"waste", "900-041-49"}, {"mass_g", 8000000}}}}}));
  CHECK(f.GetLotOrFail("L1").remaining_g == 2000000);
  f.Ok(f.S(f.c1, "pickup", {{"manifest", "20264110000001"}}));
  CHECK(f.GetManifestOrFail("20264110000001").status == "in_transit");
  f.Ok(f.S(f.c1, "handover", {{"manifest", "20264110000001"}, {"to", "c2"}}));
  const uint64_t rc1 = f.Ok(f.S(
      f.r1, "receive",
      {{"manifest", "20264110000001"},
       {"lines",
        {{{"line", 1}, {"received_g", 7900000}, {"refused_g", 100000}, {"reason", "one drum leaking"}}}}}));
  const std::string at_r1 = "#" + std::to_string(rc1) + "/1";
  const Manifest m1 = f.GetManifestOrFail("20264110000001");
  CHECK(m1.status == "received");
  REQUIRE(m1.custody.size() == 3);
  CHECK(m1.custody[0].holder == "p1");
  CHECK(m1.custody[1].holder == "c1");
  CHECK(m1.custody[2].holder == "c2");
  CHECK(m1.dispatch_seq == d1);
  CHECK(m1.lines.at(0).received_g == 7900000);
  CHECK(m1.lines.at(0).refused_g == 100000);
  const Lot returned = f.GetLotOrFail(at_r1 + "r");
  CHECK(returned.owner == "p1");
  CHECK(returned.source.kind == "return");
  CHECK(returned.mass_g == 100000);

  // Second hop: r1 sends it on to the incinerator.
  f.Ok(f.S(f.r1, "dispatch",
           {{"manifest", "20264110000002"},
            {"to", "r2"},
            {"carriers", {"c1"}},
            {"lines", {{{"lot", at_r1}, {"waste", "900-041-49"}, {"mass_g", 7900000}}}}}));
  f.Ok(f.S(f.c1, "pickup", {{"manifest", "20264110000002"}}));
  const uint64_t rc2 = f.Ok(f.S(f.r2, "receive",
                                {{"manifest", "20264110000002"},
                                 {"lines", {{{"line", 1}, {"received_g", 7900000}, {"refused_g", 0}}}}}));
  const std::string at_r2 = "#" + std::to_string(rc2) + "/1";
  const uint64_t util = f.Ok(f.S(f.r2, "utilize",
                                 {{"method", "R1"},
                                  {"inputs", {{{"lot", at_r2}, {"mass_g", 7900000}}}},
                                  {"outputs", {{{"waste", "772-002-18"}, {"mass_g", 300000}}}},
                                  {"products", {{{"name", "steam"}, {"mass_g", 20000000}}}}}));
  const std::string ash = "#" + std::to_string(util) + "/1";
  f.Ok(f.S(f.r2, "dispose", {{"method", "D1"}, {"inputs", {{{"lot", ash}, {"mass_g", 250000}}}}}));

  // The fate of L1, hop by hop.
  const Lot l_r1 = f.GetLotOrFail(at_r1);
  CHECK(l_r1.source.kind == "receive");
  CHECK(l_r1.source.manifest == "20264110000001");
  CHECK(f.GetManifestOrFail("20264110000001").lines.at(0).lot == "L1");
  CHECK(f.GetManifestOrFail("20264110000002").lines.at(0).lot == at_r1);
  const Lot l_r2 = f.GetLotOrFail(at_r2);
  CHECK(l_r2.remaining_g == 0);
  CHECK(l_r2.hazards == "T");
  const Lot fly_ash = f.GetLotOrFail(ash);
  CHECK(fly_ash.source.kind == "output");
  CHECK(fly_ash.source.seq == util);
  CHECK(fly_ash.hazardous);
  CHECK(fly_ash.remaining_g == 50000);
  CHECK(f.GetLotOrFail("L1").source.seq == gen);

  // Stock now, as the index says and as the entries say.
  const StockMap expected = {{"p1", {{"900-041-49", 2100000}}}, {"r2", {{"772-002-18", 50000}}}};
  CHECK(f.AllStock() == expected);
  CHECK(ReferenceStock(f.ledger()) == expected);
  auto r1_stock = Stock(f.ledger(), "r1");
  REQUIRE(r1_stock.ok());
  CHECK(r1_stock->empty());
  auto lots = ListLots(f.ledger(), {"p1", "", false, false});
  REQUIRE(lots.ok());
  REQUIRE(lots->size() == 2);
  CHECK(lots->at(0).id == "L1");  // oldest first
  auto serial = NextManifestSerial(f.ledger(), 2026, 41, 10);
  REQUIRE(serial.ok());
  CHECK(*serial == 3);
  auto other_city = NextManifestSerial(f.ledger(), 2026, 41, 11);
  REQUIRE(other_city.ok());
  CHECK(*other_city == 1);

  // The state survives a reopen, and the hook keeps working on it.
  f.ReopenWithDomain();
  CHECK(f.AllStock() == expected);
  f.Ok(f.S(f.r2, "dispose", {{"method", "D1"}, {"inputs", {{{"lot", ash}, {"mass_g", 50000}}}}}));
  CHECK(f.AllStock() == StockMap{{"p1", {{"900-041-49", 2100000}}}});
  CHECK(ReferenceStock(f.ledger()) == f.AllStock());
}

TEST_CASE("a sealed batch runs the rules on every member", "[domain]") {
  DomainFixture f;
  // Two statements in one batch: the second sees the first's lot.
  f.AppendOk({f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 5000}, {"lot", "B1"}}),
              f.S(f.p1, "dispatch",
                  {{"manifest", "20264110000007"},
                   {"to", "r2"},
                   {"lines", {{{"lot", "B1"}, {"waste", "900-041-49"}, {"mass_g", 5000}}}}})});
  CHECK(f.GetLotOrFail("B1").remaining_g == 0);
  // A refusal late in a batch leaves nothing of the batch behind.
  const std::string before = f.Export();
  const std::string msg =
      f.AppendRefused({f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 5000}, {"lot", "B2"}}),
                       f.S(f.p1, "dispatch",
                           {{"manifest", "20264110000008"},
                            {"to", "r2"},
                            {"lines", {{{"lot", "B2"}, {"waste", "900-041-49"}, {"mass_g", 6000}}}}})});
  CHECK(msg.find("line 2: dispatch:") == 0);
  CHECK(f.Export() == before);
  auto b2 = GetLot(f.ledger(), "B2");
  REQUIRE(b2.ok());
  CHECK_FALSE(b2->has_value());
}

TEST_CASE("random lifecycles keep stock equal to what the entries say", "[domain]") {
  DomainFixture f;
  std::mt19937 rng(20260301);
  const std::vector<const SigningKey*> producers = {&f.p1, &f.p3, &f.r1};
  int manifests = 0;
  int accepted = 0, rejected = 0;
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  for (int step = 0; step < 120; ++step) {
    const int op = static_cast<int>(pick(5));
    const SigningKey* who = producers[pick(producers.size())];
    auto lots = ListLots(f.ledger(), {who->verifier().name(), "", false, false});
    REQUIRE(lots.ok());
    Submission sub;
    if (op == 0 || lots->empty()) {
      sub = f.S(*who, "generate",
                {{"waste", pick(2) ? "900-041-49" : "772-002-18"},
                 {"mass_g", 1000 + static_cast<int64_t>(pick(100000))}});
    } else if (op == 1 || op == 2) {
      const Lot& lot = lots->at(pick(lots->size()));
      // Sometimes more than the lot holds, which must be refused.
      const int64_t mass = 1 + static_cast<int64_t>(pick(static_cast<size_t>(lot.remaining_g + 500)));
      sub = f.S(*who, "dispatch",
                {{"manifest", FormatManifestNumber(2026, 41, 10, ++manifests)},
                 {"to", pick(2) ? "r1" : "r2"},
                 {"carriers", {"c1"}},
                 {"lines", {{{"lot", lot.id}, {"waste", lot.waste}, {"mass_g", mass}}}}});
    } else if (op == 3) {
      const std::vector<Manifest> open = f.OpenManifests();
      if (open.empty()) continue;
      const Manifest& m = open[pick(open.size())];
      const int64_t sent = m.lines[0].mass_g;
      const int64_t received = static_cast<int64_t>(pick(static_cast<size_t>(sent + 1)));
      const int64_t refused = static_cast<int64_t>(pick(static_cast<size_t>(sent - received + 2)));
      const SigningKey& rk = m.receiver == "r1" ? f.r1 : f.r2;
      sub = f.S(rk, "receive",
                {{"manifest", m.number},
                 {"lines", {{{"line", 1}, {"received_g", received}, {"refused_g", refused}}}}});
    } else {
      const Lot& lot = lots->at(pick(lots->size()));
      const int64_t mass = 1 + static_cast<int64_t>(pick(static_cast<size_t>(lot.remaining_g + 100)));
      Json body = {{"method", "R4"}, {"inputs", {{{"lot", lot.id}, {"mass_g", mass}}}}};
      if (pick(2)) body["outputs"] = {{{"waste", "772-002-18"}, {"mass_g", 1 + mass / 10}}};
      sub = f.S(*who, "utilize", body);
    }
    auto prepared = f.ledger().Prepare({sub});
    REQUIRE(prepared.ok());
    auto appended = f.ledger().Append(std::move(*prepared));
    (appended.ok() ? accepted : rejected)++;
    if (step % 20 == 19) REQUIRE(f.AllStock() == ReferenceStock(f.ledger()));
  }
  CHECK(accepted > 40);
  CHECK(rejected > 5);
  CHECK(f.AllStock() == ReferenceStock(f.ledger()));
  // The stock index equals the sum over live lots.
  auto lots = ListLots(f.ledger());
  REQUIRE(lots.ok());
  StockMap from_lots;
  for (const auto& l : *lots) from_lots[l.owner][l.waste] += l.remaining_g;
  CHECK(from_lots == f.AllStock());
}

}  // namespace
}  // namespace wasteledger::testing
