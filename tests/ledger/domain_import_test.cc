// The import kind's rules (ledger/src/domain_import.cc): pools per party x
// code x year drawn oldest year first, the deficit kept below zero, the
// prior-year columns, the same record refused twice, imported manifests and
// their conflicts, and a recomputation from the log (verify --deep) that
// agrees with what the appends stored.
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include <fmt/format.h>

#include "domain_fixture.h"
#include "domain_store.h"
#include "wasteledger/deep_check.h"

namespace wasteledger::testing {
namespace {

const std::string kCode = "900-041-49";

class ImportCity : public DomainFixture {
 public:
  // An import record of `type` for p1 on `date`; row numbers count up so
  // that equal records from different rows are told apart only by content.
  Json Record(const std::string& type, int64_t mass_g, const std::string& date) {
    return {{"record", type},
            {"source", {{"file", "台账.csv"}, {"sha256", std::string(64, 'a')}, {"row", ++row_}}},
            {"from", "p1"},
            {"waste", kCode},
            {"mass_g", mass_g},
            {"date", date}};
  }
  Json Manifest(const std::string& no, const std::string& to, int64_t mass_g, int64_t received_g,
                const std::string& code = kCode) {
    Json b = Record("manifest", mass_g, "2023-05-01");
    b["to"] = to;
    b["manifest"] = no;
    b["waste"] = code;
    b["received_g"] = received_g;
    b["received"] = "2023-05-02";
    b["method"] = "D10";
    return b;
  }
  uint64_t Import(Json body) { return Ok(S(regulator, "import", std::move(body))); }
  int64_t Remaining(const std::string& year) { return GetLotOrFail("#import/p1/" + kCode + "/" + year).remaining_g; }
  FlowTotals Year(const std::string& party, int year) {
    auto before = FlowsBefore(ledger(), std::to_string(year + 1) + "-01-01");
    auto start = FlowsBefore(ledger(), std::to_string(year) + "-01-01");
    REQUIRE(before.ok());
    REQUIRE(start.ok());
    FlowTotals a = before->parties[{party, kCode}], b = start->parties[{party, kCode}];
    FlowTotals d;
    d.generated_g = a.generated_g - b.generated_g;
    d.utilized_g = a.utilized_g - b.utilized_g;
    d.utilized_prior_g = a.utilized_prior_g - b.utilized_prior_g;
    d.disposed_g = a.disposed_g - b.disposed_g;
    d.received_g = a.received_g - b.received_g;
    d.dispatched_g = a.dispatched_g - b.dispatched_g;
    return d;
  }
  void DeepCheckOk() {
    auto report = DeepCheck(ledger());
    INFO(report.status().message());
    REQUIRE(report.ok());
    INFO((report->differences.empty() ? "" : report->differences.front()));
    CHECK(report->ok());
  }

