// wasteledger upgrade: a ledger in the v1 store format (a key per tree node)
// is refused by every command, naming `upgrade`, which converts it in place.
#include "cli_fixture.h"
#include "store_v1.h"

using namespace wasteledger::testing;

TEST_CASE("upgrade converts a v1 ledger that other commands refuse, and leaves a current one alone",
          "[cli][upgrade]") {
  CliLedger l;
  REQUIRE(l.Submit(l.Sign(l.producer_key, Statements(40))).exit_code == 0);
  const std::string exported = l.Export();
  const std::string root =
      SplitLines(Wl({"prove", "consistency", "--ledger", l.ledger, "--old", "1"}).out)[2];
  REQUIRE(RewriteAsV1(l.ledger) > 42);

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"verify", "--ledger", l.ledger},
        std::vector<std::string>{"export", "--ledger", l.ledger},
        std::vector<std::string>{"checkpoint", "--ledger", l.ledger, "--key", l.operator_key}}) {
    RunResult r = Wl(args);
    INFO(args[0] << ": " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(CountLines(r.err) == 1);
    CHECK_THAT(r.err, Catch::Contains("older store format \"wasteledger-rocksdb-v1\"") &&
                          Catch::Contains("wasteledger upgrade --ledger " + l.ledger));
  }

  RunResult up = Wl({"upgrade", "--ledger", l.ledger});
  INFO(up.err);
  CHECK(up.exit_code == 0);
  CHECK(up.out == l.ledger + ": converted to store format wasteledger-rocksdb-v2 (the log is unchanged)\n");
  CHECK(l.Export() == exported);
  CHECK(SplitLines(Wl({"prove", "consistency", "--ledger", l.ledger, "--old", "1"}).out)[2] == root);
  RunResult v = Wl({"verify", "--ledger", l.ledger});
  CHECK(v.exit_code == 0);
  CHECK(v.out.rfind("OK: 42 entries, root " + root.substr(10), 0) == 0);

  RunResult again = Wl({"upgrade", "--ledger", l.ledger});
  CHECK(again.exit_code == 0);
  CHECK(again.out == l.ledger + ": already in store format wasteledger-rocksdb-v2; nothing to do\n");
}

TEST_CASE("upgrade of a directory without a ledger fails in one line", "[cli][upgrade]") {
  CliLedger l;
  RunResult r = Wl({"upgrade", "--ledger", l / "nothing-here"});
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("no ledger at"));
}
