// sign and submit: seqs, replay, refusals, batches, seals.
#include <fmt/format.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "cli/cli_fixture.h"

namespace wasteledger::testing {
namespace {

// Seqs first..first+n-1, one a line, optionally as replays.
std::string Seqs(uint64_t first, uint64_t n, bool replay = false) {
  std::string out;
  for (uint64_t s = first; s < first + n; ++s) {
    out += std::to_string(s) + (replay ? " (already in the ledger)\n" : "\n");
  }
  return out;
}

// Changes one base64 character of the signature value on `line`.
std::string FlipSignatureChar(std::string line) {
  const std::string tag = "\"value\":\"";
  const size_t at = line.find(tag);
  REQUIRE(at != std::string::npos);
  char& c = line[at + tag.size() + 10];
  c = c == 'A' ? 'B' : 'A';
  return line;
}

TEST_CASE("sign turns statements into signed lines, in order", "[cli][sign]") {
  CliLedger l;
  RunResult r = Wl({"sign", "--key", l.producer_key}, Statements(3));
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const auto lines = SplitLines(r.out);
  REQUIRE(lines.size() == 3);
  const std::string ref = KeyRef(l.producer_vkey);
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO(lines[i]);
    const std::regex shape(
        "\\{\"sig\":\\{\"key\":\"" + std::regex_replace(ref, std::regex("\\+"), "\\+") +
        "\",\"value\":\"[A-Za-z0-9+/]{86}==\"\\},\"statement\":\\{\"actor\":\"prod\",\"body\":\\{\"mass_g\":" +
        std::to_string(1000 + i) + ",\"waste\":\"900-041-49\"\\},\"kind\":\"generate\",\"nonce\":\"s" +
        std::to_string(i) + "\",\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+08:00\",\"v\":1\\}\\}");
    CHECK(std::regex_match(lines[i], shape));
  }
  // A given time and timezone are kept as they are.
  r = Wl({"sign", "--key", l.producer_key},
         "{\"kind\":\"generate\",\"time\":\"2026-03-01T08:00:00-05:00\",\"body\":{\"mass_g\":1}}\n");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\"time\":\"2026-03-01T08:00:00-05:00\"") != std::string::npos);
}