 private:
  int row_ = 0;
};

TEST_CASE("import: pools are drawn oldest year first and a deficit stays below zero", "[domain][import]") {
  ImportCity c;
  c.Import(c.Record("generate", 10000000, "2022-06-01"));
  c.Import(c.Record("generate", 5000000, "2023-02-01"));
  c.Import(c.Record("utilize", 12000000, "2023-03-01"));
  CHECK(c.Remaining("2022") == 0);
  CHECK(c.Remaining("2023") == 3000000);
  const FlowTotals y2023 = c.Year("p1", 2023);
  CHECK(y2023.generated_g == 5000000);
  CHECK(y2023.utilized_g == 12000000);
  CHECK(y2023.utilized_prior_g == 10000000);  // drawn from the 2022 pool

  // More than the pools hold: the shortfall takes the 2023 pool below zero.
  c.Import(c.Record("dispose", 5000000, "2023-04-01"));
  CHECK(c.Remaining("2023") == -2000000);
  CHECK(c.AllStock()["p1"][kCode] == -2000000);
  auto own = Stock(c.ledger(), "p1");  // one party's (`stock --party`): was left out, as if nothing
  REQUIRE(own.ok());
  CHECK((*own)[kCode] == -2000000);
  // A later generation fills the deficit first.
  c.Import(c.Record("generate", 3000000, "2023-06-01"));
  CHECK(c.Remaining("2023") == 1000000);
  CHECK(c.AllStock()["p1"][kCode] == 1000000);
  c.DeepCheckOk();
}

// One batch's rows change the same pools, stocks and pool years over and
// over; the batch keeps its own copy of each pool lot (domain::LotCache)
// and writes it once. Each row must see the rows before it in the batch, and a refused
// batch must leave nothing behind for the next one.
TEST_CASE("import: the rows of one batch see each other's pools, stock and pool years", "[domain][import]") {
  ImportCity c;
  auto batch = [&](std::vector<Json> bodies) {
    std::vector<Submission> subs;
    for (auto& b : bodies) subs.push_back(c.S(c.regulator, "import", std::move(b)));
    auto prepared = c.ledger().Prepare(std::move(subs));
    REQUIRE(prepared.ok());
    return c.ledger().Append(std::move(*prepared));
  };
  const Json g2023 = c.Record("generate", 10000000, "2023-02-01");
  REQUIRE(batch({g2023,
                 c.Record("generate", 4000000, "2021-03-01"),   // an earlier year's pool, made second
                 c.Record("utilize", 12000000, "2023-03-01"),   // 4 t from 2021, 8 t from 2023
                 c.Record("dispose", 5000000, "2023-04-01"),    // 2023: 2 t - 5 t
                 c.Manifest("20234110000001", "r2", 1000000, 1000000)})
              .ok());
  auto check = [&] {
    CHECK(c.Remaining("2021") == 0);
    CHECK(c.Remaining("2023") == -4000000);
    CHECK(c.AllStock()["p1"][kCode] == -4000000);
    auto years = ImportPoolYears(c.ledger(), "p1", kCode);
    REQUIRE(years.ok());
    CHECK(*years == std::vector<std::string>{"2021", "2023"});
    CHECK(c.Year("p1", 2023).utilized_prior_g == 4000000);
    c.DeepCheckOk();
  };
  check();

  // A batch that changes the same pools and then holds a refused row (a
  // record already imported) is not appended, and leaves no trace in the
  // batch after it.
  auto refused = batch({c.Record("generate", 7000000, "2022-01-05"), c.Record("utilize", 1000000, "2023-05-01"),
                        g2023});
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.status().message(), Catch::Contains("already imported"));
  check();
  REQUIRE(batch({c.Record("generate", 6000000, "2023-06-01")}).ok());
  CHECK(c.Remaining("2023") == 2000000);
  CHECK(c.AllStock()["p1"][kCode] == 2000000);
  auto years = ImportPoolYears(c.ledger(), "p1", kCode);
  REQUIRE(years.ok());
  CHECK(*years == std::vector<std::string>{"2021", "2023"});  // no 2022: its batch was refused
  auto pool2022 = GetLot(c.ledger(), "#import/p1/" + kCode + "/2022");
  REQUIRE(pool2022.ok());
  CHECK_FALSE(pool2022->has_value());
  c.DeepCheckOk();
}

TEST_CASE("import: the same record twice, or by a non-regulator, is refused", "[domain][import]") {
  ImportCity c;
  Json body = c.Record("generate", 1000, "2023-01-05");
  c.Import(body);
  Json again = body;
  again["source"]["row"] = 99;  // another row of another file: still the same record
  again["source"]["file"] = "other.xlsx";
  CHECK(c.Refused(c.S(c.regulator, "import", again)).find("already imported at seq") != std::string::npos);
  CHECK(c.Refused(c.S(c.p1, "import", c.Record("generate", 7, "2023-01-05"))).find("only a regulator") !=
        std::string::npos);
  Json bad = c.Record("generate", 7, "2023-02-30");
  CHECK(c.Refused(c.S(c.regulator, "import", bad)).find("body.date") != std::string::npos);
  Json unknown = c.Record("generate", 7, "2023-02-03");
  unknown["from"] = "nobody";
  CHECK(c.Refused(c.S(c.regulator, "import", unknown)).find("\"nobody\" is not a registered party") !=
        std::string::npos);
}

TEST_CASE("import: a date after the day it is logged, or a receipt before its transfer, is refused",
          "[domain][import]") {
  ImportCity c;
  const std::string today = FormatWithOffset(NowUnixSeconds(), 8 * 60).substr(0, 10);
  CHECK_THAT(c.Refused(c.S(c.regulator, "import", c.Record("generate", 7, "2099-01-05"))),
             Catch::Contains("import: body.date 2099-01-05 is after the day it is logged (" + today.substr(0, 4)));
  Json late = c.Manifest("20234110000009", "r2", 1000, 1000);
  late["received"] = "2099-01-05";
  CHECK_THAT(c.Refused(c.S(c.regulator, "import", late)), Catch::Contains("body.received 2099-01-05 is after"));
  Json early = c.Manifest("20234110000009", "r2", 1000, 1000);
  early["received"] = "2023-04-30";  // transferred 2023-05-01
  CHECK_THAT(c.Refused(c.S(c.regulator, "import", early)),
             Catch::Contains("body.received 2023-04-30 is before the transfer date 2023-05-01"));
  // Before 2000: a month number or a short number read as a date serial.
  CHECK_THAT(
      c.Refused(c.S(c.regulator, "import", c.Record("generate", 7, "1900-01-03"))),
      Catch::Contains("body.date 1900-01-03 is before 2000-01-01, the earliest date a record may carry"));
  // The same day on both ends is a receipt on the day of the transfer.
  Json same = c.Manifest("20234110000009", "r2", 1000, 1000);
  same["received"] = "2023-05-01";
  c.Import(same);
}

// An imported deficit takes the party's stock below zero; live lots made,
// drawn and voided after it moved that stock while it stayed below zero,
// which was refused as a corrupt counter (exit 3): generate 1 t, dispatch
// 9 t of a 10 t lot.
TEST_CASE("import: live entries go on while imported data holds a party's stock below zero", "[domain][import]") {
  ImportCity c;
  c.Import(c.Record("utilize", 2000000, "2023-03-01"));  // nothing generated: the pool at -2 t
  CHECK(c.AllStock()["p1"][kCode] == -2000000);
  const uint64_t gen = c.Ok(c.S(c.p1, "generate", {{"waste", kCode}, {"mass_g", 1000000}, {"lot", "L1"}}));
  c.Ok(c.S(c.p1, "generate", {{"waste", kCode}, {"mass_g", 10000000}, {"lot", "L10"}}));
  c.Ok(c.S(c.p1, "dispatch",
           {{"manifest", "20264110000001"},
            {"to", "r2"},
            {"lines", {{{"lot", "L10"}, {"waste", kCode}, {"mass_g", 9000000}}}}}));
  CHECK(c.AllStock()["p1"][kCode] == 0);  // -2 + 1 + 10 - 9
  c.Ok(c.S(c.p1, "void", {{"seq", gen}, {"reason", "weighed twice"}}));
  CHECK(c.AllStock()["p1"][kCode] == -1000000);
  // A lot still never goes below zero.
  CHECK_THAT(c.Refused(c.S(c.p1, "dispatch",
                           {{"manifest", "20264110000002"},
                            {"to", "r2"},
                            {"lines", {{{"lot", "L10"}, {"waste", kCode}, {"mass_g", 2000000}}}}})),
             Catch::Contains("never goes below zero"));
  c.DeepCheckOk();
}

// A manifest in transit at the cut-over, imported without a receipt, is
// received live: verify --deep did not know imported manifests ("was not
// dispatched by a live entry"). And a later import added a line to it that
// could never be received (in transit for ever).
TEST_CASE("import: an imported manifest received live; no line added to it afterwards", "[domain][import]") {
  ImportCity c;
  c.Import(c.Record("generate", 5000000, "2023-04-01"));
  Json open = c.Manifest("20234110000021", "r2", 3000000, 0);
  open.erase("received");
  open.erase("received_g");
  c.Import(open);
  CHECK(c.GetManifestOrFail("20234110000021").status == "dispatched");
  const Json in_full = {{"manifest", "20234110000021"}, {"lines", {{{"line", 1}, {"received_g", 3000000}, {"refused_g", 0}}}}};
  const uint64_t receipt = c.Ok(c.S(c.r2, "receive", in_full));
  CHECK(c.GetManifestOrFail("20234110000021").status == "received");
  c.DeepCheckOk();
  Json more = c.Manifest("20234110000021", "r2", 1000000, 0, "900-249-08");
  more.erase("received");
  more.erase("received_g");
  CHECK_THAT(c.Refused(c.S(c.regulator, "import", more)),
             Catch::Contains(fmt::format("manifest 20234110000021 was received by a live entry (seq {}): an import "
                                         "cannot add a line to it",
                                         receipt)));
  // Undone and received again: still one line, nothing in transit.
  c.Ok(c.S(c.r2, "void", {{"seq", receipt}, {"reason", "wrong scale"}}));
  c.Ok(c.S(c.r2, "receive", in_full));
  CHECK(c.GetManifestOrFail("20234110000021").lines.size() == 1);
  c.DeepCheckOk();
}

TEST_CASE("import: a voided record leaves the pools, flows and manifests as if never imported",
          "[domain][import]") {
  ImportCity c;
  const uint64_t g2022 = c.Import(c.Record("generate", 10000000, "2022-06-01"));
  c.Import(c.Record("generate", 5000000, "2023-02-01"));
  const Json used = c.Record("utilize", 12000000, "2023-03-01");  // 10 t from 2022, 2 t from 2023
  const uint64_t util = c.Import(used);
  const auto void_of = [&](uint64_t seq) { return Json{{"seq", seq}, {"reason", "wrong unit in the file"}}; };

  // Only a regulator voids an import, and no import is corrected.
  CHECK_THAT(c.Refused(c.S(c.p1, "void", void_of(util))), Catch::Contains("only the original actor"));
  Json fix = void_of(util);
  fix["body"] = c.Record("utilize", 1200000, "2023-03-01");
  CHECK_THAT(c.Refused(c.S(c.regulator, "correct", fix)),
             Catch::Contains(
                 fmt::format("seq {} is an imported legacy record: it is not corrected; void it", util)));

  const uint64_t undo = c.Ok(c.S(c.regulator, "void", void_of(util)));
  CHECK(c.Remaining("2022") == 10000000);
  CHECK(c.Remaining("2023") == 5000000);
  FlowTotals y2023 = c.Year("p1", 2023);
  CHECK(y2023.utilized_g == 0);
  CHECK(y2023.utilized_prior_g == 0);
  CHECK(y2023.generated_g == 5000000);
  CHECK(c.AllStock()["p1"][kCode] == 15000000);
  c.DeepCheckOk();
  CHECK_THAT(c.Refused(c.S(c.regulator, "void", void_of(util))),
             Catch::Contains(fmt::format("already voided or corrected by seq {}", undo)));
  // The record is no longer held: the same one may be imported again.
  c.Import(used);
  CHECK(c.Remaining("2022") == 0);
  CHECK(c.Year("p1", 2023).utilized_prior_g == 10000000);
  // A generation drawn on since: voiding it leaves the deficit for
  // reconciliation, as any legacy data that breaks conservation.
  c.Ok(c.S(c.regulator, "void", void_of(g2022)));
  CHECK(c.Remaining("2022") == -10000000);
  CHECK(c.Year("p1", 2022).generated_g == 0);
  CHECK(c.AllStock()["p1"][kCode] == -7000000);
  c.DeepCheckOk();

  // A manifest line: the manifest loses it, and is voided with its last.
  const uint64_t line1 = c.Import(c.Manifest("20234110000031", "r2", 1000000, 990000));
  const uint64_t line2 = c.Import(c.Manifest("20234110000031", "r2", 500, 500, "900-249-08"));
  c.Ok(c.S(c.regulator, "void", void_of(line2)));
  Manifest m = c.GetManifestOrFail("20234110000031");
  REQUIRE(m.lines.size() == 1);
  CHECK(m.lines[0].waste == kCode);
  CHECK(m.status == "received");
  c.Ok(c.S(c.regulator, "void", void_of(line1)));
  m = c.GetManifestOrFail("20234110000031");
  CHECK(m.lines.empty());
  CHECK(m.status == "voided");
  const FlowTotals r2 = c.Year("r2", 2023);
  CHECK(r2.received_g == 0);
  CHECK(r2.disposed_g == 0);
  CHECK(c.Year("p1", 2023).dispatched_g == 0);
  CHECK(c.AllStock()["r2"].count(kCode) == 0);
  c.DeepCheckOk();

  // An imported manifest a live entry went on from is not voided first.
  Json open = c.Manifest("20234110000032", "r2", 3000000, 0);
  open.erase("received");
  open.erase("received_g");
  const uint64_t sent = c.Import(open);
  const uint64_t receipt = c.Ok(c.S(c.r2, "receive",
                                    {{"manifest", "20234110000032"},
                                     {"lines", {{{"line", 1}, {"received_g", 3000000}, {"refused_g", 0}}}}}));
  CHECK_THAT(
      c.Refused(c.S(c.regulator, "void", void_of(sent))),
      Catch::Contains(fmt::format("seq {} cannot be undone: manifest 20234110000032 has a later receive at "
                                  "seq {}; undo that first",
                                  sent, receipt)));
  c.Ok(c.S(c.r2, "void", {{"seq", receipt}, {"reason", "wrong scale"}}));
  c.Ok(c.S(c.regulator, "void", void_of(sent)));
  CHECK(c.GetManifestOrFail("20234110000032").status == "voided");
  c.DeepCheckOk();
}

// QA: a manifest whose only imported line was voided stayed voided when
// the record was imported again, and could never be received; a record's
// void was accepted after a live entry drew on the pool it grew; a live
// entry drew on a pool dated before the pool's year.
TEST_CASE("import: a voided manifest imported again is live; live draws on a pool hold its records",
          "[domain][import]") {
  ImportCity c;
  Json open = c.Manifest("20234110000041", "r2", 3000000, 0);
  open.erase("received");
  open.erase("received_g");
  const uint64_t sent = c.Import(open);
  c.Ok(c.S(c.regulator, "void", {{"seq", sent}, {"reason", "wrong unit"}}));
  CHECK(c.GetManifestOrFail("20234110000041").status == "voided");
  const uint64_t again = c.Import(open);
  Manifest m = c.GetManifestOrFail("20234110000041");
  CHECK(m.status == "dispatched");
  CHECK_FALSE(m.voided_by);
  CHECK(m.dispatch_seq == again);
  REQUIRE(m.lines.size() == 1);
  c.Ok(c.S(c.r2, "receive",
           {{"manifest", "20234110000041"},
            {"lines", {{{"line", 1}, {"received_g", 3000000}, {"refused_g", 0}}}}}));
  c.DeepCheckOk();

  // p1's 2023 pool, grown by an imported generation, drawn on live.
  const uint64_t grown = c.Import(c.Record("generate", 5000000, "2023-06-01"));
  const std::string pool = "#import/p1/" + kCode + "/2023";
  CHECK_THAT(
      c.Refused(c.S(c.p1, "dispose", {{"method", "D10"}, {"inputs", {{{"lot", pool}, {"mass_g", 1000}}}}},
                    "2022-12-31T23:00:00+08:00")),
      Catch::Contains("lot \"" + pool +
                      "\" holds imported mass of 2023; an entry dated 2022-12-31 does not "
                      "draw on it"));
  const uint64_t live =
      c.Ok(c.S(c.p1, "dispose", {{"method", "D10"}, {"inputs", {{{"lot", pool}, {"mass_g", 1000}}}}},
               "2023-07-01T09:00:00+08:00"));
  CHECK_THAT(
      c.Refused(c.S(c.regulator, "void", {{"seq", grown}, {"reason", "x"}})),
      Catch::Contains(fmt::format("seq {} cannot be undone: live entries drew 1000 g on pool \"{}\" it added "
                                  "to; void those first",
                                  grown, pool)));
  c.Ok(c.S(c.p1, "void", {{"seq", live}, {"reason", "wrong lot"}}));
  c.Ok(c.S(c.regulator, "void", {{"seq", grown}, {"reason", "x"}}));
  c.DeepCheckOk();
}

// QA: voiding an imported manifest's first line left the manifest
// "dispatched" at the voided entry; voiding its only received line left it
// "received" at the voided entry, with the lines left counted as received.
TEST_CASE("import: a voided line's manifest is dispatched and received at the lines it keeps",
          "[domain][import]") {
  ImportCity c;
  Json unreceived = c.Manifest("20234110000051", "r2", 2000, 0, "900-249-08");
  unreceived.erase("received");
  unreceived.erase("received_g");
  const uint64_t first = c.Import(c.Manifest("20234110000051", "r2", 1000000, 990000));
  const uint64_t second = c.Import(unreceived);
  const uint64_t third = c.Import(c.Manifest("20234110000051", "r2", 500, 500, "772-002-18"));
  Manifest m = c.GetManifestOrFail("20234110000051");
  CHECK(m.dispatch_seq == first);
  CHECK(m.receive_seq == third);
  REQUIRE(m.lines.size() == 3);
  CHECK(m.lines[1].seq == second);
  // A second line for a code names the line it repeats.
  CHECK_THAT(c.Refused(c.S(c.regulator, "import", c.Manifest("20234110000051", "r2", 7, 7, "900-249-08"))),
             Catch::Contains(fmt::format("already has a line for 900-249-08 (imported at seq {})", second)));

  const auto void_of = [&](uint64_t seq) { return Json{{"seq", seq}, {"reason", "wrong row"}}; };
  c.Ok(c.S(c.regulator, "void", void_of(first)));
  m = c.GetManifestOrFail("20234110000051");
  CHECK(m.dispatch_seq == second);
  CHECK(m.custody.front().seq == second);
  CHECK(m.receive_seq == third);
  CHECK(m.status == "received");
  c.Ok(c.S(c.regulator, "void", void_of(third)));
  m = c.GetManifestOrFail("20234110000051");
  CHECK(m.dispatch_seq == second);
  CHECK_FALSE(m.receive_seq);
  CHECK(m.status == "dispatched");
  REQUIRE(m.lines.size() == 1);
  CHECK(m.lines[0].waste == "900-249-08");
  c.DeepCheckOk();
  // Received live now, as any manifest in transit.
  c.Ok(c.S(
      c.r2, "receive",
      {{"manifest", "20234110000051"}, {"lines", {{{"line", 1}, {"received_g", 2000}, {"refused_g", 0}}}}}));
  CHECK(c.GetManifestOrFail("20234110000051").status == "received");
  c.DeepCheckOk();
}

// As a live receipt's lot keeps its source's birth, what a legacy manifest
// delivers in January of what was sent in December is last year's waste at
// the receiver: treated in January, it counts in 综合利用往年贮存量.
TEST_CASE("import: a manifest received in the next year fills the transfer year's pool", "[domain][import]") {
  ImportCity c;
  Json m = c.Manifest("20254110000900", "r2", 1000000, 1000000);
  m["date"] = "2025-12-30";
  m["received"] = "2026-01-03";
  m["method"] = "R9";
  c.Import(m);
  CHECK(c.GetLotOrFail("#import/r2/" + kCode + "/2025").remaining_g == 0);
  const FlowTotals y2026 = c.Year("r2", 2026);
  CHECK(y2026.received_g == 1000000);
  CHECK(y2026.utilized_g == 1000000);
  CHECK(y2026.utilized_prior_g == 1000000);
  CHECK(c.Year("r2", 2025).received_g == 0);
  CHECK(c.Year("p1", 2025).dispatched_g == 1000000);
  c.DeepCheckOk();
}

TEST_CASE("import: manifests, their lines and their conflicts", "[domain][import]") {
  ImportCity c;
  const uint64_t seq = c.Import(c.Manifest("20234110000001", "r2", 1000000, 990000));
  Manifest m = c.GetManifestOrFail("20234110000001");
  CHECK(m.imported);
  CHECK(m.status == "received");
  CHECK(m.dispatch_seq == seq);
  REQUIRE(m.lines.size() == 1);
  CHECK(m.lines[0].received_g == 990000);
  // A second waste on the same manifest number is a second line.
  c.Import(c.Manifest("20234110000001", "r2", 500, 500, "900-249-08"));
  CHECK(c.GetManifestOrFail("20234110000001").lines.size() == 2);
  // The same waste again with other figures, or other parties, is refused.
  CHECK(c.Refused(c.S(c.regulator, "import", c.Manifest("20234110000001", "r2", 7, 7)))
            .find("already has a line for 900-041-49") != std::string::npos);
  CHECK(c.Refused(c.S(c.regulator, "import", c.Manifest("20234110000001", "r1", 8, 8, "900-006-09")))
            .find("was imported from \"p1\" to \"r2\"") != std::string::npos);
  // The receiver disposed of what it received (D10): nothing left in stock.
  const FlowTotals r2 = c.Year("r2", 2023);
  CHECK(r2.received_g == 990000);
  CHECK(r2.disposed_g == 990000);
  CHECK(c.AllStock()["r2"].count(kCode) == 0);
  CHECK(c.Year("p1", 2023).dispatched_g == 1000000);
  c.DeepCheckOk();
}

// Forwards to the domain layer and holds each pipelined write (Gate) until
// the next batch has been applied (its Finish), so that this batch reads the
// keys the one before wrote while they are not yet stored. The writes after
// Release go through at once.
class HeldWrites : public StateHook {
 public:
  explicit HeldWrites(StateHook& inner) : inner_(inner) {}
  Status Apply(uint64_t seq, const Statement& st, std::optional<uint64_t> seal_by, const ApplyContext& ctx,
               BatchAccess& batch) override {
    return inner_.Apply(seq, st, seal_by, ctx, batch);
  }
  void Precompute(Statement& st) const override { inner_.Precompute(st); }
  void KeysToRead(const Statement& st, std::vector<std::string>& keys) const override {
    inner_.KeysToRead(st, keys);
  }
  Status Finish(BatchAccess& batch) override {
    Status s = inner_.Finish(batch);
    {
      std::lock_guard lock(mu_);
      ++finished_;
    }
    cv_.notify_all();
    return s;
  }
  void Commit() override { inner_.Commit(); }
  void Abort() override { inner_.Abort(); }

