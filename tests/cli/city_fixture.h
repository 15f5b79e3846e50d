// A small city driven through the binary, shared by the CLI tests of the
// domain verbs and of the reports.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/cli_fixture.h"
#include "wasteledger/time_util.h"

namespace wasteledger::testing {

// The seq a verb printed ("seq N: ...").
inline uint64_t SeqOf(const std::string& out) {
  REQUIRE(out.rfind("seq ", 0) == 0);
  return std::stoull(out.substr(4));
}

// CliLedger plus a small city: the producer "prod" (USCC of Xuchang, so its
// manifests are numbered YYYY 41 10 ......, the year of the dispatch), carriers "haul" and "rail", a
// transfer station "station" (receiver and producer, may store HW49), an
// incinerator "incin" (utilise and dispose HW49 and HW18, 10 t a year) and a
// brick works "brick" (utilise SW02). Key files are named after the parties.
class City : public CliLedger {
 public:
  City() {
    Ok({"party", "update", "--ledger", ledger, "--key", regulator_key, "--id", "prod", "--uscc",
        "91411081MA44XXXX0A"});
    Add("haul", "carrier", {});
    Add("rail", "carrier", {});
    // Valid from the fixed dates some tests give to the day the tests run
    // (verbs without --time act now), whatever the year.
    Add("station", "receiver,producer", {"--permit", "XK-ST:store,collect:HW49:1000t:2026-01-01:2099-12-31"});
    Add("incin", "receiver,producer",
        {"--permit", "XK-IN:utilize,dispose:HW49,772-002-18:10t:2026-01-01:2099-12-31"});
    Add("brick", "receiver", {"--permit", "XK-BR:utilize:SW02:5000t:2026-01-01:2099-12-31"});
  }

  // The number automatic numbering gives prod's `serial`-th manifest
  // dispatched now: this year (in the ledger's +08:00), Xuchang (41 10).
  static std::string ThisYearsManifest(int serial) {
    return FormatWithOffset(NowUnixSeconds(), 8 * 60).substr(0, 4) + fmt::format("4110{:06d}", serial);
  }
  // A date `days` from now, YYYY-MM-DD in +08:00.
  static std::string DateFromNow(int days) {
    return FormatWithOffset(NowUnixSeconds() + int64_t{days} * 86400, 8 * 60).substr(0, 10);
  }

  std::string Key(const std::string& party) const {
    return party == "prod" ? producer_key : (*this / (party + ".key"));
  }
  // Runs a domain verb as `party`, with --ledger and --key filled in.
  RunResult As(const std::string& party, std::vector<std::string> args) const {
    args.insert(args.begin() + 1, {"--ledger", ledger, "--key", Key(party)});
    return Wl(args);
  }
  // As(), expecting success; returns stdout.
  std::string AsOk(const std::string& party, const std::vector<std::string>& args) const {
    RunResult r = As(party, args);
    INFO(args[0] << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
  }
  // As(), expecting a refusal: exit 1, one line on stderr, the export and
  // every stock unchanged. Returns the line.
  std::string Refused(const std::string& party, const std::vector<std::string>& args) const {
    const std::string before = Export();
    const nlohmann::json stock = StockJson();
    RunResult r = As(party, args);
    INFO(args[0] << " printed: " << r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(CountLines(r.err) == 1);
    CHECK(r.err.rfind("wasteledger: error: ", 0) == 0);
    CHECK(Export() == before);
    CHECK(StockJson() == stock);
    return r.err;
  }
  nlohmann::json StockJson() const {
    return nlohmann::json::parse(Ok({"stock", "--ledger", ledger, "--format", "json"}).out)["stock_g"];
  }
  int64_t Held(const std::string& party, const std::string& code) const {
    nlohmann::json s = StockJson();
    return s.contains(party) && s[party].contains(code) ? s[party][code].get<int64_t>() : 0;
  }
  nlohmann::json Manifest(const std::string& no) const {
    return nlohmann::json::parse(Ok({"manifest", "show", "--ledger", ledger, no, "--format", "json"}).out);
  }
  nlohmann::json Lots(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"lots", "--ledger", ledger, "--all", "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return nlohmann::json::parse(Ok(args).out);
  }
  RunResult Ok(const std::vector<std::string>& args) const {
    RunResult r = Wl(args);
    INFO(args[0] << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    return r;
  }

  // Registers a party with a fresh key file "<id>.key".
  void Add(const std::string& id, const std::string& roles, std::vector<std::string> extra) {
    const std::string vkey = Keygen(id, id + ".key");
    std::vector<std::string> args = {"party", "add",    "--ledger", ledger,   "--key", regulator_key, "--id",
                                     id,      "--name", id + " Co", "--role", roles,   "--vkey",      vkey};
    args.insert(args.end(), extra.begin(), extra.end());
    Ok(args);
  }
};

}  // namespace wasteledger::testing
