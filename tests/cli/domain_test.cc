// The waste domain through the binary: a scenario per kind of user
// (producer, carrier, receiver, regulator) and every refusal of the
// lifecycle verbs, each checked to leave the ledger unchanged.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/city_fixture.h"

namespace wasteledger::testing {
namespace {

using nlohmann::json;

constexpr const char* kT = "2026-03-02T09:00:00+08:00";

TEST_CASE("producer: generate lots, dispatch by code oldest first, manifest numbered from the USCC",
          "[cli][domain]") {
  City c;
  CHECK(c.AsOk("prod", {"generate", "--waste", "900-041-49", "--mass", "2t", "--lot", "OIL-1", "--hazards",
                        "T,I", "--time", "2026-03-01"}) == "seq 8: lot OIL-1: 2.000 t of 900-041-49\n");
  CHECK(c.AsOk("prod", {"generate", "--waste", "90004149", "--mass", "1,500 kg", "--time", kT}) ==
        "seq 9: lot #9: 1.500 t of 900-041-49\n");
  CHECK(c.Held("prod", "900-041-49") == 3500000);

  // 2.5 t of the code: all of OIL-1 (older), then 0.5 t of #9.
  std::string out = c.AsOk(
      "prod", {"dispatch", "--to", "incin", "--carrier", "haul", "--line", "900-041-49:2.5吨", "--time", kT});
  CHECK(out ==
        "seq 10: manifest 20264110000001 to incin: 2.500 t (2.000 t 900-041-49 from lot OIL-1, 0.500 t "
        "900-041-49 from lot #9)\n");
  json m = c.Manifest("20264110000001");
  CHECK(m["status"] == "dispatched");
  CHECK(m["producer"] == "prod");
  REQUIRE(m["lines"].size() == 2);
  CHECK(m["lines"][0]["lot"] == "OIL-1");
  CHECK(m["lines"][0]["mass_g"] == 2000000);
  CHECK(m["lines"][1]["lot"] == "#9");
  CHECK(m["lines"][1]["mass_g"] == 500000);
  CHECK(c.Held("prod", "900-041-49") == 1000000);

  // The log says it in words.
  const std::string log = c.Ok({"log", "--ledger", c.ledger, "--from", "8"}).out;
  CHECK(log.find("2.000 t of 900-041-49, lot OIL-1") != std::string::npos);
  CHECK(log.find("manifest 20264110000001 to incin: 2.000 t 900-041-49, 0.500 t 900-041-49") !=
        std::string::npos);

  // The next manifest takes the next serial; a named lot is drawn as given.
  out = c.AsOk("prod",
               {"dispatch", "--to", "incin", "--carrier", "haul", "--line", "900-041-49:800千克:#9", "--time", kT});
  CHECK(out.find("manifest 20264110000002 to incin: 0.800 t") != std::string::npos);
  CHECK(c.Held("prod", "900-041-49") == 200000);

  // More than the producer holds of a code: refused before signing.
  std::string err =
      c.Refused("prod", {"dispatch", "--to", "incin", "--carrier", "haul", "--line", "900-041-49:1t"});
  CHECK(err.find("holds 0.200 t of 900-041-49 in its lots, less than 1.000 t") != std::string::npos);

  // A lot logged first but made later is not drawn on by an earlier
  // dispatch (the ledger would refuse it): the lot made by then is.
  c.AsOk("prod", {"generate", "--waste", "SW02", "--mass", "1t", "--lot", "LATE", "--time", "2026-03-10"});
  c.AsOk("prod", {"generate", "--waste", "SW02", "--mass", "1t", "--lot", "EARLY", "--time", "2026-03-01"});
  out = c.AsOk("prod", {"dispatch", "--to", "brick", "--line", "SW02:0.5t", "--time", "2026-03-05"});
  CHECK(out.find("from lot EARLY") != std::string::npos);
  err = c.Refused("prod", {"dispatch", "--to", "brick", "--line", "SW02:1t", "--time", "2026-03-05"});
  CHECK(err.find(
            "holds 0.500 t of SW02 in its lots, less than 1.000 t (its lots made after the dispatch's time, "
            "1.000 t more, are not drawn on)") != std::string::npos);
}

// Automatic numbering went on from the highest serial used, so one explicit
// 999999 left none ("every manifest serial of 20264110 is used").
TEST_CASE("after an explicit last serial, automatic manifest numbers take the lowest free one",
          "[cli][domain]") {
  City c;
  c.AsOk("prod", {"generate", "--waste", "900-041-49", "--mass", "5t", "--lot", "L1"});
  const std::vector<std::string> line = {"dispatch", "--to",   "incin",        "--carrier",
                                         "haul",     "--line", "900-041-49:1t"};
  auto dispatch = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = line;
    args.insert(args.end(), extra.begin(), extra.end());
    return c.AsOk("prod", args);
  };
  CHECK(dispatch({}).find("manifest 20264110000001 ") != std::string::npos);
  CHECK(dispatch({"--manifest", "20264110000002"}).find("manifest 20264110000002 ") != std::string::npos);
  CHECK(dispatch({"--manifest", "20264110999999"}).find("manifest 20264110999999 ") != std::string::npos);
  CHECK(dispatch({}).find("manifest 20264110000003 ") != std::string::npos);
  CHECK(dispatch({}).find("manifest 20264110000004 ") != std::string::npos);
  CHECK(c.Manifest("20264110000004")["status"] == "dispatched");
}

// An imported manifest numbered 5 did not raise the serial: automatic
// numbering handed out 5 again and again, each refused ("already used").
TEST_CASE("automatic manifest numbers go on after imported ones", "[cli][domain][import]") {
  City c;
  c.AsOk("prod", {"generate", "--waste", "900-041-49", "--mass", "5t", "--lot", "L1"});
  const std::string records = c / "legacy.jsonl";
  WriteFile(records, nlohmann::json({{"record", "manifest"},
                                     {"from", "prod"},
                                     {"to", "incin"},
                                     {"waste", "900-041-49"},
                                     {"mass_g", 1000000},
                                     {"date", City::DateFromNow(0)},
                                     {"manifest", City::ThisYearsManifest(5)}})
                                .dump() +
                              "\n");
  REQUIRE(Wl({"import", "--ledger", c.ledger, "--key", c.regulator_key, records}).exit_code == 0);
  const std::vector<std::string> line = {"dispatch", "--to", "incin", "--carrier", "haul", "--line",
                                         "900-041-49:1t"};
  CHECK(c.AsOk("prod", line).find("manifest " + City::ThisYearsManifest(6) + " ") != std::string::npos);
  CHECK(c.AsOk("prod", line).find("manifest " + City::ThisYearsManifest(7) + " ") != std::string::npos);
  // The imported one says so: in show, list and a refusal of its number.
  const std::string imported = City::ThisYearsManifest(5);
  CHECK(c.Manifest(imported)["imported"] == true);
  CHECK(c.Manifest(City::ThisYearsManifest(6))["imported"] == false);
  CHECK(c.Ok({"manifest", "show", "--ledger", c.ledger, imported}).out.find("imported (legacy data) at seq") !=
        std::string::npos);
  CHECK(c.Ok({"manifest", "list", "--ledger", c.ledger}).out.find(" (imported)\n") != std::string::npos);
  std::vector<std::string> again = line;
  again.insert(again.end(), {"--manifest", imported});
  CHECK(c.Refused("prod", again).find("is already used (imported at seq") != std::string::npos);
}

TEST_CASE("carrier: pick up, hand over to the next leg; only named carriers, only the holder",
          "[cli][domain]") {
  City c;
  c.AsOk("prod", {"generate", "--waste", "900-041-49", "--mass", "3t", "--lot", "L1"});
  c.AsOk("prod",
         {"dispatch", "--to", "incin", "--carrier", "haul", "--carrier", "rail", "--line", "900-041-49:3t"});
  const std::string no = City::ThisYearsManifest(1);

  // rail is named, but the manifest is with the producer: haul picks up first.
  CHECK(c.Refused("station", {"pickup", "--manifest", no}).find("\"station\"") != std::string::npos);
  c.AsOk("haul", {"pickup", "--manifest", no});
  CHECK(c.Manifest(no)["status"] == "in_transit");
  CHECK(c.Refused("rail", {"handover", "--manifest", no, "--to", "haul"}).find("handover") !=
        std::string::npos);
  CHECK(c.Refused("haul", {"handover", "--manifest", no, "--to", "station"}).find("station") !=
        std::string::npos);
  c.AsOk("haul", {"handover", "--manifest", no, "--to", "rail"});
  json m = c.Manifest(no);
  REQUIRE(m["custody"].size() == 3);
  CHECK(m["custody"][0]["holder"] == "prod");
  CHECK(m["custody"][1]["holder"] == "haul");
  CHECK(m["custody"][2]["holder"] == "rail");
  // In transit the mass is nobody's stock.
  CHECK(c.Held("prod", "900-041-49") == 0);
  CHECK(c.Held("incin", "900-041-49") == 0);
}

TEST_CASE("receiver: part refused goes back to the producer, is sent on, and ends in disposal",
          "[cli][domain]") {
  City c;
  const std::string no1 = City::ThisYearsManifest(1), no2 = City::ThisYearsManifest(2);
  c.AsOk("prod", {"generate", "--waste", "900-041-49", "--mass", "5t", "--lot", "L1"});
  c.AsOk("prod", {"dispatch", "--to", "station", "--carrier", "haul", "--line", "900-041-49:5t"});
  c.AsOk("haul", {"pickup", "--manifest", no1});
  // Only the named receiver receives.
  c.Refused("incin", {"receive", "--manifest", no1, "--mass", "5t"});
  // Received plus refused never exceeds what was dispatched.
  CHECK(c.Refused("station", {"receive", "--manifest", no1, "--line", "1:4t:1.5t"})
            .find("5000000") != std::string::npos);
  std::string out = c.AsOk("station", {"receive", "--manifest", no1, "--line", "1:4t:1t",
                                       "--reason", "one drum leaking"});
  const uint64_t rseq = SeqOf(out);
  CHECK(out.find("received: 4.000 t received, 1.000 t refused") != std::string::npos);
  CHECK(c.Held("station", "900-041-49") == 4000000);
  CHECK(c.Held("prod", "900-041-49") == 1000000);  // the returned lot
  // Once per manifest.
  c.Refused("station", {"receive", "--manifest", no1, "--mass", "4t"});

  // The producer sends the returned tonne to the incinerator instead.
  const std::string returned = "#" + std::to_string(rseq) + "/1r";
  c.AsOk("prod", {"dispatch", "--to", "incin", "--carrier", "haul", "--line", "900-041-49:1t:" + returned});
  c.AsOk("incin", {"receive", "--manifest", no2});  // all of it
  // Second hop: the station sends what it stored on to the incinerator.
  c.AsOk("station", {"dispatch", "--manifest", "20264110000099", "--to", "incin", "--carrier", "rail",
                     "--line", "900-041-49:4t"});
  c.AsOk("rail", {"pickup", "--manifest", "20264110000099"});
  const uint64_t r2 = SeqOf(c.AsOk(
      "incin", {"receive", "--manifest", "20264110000099", "--mass", "3.98t", "--reason", "weighbridge"}));
  CHECK(c.Held("incin", "900-041-49") == 4980000);

  // Incineration: fly ash becomes a new hazardous lot.
  const std::string lot2 = "#" + std::to_string(r2) + "/1";
  out = c.AsOk("incin", {"dispose", "--method", "D10", "--input", lot2 + ":3.98t", "--input",
                         "#" + std::to_string(rseq + 2) + "/1:1t", "--output", "772-002-18:250kg:FA-1"});
  CHECK(out.find("disposed of 4.980 t by D10; new lot FA-1: 0.250 t of 772-002-18") != std::string::npos);
  c.AsOk("incin",
         {"utilize", "--method", "R15", "--input", "FA-1:200kg", "--product", "solidified block:200kg"});
  json stock = c.StockJson();
  CHECK(stock == json{{"incin", {{"772-002-18", 50000}}}});

  // The fate of the first lot, hop by hop, from the lots' sources.
  json lots = c.Lots();
  std::map<std::string, json> by_id;
  for (const auto& l : lots) by_id[l["id"]] = l;
  CHECK(by_id.at("L1")["remaining_g"] == 0);
  CHECK(by_id.at("#" + std::to_string(rseq) + "/1")["source"]["manifest"] == no1);
  CHECK(by_id.at(lot2)["source"]["manifest"] == "20264110000099");
  CHECK(by_id.at(lot2)["remaining_g"] == 0);
  CHECK(by_id.at("FA-1")["source"]["kind"] == "output");

  // A disposal code is not a utilisation, and a lot never goes below zero.
  c.Refused("incin", {"utilize", "--method", "D10", "--input", "FA-1:10kg"});
  c.Refused("incin", {"dispose", "--method", "D10", "--input", "FA-1:60kg"});
  // Only the holder draws on a lot.
  c.Refused("station", {"dispose", "--method", "D10", "--input", "FA-1:10kg"});
}

// The example of a manifest received in part gave "--line 2:0:800kg", which
// receive refuses (a bare number has no unit).
TEST_CASE("receive --help: the example's --line values are accepted as written", "[cli][domain][help]") {
  const std::string help = Wl({"receive", "--help"}).out;
  const size_t example = help.find("--manifest 20264110000002");
  REQUIRE(example != std::string::npos);
  std::vector<std::string> lines;
  const std::string text = help.substr(example, help.find('\n', example) - example);
  for (size_t at = text.find("--line "); at != std::string::npos; at = text.find("--line ", at + 1)) {
    const size_t from = at + 7;
    lines.push_back("--line");
    lines.push_back(text.substr(from, text.find(' ', from) - from));
  }
  REQUIRE(lines.size() == 4);

  City c;
  c.AsOk("prod", {"generate", "--waste", "900-041-49", "--mass", "6t", "--lot", "L1"});
  c.AsOk("prod", {"dispatch", "--to", "station", "--carrier", "haul", "--line", "900-041-49:5t:L1", "--line",
                  "900-041-49:1t:L1"});
  const std::string no = City::ThisYearsManifest(1);
  c.AsOk("haul", {"pickup", "--manifest", no});
  std::vector<std::string> args = {"receive", "--manifest", no};
  args.insert(args.end(), lines.begin(), lines.end());
  CHECK(c.AsOk("station", args).find("5.000 t received, 0.800 t refused") != std::string::npos);
}

TEST_CASE("regulator: permits, corrections and voids keep the original in the log", "[cli][domain]") {
  City c;
  const uint64_t g =
      SeqOf(c.AsOk("prod", {"generate", "--waste", "SW02", "--mass", "120t", "--lot", "ASH-1"}));
  // No permit for SW02 at the incinerator: refused naming the receiver.
  std::string err = c.Refused("prod", {"dispatch", "--to", "incin", "--line", "SW02:10t"});
  CHECK(err.find("incin") != std::string::npos);
  CHECK(err.find("permit") != std::string::npos);
  // A correction of the generated mass, by the regulator.
  const uint64_t k = SeqOf(c.AsOk("reg", {"correct", "--seq", std::to_string(g), "--mass", "121t", "--reason",
                                          "weighbridge ticket misread"}));
  CHECK(c.Held("prod", "SW02") == 121000000);
  // The brick works collects it itself: no carrier.
  const uint64_t d = SeqOf(c.AsOk("prod", {"dispatch", "--to", "brick", "--line", "SW02:10t"}));
  CHECK(c.Held("prod", "SW02") == 111000000);
  // A lot something has drawn on cannot be corrected away under it.
  CHECK(c.Refused("reg", {"correct", "--seq", std::to_string(k), "--mass", "5t", "--reason", "x"})
            .find("drawn on") != std::string::npos);
  // The original entry stays, unchanged, and the ledger still verifies.
  const std::string exported = c.Export();
  CHECK(exported.find("\"mass_g\":120000000") != std::string::npos);
  CHECK(exported.find("\"reason\":\"weighbridge ticket misread\"") != std::string::npos);
  CHECK(c.Ok({"verify", "--ledger", c.ledger}).exit_code == 0);
  // Not twice, and not by a third party.
  c.Refused("reg", {"void", "--seq", std::to_string(g), "--reason", "x"});
  c.Refused("brick", {"void", "--seq", std::to_string(k), "--reason", "not theirs"});

  // Void the dispatch: the 10 t come back (the manifest is still with the producer).
  c.AsOk("prod", {"void", "--seq", std::to_string(d), "--reason", "entered twice"});
  CHECK(c.Held("prod", "SW02") == 121000000);
  CHECK(c.Manifest(City::ThisYearsManifest(1))["status"] == "voided");
  // Its number stays used.
  c.Refused("prod", {"dispatch", "--manifest", City::ThisYearsManifest(1), "--to", "brick", "--line", "SW02:1t"});

  // Capacity: 10 t a year at the incinerator; 12 t is a warning, not a refusal.
  c.AsOk("prod", {"generate", "--waste", "900-041-49", "--mass", "12t"});
  RunResult r = c.As("prod", {"dispatch", "--to", "incin", "--carrier", "haul", "--line", "900-041-49:12t"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("warning") != std::string::npos);
  CHECK(r.err.find("capacity") != std::string::npos);

  // A permit that has expired by the event date refuses.
  c.Ok({"party", "update", "--ledger", c.ledger, "--key", c.regulator_key, "--id", "brick", "--permit",
        "XK-BR:utilize:SW02:5000t:2026-01-01:2026-02-28"});
  c.Refused("prod", {"dispatch", "--to", "brick", "--line", "SW02:1t"});
  c.Ok({"party", "update", "--ledger", c.ledger, "--key", c.regulator_key, "--id", "brick", "--drop-permit",
        "XK-BR"});
  json brick = json::parse(c.Ok({"party", "show", "--ledger", c.ledger, "brick", "--format", "json"}).out);
  CHECK(brick["record"]["permits"].empty());
}

TEST_CASE("every malformed argument is refused with one line naming it, the ledger unchanged",
          "[cli][domain]") {
  City c;
  c.AsOk("prod", {"generate", "--waste", "900-041-49", "--mass", "1t", "--lot", "L1"});
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"generate", "--waste", "SW02", "--mass", "-5t"}, "negative"},
      {{"generate", "--waste", "SW02", "--mass", "5"}, "no unit"},
      {{"generate", "--waste", "SW02", "--mass", "0t"}, "--mass"},
      {{"generate", "--waste", "SW02", "--mass", "0.5g"}, "--mass"},
      {{"generate", "--waste", "SW02", "--mass", "99999999999t"}, "--mass"},
      {{"generate", "--waste", "SW02", "--mass", "5 bags"}, "--mass"},
      {{"generate", "--waste", "900-041-99", "--mass", "5t"}, "HW99"},
      {{"generate", "--waste", "HW49", "--mass", "5t"}, "category"},
      {{"generate", "--waste", "SW02", "--mass", "5t", "--lot", "L1"}, "L1"},
      {{"generate", "--waste", "SW02", "--mass", "5t", "--lot", "#7"}, "body.lot"},
      {{"generate", "--waste", "SW02", "--mass", "5t", "--time", City::DateFromNow(2)}, "event time"},
      {{"generate", "--waste", "SW02", "--mass", "5t", "--time", "yesterday"}, "--time"},
      {{"generate", "--waste", "SW02", "--mass", "5t", "--hazards", "X"}, "hazards"},
      {{"dispatch", "--to", "incin", "--carrier", "haul", "--line", "900-041-49:2t:L1"}, "L1"},
      {{"dispatch", "--to", "incin", "--carrier", "haul", "--line", "900-041-49"}, "--line"},
      {{"dispatch", "--to", "nobody", "--carrier", "haul", "--line", "900-041-49:1t"}, "nobody"},
      {{"dispatch", "--to", "incin", "--carrier", "brick", "--line", "900-041-49:1t"}, "carrier"},
      {{"dispatch", "--to", "incin", "--manifest", "2026411000001", "--line", "900-041-49:1t"}, "--manifest"},
      {{"receive", "--manifest", "20264110000042", "--mass", "1t"}, "20264110000042"},
      {{"utilize", "--method", "R4", "--input", "L1"}, "--input"},
      {{"correct", "--seq", "999", "--mass", "1t", "--reason", "x"}, "999"},
      {{"void", "--seq", "2", "--reason", "x"}, "seq 2"},
  };
  for (const auto& k : cases) {
    INFO(k.args[0] << " " << k.args.back());
    const std::string err = c.Refused("prod", k.args);
    CHECK(err.find(k.says) != std::string::npos);
  }
  // The argument is quoted as given (it was "900-041-49:nolot", without the mass).
  CHECK(
      c.Refused("prod", {"dispatch", "--to", "incin", "--carrier", "haul", "--line", "90004149:1t:nolot"}) ==
      "wasteledger: error: --line 90004149:1t:nolot: no lot \"nolot\"\n");
  CHECK(c.Refused("prod", {"dispatch", "--to", "incin", "--carrier", "haul", "--line", "900-041-49:50t"})
            .rfind("wasteledger: error: --line 900-041-49:50t: \"prod\" holds 1.000 t of 900-041-49", 0) ==
        0);
  // Another producer's lot: only the producer dispatches its own lots.
  c.Refused("station", {"dispatch", "--to", "incin", "--carrier", "haul", "--line", "900-041-49:1t:L1"});
  // A key that is no registered party's.
  c.Keygen("stranger", "stranger.key");
  RunResult r =
      Wl({"generate", "--ledger", c.ledger, "--key", c / "stranger.key", "--waste", "SW02", "--mass", "1t"});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("stranger") != std::string::npos);
}