  // The ledger's write gate; the write numbered `fail_write` (from 1) fails.
  std::function<Status()> Gate(int fail_write = 0) {
    return [this, fail_write]() -> Status {
      std::unique_lock lock(mu_);
      const int k = ++writes_;
      if (!cv_.wait_for(lock, std::chrono::seconds(20), [&] { return released_ || finished_ > k; })) {
        return Status::IOError(fmt::format("test: write {} was held for 20 s", k));
      }
      if (k == fail_write) return Status::IOError("disk full (test)");
      return Status::Ok();
    };
  }
  void Release() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }

 private:
  StateHook& inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  int finished_ = 0, writes_ = 0;
  bool released_ = false;
};

// An import city whose pipelined writes are held (HeldWrites); the write
// numbered `fail_write` (from 1) fails.
struct HeldCity {
  explicit HeldCity(int fail_write = 0) {
    c.ledger().SetStateHook(&held);
    c.ledger().SetWriteGateForTesting(held.Gate(fail_write));
  }
  ImportCity c;
  HeldWrites held{c.domain};
};

PreparedBatch Imports(ImportCity& c, std::vector<Submission> subs) {
  auto p = c.ledger().Prepare(std::move(subs));
  REQUIRE(p.ok());
  return std::move(*p);
}

TEST_CASE("pipelined appends: a batch reads what the batch before wrote while it is being stored",
          "[domain][import][pipelined]") {
  HeldCity city;
  auto& [c, held] = city;
  auto append = [&](std::vector<Submission> subs) {
    auto a = c.ledger().AppendPipelined(Imports(c, std::move(subs)));
    REQUIRE(a.ok());
    return *a;
  };
  append({c.S(c.regulator, "import", c.Record("generate", 10000000, "2022-06-01"))});
  // Draws the 2022 pool, whose lot and pool list batch 1 wrote (still held).
  Submission g2023 = c.S(c.regulator, "import", c.Record("generate", 5000000, "2023-02-01"));
  const auto second = append({g2023, c.S(c.regulator, "import", c.Record("utilize", 12000000, "2023-03-01"))});
  // A replay of batch 2's first statement is answered from the batch in
  // flight; the dispose takes the 2023 pool below zero.
  const auto third = append({g2023, c.S(c.regulator, "import", c.Record("dispose", 5000000, "2023-04-01"))});
  REQUIRE(third.size() == 2);
  CHECK(third[0].replay);
  CHECK(third[0].seq == second[0].seq);
  CHECK_FALSE(third[1].replay);
  // A manifest, a second line on it, then a conflicting line: refused from
  // the manifest record of the batch in flight.
  append({c.S(c.regulator, "import", c.Manifest("20234110000001", "r2", 1000000, 990000))});
  append({c.S(c.regulator, "import", c.Manifest("20234110000001", "r2", 500, 500, "900-249-08"))});
  auto refused = c.ledger().AppendPipelined(
      Imports(c, {c.S(c.regulator, "import", c.Manifest("20234110000001", "r2", 7, 7))}));
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.status().message(), Catch::Contains("already has a line for 900-041-49"));
  held.Release();
  REQUIRE(c.ledger().WaitForWrites().ok());
  auto check = [&] {
    CHECK(c.Remaining("2022") == 0);
    CHECK(c.Remaining("2023") == -3000000);  // 5 - 2 - 5, and the 1 t the manifest took
    CHECK(c.GetManifestOrFail("20234110000001").lines.size() == 2);
    CHECK(c.Year("p1", 2023).utilized_prior_g == 10000000);
    c.DeepCheckOk();
  };
  check();
  const uint64_t size = c.ledger().size();
  c.ledger().SetStateHook(&c.domain);
  c.ReopenWithDomain();  // every batch was stored
  CHECK(c.ledger().size() == size);
  check();
}

