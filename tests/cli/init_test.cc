// init: the genesis entry.
#include <catch2/catch.hpp>

#include "cli/cli_fixture.h"

namespace wasteledger::testing {
namespace {

// A key file "reg.key" (name "reg") in `tmp`.
std::string RegulatorKey(const TempDir& tmp) {
  RunResult r = Wl({"keygen", "--name", "reg", "--out", tmp / "reg.key", "--no-passphrase"});
  REQUIRE(r.exit_code == 0);
  return tmp / "reg.key";
}

TEST_CASE("init creates a ledger whose entry 0 is the genesis", "[cli][init]") {
  TempDir tmp;
  const std::string key = RegulatorKey(tmp);
  const std::string ledger = tmp / "city.ledger";
  RunResult r = Wl({"init", "--ledger", ledger, "--origin", kOrigin, "--key", key, "--regulator-name",
                    "许昌市生态环境局", "--timezone", "+08:00"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "created ledger " + ledger + " (origin " + kOrigin + "), genesis at seq 0 by regulator reg\n");

  r = Wl({"export", "--ledger", ledger});
  REQUIRE(r.exit_code == 0);
  REQUIRE(CountLines(r.out) == 1);
  const std::string& line = r.out;
  CHECK(line.rfind("{\"logged\":\"", 0) == 0);
  CHECK(line.find("\"prev\":\"" + std::string(64, '0') + "\",\"seq\":0,\"sig\":{\"key\":\"reg+") !=
        std::string::npos);
  CHECK(line.find("\"body\":{\"origin\":\"" + std::string(kOrigin) + "\",\"party\":{\"id\":\"reg\"") !=
        std::string::npos);
  CHECK(line.find("\"name\":\"许昌市生态环境局\"") != std::string::npos);
  CHECK(line.find("\"roles\":[\"regulator\"]") != std::string::npos);
  CHECK(line.find("\"timezone\":\"+08:00\"},\"kind\":\"genesis\"") != std::string::npos);

  r = Wl({"party", "list", "--ledger", ledger});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "reg\t许昌市生态环境局\t-\tregulator\t1 key(s)\tsince seq 0\n");
}

// A key name is any UTF-8 without spaces or "+" (C2SP signed note): party
// ids and an origin in Chinese were written, then every read of the log
// refused their signatures' key ("is not <name>+<keyID hex>") and verify
// called the ledger tampered.
TEST_CASE("a ledger whose origin and party ids are Chinese verifies, lists and checkpoints", "[cli][init]") {
  TempDir tmp;
  const std::string origin = "许昌.example/账本";
  const auto keygen = [&](const std::string& name, const std::string& file) {
    RunResult r = Wl({"keygen", "--name", name, "--out", tmp / file, "--no-passphrase"});
    REQUIRE(r.exit_code == 0);
    return r.out.substr(0, r.out.find('\n'));
  };
  keygen("许昌生态环境局", "reg.key");
  const std::string producer = keygen("禹州热电", "p.key");
  const std::string op = keygen(origin, "op.key");
  const std::string ledger = tmp / "l";
  REQUIRE(Wl({"init", "--ledger", ledger, "--origin", origin, "--key", tmp / "reg.key"}).exit_code == 0);
  REQUIRE(Wl({"party", "add", "--ledger", ledger, "--key", tmp / "reg.key", "--id", "禹州热电", "--name",
              "禹州市热电有限公司", "--role", "producer", "--vkey", producer})
              .exit_code == 0);
  RunResult r =
      Wl({"generate", "--ledger", ledger, "--key", tmp / "p.key", "--waste", "900-249-08", "--mass", "2t"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  r = Wl({"verify", "--ledger", ledger});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  r = Wl({"log", "--ledger", ledger});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("禹州热电") != std::string::npos);
  REQUIRE(
      Wl({"checkpoint", "--ledger", ledger, "--key", tmp / "op.key", "--out", tmp / "cp.note"}).exit_code ==
      0);
  r = Wl({"export", "--ledger", ledger});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\"sig\":{\"key\":\"禹州热电+") != std::string::npos);
  WriteFile(tmp / "e.jsonl", r.out);
  r = Wl({"verify", "--export", tmp / "e.jsonl", "--checkpoint", tmp / "cp.note", "--vkey", op});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(Wl({"verify", "--ledger", ledger, "--deep"}).exit_code == 0);
}

TEST_CASE("a second init on the same directory is refused and changes nothing", "[cli][init]") {
  TempDir tmp;
  const std::string key = RegulatorKey(tmp);
  const std::string ledger = tmp / "city.ledger";
  REQUIRE(Wl({"init", "--ledger", ledger, "--origin", kOrigin, "--key", key}).exit_code == 0);
  const auto before = Snapshot(ledger);
  const std::string export_before = Wl({"export", "--ledger", ledger}).out;
  RunResult r = Wl({"init", "--ledger", ledger, "--origin", "other.example/log", "--key", key});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: " + ledger + " already holds a ledger\n");
  CHECK(Snapshot(ledger) == before);
  CHECK(Wl({"export", "--ledger", ledger}).out == export_before);
}

TEST_CASE("init refuses a non-empty directory that holds no ledger", "[cli][init]") {
  TempDir tmp;
  const std::string key = RegulatorKey(tmp);
  std::filesystem::create_directory(tmp / "docs");
  WriteFile(tmp / "docs/notes.txt", "keep me\n");
  RunResult r = Wl({"init", "--ledger", tmp / "docs", "--origin", kOrigin, "--key", key});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("not empty") != std::string::npos);
  CHECK(Snapshot(tmp / "docs") == std::map<std::string, std::string>{{tmp / "docs/notes.txt", "keep me\n"}});
}

