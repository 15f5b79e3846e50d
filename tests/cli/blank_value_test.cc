// Options given an empty or blank value: refused at parsing (exit 2), naming
// the option, instead of being read as if the option were absent (a blank
// --reject receiving the whole manifest, an empty --time meaning now).
#include <catch2/catch.hpp>

#include "cli/city_fixture.h"

namespace wasteledger::testing {
namespace {

// Runs a verb as `party` with a blank value somewhere in `args`: exit 2,
// nothing on stdout, stderr names `says`, the ledger and every stock unchanged.
void RefusedAsUsage(const City& c, const std::string& party, const std::vector<std::string>& args,
                    const std::string& says) {
  const std::string before = c.Export();
  const auto stock = c.StockJson();
  RunResult r = c.As(party, args);
  INFO(args[0] << " printed: " << r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find(says) != std::string::npos);
  CHECK(c.Export() == before);
  CHECK(c.StockJson() == stock);
}

TEST_CASE("a blank --reject or --reason is refused, not read as no reason", "[cli][domain][blank]") {
  City c;
  c.AsOk("prod", {"generate", "--waste", "900-041-49", "--mass", "2t", "--lot", "L1"});
  c.AsOk("prod", {"dispatch", "--to", "incin", "--carrier", "haul", "--line", "900-041-49:2t"});
  c.AsOk("haul", {"pickup", "--manifest", "20264110000001"});
  for (const std::string blank : {"", " ", "\t ", "\xE3\x80\x80"}) {
    INFO("value \"" << blank << "\"");
    // Without the check, "" received the whole manifest.
    RefusedAsUsage(c, "incin", {"receive", "--manifest", "20264110000001", "--reject", blank},
                   "--reject: needs a reason");
    RefusedAsUsage(c, "incin",
                   {"receive", "--manifest", "20264110000001", "--mass", "1.9t", "--reason", blank},
                   "--reason: needs a reason");
    RefusedAsUsage(c, "prod", {"void", "--seq", "8", "--reason", blank}, "--reason: needs a reason");
    RefusedAsUsage(c, "prod", {"correct", "--seq", "8", "--mass", "3t", "--reason", blank},
                   "--reason: needs a reason");
  }
  CHECK(c.Manifest("20264110000001")["status"] == "in_transit");
}

TEST_CASE("an empty or blank value is refused naming the option, not read as the option left out",
          "[cli][blank]") {
  City c;
  c.AsOk("prod", {"generate", "--waste", "900-041-49", "--mass", "2t", "--lot", "L1"});
  // Each of these did what the option's absence does: now, every party,
  // this year, stdin.
  const std::vector<std::pair<std::vector<std::string>, std::string>> writes = {
      {{"generate", "--waste", "SW02", "--mass", "1t", "--time", ""},
       "--time: needs a time, not an empty value"},
      {{"generate", "--waste", "SW02", "--mass", "1t", "--time", "  "},
       "--time: needs a time, not a blank one"},
      {{"generate", "--waste", "SW02", "--mass", "1t", "--lot", ""}, "--lot: needs a lot id"},
      {{"generate", "--waste", "SW02", "--mass", "1t", "--note", " "}, "--note: needs a text"},
      {{"dispatch", "--to", "incin", "--carrier", "haul", "--line", "900-041-49:1t", "--manifest", ""},
       "--manifest: needs a manifest number"},
      {{"dispatch", "--to", "incin", "--carrier", "", "--line", "900-041-49:1t"},
       "--carrier: needs a party id"},
  };
  for (const auto& [args, says] : writes) RefusedAsUsage(c, "prod", args, says);
  const std::vector<std::pair<std::vector<std::string>, std::string>> reads = {
      {{"stock", "--ledger", c.ledger, "--party", ""}, "--party: needs a party id"},
      {{"lots", "--ledger", c.ledger, "--party", " "}, "--party: needs a party id"},
      {{"manifest", "list", "--ledger", c.ledger, "--party", ""}, "--party: needs a party id"},
      {{"report", "balance", "--ledger", c.ledger, "--year", ""}, "--year: needs a year"},
      {{"report", "balance", "--ledger", c.ledger, "--party", ""}, "--party: needs a party id"},
      {{"report", "indicators", "--ledger", c.ledger, "--year", " "}, "--year: needs a year"},
      {{"report", "reconcile", "--ledger", c.ledger, "--as-of", ""}, "--as-of: needs a date or a time"},
      {{"export", "--ledger", c.ledger, "--out", ""}, "--out: needs a file"},
      {{"export", "--ledger", ""}, "--ledger: needs a ledger directory"},
      {{"sign", "--key", c.producer_key, ""}, "FILE: needs a file (or - for stdin)"},
      {{"verify", "--export", ""}, "--export: needs a file"},
  };
  for (const auto& [args, says] : reads) {
    RunResult r = Wl(args, "{\"kind\":\"generate\",\"body\":{\"waste\":\"SW02\",\"mass_g\":1}}\n");
    INFO(args[0] << " " << args[1] << ": " << r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(says) != std::string::npos);
  }
}

}  // namespace
}  // namespace wasteledger::testing