// A code typed with a Chinese input method, as --mass and the importers
// already read full-width forms (they were refused as malformed).
TEST_CASE("full-width waste codes are read as their ASCII forms", "[cli][domain]") {
  City c;
  CHECK(c.AsOk("prod", {"generate", "--waste", "９００-０４１-４９", "--mass", "２t", "--lot", "L1"}) ==
        "seq 8: lot L1: 2.000 t of 900-041-49\n");
  // Full-width hyphens, and an ideographic space after the code.
  const std::string code = "９００－０４１－４９";
  const std::string out =
      c.AsOk("prod", {"dispatch", "--to", "incin", "--carrier", "haul", "--line", code + "\u3000:1t"});
  CHECK(out.find("1.000 t 900-041-49 from lot L1") != std::string::npos);
  CHECK(c.Lots({"--waste", code})[0]["id"] == "L1");
  const std::string balance =
      c.Ok({"report", "balance", "--ledger", c.ledger, "--waste", code, "--format", "json"}).out;
  CHECK(balance.find("900-041-49") != std::string::npos);
  // What is not a code stays refused, quoted as typed.
  CHECK(c.Refused("prod", {"generate", "--waste", "９００-０４１-４", "--mass", "1t"})
            .find("--waste \"９００-０４１-４\"") != std::string::npos);
}