TEST_CASE("submit prints each seq on its own line in input order", "[cli][submit]") {
  CliLedger l;
  RunResult r = l.Submit(l.Sign(l.producer_key, Statements(5)));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == Seqs(2, 5));
  CHECK(r.err == "submitted: 5 appended (seq 2..6), 0 already in the ledger; ledger size 7\n");
  const auto entries = SplitLines(l.Export());
  REQUIRE(entries.size() == 7);
  for (size_t i = 0; i < 5; ++i) {
    INFO(entries[2 + i]);
    CHECK(entries[2 + i].find("\"seq\":" + std::to_string(2 + i) + ",") != std::string::npos);
    CHECK(entries[2 + i].find("\"nonce\":\"s" + std::to_string(i) + "\"") != std::string::npos);
  }
  // --quiet keeps only the summary.
  r = l.Submit(l.Sign(l.producer_key, Statements(2, 5)), {"--quiet"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(r.err == "submitted: 2 appended (seq 7..8), 0 already in the ledger; ledger size 9\n");
}

TEST_CASE("a replayed submission is answered with its existing seq", "[cli][submit]") {
  CliLedger l;
  const std::string signed_lines = l.Sign(l.producer_key, Statements(3));
  REQUIRE(l.Submit(signed_lines).exit_code == 0);
  const std::string before = l.Export();

  RunResult r = l.Submit(signed_lines);
  CHECK(r.exit_code == 0);
  CHECK(r.out == Seqs(2, 3, true));
  CHECK(r.err == "submitted: 0 appended, 3 already in the ledger; ledger size 5\n");
  CHECK(l.Export() == before);

  // Old and new mixed: old ones keep their seqs, the new one is appended.
  const std::string mixed = signed_lines + l.Sign(l.producer_key, Statements(1, 3));
  r = l.Submit(mixed);
  CHECK(r.exit_code == 0);
  CHECK(r.out == Seqs(2, 3, true) + "5\n");
  CHECK(r.err == "submitted: 1 appended (seq 5..5), 3 already in the ledger; ledger size 6\n");
}

// An editor's byte-order mark: sign and submit skip it (it failed with
// "unexpected byte 0xEF"); an export is the stored bytes, so verify names it.
TEST_CASE("a UTF-8 byte-order mark is skipped by sign and submit, and named by verify --export",
          "[cli][sign][submit]") {
  CliLedger l;
  const std::string bom = "\xEF\xBB\xBF";
  const std::string statements =
      "{\"kind\":\"generate\",\"time\":\"2026-03-01T08:00:00+08:00\",\"nonce\":\"b1\","
      "\"body\":{\"waste\":\"SW02\",\"mass_g\":1}}\n";
  RunResult signed_bom = Wl({"sign", "--key", l.producer_key}, bom + statements);
  INFO(signed_bom.err);
  REQUIRE(signed_bom.exit_code == 0);
  CHECK(signed_bom.out == l.Sign(l.producer_key, statements));
  // From a file too.
  WriteFile(l / "bom.jsonl", bom + statements);
  RunResult from_file = Wl({"sign", "--key", l.producer_key, l / "bom.jsonl"});
  CHECK(from_file.exit_code == 0);
  CHECK(from_file.out == signed_bom.out);

  RunResult r = l.Submit(bom + signed_bom.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "2\n");
  CHECK(r.err == "submitted: 1 appended (seq 2..2), 0 already in the ledger; ledger size 3\n");

  WriteFile(l / "e.jsonl", bom + l.Export());
  r = Wl({"verify", "--export", l / "e.jsonl"});
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "wasteledger: verification failed: line 1 starts with a UTF-8 byte-order mark (EF BB BF); save the "
        "file "
        "without it\n");
  // Only at the start of the file: the same bytes later are a bad line.
  const std::string exported = l.Export();
  WriteFile(l / "e2.jsonl", exported + bom + "\n");
  r = Wl({"verify", "--export", l / "e2.jsonl"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("byte-order mark") == std::string::npos);
}

// Said "1 appended, 1 already in the ledger", as if the second line had
// been submitted before.
TEST_CASE("a line repeating an earlier one is warned of by sign and counted apart by submit",
          "[cli][sign][submit]") {
  CliLedger l;
  const std::string line =
      "{\"kind\":\"generate\",\"time\":\"2026-03-01T08:00:00+08:00\",\"body\":{\"waste\":\"SW02\","
      "\"mass_g\":1}}\n";
  const std::string other = Statements(1);
  RunResult s = Wl({"sign", "--key", l.producer_key}, line + other + line);
  CHECK(s.exit_code == 0);
  CHECK(CountLines(s.out) == 3);
  CHECK(s.err ==
        "wasteledger: warning: line 3 repeats line 1: the ledger keeps one statement once; give each a "
        "distinct "
        "\"nonce\" if both are meant\n");

  RunResult r = l.Submit(s.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "2\n3\n2 (repeats an earlier line)\n");
  CHECK(r.err ==
        "submitted: 2 appended (seq 2..3), 0 already in the ledger, 1 repeating an earlier line; ledger size "
        "4\n");
  // Run again: all three were in the ledger before this run.
  r = l.Submit(s.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "2 (already in the ledger)\n3 (already in the ledger)\n2 (already in the ledger)\n");
  CHECK(r.err == "submitted: 0 appended, 3 already in the ledger; ledger size 4\n");
  CHECK(l.Size() == 4);
}

// Under --seal the repeat was sealed twice: submit stored it twice and
// verify then reported the ledger as tampered.
TEST_CASE("sign --seal leaves a repeated line out of the seal", "[cli][sign][submit]") {
  CliLedger l;
  const std::string line =
      "{\"kind\":\"generate\",\"time\":\"2026-03-01T08:00:00+08:00\",\"body\":{\"waste\":\"SW02\","
      "\"mass_g\":1}}\n";
  RunResult s = Wl({"sign", "--key", l.producer_key, "--seal"}, Statements(1) + line + line);
  CHECK(s.exit_code == 0);
  CHECK(s.err ==
        "wasteledger: warning: line 3 repeats line 2: the ledger keeps one statement once, so it is sealed "
        "once; give each a distinct \"nonce\" if both are meant\n");
  const auto lines = SplitLines(s.out);
  REQUIRE(lines.size() == 3);  // the seal and its two members
  CHECK(nlohmann::json::parse(lines[0])["statement"]["body"]["count"] == 2);

  RunResult r = l.Submit(s.out);
  CHECK(r.exit_code == 0);
  CHECK(r.err == "submitted: 3 appended (seq 2..4), 0 already in the ledger; ledger size 5\n");
  r = l.Submit(s.out);
  CHECK(r.exit_code == 0);
  CHECK(r.err == "submitted: 0 appended, 3 already in the ledger; ledger size 5\n");
  r = Wl({"verify", "--ledger", l.ledger, "--deep"});
  CHECK(r.exit_code == 0);
}

TEST_CASE("submit refuses a tampered signature", "[cli][submit]") {
  CliLedger l;
  const auto lines = SplitLines(l.Sign(l.producer_key, Statements(2)));
  const std::string ref = KeyRef(l.producer_vkey);
  RunResult r = l.Submit(lines[0] + "\n" + FlipSignatureChar(lines[1]) + "\n");
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: line 2: signature does not verify under key " + ref + "\n");
  CHECK(l.Size() == 2);  // line 1 was in the same batch: nothing written
}

TEST_CASE("submit refuses a statement edited after signing", "[cli][submit]") {
  CliLedger l;
  std::string line = l.Sign(l.producer_key, Statements(1));
  const size_t at = line.find("\"mass_g\":1000");
  REQUIRE(at != std::string::npos);
  line.replace(at, 13, "\"mass_g\":9000");
  RunResult r = l.Submit(line);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("line 1: signature does not verify") != std::string::npos);
  CHECK(l.Size() == 2);
}