// Batches of 64 statements and more read their store keys ahead in one
// look-up (AppendSession::ReadAhead): the statement index, each import's
// record key and its manifest. What the batch in flight wrote must still win
// over what the store held when the keys were read.
TEST_CASE("pipelined appends: large batches read their keys ahead and still see the batch in flight",
          "[domain][import][pipelined]") {
  HeldCity city;
  auto& [c, held] = city;
  auto generates = [&](int n, const std::string& date) {
    std::vector<Submission> subs;
    for (int i = 0; i < n; ++i) subs.push_back(c.S(c.regulator, "import", c.Record("generate", 1000 + i, date)));
    return subs;
  };
  auto append = [&](std::vector<Submission> subs) {
    auto a = c.ledger().AppendPipelined(Imports(c, std::move(subs)));
    INFO((a.ok() ? "" : a.status().message()));
    REQUIRE(a.ok());
    return *a;
  };
  // Batch 1: 70 generations and the first line of a manifest.
  auto one = generates(70, "2023-01-10");
  const Submission first = one.front();
  one.push_back(c.S(c.regulator, "import", c.Manifest("20234110000009", "r2", 20000, 20000)));
  const auto b1 = append(one);
  // Batch 2, while batch 1 is held: a replay of batch 1's first statement,
  // a second line on its manifest (read from batch 1), 70 generations.
  auto two = generates(70, "2023-02-10");
  two.insert(two.begin(), first);
  two.push_back(c.S(c.regulator, "import", c.Manifest("20234110000009", "r2", 500, 500, "900-249-08")));
  const auto b2 = append(two);
  CHECK(b2.front().replay);
  CHECK(b2.front().seq == b1.front().seq);
  // Batch 3, while batch 2 is held (batch 1 is stored by now): a line that
  // conflicts with the manifest batch 2 rewrote is refused.
  auto three = generates(70, "2023-03-10");
  three.push_back(c.S(c.regulator, "import", c.Manifest("20234110000009", "r2", 7, 7)));
  auto refused = c.ledger().AppendPipelined(Imports(c, three));
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.status().message(), Catch::Contains("already has a line for 900-041-49"));
  // Batch 3 again without that line, with a replay of batch 1's first
  // statement, now answered from the store through the keys read ahead.
  three.pop_back();
  three.push_back(first);
  const auto b3 = append(three);
  CHECK(b3.back().replay);
  CHECK(b3.back().seq == b1.front().seq);
  held.Release();
  REQUIRE(c.ledger().WaitForWrites().ok());
  auto check = [&] {
    // Three times 1000..1069 g generated; the first manifest line drew 20 kg
    // (the second line is of another code, drawn from that code's pool).
    CHECK(c.Remaining("2023") == 3 * (70 * 1000 + 69 * 70 / 2) - 20000);
    const auto m = c.GetManifestOrFail("20234110000009");
    REQUIRE(m.lines.size() == 2);
    CHECK(m.lines[1].waste == "900-249-08");
    c.DeepCheckOk();
  };
  check();
  c.ledger().SetStateHook(&c.domain);
  c.ReopenWithDomain();
  check();
}

