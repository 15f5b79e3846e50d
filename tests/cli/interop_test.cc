// The outside verifier (tests/interop/verify-export.mjs, written from the
// format contract only) on an export of a small ledger; skipped without node.
#include <catch2/catch.hpp>

#include "cli/cli_fixture.h"

namespace wasteledger::testing {
namespace {

bool HaveNode() { return Run({"sh", "-c", "command -v node"}).exit_code == 0; }

RunResult Node(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"node", WL_SOURCE_DIR "/tests/interop/verify-export.mjs"};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv);
}

TEST_CASE("the outside verifier accepts an export and rejects a flipped byte", "[cli][interop]") {
  if (!HaveNode()) {
    WARN("node is not on PATH: interop check skipped");
    return;
  }
  CliLedger l;
  REQUIRE(l.Submit(l.Sign(l.producer_key, Statements(4))).exit_code == 0);
  l.Checkpoint(l / "old.note");
  const std::string vkey = l.Keygen("prod", "prod-new.key");
  REQUIRE(Wl({"party", "update", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "prod", "--add-vkey", vkey,
              "--revoke-key", l.producer_vkey})
              .exit_code == 0);
  REQUIRE(l.Submit(l.Sign(l / "prod-new.key", Statements(5, 10), true)).exit_code == 0);
  REQUIRE(l.Submit(l.Sign(l / "prod-new.key", Statements(2, 20))).exit_code == 0);
  l.Checkpoint(l / "cp.note");
  REQUIRE(Wl({"export", "--ledger", l.ledger, "--out", l / "export.jsonl"}).exit_code == 0);
  RunResult proof = Wl({"prove", "consistency", "--ledger", l.ledger, "--old", "6", "--format", "json"});
  REQUIRE(proof.exit_code == 0);
  WriteFile(l / "consistency.json", proof.out);
  WriteFile(l / "log.vkey", l.operator_vkey + "\n");

  const std::string root = SplitLines(Wl({"verify", "--ledger", l.ledger}).out)[0];  // "OK: 15 entries, root .."
  RunResult r = Node({l / "export.jsonl", "--checkpoint", l / "cp.note", "--vkey", l / "log.vkey"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == root + "\n");
  CHECK(r.out.rfind("OK: 15 entries, root ", 0) == 0);
  r = Node({l / "export.jsonl", "--checkpoint", l / "cp.note", "--vkey", l.operator_vkey, "--old-checkpoint",
            l / "old.note", "--consistency-proof", l / "consistency.json"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("OK: ", 0) == 0);

  // One byte changed, in the middle of each line in turn: always refused.
  const std::string text = ReadFile(l / "export.jsonl");
  size_t line_start = 0;
  for (uint64_t seq = 0; line_start < text.size(); ++seq) {
    const size_t line_end = text.find('\n', line_start);
    std::string copy = text;
    char& c = copy[line_start + (line_end - line_start) / 2];
    c = c == 'a' ? 'b' : (c == '0' ? '1' : 'a');
    WriteFile(l / "flipped.jsonl", copy);
    r = Node({l / "flipped.jsonl", "--checkpoint", l / "cp.note", "--vkey", l / "log.vkey"});
    INFO("seq " << seq << ": " << r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.rfind("FAIL: ", 0) == 0);
    // wasteledger's own verify agrees (an export records no operator key:
    // the checkpoint needs --vkey), and blames the same line.
    RunResult ours = Wl({"verify", "--export", l / "flipped.jsonl", "--checkpoint", l / "cp.note", "--vkey",
                         l.operator_vkey});
    INFO("ours: " << ours.err);
    CHECK(ours.exit_code == 3);
    CHECK(ours.out.empty());
    CHECK(CountLines(ours.err) == 1);
    CHECK(ours.err.rfind("wasteledger: verification failed: seq " + std::to_string(seq) + ": ", 0) == 0);
    line_start = line_end + 1;
  }
}

}  // namespace
}  // namespace wasteledger::testing
