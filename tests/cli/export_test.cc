// export, show, log, checkpoint, verify, prove and verify-proof.
#include <regex>

#include <catch2/catch.hpp>

#include "cli/cli_fixture.h"
#include "wasteledger/hash.h"

namespace wasteledger::testing {
namespace {

// A ledger of 2 + n entries.
void Fill(const CliLedger& l, size_t n, size_t first = 0) {
  RunResult r = l.Submit(l.Sign(l.producer_key, Statements(n, first)));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

// `text` with one hex digit of its first 64-hex-digit hash changed.
std::string FlipFirstHashDigit(std::string text) {
  const size_t at = text.find("\"hashes\":[\"");
  REQUIRE(at != std::string::npos);
  char& c = text[at + 11];
  c = c == '0' ? '1' : '0';
  return text;
}

TEST_CASE("every exported line is exactly what show --raw prints", "[cli][export]") {
  CliLedger l;
  Fill(l, 4);
  REQUIRE(l.Submit(l.Sign(l.producer_key, Statements(2, 10), true)).exit_code == 0);
  RunResult r = Wl({"export", "--ledger", l.ledger});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  REQUIRE(!r.out.empty());
  CHECK(r.out.back() == '\n');
  const auto lines = SplitLines(r.out);
  REQUIRE(lines.size() == 9);
  Hash prev{};
  for (size_t seq = 0; seq < lines.size(); ++seq) {
    INFO("seq " << seq);
    RunResult raw = Wl({"show", "--ledger", l.ledger, "--raw", std::to_string(seq)});
    CHECK(raw.exit_code == 0);
    CHECK(raw.err.empty());
    CHECK(raw.out == lines[seq] + "\n");
    // The chain: "prev" is the leaf hash of the line before. Entries are JCS,
    // members sorted: logged, prev, seal (members of the seal at seq 6 only),
    // seq, sig, statement.
    const std::string seal = seq >= 7 ? "\"seal\":{\"by\":6,\"index\":" + std::to_string(seq - 7) + "}," : "";
    CHECK(lines[seq].find("\"prev\":\"" + ToHex(prev) + "\"," + seal + "\"seq\":" + std::to_string(seq) +
                          ",") != std::string::npos);
    CHECK((lines[seq].find("\"sig\":{") != std::string::npos) == seal.empty());
    prev = Sha256(std::string(1, '\0'), lines[seq]);
    // show (pretty) ends with that leaf hash.
    RunResult pretty = Wl({"show", "--ledger", l.ledger, std::to_string(seq)});
    CHECK(pretty.exit_code == 0);
    CHECK(pretty.out.find("\nleaf hash " + ToHex(prev) + "\n") != std::string::npos);
  }
  // --out writes the same bytes to a file, and nothing to stdout.
  r = Wl({"export", "--ledger", l.ledger, "--out", l / "city.jsonl"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
  CHECK(ReadFile(l / "city.jsonl") == Wl({"export", "--ledger", l.ledger}).out);
}

TEST_CASE("export --from and --to select an inclusive range", "[cli][export]") {
  CliLedger l;
  Fill(l, 8);
  const auto all = SplitLines(l.Export());
  REQUIRE(all.size() == 10);
  auto range = [&](size_t from, size_t to) {
    std::string s;
    for (size_t i = from; i <= to; ++i) s += all[i] + "\n";
    return s;
  };
  RunResult r = Wl({"export", "--ledger", l.ledger, "--from", "3", "--to", "6"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == range(3, 6));
  r = Wl({"export", "--ledger", l.ledger, "--from", "7"});
  CHECK(r.out == range(7, 9));
  r = Wl({"export", "--ledger", l.ledger, "--to", "0"});
  CHECK(r.out == range(0, 0));
  r = Wl({"export", "--ledger", l.ledger, "--from", "9", "--to", "9"});
  CHECK(r.out == range(9, 9));
}

TEST_CASE("export outside the ledger exits 1", "[cli][export]") {
  CliLedger l;
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--from", "2"}, {"--to", "2"}, {"--from", "1", "--to", "5"}}) {
    std::vector<std::string> cmd = {"export", "--ledger", l.ledger};
    cmd.insert(cmd.end(), args.begin(), args.end());
    RunResult r = Wl(cmd);
    INFO(args[0] << " " << args[1]);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(CountLines(r.err) == 1);
    CHECK(r.err.find("is outside the ledger (seq 0..1)") != std::string::npos);
  }
  // A range the wrong way round says so (it said "outside the ledger").
  RunResult r = Wl({"export", "--ledger", l.ledger, "--from", "1", "--to", "0"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: --from 1 is after --to 0\n");
  r = Wl({"export", "--ledger", l.ledger, "--from", "10", "--to", "5"});
  CHECK(r.err == "wasteledger: error: --from 10 is after --to 5\n");
  r = Wl({"show", "--ledger", l.ledger, "2"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: seq 2 is beyond the ledger (size 2)\n");
}

TEST_CASE("reading commands on a directory without a ledger exit 1", "[cli][export]") {
  TempDir tmp;
  for (const auto& cmd : std::vector<std::vector<std::string>>{{"export", "--ledger", tmp / "none"},
                                                               {"log", "--ledger", tmp / "none"},
                                                               {"verify", "--ledger", tmp / "none"},
                                                               {"party", "list", "--ledger", tmp / "none"}}) {
    RunResult r = Wl(cmd);
    INFO(cmd[0] << ": " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(CountLines(r.err) == 1);
  }
  CHECK_FALSE(std::filesystem::exists(tmp / "none"));
}

TEST_CASE("checkpoint prints a signed note that verify accepts", "[cli][checkpoint]") {
  CliLedger l;
  Fill(l, 3);
  RunResult r = Wl({"checkpoint", "--ledger", l.ledger, "--key", l.operator_key, "--out", l / "cp.note"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(ReadFile(l / "cp.note") == r.out);
  // C2SP: origin, size, base64 root (32 bytes), blank line, "— origin
  // base64(4-byte key hash || 64-byte signature)" (68 bytes: 91 chars + "=").
  const std::regex note(std::string(kOrigin) + "\n5\n[A-Za-z0-9+/]{43}=\n\n\xE2\x80\x94 " + kOrigin +
                        " [A-Za-z0-9+/]{91}=\n");
  CHECK(std::regex_match(r.out, note));

  r = Wl({"verify", "--ledger", l.ledger, "--checkpoint", l / "cp.note"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(std::regex_match(r.out, std::regex("OK: 5 entries, root [0-9a-f]{64}\n"
                                           "    5 signatures and 0 sealed statements checked, 1 stored "
                                           "checkpoint\\(s\\) match\n"
                                           "    consistent with the checkpoint in .*cp.note\n")));
  // Growing the ledger keeps the old checkpoint consistent.
  Fill(l, 2, 3);
  r = Wl({"verify", "--ledger", l.ledger, "--checkpoint", l / "cp.note"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("OK: 7 entries", 0) == 0);
}

TEST_CASE("checkpoint refuses a key not named after the origin", "[cli][checkpoint]") {
  CliLedger l;
  RunResult r = Wl({"checkpoint", "--ledger", l.ledger, "--key", l.producer_key});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
}

TEST_CASE("verify of an untouched ledger exits 0 with OK", "[cli][verify]") {
  CliLedger l;
  Fill(l, 3);
  REQUIRE(l.Submit(l.Sign(l.producer_key, Statements(3, 3), true)).exit_code == 0);
  // The root as prove prints it: "root      <hex>" on its third line.
  const std::string root = SplitLines(Wl({"prove", "consistency", "--ledger", l.ledger, "--old", "1"}).out)[2];
  REQUIRE(root.rfind("root      ", 0) == 0);
  RunResult r = Wl({"verify", "--ledger", l.ledger});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "OK: 9 entries, root " + root.substr(10) +
                     "\n    6 signatures and 3 sealed statements checked, 0 stored checkpoint(s) match\n");
  // An export verifies the same way.
  REQUIRE(Wl({"export", "--ledger", l.ledger, "--out", l / "e.jsonl"}).exit_code == 0);
  RunResult e = Wl({"verify", "--export", l / "e.jsonl"});
  CHECK(e.exit_code == 0);
  CHECK(e.out.rfind("OK: 9 entries, root ", 0) == 0);
  CHECK(SplitLines(e.out)[0] == SplitLines(r.out)[0]);
}

TEST_CASE("verify --export of an edited export exits 3 naming the seq", "[cli][verify]") {
  CliLedger l;
  Fill(l, 4);
  std::string text = l.Export();
  const size_t at = text.find("\"mass_g\":1002");
  REQUIRE(at != std::string::npos);
  text.replace(at, 13, "\"mass_g\":1009");
  WriteFile(l / "edited.jsonl", text);
  RunResult r = Wl({"verify", "--export", l / "edited.jsonl"});
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("wasteledger: verification failed: seq 4: ", 0) == 0);
  CHECK(CountLines(r.err) == 1);
}

TEST_CASE("verify --export of an empty file fails: an export starts with its genesis", "[cli][verify]") {
  CliLedger l;
  WriteFile(l / "empty.jsonl", "");
  RunResult r = Wl({"verify", "--export", l / "empty.jsonl"});
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "wasteledger: verification failed: the export holds no entry: a ledger's export starts with its genesis "
        "entry\n");
}

// Lines of an export edited in other ways: each is a verification failure
// (exit 3) naming the edited seq, never a plain error (exit 1).
TEST_CASE("verify --export of lines edited in other ways exits 3 naming the seq", "[cli][verify]") {
  CliLedger l;
  Fill(l, 4);  // seq 2..5
  const auto lines = SplitLines(l.Export());
  REQUIRE(lines.size() == 6);
  auto verify_with = [&](size_t seq, const std::string& line) {
    auto copy = lines;
    copy[seq] = line;
    std::string text;
    for (const auto& x : copy) text += x + "\n";
    WriteFile(l / "edited.jsonl", text);
    return Wl({"verify", "--export", l / "edited.jsonl"});
  };
  struct Case {
    std::string what;
    size_t seq;
    std::string line;
    std::string problem;  // part of the message
  };
  std::string bad_sig = lines[5];
  char& c = bad_sig[bad_sig.find("\"value\":\"") + 19];
  c = c == 'A' ? 'B' : 'A';
  std::string spaced = lines[3];
  spaced.insert(spaced.find(",\"seq\":") + 1, " ");
  std::string no_body = lines[3];
  const size_t body = no_body.find("\"body\":{");
  no_body.erase(body, no_body.find("},", body) + 2 - body);
  const std::vector<Case> cases = {
      // The last entry: no later "prev" covers it, so the signature check finds it.
      {"bad signature", 5, bad_sig, "signature does not verify under key " + KeyRef(l.producer_vkey)},
      {"non-canonical JSON", 3, spaced, "not canonical JSON"},
      {"missing body", 3, no_body, "\"body\": missing"},
      {"not JSON", 3, "hello", "invalid JSON"},
      {"empty line", 3, "", "invalid JSON"},
  };
  for (const auto& k : cases) {
    RunResult r = verify_with(k.seq, k.line);
    INFO(k.what << ": " << r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK(CountLines(r.err) == 1);
    CHECK(r.err.rfind("wasteledger: verification failed: seq " + std::to_string(k.seq) + ": ", 0) == 0);
    CHECK(r.err.find(k.problem) != std::string::npos);
  }
}

TEST_CASE("verify --export with a checkpoint but no --vkey is a usage error", "[cli][verify]") {
  CliLedger l;
  Fill(l, 2);
  l.Checkpoint(l / "cp.note");
  WriteFile(l / "e.jsonl", l.Export());
  RunResult r = Wl({"verify", "--export", l / "e.jsonl", "--checkpoint", l / "cp.note"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: verify --export with --checkpoint needs the operator's --vkey\n");
  r = Wl({"verify", "--export", l / "e.jsonl", "--checkpoint", l / "cp.note", "--vkey", l.operator_vkey});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("OK: 4 entries, root ", 0) == 0);
}

// The note is named by its file, once: the verifier's own message said
// "checkpoint: checkpoint: no signature ...".
TEST_CASE("verify --checkpoint under another key names the file and the key it expected", "[cli][verify]") {
  CliLedger l;
  Fill(l, 2);
  l.Checkpoint(l / "cp.note");
  WriteFile(l / "e.jsonl", l.Export());
  // Not signed by the operator's key: verification fails (exit 3), as for a
  // note edited after it was signed.
  const std::string expected = "wasteledger: verification failed: --checkpoint " + (l / "cp.note") +
                               ": no signature by a known key: expected " + KeyRef(l.producer_vkey) + "\n";
  for (const std::string source : {"--ledger", "--export"}) {
    RunResult r = Wl({"verify", source, source == "--ledger" ? l.ledger : l / "e.jsonl", "--checkpoint",
                      l / "cp.note", "--vkey", l.producer_vkey});
    INFO(source);
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK(r.err == expected);
  }
  // A note whose size was edited after it was signed: exit 3, as tampering.
  std::string note = ReadFile(l / "cp.note");
  const size_t size_line = note.find('\n') + 1;
  note.replace(size_line, note.find('\n', size_line) - size_line, "999");
  WriteFile(l / "edited.note", note);
  for (const std::string source : {"--ledger", "--export"}) {
    std::vector<std::string> args = {"verify", source, source == "--ledger" ? l.ledger : l / "e.jsonl",
                                     "--checkpoint", l / "edited.note"};
    if (source == "--export") args.insert(args.end(), {"--vkey", l.operator_vkey});
    RunResult e = Wl(args);
    INFO(source << ": " << e.err);
    CHECK(e.exit_code == 3);
    CHECK(e.err.rfind(
              "wasteledger: verification failed: --checkpoint " + (l / "edited.note") + ": note signature",
              0) == 0);
  }
  // A note that is not one at all is named by its file too.
  WriteFile(l / "junk.note", "not a note\n");
  RunResult r = Wl({"verify", "--ledger", l.ledger, "--checkpoint", l / "junk.note"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("wasteledger: error: --checkpoint " + (l / "junk.note") + ": ", 0) == 0);
  CHECK(r.err.find("checkpoint: checkpoint") == std::string::npos);
  // So is it by a ledger that has no operator key on record yet.
  CliLedger fresh;
  r = Wl({"verify", "--ledger", fresh.ledger, "--checkpoint", l / "junk.note"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("wasteledger: error: --checkpoint " + (l / "junk.note") + ": ", 0) == 0);
}

// Only the export was verified when both were given.
TEST_CASE("verify refuses --export with --ledger, but not with WASTELEDGER_LEDGER", "[cli][verify]") {
  CliLedger l;
  Fill(l, 2);
  WriteFile(l / "e.jsonl", l.Export());
  RunResult r = Wl({"verify", "--export", l / "e.jsonl", "--ledger", l.ledger});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "wasteledger: error: --export and --ledger are exclusive: verify an export or a ledger, one at a "
        "time\n");
  r = Wl({"verify", "--export", l / "e.jsonl"}, "", {"WASTELEDGER_LEDGER=" + l.ledger});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("OK: 4 entries, root ", 0) == 0);
}

TEST_CASE("prove --format json gives size, index or old_size, and hashes", "[cli][prove]") {
  CliLedger l;
  Fill(l, 9);  // size 11
  RunResult r = Wl({"prove", "inclusion", "--ledger", l.ledger, "--seq", "3", "--format", "json"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(std::regex_match(r.out, std::regex("\\{\"hashes\":\\[(\"[0-9a-f]{64}\",){3}\"[0-9a-f]{64}\"\\],"
                                           "\"index\":3,\"size\":11\\}\n")));
  r = Wl({"prove", "inclusion", "--ledger", l.ledger, "--seq", "3", "--size", "4", "--format", "json"});
  CHECK(r.exit_code == 0);
  CHECK(std::regex_match(r.out, std::regex("\\{\"hashes\":\\[\"[0-9a-f]{64}\",\"[0-9a-f]{64}\"\\],"
                                           "\"index\":3,\"size\":4\\}\n")));
  r = Wl({"prove", "consistency", "--ledger", l.ledger, "--old", "4", "--format", "json"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(std::regex_match(r.out, std::regex("\\{\"hashes\":\\[(\"[0-9a-f]{64}\",)*\"[0-9a-f]{64}\"\\],"
                                           "\"old_size\":4,\"size\":11\\}\n")));
  r = Wl({"prove", "consistency", "--ledger", l.ledger, "--old", "4", "--new", "8", "--format", "json"});
  CHECK(r.exit_code == 0);
  // 4 -> 8: the old tree is a full left subtree, the proof is its sibling.
  CHECK(std::regex_match(r.out, std::regex("\\{\"hashes\":\\[\"[0-9a-f]{64}\"\\],\"old_size\":4,\"size\":8\\}\n")));
  // Text format names the leaf and the root.
  r = Wl({"prove", "inclusion", "--ledger", l.ledger, "--seq", "0"});
  CHECK(r.exit_code == 0);
  const std::string leaf0 = ToHex(Sha256(std::string(1, '\0'), SplitLines(l.Export())[0]));
  CHECK(r.out.rfind("inclusion proof: seq 0 in the tree of size 11\nleaf hash " + leaf0 + "\nroot      ", 0) == 0);
  // Out of range.
  r = Wl({"prove", "inclusion", "--ledger", l.ledger, "--seq", "11"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  r = Wl({"prove", "consistency", "--ledger", l.ledger, "--old", "12"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
}

TEST_CASE("verify-proof inclusion: OK for the entry, exit 3 for another", "[cli][verify-proof]") {
  CliLedger l;
  Fill(l, 5);
  l.Checkpoint(l / "cp.note");
  Fill(l, 2, 5);  // the ledger grows past the checkpoint
  RunResult r = Wl({"prove", "inclusion", "--ledger", l.ledger, "--seq", "3", "--size", "7", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  WriteFile(l / "p3.json", r.out);
  REQUIRE(Wl({"export", "--ledger", l.ledger, "--from", "3", "--to", "3", "--out", l / "e3.jsonl"}).exit_code == 0);
  REQUIRE(Wl({"export", "--ledger", l.ledger, "--from", "4", "--to", "4", "--out", l / "e4.jsonl"}).exit_code == 0);

  r = Wl({"verify-proof", "inclusion", "--proof", l / "p3.json", "--entry", l / "e3.jsonl", "--checkpoint",
          l / "cp.note", "--vkey", l.operator_vkey});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "OK: the entry is seq 3 of the tree of size 7 signed by " + std::string(kOrigin) + "\n");

  r = Wl({"verify-proof", "inclusion", "--proof", l / "p3.json", "--entry", l / "e4.jsonl", "--checkpoint",
          l / "cp.note", "--vkey", l.operator_vkey});
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("wasteledger: verification failed: inclusion proof: ", 0) == 0);
  CHECK(CountLines(r.err) == 1);

  // The same entry with one byte changed fails too.
  std::string edited = ReadFile(l / "e3.jsonl");
  edited[edited.find("\"mass_g\":1001") + 12] = '9';
  WriteFile(l / "e3x.jsonl", edited);
  r = Wl({"verify-proof", "inclusion", "--proof", l / "p3.json", "--entry", l / "e3x.jsonl", "--checkpoint",
          l / "cp.note", "--vkey", l.operator_vkey});
  CHECK(r.exit_code == 3);
}

TEST_CASE("verify-proof refuses a checkpoint under another key or of another size", "[cli][verify-proof]") {
  CliLedger l;
  Fill(l, 5);
  l.Checkpoint(l / "cp.note");
  WriteFile(l / "p3.json",
            Wl({"prove", "inclusion", "--ledger", l.ledger, "--seq", "3", "--format", "json"}).out);
  WriteFile(l / "e3.jsonl", Wl({"export", "--ledger", l.ledger, "--from", "3", "--to", "3"}).out);
  const std::string other = l.Keygen(kOrigin, "other-operator.key");
  RunResult r = Wl({"verify-proof", "inclusion", "--proof", l / "p3.json", "--entry", l / "e3.jsonl",
                    "--checkpoint", l / "cp.note", "--vkey", other});
  CHECK(r.exit_code != 0);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("checkpoint") != std::string::npos);

  WriteFile(l / "p3-4.json",
            Wl({"prove", "inclusion", "--ledger", l.ledger, "--seq", "3", "--size", "4", "--format", "json"}).out);
  r = Wl({"verify-proof", "inclusion", "--proof", l / "p3-4.json", "--entry", l / "e3.jsonl", "--checkpoint",
          l / "cp.note", "--vkey", l.operator_vkey});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "wasteledger: error: the proof is for tree size 4 but the checkpoint is of size 7\n");
}

// The note is named by its option and file, once: the message said
// "checkpoint cp.note: checkpoint: no signature by a known key" (verify had
// the same, fixed by naming the --checkpoint file).
TEST_CASE("verify-proof names a checkpoint not signed by the given key by its option and file, once",
          "[cli][verify-proof]") {
  CliLedger l;
  Fill(l, 3);
  l.Checkpoint(l / "cp5.note");
  Fill(l, 2, 3);
  l.Checkpoint(l / "cp7.note");
  WriteFile(l / "p3.json",
            Wl({"prove", "inclusion", "--ledger", l.ledger, "--seq", "3", "--format", "json"}).out);
  WriteFile(l / "e3.jsonl", Wl({"export", "--ledger", l.ledger, "--from", "3", "--to", "3"}).out);
  WriteFile(l / "c.json",
            Wl({"prove", "consistency", "--ledger", l.ledger, "--old", "5", "--format", "json"}).out);
  const std::string other = l.Keygen(kOrigin, "other-operator.key");
  const std::string unsigned_by = ": no signature by a known key: expected " + KeyRef(other) + "\n";

  RunResult r = Wl({"verify-proof", "inclusion", "--proof", l / "p3.json", "--entry", l / "e3.jsonl",
                    "--checkpoint", l / "cp7.note", "--vkey", other});
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: verification failed: --checkpoint " + (l / "cp7.note") + unsigned_by);
  r = Wl({"verify-proof", "consistency", "--proof", l / "c.json", "--old", l / "cp5.note", "--new",
          l / "cp7.note", "--vkey", other});
  CHECK(r.exit_code == 3);
  CHECK(r.err == "wasteledger: verification failed: --new " + (l / "cp7.note") + unsigned_by);
  // The old note is named as --old: here the new one is a note of another
  // ledger of the same size whose first checkpoint was signed by the other
  // key, so only the old one fails.
  CliLedger m;
  Fill(m, 5);
  const std::string other_new = l / "cp7-other.note";
  REQUIRE(Wl({"checkpoint", "--ledger", m.ledger, "--key", l / "other-operator.key", "--out", other_new})
              .exit_code == 0);
  r = Wl({"verify-proof", "consistency", "--proof", l / "c.json", "--old", l / "cp5.note", "--new", other_new,
          "--vkey", other});
  CHECK(r.exit_code == 3);
  CHECK(r.err == "wasteledger: verification failed: --old " + (l / "cp5.note") + unsigned_by);
  // A file that is no note at all is named by its option too.
  WriteFile(l / "junk.note", "not a note\n");
  r = Wl({"verify-proof", "inclusion", "--proof", l / "p3.json", "--entry", l / "e3.jsonl", "--checkpoint",
          l / "junk.note", "--vkey", l.operator_vkey});
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.rfind("wasteledger: error: --checkpoint " + (l / "junk.note") + ": ", 0) == 0);
  CHECK(r.err.find("checkpoint: ") == std::string::npos);
}

TEST_CASE("verify-proof consistency: OK between two checkpoints, exit 3 with a wrong proof",
          "[cli][verify-proof]") {
  CliLedger l;
  Fill(l, 3);
  l.Checkpoint(l / "cp5.note");
  Fill(l, 6, 3);
  l.Checkpoint(l / "cp11.note");
  RunResult r = Wl({"prove", "consistency", "--ledger", l.ledger, "--old", "5", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  WriteFile(l / "c.json", r.out);
  WriteFile(l / "bad.json", FlipFirstHashDigit(r.out));
  REQUIRE(CountLines(std::regex_replace(r.out, std::regex(","), "\n")) > 3);  // several hashes
  REQUIRE(ReadFile(l / "bad.json") != r.out);

  r = Wl({"verify-proof", "consistency", "--proof", l / "c.json", "--old", l / "cp5.note", "--new",
          l / "cp11.note", "--vkey", l.operator_vkey});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "OK: the tree of size 11 extends the tree of size 5 (" + std::string(kOrigin) + ")\n");

  r = Wl({"verify-proof", "consistency", "--proof", l / "bad.json", "--old", l / "cp5.note", "--new",
          l / "cp11.note", "--vkey", l.operator_vkey});
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("wasteledger: verification failed: consistency proof: ", 0) == 0);
  CHECK(CountLines(r.err) == 1);

  // A proof with a hash left out fails as well.
  std::string shorter = ReadFile(l / "c.json");
  const size_t first = shorter.find("\"hashes\":[\"") + 10;
  shorter.erase(first, 67);  // "<64 hex>", and its comma
  WriteFile(l / "short.json", shorter);
  r = Wl({"verify-proof", "consistency", "--proof", l / "short.json", "--old", l / "cp5.note", "--new",
          l / "cp11.note", "--vkey", l.operator_vkey});
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
}

}  // namespace
}  // namespace wasteledger::testing