TEST_CASE("sign refuses a statement whose actor is not the key's name", "[cli][sign]") {
  CliLedger l;
  RunResult r = Wl({"sign", "--key", l.producer_key},
                   "{\"kind\":\"generate\",\"actor\":\"reg\",\"body\":{\"mass_g\":1}}\n");
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "wasteledger: error: line 1: statement field \"actor\" is \"reg\" but the key is \"prod\": a party signs "
        "its own statements\n");
}

TEST_CASE("submit refuses a statement signed with another party's key", "[cli][submit]") {
  CliLedger l;
  // Signed by the regulator's key but naming the producer as actor: made by
  // hand, since sign refuses it.
  const std::string prod_line = l.Sign(l.producer_key, Statements(1));
  const std::string reg_line = l.Sign(l.regulator_key, Statements(1));
  const std::string forged = reg_line.substr(0, reg_line.find(",\"statement\":")) +
                             prod_line.substr(prod_line.find(",\"statement\":"));
  RunResult r = l.Submit(forged);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("line 1") != std::string::npos);
  CHECK(l.Size() == 2);
}

TEST_CASE("a malformed JSON line is refused, naming its line", "[cli][sign][submit]") {
  CliLedger l;
  RunResult r = Wl({"sign", "--key", l.producer_key}, Statements(2) + "{\"kind\":\"generate\",\n");
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("wasteledger: error: line 3: invalid JSON", 0) == 0);
  CHECK(CountLines(r.err) == 1);

  const std::string good = l.Sign(l.producer_key, Statements(2));
  r = l.Submit(good + "\n{not json}\n");  // the empty line 3 is skipped but counted
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("wasteledger: error: line 4: invalid JSON", 0) == 0);
  CHECK(CountLines(r.err) == 1);
  CHECK(l.Size() == 2);
}