TEST_CASE("submit refuses a body that breaks its kind's schema, naming the JSON path", "[cli][domain]") {
  City c;
  const std::string before = c.Export();
  const std::string good = R"({"kind":"generate","nonce":"a","body":{"waste":"SW02","mass_g":1000}})"
                           "\n";
  const std::string bad =
      R"({"kind":"dispatch","nonce":"b","body":{"manifest":"20264110000001","to":"brick",)"
      R"("carriers":[],"lines":[{"lot":"L","waste":"SW02","mass_g":-1}]}})"
      "\n";
  RunResult r = c.Submit(c.Sign(c.producer_key, good + bad));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("line 2: dispatch: body.lines[0].mass_g: must be an integer >= 1") != std::string::npos);
  CHECK(c.Export() == before);  // the whole batch is refused
  const std::string typo = R"({"kind":"generate","nonce":"c","body":{"waste":"SW02","mas_g":1000}})"
                           "\n";
  r = c.Submit(c.Sign(c.producer_key, typo));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("unknown field \"mas_g\"") != std::string::npos);
  CHECK(c.Export() == before);
}

TEST_CASE("an unlisted but well-formed code is accepted with a warning", "[cli][domain]") {
  City c;
  RunResult r = c.As("prod", {"generate", "--waste", "SW40", "--mass", "1t"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("warning") != std::string::npos);
  CHECK(r.err.find("SW40") != std::string::npos);
  CHECK(c.Held("prod", "SW40") == 1000000);
}

}  // namespace
}  // namespace wasteledger::testing

