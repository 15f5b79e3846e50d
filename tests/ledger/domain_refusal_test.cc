// One test per append-time rule of the domain: each refusal names the rule
// and the value, and leaves the export and the stock byte-identical
// (DomainFixture::Refused checks both).
#include "domain_fixture.h"
#include "wasteledger/schema_validator.h"

namespace wasteledger::testing {
namespace {

bool Has(const std::string& msg, const std::string& part) {
  INFO(msg);
  return msg.find(part) != std::string::npos;
}

Json Line(const std::string& lot, int64_t mass, const std::string& waste = "900-041-49") {
  return {{"lot", lot}, {"waste", waste}, {"mass_g", mass}};
}

Json DispatchBody(const std::string& no, const std::string& to, Json lines,
                  std::vector<std::string> carriers = {"c1"}) {
  return {{"manifest", no}, {"to", to}, {"carriers", carriers}, {"lines", std::move(lines)}};
}

// p1 holds lot L1 (10 t of 900-041-49); manifest 20264110000001 sends 4 t
// of it to r2 with carriers c1 and c2.
struct Base : DomainFixture {
  Base() {
    Ok(S(p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 10000000}, {"lot", "L1"}}));
    Ok(S(p1, "dispatch", DispatchBody("20264110000001", "r2", {Line("L1", 4000000)}, {"c1", "c2"})));
  }
};

TEST_CASE("generate refusals", "[domain]") {
  Base f;
  CHECK(Has(f.Refused(f.S(f.c1, "generate", {{"waste", "900-041-49"}, {"mass_g", 1}})),
            "generate: the actor \"c1\" does not have the producer role"));
  CHECK(Has(f.Refused(f.S(f.p1, "generate", {{"waste", "900-041-42"}, {"mass_g", 1}})), "body.waste"));
  CHECK(Has(f.Refused(f.S(f.p1, "generate", {{"waste", "abc"}, {"mass_g", 1}})), "body.waste"));
  CHECK(Has(f.Refused(f.S(f.p1, "generate", {{"waste", "90004149"}, {"mass_g", 1}})), "normal form"));
  CHECK(Has(f.Refused(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 0}})), "body.mass_g"));
  CHECK(Has(f.Refused(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", -5}})), "body.mass_g"));
  CHECK(Has(f.Refused(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 1}, {"lot", "L1"}})),
            "lot id \"L1\" is already used"));
  CHECK(Has(f.Refused(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 1}, {"lot", "#9"}})),
            "must not start with '#'"));
  // A Unicode space (U+3000 as a Chinese input method types it, NBSP) or a C1
  // control is refused as an ASCII space or a C0 control is.
  for (const std::string lot : {"A\xE3\x80\x80"
                                "B",
                                "A\xC2\xA0"
                                "B",
                                "A\xC2\x9B"
                                "B",
                                "A\x1B"
                                "B"}) {
    CHECK(Has(f.Refused(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 1}, {"lot", lot}})),
              "must not contain spaces, control characters or '+'"));
  }
  CHECK(Has(f.Refused(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 1}, {"colour", "red"}})),
            "unknown member \"colour\""));
}

TEST_CASE("a stock past 2^53-1 g is refused: every figure stays an exact JSON integer", "[domain]") {
  Base f;
  const int64_t most = (int64_t{1} << 53) - 1;
  f.Ok(f.S(f.p3, "generate", {{"waste", "SW02"}, {"mass_g", most - 5}}));
  f.Ok(f.S(f.p3, "generate", {{"waste", "SW02"}, {"mass_g", 5}}));
  CHECK(Has(f.Refused(f.S(f.p3, "generate", {{"waste", "SW02"}, {"mass_g", 1}})),
            "a mass total (9007199254740991 g now, +1 g more) would pass 2^53-1 g"));
  // Another code, or another party, has its own total.
  f.Ok(f.S(f.p3, "generate", {{"waste", "SW03"}, {"mass_g", most}}));
}

