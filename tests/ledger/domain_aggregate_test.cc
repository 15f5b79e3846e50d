// The flow aggregates (FlowsBefore, FlowsByMonth): a small history worked
// out by hand, and a randomised history checked against a recomputation
// from the exported entries alone.
#include <fmt/format.h>

#include <random>
#include <set>

#include "domain_fixture.h"
#include "reference_flows.h"
#include "wasteledger/manifest_number.h"

namespace wasteledger::testing {
namespace {

const char* kHw = "900-041-49";

FlowTotals Span(const Ledger& ledger, const std::string& from, const std::string& to_exclusive,
                const PartyWaste& key) {
  auto end = FlowsBefore(ledger, to_exclusive);
  auto start = FlowsBefore(ledger, from);
  REQUIRE(end.ok());
  REQUIRE(start.ok());
  FlowTotals t = end->parties[key];
  t -= start->parties[key];
  return t;
}

// Ledger format v1: "periods (months, years) are cut in the ledger's genesis
// timezone". They were cut in the offset each statement was written with, so
// a party could move mass into another month or year by its choice of offset.
TEST_CASE("flows count on the event's date in the ledger's timezone, whatever offset it was written in",
          "[domain][aggregate]") {
  DomainFixture f;  // the ledger's timezone: +08:00
  f.Ok(f.S(f.p1, "generate", {{"waste", kHw}, {"mass_g", 1000000}}, "2026-06-30T20:00:00Z"));  // 07-01 04:00
  f.Ok(f.S(f.p1, "generate", {{"waste", kHw}, {"mass_g", 2000000}},
           "2026-01-01T02:00:00+14:00"));  // 2025-12-31
  f.Ok(f.S(f.p1, "generate", {{"waste", kHw}, {"mass_g", 4000000}},
           "2026-03-01T15:59:59-00:00"));  // 03-01 23:59:59
  const PartyWaste p1{"p1", kHw};
  CHECK(Span(f.ledger(), "2026-06-01", "2026-07-01", p1).generated_g == 0);
  CHECK(Span(f.ledger(), "2026-07-01", "2026-07-02", p1).generated_g == 1000000);
  CHECK(Span(f.ledger(), "2025-12-31", "2026-01-01", p1).generated_g == 2000000);
  CHECK(Span(f.ledger(), "2026-01-01", "2027-01-01", p1).generated_g == 5000000);
  CHECK(Span(f.ledger(), "2026-03-01", "2026-03-02", p1).generated_g == 4000000);
  // The lot's birth, which decides 往年 (prior-year) columns, too.
  auto lots = ListLots(f.ledger());
  REQUIRE(lots.ok());
  std::set<std::string> born;
  for (const auto& lot : *lots) born.insert(lot.born);
  CHECK(born == std::set<std::string>{"2025-12-31", "2026-03-01", "2026-07-01"});
}

TEST_CASE("flows of a worked example, by year, month and day, with a void and a correction",
          "[domain][aggregate]") {
  DomainFixture f;
  const uint64_t rc = f.GenerateSendReceive(f.r1, "r1", kHw);
  const std::string at_r1 = "#" + std::to_string(rc) + "/1";
  const uint64_t util =
      f.Ok(f.S(f.r1, "utilize", {{"method", "R4"}, {"inputs", {{{"lot", at_r1}, {"mass_g", 5000000}}}}},
               "2026-02-10T10:00:00+08:00"));
  const PartyWaste p1{"p1", kHw}, r1{"r1", kHw};

  // 2025: generated 10 t, nothing else yet.
  FlowTotals y2025 = Span(f.ledger(), "2025-01-01", "2026-01-01", p1);
  CHECK(y2025.generated_g == 10000000);
  CHECK(y2025.dispatched_g == 0);
  CHECK(y2025.Net() == 10000000);
  // 2026 at p1: 8 t dispatched, 0.05 t back, 8 t settled of which 0.05 t unaccounted.
  FlowTotals p1_2026 = Span(f.ledger(), "2026-01-01", "2027-01-01", p1);
  CHECK(p1_2026.dispatched_g == 8000000);
  CHECK(p1_2026.returned_g == 50000);
  CHECK(p1_2026.settled_g == 8000000);
  CHECK(p1_2026.transit_diff_g == 50000);
  CHECK(p1_2026.Net() == -7950000);
  // r1: received 7.9 t, utilised 5 t, all of it generated in an earlier year.
  FlowTotals r1_2026 = Span(f.ledger(), "2026-01-01", "2027-01-01", r1);
  CHECK(r1_2026.received_g == 7900000);
  CHECK(r1_2026.utilized_g == 5000000);
  CHECK(r1_2026.utilized_prior_g == 5000000);
  CHECK(r1_2026.Net() == 2900000);
  // Day granularity: the span 2026-01-03..2026-01-04 holds nothing; 01-05 the receipt.
  CHECK(Span(f.ledger(), "2026-01-03", "2026-01-05", r1) == FlowTotals{});
  CHECK(Span(f.ledger(), "2026-01-05", "2026-01-06", r1).received_g == 7900000);
  // In transit at the end of 2026-01-04: dispatched minus settled, before that day.
  auto before_receipt = FlowsBefore(f.ledger(), "2026-01-05");
  REQUIRE(before_receipt.ok());
  const FlowTotals& at_p1 = before_receipt->parties[p1];
  CHECK(at_p1.dispatched_g - at_p1.settled_g == 8000000);
  CHECK(before_receipt->pairs[{"p1", "r1", kHw}] == PairFlow{8000000, 0, 0});
  // Months.
  auto months = FlowsByMonth(f.ledger(), 2026);
  REQUIRE(months.ok());
  CHECK(months->at("2026-01").parties.at(r1).received_g == 7900000);
  CHECK(months->at("2026-02").parties.at(r1).utilized_g == 5000000);
  CHECK(months->count("2026-03") == 0);

  // The void of the utilisation is counted at the utilisation's date.
  f.Ok(f.S(f.regulator, "void", {{"seq", util}, {"reason", "entered twice"}}, "2026-03-15T10:00:00+08:00"));
  FlowTotals feb = Span(f.ledger(), "2026-02-01", "2026-03-01", r1);
  CHECK(feb.utilized_g == 0);
  CHECK(feb.utilized_prior_g == 0);
  CHECK(feb.reversals == 1);
  CHECK(Span(f.ledger(), "2026-03-01", "2026-04-01", r1) == FlowTotals{});
  // A correction of the receipt: 7.95 t received, nothing refused.
  f.Ok(f.S(f.r1, "correct",
           {{"seq", rc},
            {"reason", "weighbridge ticket"},
            {"body",
             {{"manifest", "20264110000001"},
              {"lines", {{{"line", 1}, {"received_g", 7950000}, {"refused_g", 0}}}}}}},
           "2026-03-16T10:00:00+08:00"));
  FlowTotals jan_r1 = Span(f.ledger(), "2026-01-01", "2026-02-01", r1);
  FlowTotals jan_p1 = Span(f.ledger(), "2026-01-01", "2026-02-01", p1);
  CHECK(jan_r1.received_g == 7950000);
  CHECK(jan_p1.returned_g == 0);
  CHECK(jan_p1.settled_g == 8000000);
  CHECK(jan_p1.transit_diff_g == 50000);
  auto all = FlowsBefore(f.ledger(), "2027-01-01");
  REQUIRE(all.ok());
  CHECK(all->pairs[{"p1", "r1", kHw}] == PairFlow{8000000, 7950000, 0});
  // The stock equals the net of every flow.
  CHECK(all->parties[p1].Net() == 2000000);
  CHECK(all->parties[r1].Net() == 7950000);
  CHECK(f.AllStock() == StockMap{{"p1", {{kHw, 2000000}}}, {"r1", {{kHw, 7950000}}}});
}

TEST_CASE("dates outside the calendar form are refused by FlowsBefore", "[domain][aggregate]") {
  DomainFixture f;
  for (const char* bad : {"2026-1-01", "20260101", "2026/01/01", "", "2026-01-0x"}) {
    auto r = FlowsBefore(f.ledger(), bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("is not a date") != std::string::npos);
  }
}

FlowSums StoredSpan(const Ledger& ledger, const std::string& from, const std::string& to_exclusive) {
  auto end = FlowsBefore(ledger, to_exclusive);
  auto start = FlowsBefore(ledger, from);
  REQUIRE(end.ok());
  REQUIRE(start.ok());
  FlowSums s;
  for (auto [k, t] : end->parties) {
    t -= start->parties[k];
    t.reversals = 0;
    if (!(t == FlowTotals{})) s.parties[k] = t;
  }
  for (auto [k, p] : end->pairs) {
    p -= start->pairs[k];
    if (!(p == PairFlow{})) s.pairs[k] = p;
  }
  return s;
}

// January to November only: every date is then in the past whenever the
// tests run (an event dated after the logged time is refused, and the
// history would change with the day they run).
std::string RandomDay(std::mt19937& rng, int year) {
  const int month = std::uniform_int_distribution<int>(1, 11)(rng);
  const int day = std::uniform_int_distribution<int>(1, 28)(rng);
  return fmt::format("{:04d}-{:02d}-{:02d}", year, month, day);
}

TEST_CASE("random histories: every span's flows equal a recomputation from the export",
          "[domain][aggregate]") {
  DomainFixture f;
  std::mt19937 rng(20261129);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const std::vector<const SigningKey*> holders = {&f.p1, &f.p3, &f.r1, &f.r2};
  std::vector<uint64_t> lifecycle;
  int manifests = 0, accepted = 0;
  for (int step = 0; step < 160; ++step) {
    const SigningKey* who = holders[pick(holders.size())];
    auto lots = ListLots(f.ledger(), {who->verifier().name(), "", false, false});
    REQUIRE(lots.ok());
    // Generation may fall in 2025; transfers need the receivers' 2026 permits.
    const std::string time = RandomDay(rng, 2026) + "T10:00:00+08:00";
    const int op = static_cast<int>(pick(6));
    Submission sub;
    if ((op == 0 || lots->empty()) && who != &f.r2) {
      sub = f.S(
          *who, "generate",
          {{"waste", pick(2) ? kHw : "772-002-18"}, {"mass_g", 1000 + static_cast<int64_t>(pick(100000))}},
          RandomDay(rng, pick(2) ? 2025 : 2026) + "T08:00:00+08:00");
    } else if (lots->empty()) {
      continue;
    } else if (op == 1 && who != &f.r2) {
      const Lot& lot = lots->at(pick(lots->size()));
      sub = f.S(*who, "dispatch",
                {{"manifest", FormatManifestNumber(2026, 41, 10, ++manifests)},
                 {"to", who == &f.r1 || pick(2) ? "r2" : "r1"},
                 {"lines",
                  {{{"lot", lot.id},
                    {"waste", lot.waste},
                    {"mass_g", 1 + static_cast<int64_t>(pick(static_cast<size_t>(lot.remaining_g)))}}}}},
                time);
    } else if (op == 2) {
      const std::vector<Manifest> open = f.OpenManifests();
      if (open.empty()) continue;
      const Manifest& m = open[pick(open.size())];
      const int64_t sent = m.lines[0].mass_g;
      const auto received = static_cast<int64_t>(pick(static_cast<size_t>(sent + 1)));
      const auto refused = static_cast<int64_t>(pick(static_cast<size_t>(sent - received + 1)));
      sub = f.S(m.receiver == "r1" ? f.r1 : f.r2, "receive",
                {{"manifest", m.number},
                 {"lines", {{{"line", 1}, {"received_g", received}, {"refused_g", refused}}}}},
                time);
    } else if (op == 3 && !lifecycle.empty()) {
      sub = f.S(f.regulator, "void", {{"seq", lifecycle[pick(lifecycle.size())]}, {"reason", "test"}}, time);
    } else {
      const Lot& lot = lots->at(pick(lots->size()));
      const int64_t mass = 1 + static_cast<int64_t>(pick(static_cast<size_t>(lot.remaining_g)));
      Json body = {{"method", op == 4 ? "R4" : "D10"}, {"inputs", {{{"lot", lot.id}, {"mass_g", mass}}}}};
      if (pick(2)) body["outputs"] = {{{"waste", "772-002-18"}, {"mass_g", 1 + mass / 10}}};
      sub = f.S(*who, op == 4 ? "utilize" : "dispose", body, time);
    }
    auto prepared = f.ledger().Prepare({sub});
    REQUIRE(prepared.ok());
    auto appended = f.ledger().Append(std::move(*prepared));
    if (!appended.ok()) continue;
    ++accepted;
    if (sub.statement.kind != "void") lifecycle.push_back(appended->at(0).seq);
  }
  CHECK(accepted > 80);
  const RefFlows ref = ReferenceFlows(f.ledger());
  const std::vector<std::pair<std::string, std::string>> spans = {
      {"2025-01-01", "2027-01-01"}, {"2025-01-01", "2026-01-01"}, {"2026-01-01", "2027-01-01"},
      {"2026-02-01", "2026-03-01"}, {"2026-02-14", "2026-11-03"}, {"2026-06-30", "2026-07-01"},
      {"2025-12-31", "2026-01-02"}};
  for (const auto& [from, to] : spans) {
    INFO("span " << from << " .. " << to);
    const FlowSums want = ReferenceSpan(ref, from, to);
    const FlowSums got = StoredSpan(f.ledger(), from, to);
    CHECK(got.parties == want.parties);
    CHECK(got.pairs == want.pairs);
  }
  // Every month of 2026 from the month aggregates.
  auto months = FlowsByMonth(f.ledger(), 2026);
  REQUIRE(months.ok());
  for (int m = 1; m <= 12; ++m) {
    const std::string from = fmt::format("2026-{:02d}-01", m);
    const std::string to = m == 12 ? "2027-01-01" : fmt::format("2026-{:02d}-01", m + 1);
    FlowSums want = ReferenceSpan(ref, from, to);
    std::map<PartyWaste, FlowTotals> got;
    for (auto [k, t] : (*months)[from.substr(0, 7)].parties) {
      t.reversals = 0;
      if (!(t == FlowTotals{})) got[k] = t;
    }
    CHECK(got == want.parties);
  }
  // The net of all flows is the stock.
  const FlowSums everything = StoredSpan(f.ledger(), "2000-01-01", "2100-01-01");
  StockMap net;
  for (const auto& [k, t] : everything.parties) {
    if (t.Net() != 0) net[k.first][k.second] = t.Net();
  }
  CHECK(net == f.AllStock());
}

}  // namespace
}  // namespace wasteledger::testing