TEST_CASE("submit refuses unsigned statements and sign refuses signed ones", "[cli][sign][submit]") {
  CliLedger l;
  RunResult r = l.Submit(Statements(1));
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("line 1") != std::string::npos);
  r = Wl({"sign", "--key", l.producer_key}, l.Sign(l.producer_key, Statements(1)));
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "wasteledger: error: line 1: this line is already a signed submission; give bare statements\n");
  CHECK(l.Size() == 2);
}

// The disk fills up during a submit (the file size limit stands in for it):
// the batches written before stay, the note says which input lines are in,
// and the same input submitted again appends the rest as the replays skip.
TEST_CASE("a write that fails mid-submit keeps the earlier batches and says which lines are in", "[cli][submit]") {
  CliLedger l;
  const std::string input = l.Sign(l.producer_key, Statements(3000));
  // 1.5 to 3 MB of files: about a kilobyte of log a statement, so batch 1
  // fits and batch 3 does not.
  RunResult r = WlWithFileSizeLimit(3000, {"submit", "--ledger", l.ledger, "--batch", "1000", "-"}, input);
  INFO(r.err);
  REQUIRE(r.exit_code == 1);
  const auto err = SplitLines(r.err);
  REQUIRE(err.size() == 2);
  CHECK(err[0].rfind("wasteledger: error: append failed: IO error: ", 0) == 0);
  CHECK(err[0].find("File too large") != std::string::npos);
  const size_t in = CountLines(r.out);  // each appended statement's seq
  CHECK((in == 1000 || in == 2000));
  CHECK(r.out == Seqs(2, in));
  CHECK(err[1] == fmt::format("wasteledger: note: input lines up to {} are in the ledger ({} appended, seq 2..{}, 0 "
                              "already there); nothing after them was written",
                              in, in, in + 1));
  CHECK(l.Size() == in + 2);
  CHECK(Wl({"verify", "--ledger", l.ledger}).exit_code == 0);

  r = l.Submit(input, {"--batch", "1000", "--quiet"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(l.Size() == 3002);
  CHECK(Wl({"verify", "--ledger", l.ledger}).exit_code == 0);
}

// A live feed on stdin, stalled, then Ctrl-C (or SIGTERM, SIGHUP): submit
// stops between batches and says which input lines are in.
TEST_CASE("submit interrupted while it waits for input says which lines are in", "[cli][submit][signal]") {
  CliLedger l;
  const auto lines = SplitLines(l.Sign(l.producer_key, Statements(450)));
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    INFO(sig);
    const size_t before = l.Size();
    Child child({"submit", "--ledger", l.ledger, "--batch", "100", "--quiet", "-"}, l.dir().path().string());
    // 150 lines, then the feed stalls: a full batch and, after the stall,
    // the 50 lines read so far.
    const size_t round = static_cast<size_t>(sig == SIGINT ? 0 : sig == SIGTERM ? 1 : 2);
    std::string fed;
    for (size_t i = 0; i < 150; ++i) fed += lines[round * 150 + i] + "\n";
    child.WriteStdin(fed);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (l.Size() < before + 150 && child.Running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(child.Running());
    ::kill(child.pid(), sig);
    // Its input still open: the signal alone ends it.
    while (child.Running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK_FALSE(child.Running());
    RunResult done = child.Wait();
    CHECK(done.exit_code == 130);
    const std::regex said(
        "wasteledger: error: submit interrupted by (Ctrl-C \\(SIGINT\\)|SIGTERM|SIGHUP): input lines up to "
        "150 "
        "are in the ledger \\(([0-9]+) appended(, seq [0-9]+\\.\\.[0-9]+)?, ([0-9]+) already there\\); "
        "nothing "
        "after them was written\\. Run the same command again to append the rest \\(statements already in "
        "the "
        "ledger are answered with their seqs\\)\n");
    std::smatch m;
    INFO(done.err);
    REQUIRE(std::regex_match(done.err, m, said));
    CHECK(std::stoul(m[2]) == 150);
    CHECK(std::stoul(m[4]) == 0);
    CHECK(l.Size() == before + 150);
  }
  CHECK(Wl({"verify", "--ledger", l.ledger, "--quiet"}).exit_code == 0);
}

TEST_CASE("a bad line in a later batch: earlier batches land, its batch does not", "[cli][submit]") {
  CliLedger l;
  auto lines = SplitLines(l.Sign(l.producer_key, Statements(2500)));
  REQUIRE(lines.size() == 2500);
  lines[1499] = FlipSignatureChar(lines[1499]);  // input line 1500, in the second batch
  std::string input;
  for (const auto& line : lines) input += line + "\n";
  RunResult r = l.Submit(input, {"--batch", "1000"});
  CHECK(r.exit_code == 1);
  CHECK(r.out == Seqs(2, 1000));
  const std::string ref = KeyRef(l.producer_vkey);
  CHECK(r.err ==
        "wasteledger: error: line 1500: signature does not verify under key " + ref +
            "\n"
            "wasteledger: note: input lines up to 1000 are in the ledger (1000 appended, seq 2..1001, 0 already "
            "there); nothing after them was written\n");
  const auto entries = SplitLines(l.Export());
  REQUIRE(entries.size() == 1002);
  CHECK(entries.back().find("\"nonce\":\"s999\"") != std::string::npos);

  // Re-running the corrected input is safe: the first 1000 are replays.
  lines[1499] = SplitLines(l.Sign(l.producer_key, Statements(1, 1499)))[0];
  input.clear();
  for (const auto& line : lines) input += line + "\n";
  r = l.Submit(input, {"--batch", "1000", "--quiet"});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "submitted: 1500 appended (seq 1002..2501), 1000 already in the ledger; ledger size 2502\n");
}

TEST_CASE("sign --seal makes one seal and K members that log shows as sealed", "[cli][seal]") {
  CliLedger l;
  const std::string sealed = l.Sign(l.producer_key, Statements(4), true);
  const auto lines = SplitLines(sealed);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0].find("\"body\":{\"count\":4,\"root\":\"") != std::string::npos);
  CHECK(lines[0].find("\"kind\":\"seal\"") != std::string::npos);
  CHECK(lines[0].rfind("{\"sig\":", 0) == 0);
  for (size_t i = 1; i < lines.size(); ++i) {
    CHECK(lines[i].rfind("{\"seal\":{\"index\":" + std::to_string(i - 1) + "},\"statement\":", 0) == 0);
    CHECK(lines[i].find("\"sig\"") == std::string::npos);
  }
  RunResult r = l.Submit(sealed);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == Seqs(2, 5));
  CHECK(r.err == "submitted: 5 appended (seq 2..6), 0 already in the ledger; ledger size 7\n");

  r = Wl({"log", "--ledger", l.ledger, "--from", "2"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  const auto log = SplitLines(r.out);
  REQUIRE(log.size() == 5);
  CHECK(log[0].find("seal") != std::string::npos);
  CHECK(log[0].find("batch of 4") != std::string::npos);
  CHECK(log[0].find("sealed by") == std::string::npos);
  for (size_t i = 1; i < 5; ++i) {
    CHECK(log[i].rfind(std::string(7, ' ') + std::to_string(2 + i) + "  ", 0) == 0);
    CHECK(log[i].size() > 14);
    CHECK(log[i].substr(log[i].size() - 14) == " (sealed by 2)");
  }
  // The stored members (seq 3..6) carry "seal":{"by":2,"index":i} and no "sig".
  for (size_t i = 0; i < 4; ++i) {
    r = Wl({"show", "--ledger", l.ledger, "--raw", std::to_string(3 + i)});
    INFO(r.out);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(",\"seal\":{\"by\":2,\"index\":" + std::to_string(i) +
                     "},\"seq\":" + std::to_string(3 + i) + ",") != std::string::npos);
    CHECK(r.out.find("\"sig\"") == std::string::npos);
  }
  // Replaying the sealed batch answers with the same seqs.
  r = l.Submit(sealed);
  CHECK(r.exit_code == 0);
  CHECK(r.out == Seqs(2, 5, true));
  r = Wl({"verify", "--ledger", l.ledger});
  CHECK(r.exit_code == 0);
  // Signatures: genesis, party "prod" and the seal.
  CHECK(r.out.find("3 signatures and 4 sealed statements checked") != std::string::npos);
}