TEST_CASE("dispatch refusals", "[domain]") {
  Base f;
  f.Ok(f.S(f.p3, "generate", {{"waste", "900-041-49"}, {"mass_g", 1000}, {"lot", "P3"}}));
  auto refused = [&](const SigningKey& k, Json body) {
    return f.Refused(f.S(k, "dispatch", std::move(body)));
  };
  CHECK(Has(refused(f.c1, DispatchBody("20264110000002", "r2", {Line("L1", 1)})),
            "the actor \"c1\" does not have the producer role"));
  CHECK(Has(refused(f.p3, DispatchBody("20264110000002", "r2", {Line("L1", 1)})),
            "lot \"L1\" is held by \"p1\", not by \"p3\""));
  CHECK(Has(refused(f.p1, DispatchBody("20264110000002", "r2", {Line("L1", 6000001)})),
            "lot \"L1\" holds 6000000 g but 6000001 g are drawn from it"));
  CHECK(Has(refused(f.p1, DispatchBody("20264110000002", "r2", {Line("L1", 3000000), Line("L1", 3000001)})),
            "body.lines[1].lot: lot \"L1\" holds 6000000 g but 6000001 g"));
  CHECK(Has(refused(f.p1, DispatchBody("20264110000002", "r2", {Line("L1", 1, "772-002-18")})),
            "waste 772-002-18 differs from lot \"L1\"'s code 900-041-49"));
  CHECK(Has(refused(f.p1, DispatchBody("20264110000002", "p3", {Line("L1", 1)})),
            "the receiver \"p3\" does not have the receiver role"));
  CHECK(Has(refused(f.p1, DispatchBody("20264110000002", "nobody", {Line("L1", 1)})),
            "the receiver \"nobody\" is not a registered party"));
  CHECK(Has(refused(f.p1, DispatchBody("20264110000002", "p2", {Line("L1", 1)})),
            "receiver \"p2\" holds no permit valid on 2026-03-01"));
  // r1's permit covers HW49 but only from 2026-01-01.
  f.Ok(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 1}, {"lot", "L0"}},
           "2025-12-01T08:00:00+08:00"));
  CHECK(Has(f.Refused(f.S(f.p1, "dispatch", DispatchBody("20264110000002", "r1", {Line("L0", 1)}),
                          "2025-12-31T23:00:00+08:00")),
            "receiver \"r1\" holds no permit valid on 2025-12-31"));
  CHECK(Has(refused(f.p1, DispatchBody("20264110000002", "r2", {Line("L1", 1)}, {"c1", "p3"})),
            "carrier \"p3\" does not have the carrier role"));
  CHECK(Has(refused(f.p1, DispatchBody("2026411000002", "r2", {Line("L1", 1)})), "body.manifest"));
  CHECK(Has(refused(f.p1, DispatchBody("20264110000000", "r2", {Line("L1", 1)})), "body.manifest"));
  CHECK(Has(refused(f.p1, DispatchBody("20264110000001", "r2", {Line("L1", 1)})),
            "manifest number 20264110000001 is already used"));
  CHECK(Has(refused(f.p1, DispatchBody("20264110000002", "r2", {Line("nope", 1)})), "no lot \"nope\""));
}

TEST_CASE("pickup and handover refusals", "[domain]") {
  Base f;
  f.Ok(f.S(f.p1, "dispatch", DispatchBody("20264110000002", "r2", {Line("L1", 1000)}, {"c1"})));
  CHECK(Has(f.Refused(f.S(f.c2, "pickup", {{"manifest", "20264110000002"}})),
            "only a carrier named on manifest 20264110000002 picks it up; \"c2\" is not"));
  CHECK(Has(f.Refused(f.S(f.c1, "pickup", {{"manifest", "20264110000099"}})), "no manifest 20264110000099"));
  // Handover before anyone holds it.
  CHECK(Has(f.Refused(f.S(f.c1, "handover", {{"manifest", "20264110000001"}, {"to", "c2"}})),
            "only the carrier holding manifest 20264110000001 hands it over; \"p1\" holds it"));
  f.Ok(f.S(f.c1, "pickup", {{"manifest", "20264110000001"}}));
  CHECK(Has(f.Refused(f.S(f.c2, "pickup", {{"manifest", "20264110000001"}})),
            "was already picked up; carrier \"c1\" holds it"));
  CHECK(Has(f.Refused(f.S(f.c2, "handover", {{"manifest", "20264110000001"}, {"to", "c1"}})),
            "\"c1\" holds it, not \"c2\""));
  CHECK(Has(f.Refused(f.S(f.c1, "handover", {{"manifest", "20264110000001"}, {"to", "p3"}})),
            "\"p3\" is not (carriers: c1, c2)"));
  CHECK(Has(f.Refused(f.S(f.c1, "handover", {{"manifest", "20264110000001"}, {"to", "c1"}})),
            "\"c1\" is not (carriers"));
  f.Ok(f.S(f.r2, "receive",
           {{"manifest", "20264110000001"},
            {"lines", {{{"line", 1}, {"received_g", 4000000}, {"refused_g", 0}}}}}));
  CHECK(Has(f.Refused(f.S(f.c1, "handover", {{"manifest", "20264110000001"}, {"to", "c2"}})),
            "manifest 20264110000001 was already received"));
}