TEST_CASE("import: the keys an import reads are named for reading ahead", "[domain][import]") {
  ImportCity c;
  // What Prepare does for the hook before the append: Precompute.
  auto prepared = [&](Submission sub) {
    c.domain.Precompute(sub.statement);
    return sub.statement;
  };
  const Json manifest = c.Manifest("20234110000010", "r2", 1000, 1000);
  const Statement with_manifest = prepared(c.S(c.regulator, "import", manifest));
  std::vector<std::string> keys;
  c.domain.KeysToRead(with_manifest, keys);
  CHECK(keys == std::vector<std::string>{domain::ImportedKey(ImportRecordHash(manifest).value()),
                                         domain::ManifestKey("20234110000010")});
  keys.clear();
  const Json generate = c.Record("generate", 1000, "2023-01-05");
  c.domain.KeysToRead(prepared(c.S(c.regulator, "import", generate)), keys);
  CHECK(keys == std::vector<std::string>{domain::ImportedKey(ImportRecordHash(generate).value())});
  keys.clear();
  c.domain.KeysToRead(prepared(c.S(c.p1, "generate", {{"waste", kCode}, {"mass_g", 1000}, {"lot", "L9"}})), keys);
  CHECK(keys.empty());
}

TEST_CASE("pipelined appends: after a failed write the ledger refuses everything; the batches before it stay",
          "[domain][import][pipelined]") {
  HeldCity city(2);
  auto& [c, held] = city;
  auto first = c.ledger().AppendPipelined(
      Imports(c, {c.S(c.regulator, "import", c.Record("generate", 10000000, "2022-06-01"))}));
  REQUIRE(first.ok());
  const uint64_t stored_size = c.ledger().size();
  auto second = c.ledger().AppendPipelined(
      Imports(c, {c.S(c.regulator, "import", c.Record("generate", 5000000, "2023-02-01"))}));
  REQUIRE(second.ok());  // applied; its write (the second) is the one that fails
  auto third = c.ledger().AppendPipelined(
      Imports(c, {c.S(c.regulator, "import", c.Record("utilize", 1000, "2023-03-01"))}));
  REQUIRE_FALSE(third.ok());
  CHECK(third.status().message() == "disk full (test)");
  // Sticky: every write and read after it fails the same way.
  CHECK(c.ledger().WaitForWrites().message() == "disk full (test)");
  CHECK(c.ledger().EntryBytes(0).status().message() == "disk full (test)");
  CHECK(c.ledger().Root(1).status().message() == "disk full (test)");
  CHECK(c.ledger().GetIndex("XS").status().message() == "disk full (test)");
  auto again = c.ledger().Append(Imports(c, {c.S(c.regulator, "import", c.Record("generate", 7, "2023-05-01"))}));
  CHECK(again.status().message() == "disk full (test)");
  held.Release();
  // Reopened: the first batch is there, the second (and third) are not.
  c.ledger().SetStateHook(&c.domain);
  c.ReopenWithDomain();
  CHECK(c.ledger().size() == stored_size);
  CHECK(c.Remaining("2022") == 10000000);
  auto lot2023 = GetLot(c.ledger(), "#import/p1/" + kCode + "/2023");
  REQUIRE(lot2023.ok());
  CHECK_FALSE(lot2023->has_value());
  c.DeepCheckOk();
  // The lost batch can simply be appended again.
  c.Import(c.Record("generate", 5000000, "2023-02-01"));
  CHECK(c.Remaining("2023") == 5000000);
  c.DeepCheckOk();
}

}  // namespace
TEST_CASE("a record's identity leaves out its source, from the tree or from canonical text", "[domain][import]") {
  const Json body = {{"record", "manifest"},
                     {"from", "p1"},
                     {"to", "r1"},
                     {"waste", kCode},
                     {"manifest", "20234110000001"},
                     {"mass_g", 1500000},
                     {"date", "2023-01-05"},
                     {"note", "备注 \"引号\"\n换行"},
                     {"source", {{"file", "a.csv"}, {"sha256", std::string(64, 'a')}, {"row", 7}}}};
  auto from_tree = ImportRecordHash(body);
  REQUIRE(from_tree.ok());
  auto text = Canonicalize(body);
  REQUIRE(text.ok());
  auto from_text = ImportRecordHashOfCanonical(*text);
  REQUIRE(from_text.ok());
  CHECK(*from_text == *from_tree);
  // The definition: SHA-256 of the prefix and JCS(body without "source").
  Json bare = body;
  bare.erase("source");
  auto bare_text = Canonicalize(bare);
  REQUIRE(bare_text.ok());
  CHECK(*from_tree == Sha256("wasteledger/import-record/v1\n" + *bare_text));
  // Another file or row: the same record. Another figure: another record.
  Json moved = body;
  moved["source"] = {{"file", "b.xlsx"}, {"sha256", std::string(64, 'b')}, {"row", 99}, {"sheet", "2023"}};
  CHECK(*ImportRecordHash(moved) == *from_tree);
  Json other = body;
  other["mass_g"] = 1500001;
  CHECK(*ImportRecordHash(other) != *from_tree);
  // Text that is not a canonical object is refused.
  CHECK_FALSE(ImportRecordHashOfCanonical(R"({"mass_g":1, "record":"x"})").ok());
  CHECK_FALSE(ImportRecordHashOfCanonical("[1,2]").ok());
}

