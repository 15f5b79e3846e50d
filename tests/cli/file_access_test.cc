// A file option given a directory, or a path that cannot be read or written:
// one line naming the option and the path and saying what is wrong, exit 1,
// the ledger as it was (cli/file_access.h).
#include <catch2/catch.hpp>

#include "cli/cli_fixture.h"

namespace wasteledger::testing {
namespace {

const std::string kFixture = std::string(WL_SOURCE_DIR) + "/tests/cli/data/legacy-manifests-gb18030.csv";

// What a refused command must leave as it was: the entries, and the stored
// checkpoints that verify counts.
std::string State(const CliLedger& l) {
  RunResult v = Wl({"verify", "--ledger", l.ledger, "--quiet"});
  REQUIRE(v.exit_code == 0);
  return l.Export() + v.out;
}

// Runs `args`: exit 1, stderr exactly "wasteledger: error: <message>\n",
// the ledger unchanged.
void RefusedExactly(const CliLedger& l, const std::vector<std::string>& args, const std::string& message,
                    const std::string& input = "") {
  const std::string before = State(l);
  RunResult r = Wl(args, input);
  INFO(args[0] << " printed: " << r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err == "wasteledger: error: " + message + "\n");
  CHECK(State(l) == before);
}

TEST_CASE("a directory where a file is read or written is named as one", "[cli][files]") {
  CliLedger l;
  const std::string dir = l / "adir";
  std::filesystem::create_directory(dir);
  const std::string exported = l.Export();
  WriteFile(l / "city.jsonl", exported);
  l.Checkpoint(l / "cp.note");

  // Reading: these said "error reading the export", "...: Is a directory",
  // or told to save a pipe's output to a file.
  RefusedExactly(l, {"verify", "--export", dir}, "--export: cannot read " + dir + ": it is a directory");
  RefusedExactly(l, {"verify", "--ledger", l.ledger, "--checkpoint", dir},
                 "--checkpoint: cannot read " + dir + ": it is a directory");
  RefusedExactly(l, {"submit", "--ledger", l.ledger, dir}, "cannot read " + dir + ": it is a directory");
  RefusedExactly(l, {"sign", "--key", l.producer_key, dir}, "cannot read " + dir + ": it is a directory");
  RefusedExactly(l, {"import", "--ledger", l.ledger, "--key", l.regulator_key, "--mapping", dir, kFixture},
                 "nothing was imported: cannot read " + dir + ": it is a directory");
  RefusedExactly(
      l, {"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest", dir},
      "nothing was imported: cannot read " + dir + ": it is a directory");
  RefusedExactly(l,
                 {"verify-proof", "consistency", "--proof", dir, "--old", l / "cp.note", "--new",
                  l / "cp.note", "--vkey", l.operator_vkey},
                 "--proof: cannot read " + dir + ": it is a directory");
  RunResult gen =
      Wl({"generate", "--ledger", l.ledger, "--key", l.producer_key, "--waste", "SW02", "--mass", "1t"});
  REQUIRE(gen.exit_code == 0);
  RefusedExactly(l,
                 {"correct", "--ledger", l.ledger, "--key", l.producer_key, "--seq", "2", "--body", "@" + dir,
                  "--reason", "typo"},
                 "--body: cannot read " + dir + ": it is a directory");
  RefusedExactly(l, {"submit", "--ledger", l.ledger, l / "nowhere.jsonl"},
                 "cannot read " + (l / "nowhere.jsonl") + ": No such file or directory");

  // Writing: export said "writing the export failed"; checkpoint stored the
  // checkpoint in the ledger and then failed to write the file.
  RefusedExactly(l, {"export", "--ledger", l.ledger, "--out", dir},
                 "--out: cannot write " + dir + ": it is a directory");
  RefusedExactly(l, {"report", "balance", "--ledger", l.ledger, "--out", dir},
                 "--out: cannot write " + dir + ": it is a directory");
  RefusedExactly(l, {"checkpoint", "--ledger", l.ledger, "--key", l.operator_key, "--out", dir},
                 "--out: cannot write " + dir + ": it is a directory");
  const std::string nowhere = l / "no-such-dir/cp.note";
  RefusedExactly(l, {"checkpoint", "--ledger", l.ledger, "--key", l.operator_key, "--out", nowhere},
                 "--out: cannot write " + nowhere + ": No such file or directory");
  RefusedExactly(l,
                 {"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest",
                  "--errors", dir, kFixture},
                 "--errors: cannot write " + dir + ": it is a directory");
  // Nothing was left next to the directory either.
  CHECK_FALSE(std::filesystem::exists(dir + ".partial"));
  CHECK(std::filesystem::is_empty(dir));
  // The export file still verifies: only the paths were wrong.
  CHECK(Wl({"verify", "--export", l / "city.jsonl", "--quiet"}).exit_code == 0);
}

}  // namespace
}  // namespace wasteledger::testing