TEST_CASE("receive refusals", "[domain]") {
  Base f;
  auto recv = [&](const SigningKey& k, Json lines) {
    return f.Refused(f.S(k, "receive", {{"manifest", "20264110000001"}, {"lines", std::move(lines)}}));
  };
  auto line = [](int64_t i, int64_t rec, int64_t ref) {
    return Json{{"line", i}, {"received_g", rec}, {"refused_g", ref}};
  };
  CHECK(Has(recv(f.r1, {line(1, 1, 0)}), "only the receiver named on manifest 20264110000001 (\"r2\")"));
  CHECK(Has(recv(f.r2, {line(2, 1, 0)}), "line 2 does not exist: manifest 20264110000001 has 1 line(s)"));
  CHECK(Has(recv(f.r2, {line(0, 1, 0)}), "body.lines[0].line"));
  CHECK(Has(recv(f.r2, {line(1, 3000000, 1000001)}),
            "line 1: received 3000000 g + refused 1000001 g exceeds the 4000000 g dispatched"));
  CHECK(Has(recv(f.r2, {line(1, 1, 0), line(1, 1, 0)}), "line 1 is received twice"));
  CHECK(Has(recv(f.r2, {line(1, -1, 0)}), "body.lines[0].received_g"));
  f.Ok(f.S(f.r2, "receive", {{"manifest", "20264110000001"}, {"lines", {line(1, 4000000, 0)}}}));
  CHECK(Has(recv(f.r2, {line(1, 1, 0)}), "was already received at seq"));
}

TEST_CASE("utilize and dispose refusals", "[domain]") {
  Base f;
  auto body = [](const std::string& method, const std::string& lot, int64_t mass) {
    return Json{{"method", method}, {"inputs", {{{"lot", lot}, {"mass_g", mass}}}}};
  };
  CHECK(Has(f.Refused(f.S(f.r2, "utilize", body("R1", "L1", 1))),
            "lot \"L1\" is held by \"p1\", not by \"r2\""));
  CHECK(Has(f.Refused(f.S(f.p1, "utilize", body("R1", "L1", 6000001))),
            "lot \"L1\" holds 6000000 g but 6000001 g"));
  Json no_method = body("R1", "L1", 1);
  no_method.erase("method");
  CHECK(Has(f.Refused(f.S(f.p1, "utilize", no_method)), "utilize: body.method is missing"));
  CHECK(Has(f.Refused(f.S(f.p1, "utilize", body("D10", "L1", 1))), "method D10 is a disposal code"));
  CHECK(Has(f.Refused(f.S(f.p1, "dispose", body("R3", "L1", 1))), "method R3 is a utilisation code"));
  CHECK(Has(f.Refused(f.S(f.p1, "dispose", body("D 1", "L1", 1))), "is not a method code"));
  // The codes of the schema, without it: R0, R16, D99, lower case and '.'
  // were let through by the domain's own check.
  for (const std::string bad : {"R0", "R16", "D99", "D05", "D", "r5", "R5.1", "CEMENT_KILN"}) {
    INFO(bad);
    CHECK(Has(f.Refused(f.S(f.p1, bad[0] == 'D' ? "dispose" : "utilize", body(bad, "L1", 1))),
              "\"" + bad + "\" is not a method code (R1-R15, D1-D15, or a site code"));
  }
  f.Ok(f.S(f.p1, "utilize", body("R15", "L1", 1)));
  f.Ok(f.S(f.p1, "utilize", body("CEMENT-KILN", "L1", 1)));
  f.Ok(f.S(f.p1, "dispose", body("D15", "L1", 1)));
  Json empty = body("D1", "L1", 1);
  empty["inputs"] = Json::array();
  CHECK(Has(f.Refused(f.S(f.p1, "dispose", empty)), "body.inputs must not be empty"));
  Json output = body("D10", "L1", 1000);
  output["outputs"] = {{{"waste", "772-002-18"}, {"mass_g", 10}, {"lot", "L1"}}};
  CHECK(Has(f.Refused(f.S(f.p1, "dispose", output)), "lot id \"L1\" is already used"));
}