// Ledger::Prepare works out each import record's identity on its own
// threads (StateHook::Precompute) for Apply to use; a value a caller put
// there beforehand is not the one used.
TEST_CASE("import: the record's identity is worked out when the statement is prepared, by the ledger only",
          "[domain][import]") {
  ImportCity c;
  const Json first = c.Record("generate", 1000, "2023-01-05");
  c.Import(first);
  // A new record carrying the first one's identity: Prepare replaces it, so
  // the record is not taken for a repeat.
  Json second = c.Record("generate", 2000, "2023-01-06");
  Submission sub = c.S(c.regulator, "import", second);
  sub.statement.precomputed = ImportRecordHash(first).value();
  auto appended = c.ledger().Append(c.ledger().Prepare({std::move(sub)}, 1).value());
  INFO((appended.ok() ? "" : appended.status().message()));
  CHECK(appended.ok());
  // And the repeat of the first is still refused, whatever it carries.
  Json again = first;
  again["source"]["row"] = 99;
  Submission repeat = c.S(c.regulator, "import", again);
  repeat.statement.precomputed = ImportRecordHash(second).value();
  auto refused = c.ledger().Append(c.ledger().Prepare({std::move(repeat)}, 1).value());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("already imported at seq") != std::string::npos);
}

}  // namespace wasteledger::testing
