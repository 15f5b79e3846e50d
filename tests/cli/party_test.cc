// party add|update|show|list, key rotation and revocation.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_fixture.h"

namespace wasteledger::testing {
namespace {

TEST_CASE("party add registers a party that party show prints", "[cli][party]") {
  CliLedger l;
  const std::string vkey = l.Keygen("carrier-1", "carrier-1.key");
  RunResult r = Wl({"party", "add", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "carrier-1", "--name",
                    "运输公司", "--role", "carrier,receiver", "--vkey", vkey});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "seq 2\n");

  r = Wl({"party", "show", "--ledger", l.ledger, "carrier-1"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "id: carrier-1\n"
        "name: 运输公司\n"
        "uscc: -\n"
        "roles: carrier, receiver\n"
        "key: " +
            vkey +
            "\n"
            "in force since: seq 2\n");

  r = Wl({"party", "list", "--ledger", l.ledger});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "carrier-1\t运输公司\t-\tcarrier,receiver\t1 key(s)\tsince seq 2\n"
        "prod\tProd Co\t-\tproducer\t1 key(s)\tsince seq 1\n"
        "reg\tTest EPB\t-\tregulator\t1 key(s)\tsince seq 0\n");

  // The entry is a "party" statement signed by the regulator.
  r = Wl({"show", "--ledger", l.ledger, "--raw", "2"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\"sig\":{\"key\":\"" + KeyRef(l.regulator_vkey) + "\"") != std::string::npos);
  CHECK(r.out.find("\"kind\":\"party\"") != std::string::npos);
}

// The schema bounded no name: a party of five million characters was
// registered by an import, and `party add` was no more bounded. A name holds
// at most 256 characters (not bytes).
TEST_CASE("party add refuses a name of more than 256 characters", "[cli][party]") {
  CliLedger l;
  std::string name;
  for (int i = 0; i < 256; ++i) name += "名";
  const std::string before = l.Export();
  RunResult r = Wl({"party", "add", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "long", "--name",
                    name + "x", "--role", "producer"});
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("body.name: must be a non-blank string of at most 256 characters") != std::string::npos);
  CHECK(l.Export() == before);
  r = Wl({"party", "add", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "long", "--name", name,
          "--role", "producer"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
}

// party show printed the record as JSON and then "in force since seq N" on
// stdout, which no script could parse, and had no --format.
TEST_CASE("party show --format json is one object: the record and the seq it is in force from",
          "[cli][party]") {
  CliLedger l;
  RunResult r = Wl({"party", "update", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "prod",
                    "--uscc", "91411081MA44XXXX0A", "--role", "producer,receiver", "--permit",
                    "XK-1:utilize,dispose:HW49,772-002-18:1500kg:2026-01-01:2099-12-31"});
  REQUIRE(r.exit_code == 0);
  r = Wl({"party", "show", "--ledger", l.ledger, "prod", "--format", "json"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  REQUIRE(CountLines(r.out) == 1);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["in_force_since_seq"] == 2);
  CHECK(j["record"]["id"] == "prod");
  CHECK(j["record"]["uscc"] == "91411081MA44XXXX0A");
  CHECK(j["record"]["keys"] == nlohmann::json::array({l.producer_vkey}));
  CHECK(j["record"]["permits"][0]["capacity_g"] == 1500000);
  CHECK(j.size() == 2);
  // The text form: a field a line, capacities in --unit.
  r = Wl({"party", "show", "--ledger", l.ledger, "prod", "--unit", "kg"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "id: prod\n"
        "name: Prod Co\n"
        "uscc: 91411081MA44XXXX0A\n"
        "roles: producer, receiver\n"
        "key: " +
            l.producer_vkey +
            "\n"
            "permit: XK-1: utilize, dispose of HW49, 772-002-18; 1500 kg a year; 2026-01-01 to 2099-12-31\n"
            "in force since: seq 2\n");
}

TEST_CASE("party show of an unknown party exits 1", "[cli][party]") {
  CliLedger l;
  RunResult r = Wl({"party", "show", "--ledger", l.ledger, "nobody"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: no party \"nobody\"\n");
}

TEST_CASE("party add of a registered id is refused", "[cli][party]") {
  CliLedger l;
  const std::string before = l.Export();
  const std::string vkey = l.Keygen("prod", "prod2.key");
  RunResult r = Wl({"party", "add", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "prod", "--name", "Again",
                    "--role", "producer", "--vkey", vkey});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: party \"prod\" is already registered (since seq 1); use party update\n");
  CHECK(l.Export() == before);
}

// A live party with the USCC of a legacy party an import registered was
// accepted; later imports then bound the USCC to the keyless one.
TEST_CASE("party add and update refuse a USCC another party has", "[cli][party]") {
  CliLedger l;
  const std::string uscc = "91411081MA44RD3K79";
  RunResult r = Wl({"party", "add", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "legacy-1", "--name",
                    "禹州市热电有限公司", "--uscc", uscc, "--role", "producer"});
  REQUIRE(r.exit_code == 0);
  const std::string before = l.Export();
  const std::string refusal = "wasteledger: error: --uscc " + uscc +
                              ": party \"legacy-1\" (禹州市热电有限公司) already has it; one company is one party: "
                              "give that party keys or roles with `party update --id legacy-1` instead\n";
  r = Wl({"party", "add", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "yz-power", "--name", "禹州热电",
          "--uscc", uscc, "--role", "producer"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == refusal);
  r = Wl({"party", "update", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "prod", "--uscc", uscc});
  CHECK(r.exit_code == 1);
  CHECK(r.err == refusal);
  CHECK(l.Export() == before);
  // The party itself may be updated with its own USCC.
  r = Wl({"party", "update", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "legacy-1", "--uscc", uscc,
          "--role", "producer,receiver"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
}

TEST_CASE("party add signed by a non-regulator is refused and writes nothing", "[cli][party]") {
  CliLedger l;
  const std::string before = l.Export();
  const std::string vkey = l.Keygen("p2", "p2.key");
  RunResult r = Wl({"party", "add", "--ledger", l.ledger, "--key", l.producer_key, "--id", "p2", "--name", "P2",
                    "--role", "producer", "--vkey", vkey});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: only a regulator registers parties; \"prod\" is not one\n");
  CHECK(l.Export() == before);
  // A key that is not registered at all is refused too.
  r = Wl({"party", "add", "--ledger", l.ledger, "--key", l / "p2.key", "--id", "p2", "--name", "P2", "--role",
          "producer", "--vkey", vkey});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  CHECK(l.Export() == before);
}

TEST_CASE("party add refuses a vkey named after another party and an unknown role", "[cli][party]") {
  CliLedger l;
  const std::string before = l.Export();
  RunResult r = Wl({"party", "add", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "p2", "--name", "P2",
                    "--role", "producer", "--vkey", l.producer_vkey});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("not after the party id \"p2\"") != std::string::npos);
  const std::string vkey = l.Keygen("p2", "p2.key");
  r = Wl({"party", "add", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "p2", "--name", "P2", "--role",
          "wizard", "--vkey", vkey});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("\"wizard\"") != std::string::npos);
  CHECK(l.Export() == before);
}

TEST_CASE("party update changes the record from its seq on", "[cli][party]") {
  CliLedger l;
  RunResult r = Wl({"party", "update", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "prod", "--name",
                    "Prod Renamed", "--role", "producer,carrier"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "seq 2\n");
  r = Wl({"party", "list", "--ledger", l.ledger});
  CHECK(r.out.find("prod\tProd Renamed\t-\tproducer,carrier\t1 key(s)\tsince seq 2\n") != std::string::npos);
  r = Wl({"party", "update", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "ghost", "--name", "G"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: no party \"ghost\" (use party add)\n");
}

TEST_CASE("key rotation: a revoked key is refused, the new key is accepted", "[cli][party]") {
  CliLedger l;
  const std::string new_vkey = l.Keygen("prod", "prod-new.key");
  const std::string old_ref = KeyRef(l.producer_vkey);
  // Signed before the rotation, submitted after it.
  const std::string old_signed = l.Sign(l.producer_key, Statements(1, 0, "old"));

  RunResult r = Wl({"party", "update", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "prod", "--add-vkey",
                    new_vkey, "--revoke-key", old_ref});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "seq 2\n");
  r = Wl({"party", "show", "--ledger", l.ledger, "prod"});
  CHECK(r.out.find(new_vkey) != std::string::npos);
  CHECK(r.out.find(l.producer_vkey) == std::string::npos);

  const size_t size = l.Size();
  r = l.Submit(old_signed);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find(old_ref) != std::string::npos);
  CHECK(r.err.find("revoked") != std::string::npos);
  CHECK(r.err.find("line 1") != std::string::npos);
  // So is a statement signed now with the old key.
  r = l.Submit(l.Sign(l.producer_key, Statements(1, 1, "old")));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("revoked") != std::string::npos);
  CHECK(l.Size() == size);

  r = l.Submit(l.Sign(l / "prod-new.key", Statements(1, 0, "new")));
  CHECK(r.exit_code == 0);
  CHECK(r.out == "3\n");
  CHECK(r.err == "submitted: 1 appended (seq 3..3), 0 already in the ledger; ledger size 4\n");
  CHECK(l.Size() == size + 1);
}

TEST_CASE("party update refuses to revoke a key the party does not hold", "[cli][party]") {
  CliLedger l;
  const std::string before = l.Export();
  RunResult r = Wl({"party", "update", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "prod",
                    "--revoke-key", "prod+00000000"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: --revoke-key prod+00000000: not a current key of \"prod\"\n");
  r = Wl({"party", "update", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "prod", "--add-vkey",
          l.producer_vkey});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: --add-vkey: \"prod\" already holds that key\n");
  CHECK(l.Export() == before);
}

}  // namespace
}  // namespace wasteledger::testing