// An entry dated before what it follows made period reports show negative
// stock and negative in-transit: a lot dispatched before it was generated, a
// manifest received before it was dispatched.
TEST_CASE("an entry's time is not before what it follows", "[domain]") {
  Base f;  // L1 generated and manifest 0001 dispatched at kDay, 2026-03-01T08:30:00+08:00
  const std::string before = "2026-03-01T08:29:59+08:00";
  CHECK(Has(f.Refused(f.S(f.p1, "dispatch", DispatchBody("20264110000002", "r2", {Line("L1", 1)}), before)),
            "body.lines[0].lot: lot \"L1\" was made at 2026-03-01T08:30:00+08:00 (seq "));
  CHECK(Has(f.Refused(f.S(f.p1, "utilize", {{"method", "R4"}, {"inputs", {{{"lot", "L1"}, {"mass_g", 1}}}}},
                          before)),
            "after this entry's time 2026-03-01T08:29:59+08:00"));
  // The same instant written in another offset is not before it.
  f.Ok(f.S(f.p1, "dispose", {{"method", "D10"}, {"inputs", {{{"lot", "L1"}, {"mass_g", 1}}}}},
           "2026-03-01T00:30:00Z"));
  CHECK(Has(f.Refused(f.S(f.c1, "pickup", {{"manifest", "20264110000001"}}, before)),
            "pickup: \"p1\" dispatched manifest 20264110000001 at 2026-03-01T08:30:00+08:00"));
  CHECK(Has(f.Refused(f.S(f.r2, "receive",
                          {{"manifest", "20264110000001"},
                           {"lines", {{{"line", 1}, {"received_g", 1}, {"refused_g", 0}}}}},
                          before)),
            "receive: \"p1\" dispatched manifest 20264110000001"));
  f.Ok(f.S(f.c1, "pickup", {{"manifest", "20264110000001"}}, "2026-03-02T08:00:00+08:00"));
  CHECK(Has(f.Refused(f.S(f.c1, "handover", {{"manifest", "20264110000001"}, {"to", "c2"}},
                          "2026-03-02T07:59:59+08:00")),
            "handover: \"c1\" took manifest 20264110000001 at 2026-03-02T08:00:00+08:00"));
  CHECK(Has(f.Refused(f.S(f.r2, "receive",
                          {{"manifest", "20264110000001"},
                           {"lines", {{{"line", 1}, {"received_g", 1}, {"refused_g", 0}}}}},
                          "2026-03-01T12:00:00+08:00")),
            "receive: \"c1\" took manifest 20264110000001"));
  const uint64_t receipt = f.Ok(f.S(
      f.r2, "receive",
      {{"manifest", "20264110000001"}, {"lines", {{{"line", 1}, {"received_g", 4000000}, {"refused_g", 0}}}}},
      "2026-03-03T09:00:00+08:00"));
  // The receiver's lot keeps the generation's birth, but is not drawn on
  // before it arrived.
  const std::string lot = "#" + std::to_string(receipt) + "/1";
  CHECK(Has(f.Refused(f.S(f.r2, "dispose", {{"method", "D10"}, {"inputs", {{{"lot", lot}, {"mass_g", 1}}}}},
                          "2026-03-02T09:00:00+08:00")),
            "lot \"" + lot + "\" was made at 2026-03-03T09:00:00+08:00"));
  f.Ok(f.S(f.r2, "dispose", {{"method", "D10"}, {"inputs", {{{"lot", lot}, {"mass_g", 1}}}}},
           "2026-03-03T09:00:00+08:00"));
}