namespace wasteledger::testing {
namespace {

// docs/STATEMENTS.md gave manifest show and list --unit t|kg|g, as stock and
// lots have; they had no such option (exit 2) and printed tonnes only.
TEST_CASE("manifest show and list print masses in --unit t, kg or g, as stock and lots do", "[cli][domain]") {
  City c;
  c.AsOk("prod", {"generate", "--waste", "900-041-49", "--mass", "2t", "--lot", "L1"});
  c.AsOk("prod", {"dispatch", "--to", "incin", "--carrier", "haul", "--line", "900-041-49:1,500.25kg"});
  const std::string no = City::ThisYearsManifest(1);
  c.AsOk("incin", {"receive", "--manifest", no, "--line", "1:1.5t:250g"});
  // The text with each run of spaces written as one (the columns are padded).
  auto squeezed = [](const std::string& text) {
    std::string out;
    for (char ch : text) {
      if (ch != ' ' || out.empty() || out.back() != ' ') out += ch;
    }
    return out;
  };
  auto show = [&](const std::vector<std::string>& unit) {
    std::vector<std::string> args = {"manifest", "show", "--ledger", c.ledger, no};
    args.insert(args.end(), unit.begin(), unit.end());
    return squeezed(c.Ok(args).out);
  };
  auto list = [&](const std::vector<std::string>& unit) {
    std::vector<std::string> args = {"manifest", "list", "--ledger", c.ledger};
    args.insert(args.end(), unit.begin(), unit.end());
    return c.Ok(args).out;
  };
  // Dispatched, received, refused.
  CHECK(show({}).find(" 1.50025 t 1.500 t 0.00025 t\n") != std::string::npos);  // no note: the line ends
  CHECK(show({"--unit", "t"}) == show({}));
  CHECK(show({"--unit", "kg"}).find(" 1500.25 kg 1500 kg 0.25 kg\n") != std::string::npos);
  CHECK(show({"--unit", "g"}).find(" 1500250 g 1500000 g 250 g\n") != std::string::npos);
  CHECK(list({}).find(" 1.50025 t ") != std::string::npos);
  CHECK(list({"--unit", "kg"}).find(" 1500.25 kg ") != std::string::npos);
  CHECK(list({"--unit", "g"}).find(" 1500250 g ") != std::string::npos);
  // JSON stays in grams; an unknown unit is a usage error.
  CHECK(c.Manifest(no)["lines"][0]["mass_g"] == 1500250);
  RunResult r = Wl({"manifest", "list", "--ledger", c.ledger, "--unit", "lb"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--unit") != std::string::npos);
}

}  // namespace
}  // namespace wasteledger::testing

namespace wasteledger::testing {
namespace {

// generate --hazards split at ',' and passed the parts on as given, so
// "C、t，In" was refused by the statement schema while import read the same
// text (docs/CODES.md: any case, 、 ， and spaces, repeats ignored).
TEST_CASE("generate --hazards reads hazards as the import does, stored in the order T, C, I, R, In",
          "[cli][domain]") {
  City c;
  const std::vector<std::pair<std::string, json>> cases = {
      {"C、t，In", {"T", "C", "In"}}, {"T,C", {"T", "C"}},          {"r i", {"I", "R"}},
      {"T/T; c", {"T", "C"}},         {"腐蚀性、毒性", {"T", "C"}},
  };
  int n = 0;
  for (const auto& [given, stored] : cases) {
    INFO(given);
    const std::string lot = "HZ" + std::to_string(++n);
    const uint64_t seq = SeqOf(c.AsOk(
        "prod", {"generate", "--waste", "900-041-49", "--mass", "1t", "--lot", lot, "--hazards", given}));
    const json entry = json::parse(
        c.Ok({"export", "--ledger", c.ledger, "--from", std::to_string(seq), "--to", std::to_string(seq)})
            .out);
    CHECK(entry["statement"]["body"]["hazards"] == stored);
    std::string joined;
    for (const auto& h : stored) joined += (joined.empty() ? "" : ",") + h.get<std::string>();
    const json lots = c.Lots({"--party", "prod"});
    REQUIRE(lots.size() == static_cast<size_t>(n));
    CHECK(lots.back()["id"] == lot);
    CHECK(lots.back()["hazards"] == joined);
  }
  // What names no hazard, or an unknown one, is refused naming the option.
  CHECK(c.Refused("prod", {"generate", "--waste", "900-041-49", "--mass", "1t", "--hazards", "TC"}) ==
        "wasteledger: error: --hazards \"TC\": unknown hazard characteristic \"TC\" (use T, C, I, R, In)\n");
  CHECK(c.Refused("prod", {"generate", "--waste", "900-041-49", "--mass", "1t", "--hazards", "无"})
            .find("--hazards \"无\": names no hazard characteristic") != std::string::npos);
}

}  // namespace
}  // namespace wasteledger::testing

namespace wasteledger::testing {
namespace {

// lots --waste compared the text with the lots' codes as typed: a category
// (HW49) or a code not in normal form (90004149) printed "(no lots)", as
// if nothing were held. It now reads them as report --waste does.
TEST_CASE("lots --waste takes a code in any spelling or a category; a malformed one is refused",
          "[cli][domain]") {
  City c;
  c.AsOk("prod", {"generate", "--waste", "900-041-49", "--mass", "1t", "--lot", "OIL"});
  c.AsOk("prod", {"generate", "--waste", "900-249-08", "--mass", "1t", "--lot", "SLUDGE"});
  c.AsOk("prod", {"generate", "--waste", "SW02", "--mass", "1t", "--lot", "ASH"});
  auto ids = [&](const std::string& waste) {
    std::vector<std::string> out;
    for (const auto& l : c.Lots({"--waste", waste})) out.push_back(l["id"]);
    return out;
  };
  using Ids = std::vector<std::string>;
  CHECK(ids("900-041-49") == Ids{"OIL"});
  CHECK(ids("90004149") == Ids{"OIL"});
  CHECK(ids("HW49") == Ids{"OIL"});
  CHECK(ids("hw08") == Ids{"SLUDGE"});
  CHECK(ids("SW02") == Ids{"ASH"});
  CHECK(ids("HW18").empty());  // a category that exists, of which nothing is held
  const std::string text = c.Ok({"lots", "--ledger", c.ledger, "--waste", "HW49"}).out;
  CHECK(text.find("OIL ") != std::string::npos);
  CHECK(text.find("(no lots)") == std::string::npos);
  // A filter that can match nothing is refused with one line naming --waste.
  for (const std::string bad : {"HW41", "9000414", "900-041-44"}) {
    INFO(bad);
    RunResult r = Wl({"lots", "--ledger", c.ledger, "--waste", bad});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(CountLines(r.err) == 1);
    CHECK(r.err.rfind("wasteledger: error: --waste " + bad + ": ", 0) == 0);
  }
}

}  // namespace
}  // namespace wasteledger::testing

namespace wasteledger::testing {
namespace {

// stock --party of an unknown party was refused (exit 1), while lots printed
// "(no lots)" and manifest list nothing, both exit 0, as if it held none.
TEST_CASE("an unknown --party is refused by stock, lots and manifest list alike", "[cli][domain]") {
  City c;
  c.AsOk("prod", {"generate", "--waste", "SW02", "--mass", "1t"});
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"stock"}, {"lots"}, {"manifest", "list"}}) {
    std::vector<std::string> args = command;
    args.insert(args.end(), {"--ledger", c.ledger, "--party", "prod-typo"});
    RunResult r = Wl(args);
    INFO(command[0]);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "wasteledger: error: --party prod-typo: no such party\n");
    // A registered party holding nothing is not an error.
    args.back() = "brick";
    CHECK(c.Ok(args).exit_code == 0);
  }
  CHECK(c.Ok({"lots", "--ledger", c.ledger, "--party", "brick"}).out.find("(no lots)") != std::string::npos);
}