TEST_CASE("a sealed member edited after signing is refused with seal root", "[cli][seal]") {
  CliLedger l;
  auto lines = SplitLines(l.Sign(l.producer_key, Statements(3), true));
  REQUIRE(lines.size() == 4);
  const size_t at = lines[2].find("\"mass_g\":1001");
  REQUIRE(at != std::string::npos);
  lines[2].replace(at, 13, "\"mass_g\":9001");
  RunResult r = l.Submit(lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n" + lines[3] + "\n");
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("seal root") != std::string::npos);
  CHECK(r.err.find("line 1") != std::string::npos);
  CHECK(l.Size() == 2);
}

TEST_CASE("a sealed batch with a member missing is refused", "[cli][seal]") {
  CliLedger l;
  auto lines = SplitLines(l.Sign(l.producer_key, Statements(3), true));
  REQUIRE(lines.size() == 4);
  RunResult r = l.Submit(lines[0] + "\n" + lines[1] + "\n" + lines[3] + "\n");
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  CHECK(l.Size() == 2);
}

TEST_CASE("a sealed batch is never split by --batch", "[cli][seal]") {
  CliLedger l;
  const std::string input = l.Sign(l.producer_key, Statements(3, 0, "a")) +
                            l.Sign(l.producer_key, Statements(6, 0, "b"), true) +
                            l.Sign(l.producer_key, Statements(2, 0, "c"));
  RunResult r = l.Submit(input, {"--batch", "4"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == Seqs(2, 12));
  CHECK(r.err == "submitted: 12 appended (seq 2..13), 0 already in the ledger; ledger size 14\n");
  CHECK(Wl({"verify", "--ledger", l.ledger}).exit_code == 0);
}

TEST_CASE("sign --seal of an empty input is refused", "[cli][seal]") {
  CliLedger l;
  RunResult r = Wl({"sign", "--key", l.producer_key, "--seal"}, "\n");
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: nothing to seal: the input is empty\n");
}

TEST_CASE("WASTELEDGER_LEDGER and WASTELEDGER_KEY stand in for --ledger and --key", "[cli][env]") {
  CliLedger l;
  const std::string env_ledger = "WASTELEDGER_LEDGER=" + l.ledger;
  RunResult r = Wl({"sign"}, Statements(2), {"WASTELEDGER_KEY=" + l.producer_key});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(CountLines(r.out) == 2);
  r = Wl({"submit"}, r.out, {env_ledger});
  CHECK(r.exit_code == 0);
  CHECK(r.out == Seqs(2, 2));

  const std::string vkey = l.Keygen("p2", "p2.key");
  r = Wl({"party", "add", "--id", "p2", "--name", "P2", "--role", "producer", "--vkey", vkey}, "",
         {env_ledger, "WASTELEDGER_KEY=" + l.regulator_key});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "seq 4\n");

  r = Wl({"export"}, "", {env_ledger});
  CHECK(r.exit_code == 0);
  CHECK(r.out == l.Export());
  CHECK(CountLines(r.out) == 5);
  r = Wl({"checkpoint"}, "", {env_ledger, "WASTELEDGER_KEY=" + l.operator_key});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind(std::string(kOrigin) + "\n5\n", 0) == 0);
  r = Wl({"verify"}, "", {env_ledger});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("OK: 5 entries", 0) == 0);

  // The options win over the environment.
  TempDir elsewhere;
  r = Wl({"export", "--ledger", l.ledger}, "", {"WASTELEDGER_LEDGER=" + (elsewhere / "none")});
  CHECK(r.exit_code == 0);
  CHECK(CountLines(r.out) == 5);
}

}  // namespace
}  // namespace wasteledger::testing