TEST_CASE("void and correct refusals", "[domain]") {
  Base f;
  const uint64_t gen = f.Ok(f.S(f.p3, "generate", {{"waste", "900-041-49"}, {"mass_g", 1000}}));
  auto voiding = [&](const SigningKey& k, int64_t seq) {
    return f.Refused(f.S(k, "void", {{"seq", seq}, {"reason", "typo"}}));
  };
  const auto g = static_cast<int64_t>(gen);
  CHECK(Has(voiding(f.p1, g), "only the original actor (\"p3\") or a regulator undoes seq"));
  CHECK(Has(voiding(f.p3, 1), "seq 1 is not a lifecycle entry"));
  CHECK(Has(voiding(f.p3, 9999), "seq 9999 is not an earlier entry"));
  // L1 was generated at seq 8 and 4 t of it dispatched since.
  CHECK(Has(voiding(f.p1, 8), "lot \"L1\" it made has been drawn on (6000000 of 10000000 g left)"));
  // The dispatch cannot be undone once picked up.
  f.Ok(f.S(f.c1, "pickup", {{"manifest", "20264110000001"}}));
  CHECK(Has(voiding(f.p1, 9), "manifest 20264110000001 has a later custody step"));
  f.Ok(f.S(f.p3, "void", {{"seq", g}, {"reason", "entered twice"}}));
  CHECK(Has(voiding(f.p3, g), "was already voided or corrected by seq"));
  CHECK(Has(f.Refused(f.S(f.p3, "correct",
                          {{"seq", g}, {"reason", "x"}, {"body", {{"waste", "900-041-49"}, {"mass_g", 5}}}})),
            "was already voided"));
  // A correction's replacement obeys the rules of its kind.
  const uint64_t gen2 = f.Ok(f.S(f.p3, "generate", {{"waste", "900-041-49"}, {"mass_g", 1000}}));
  CHECK(Has(
      f.Refused(f.S(f.p3, "correct",
                    {{"seq", gen2}, {"reason", "x"}, {"body", {{"waste", "900-041-49"}, {"mass_g", 0}}}})),
      "correct of seq " + std::to_string(gen2) + ": generate: body.body.mass_g"));
}

TEST_CASE("a correction's replacement body is checked against its kind's schema", "[domain]") {
  Base f;
  auto schemas = SchemaValidator::Load(SchemaValidator::DefaultDir());
  REQUIRE(schemas.ok());
  f.domain.SetSchemaValidator(schemas->get());
  const std::string msg = f.Refused(
      f.S(f.p1, "correct", {{"seq", 8}, {"reason", "x"}, {"body", {{"waste", "900-041-49"}, {"mas_g", 5}}}}));
  INFO(msg);
  CHECK(msg.find("correct of seq 8: body.body") != std::string::npos);
  CHECK(msg.find("mas_g") != std::string::npos);
}

TEST_CASE("blank reasons are refused: a receipt's reject, a void's reason", "[domain]") {
  Base f;
  auto schemas = SchemaValidator::Load(SchemaValidator::DefaultDir());
  REQUIRE(schemas.ok());
  f.ledger().SetSchemaValidator(schemas->get());
  for (const std::string blank : {"", " ", "\t "}) {
    INFO("reason \"" << blank << "\"");
    CHECK(Has(f.Refused(f.S(f.r2, "receive", {{"manifest", "20264110000001"}, {"reject", blank}})),
              "body.reject"));
    CHECK(Has(f.Refused(f.S(f.p1, "void", {{"seq", 9}, {"reason", blank}})), "body.reason"));
  }
  // Without the schemas, the receive rule itself refuses a blank reject.
  f.ledger().SetSchemaValidator(nullptr);
  CHECK(Has(f.Refused(f.S(f.r2, "receive", {{"manifest", "20264110000001"}, {"reject", " "}})),
            "receive: body.reject must give the reason the manifest is refused (it is blank)"));
  // The manifest is still open: a real reason refuses it.
  f.Ok(f.S(f.r2, "receive", {{"manifest", "20264110000001"}, {"reject", "leaking drums"}}));
  CHECK(f.GetManifestOrFail("20264110000001").status == "refused");
}