// receive --waste 1:A --waste 1:B kept the last one silently; --line given
// twice for a line was already refused.
TEST_CASE("receive --waste given twice for one line is refused", "[cli][domain]") {
  City c;
  c.AsOk("prod", {"generate", "--waste", "900-041-49", "--mass", "1t"});
  c.AsOk("prod", {"dispatch", "--to", "incin", "--line", "900-041-49:1t"});
  const std::string no = City::ThisYearsManifest(1);
  CHECK(c.Refused("incin",
                  {"receive", "--manifest", no, "--waste", "1:772-002-18", "--waste", "1:900-041-49"}) ==
        "wasteledger: error: --waste 1:900-041-49: line 1 given twice\n");
  CHECK(
      c.Refused("incin", {"receive", "--manifest", no, "--waste", "1:772-002-18", "--waste", "01:772-002-18"})
          .find("line 1 given twice") != std::string::npos);
  // Once is taken.
  c.AsOk("incin", {"receive", "--manifest", no, "--waste", "1:772-002-18"});
  CHECK(c.Manifest(no)["lines"][0]["received_waste"] == "772-002-18");
}

// A carrier's key was refused by dispatch with a stock message ("holds
// 0.000 t of SW02"), where generate names the role the rule needs.
TEST_CASE("dispatch by a party without the producer role names the role first", "[cli][domain]") {
  City c;
  c.AsOk("prod", {"generate", "--waste", "SW02", "--mass", "1t"});
  CHECK(c.Refused("haul", {"dispatch", "--to", "brick", "--line", "SW02:1t"}) ==
        "wasteledger: error: dispatch: the actor \"haul\" does not have the producer role\n");
  // As generate says it.
  CHECK(c.Refused("haul", {"generate", "--waste", "SW02", "--mass", "1t"})
            .find("the actor \"haul\" does not have the producer role") != std::string::npos);
  // A producer that holds too little is still told about its stock.
  CHECK(c.Refused("prod", {"dispatch", "--to", "brick", "--line", "SW02:2t"}).find("holds 1.000 t of SW02") !=
        std::string::npos);
}