TEST_CASE("init refuses a --regulator-id other than the key's name", "[cli][init]") {
  TempDir tmp;
  const std::string key = RegulatorKey(tmp);
  RunResult r = Wl({"init", "--ledger", tmp / "L", "--origin", kOrigin, "--key", key, "--regulator-id", "xcepb"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "wasteledger: error: --regulator-id \"xcepb\" differs from the key's name \"reg\" (a party's key is "
        "named after its id)\n");
  CHECK_FALSE(std::filesystem::exists(tmp / "L"));
  // The matching id is accepted.
  r = Wl({"init", "--ledger", tmp / "L", "--origin", kOrigin, "--key", key, "--regulator-id", "reg"});
  CHECK(r.exit_code == 0);
}

TEST_CASE("init refuses a bad --timezone", "[cli][init]") {
  TempDir tmp;
  const std::string key = RegulatorKey(tmp);
  for (const char* tz : {"+25:00", "bogus", "08:00", "+8:00", "+08:60"}) {
    RunResult r = Wl({"init", "--ledger", tmp / "L", "--origin", kOrigin, "--key", key, "--timezone", tz});
    INFO(tz << ": " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(CountLines(r.err) == 1);
    CHECK(r.err.rfind("wasteledger: error: --timezone: ", 0) == 0);
    CHECK_FALSE(std::filesystem::exists(tmp / "L"));
  }
  RunResult r = Wl({"init", "--ledger", tmp / "L", "--origin", kOrigin, "--key", key, "--timezone", "-05:30"});
  CHECK(r.exit_code == 0);
  CHECK(Wl({"export", "--ledger", tmp / "L"}).out.find("\"timezone\":\"-05:30\"") != std::string::npos);
}

TEST_CASE("init refuses an origin that is not a key name", "[cli][init]") {
  TempDir tmp;
  const std::string key = RegulatorKey(tmp);
  RunResult r = Wl({"init", "--ledger", tmp / "L", "--origin", "has space", "--key", key});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("origin") != std::string::npos);
  CHECK((!std::filesystem::exists(tmp / "L") || std::filesystem::is_empty(tmp / "L")));
}

}  // namespace
}  // namespace wasteledger::testing