TEST_CASE("party record refusals: permits that cannot be right", "[domain]") {
  Base f;
  auto party = [&](Json permit) {
    Json rec = PartyRecord("r3", {"receiver"}, {});
    rec["permits"] = {Permit("XK-R3-0", {"store"}, {"HW49"}, 1), std::move(permit)};
    return f.Refused(f.S(f.regulator, "party", rec));
  };
  CHECK(Has(party(Permit("XK-R3-1", {"store"}, {"HW49"}, 1, "2023-02-30", "2026-12-31")),
            "party: body.permits[1].valid_from: \"2023-02-30\" is not a calendar date"));
  CHECK(Has(party(Permit("XK-R3-1", {"store"}, {"HW49"}, 1, "2026-01-01", "2026-13-01")),
            "party: body.permits[1].valid_to: \"2026-13-01\" is not a calendar date"));
  CHECK(Has(party(Permit("XK-R3-1", {"store"}, {"HW49"}, 1, "2026-06-01", "2026-05-31")),
            "party: body.permits[1].valid_to: 2026-05-31 is before valid_from 2026-06-01"));
  CHECK(Has(party(Permit("XK-R3-0", {"store"}, {"HW49"}, 1)),
            "party: body.permits[1].number: permit \"XK-R3-0\" is listed twice"));
  CHECK(Has(party(Permit("XK-R3-1", {"store"}, {"HW18", "HW41"}, 1)),
            "party: body.permits[1].wastes[1]: \"HW41\": category HW41 does not exist (HW01-HW40, HW45-HW50"));
  CHECK(Has(party(Permit("XK-R3-1", {"store"}, {"HW99"}, 1)), "category HW99 does not exist"));
  CHECK(Has(party(Permit("XK-R3-1", {"store"}, {"900-041-41"}, 1)), "category HW41 does not exist"));
  CHECK(Has(party(Permit("XK-R3-1", {"store"}, {"SW60"}, 1)), "2021 classes run SW01-SW59"));
  CHECK(Has(party(Permit("XK-R3-1", {"store"}, {"S00"}, 1)), "2024 classes run S01-S99"));
  // Every kind of entry a permit may list, in any spelling of a code.
  Json rec = PartyRecord("r3", {"receiver"}, {});
  rec["permits"] = {Permit("XK-R3-1", {"store"}, {"HW49", "90004149", "SW02", "S07", "CW01", "441001S07"}, 1,
                           "2024-02-29", "2024-02-29")};
  f.Ok(f.S(f.regulator, "party", rec));
}

// The import command builds its records itself and asks Prepare not to check
// them against the import schema again (its tests check what it stores);
// every other kind is still checked, and so is an import record by default.
TEST_CASE("Prepare leaves the schema check of import records, and only those, to a caller that asks",
          "[domain]") {
  Base f;
  auto schemas = SchemaValidator::Load(SchemaValidator::DefaultDir());
  REQUIRE(schemas.ok());
  f.ledger().SetSchemaValidator(schemas->get());
  // An empty "name": the schema wants a non-empty string.
  const Json body = {{"record", "generate"},
                     {"source", {{"file", "a.csv"}, {"sha256", std::string(64, 'a')}, {"row", 2}}},
                     {"from", "p1"},
                     {"waste", "900-041-49"},
                     {"mass_g", 5},
                     {"date", "2026-03-01"},
                     {"name", ""}};
  auto checked = f.ledger().Prepare({f.S(f.regulator, "import", body)}, 1);
  REQUIRE_FALSE(checked.ok());
  CHECK(Has(checked.status().message(), "body.name"));
  CHECK(f.ledger().Prepare({f.S(f.regulator, "import", body)}, 1, Ledger::Schemas::kTrustImportRecords).ok());
  auto party =
      f.ledger().Prepare({f.S(f.regulator, "party", {{"id", "x"}})}, 1, Ledger::Schemas::kTrustImportRecords);
  REQUIRE_FALSE(party.ok());
  CHECK(Has(party.status().message(), "party"));
}

TEST_CASE("event time more than ten minutes ahead is refused", "[domain]") {
  Base f;
  const std::string late = FormatWithOffset(NowUnixSeconds() + 3600, 480);
  CHECK(Has(f.Refused(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 1}}, late)),
            "generate: event time " + late + " is more than 10 minutes after the logged time"));
  // Within the skew is fine.
  f.Ok(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 1}},
           FormatWithOffset(NowUnixSeconds() + 60, 480)));
}

TEST_CASE("event time before 2000 is refused: a typo, not a late entry", "[domain]") {
  Base f;
  for (const char* t : {"0001-01-01T00:00:00+08:00", "1900-01-01T08:00:00+08:00", "1999-12-31T23:59:59+08:00"}) {
    CHECK(Has(f.Refused(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 1}}, t)),
              std::string("generate: event time ") + t + " is before 2000-01-01, the earliest date an entry may carry"));
  }
  // In the ledger's own offset, the first day of 2000 is fine.
  f.Ok(f.S(f.p1, "generate", {{"waste", "900-041-49"}, {"mass_g", 1}}, "2000-01-01T00:00:00+08:00"));
}

}  // namespace
}  // namespace wasteledger::testing