namespace wasteledger::testing {
namespace {

TEST_CASE("draws on a lot are indexed, and a void takes its draw out", "[domain][aggregate]") {
  DomainFixture f;
  f.Ok(f.S(f.p1, "generate", {{"waste", kHw}, {"mass_g", 9000}, {"lot", "D1"}}));
  const uint64_t d = f.Ok(f.S(f.p1, "dispatch",
                              {{"manifest", "20264110000001"},
                               {"to", "r1"},
                               {"lines", {{{"lot", "D1"}, {"waste", kHw}, {"mass_g", 4000}}}}}));
  const uint64_t u = f.Ok(f.S(f.p3, "generate", {{"waste", kHw}, {"mass_g", 1}}));
  (void)u;
  auto draws = DrawsOn(f.ledger(), "D1");
  REQUIRE(draws.ok());
  REQUIRE(draws->size() == 1);
  CHECK(draws->at(0).seq == d);
  CHECK(draws->at(0).mass_g == 4000);
  auto effect = GetEffect(f.ledger(), d);
  REQUIRE(effect.ok());
  REQUIRE(effect->has_value());
  CHECK((*effect)->manifest == "20264110000001");
  REQUIRE((*effect)->drawn.size() == 1);
  CHECK((*effect)->drawn[0].lot == "D1");
  CHECK((*effect)->time == kDay);
  f.Ok(f.S(f.p1, "void", {{"seq", d}, {"reason", "wrong receiver"}}));
  draws = DrawsOn(f.ledger(), "D1");
  REQUIRE(draws.ok());
  CHECK(draws->empty());
  // A lot whose id is a prefix of another's sees only its own draws.
  auto none = DrawsOn(f.ledger(), "D");
  REQUIRE(none.ok());
  CHECK(none->empty());
}

}  // namespace
}  // namespace wasteledger::testing