TEST_CASE("messages name what the value should be: LOT:MASS, the method codes, no exponent",
          "[cli][domain]") {
  City c;
  c.AsOk("incin", {"generate", "--waste", "900-041-49", "--mass", "1t", "--lot", "R1"});
  CHECK(c.Refused("incin", {"utilize", "--method", "R5", "--input", "R1"}) ==
        "wasteledger: error: --input \"R1\": expected LOT:MASS\n");
  CHECK(c.Refused("incin", {"utilize", "--method", "R5", "--input", "R1:1kg", "--product", "brick"}) ==
        "wasteledger: error: --product \"brick\": expected NAME:MASS\n");
  // docs/STATEMENTS.md: R1-R15, D1-D15 or a site code; R0 and R99 were
  // accepted (as site codes), r5 and R5.1 refused while the doc allowed them.
  for (const std::string method : {"R0", "R99", "r5", "R5.1"}) {
    INFO(method);
    CHECK(c.Refused("incin", {"utilize", "--method", method, "--input", "R1:1kg"})
              .find("must be a method code (R1-R15, D1-D15, or a site code") != std::string::npos);
  }
  c.AsOk("incin", {"utilize", "--method", "R15", "--input", "R1:1kg"});
  c.AsOk("incin", {"utilize", "--method", "CEMENT-KILN", "--input", "R1:1kg"});
  c.AsOk("incin", {"dispose", "--method", "D15", "--input", "R1:1kg"});
  CHECK(
      c.Refused("prod", {"generate", "--waste", "SW02", "--mass", "1e-7t"}) ==
      "wasteledger: error: --mass: mass \"1e-7t\" is in exponent notation, which is not accepted: write the "
      "number in full (0.5t, 1200kg)\n");
}

}  // namespace
}  // namespace wasteledger::testing
