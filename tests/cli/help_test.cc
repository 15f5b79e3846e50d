// Usage: --help on every command, usage errors exit 2.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/cli_fixture.h"
#include "wasteledger/time_util.h"

namespace wasteledger::testing {
namespace {

// Every leaf command, as the words that name it.
const std::vector<std::vector<std::string>> kLeafCommands = {
    {"keygen"},         {"init"},         {"party", "add"},
    {"party", "update"}, {"party", "show"}, {"party", "list"},
    {"sign"},           {"submit"},       {"export"},
    {"log"},            {"show"},         {"checkpoint"},
    {"verify"},         {"prove", "inclusion"}, {"prove", "consistency"},
    {"verify-proof", "inclusion"}, {"verify-proof", "consistency"}};

std::string Join(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
  return s;
}

TEST_CASE("every command's --help exits 0 with an example", "[cli][help]") {
  for (const auto& words : kLeafCommands) {
    auto args = words;
    args.push_back("--help");
    RunResult r = Wl(args);
    INFO("wasteledger " << Join(args));
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("Usage:") != std::string::npos);
    CHECK(r.out.find("Example") != std::string::npos);
    // The example shows the command it documents.
    CHECK(r.out.find("wasteledger " + Join(words)) != std::string::npos);
  }
}

TEST_CASE("top-level --help lists every command and the exit codes", "[cli][help]") {
  RunResult r = Wl({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  for (const char* name : {"keygen", "init", "party", "sign", "submit", "export", "log", "show", "checkpoint",
                           "verify", "prove", "verify-proof"}) {
    INFO(name);
    CHECK(r.out.find(std::string("\n  ") + name + " ") != std::string::npos);
  }
  CHECK(r.out.find("4 ledger busy") != std::string::npos);
  // Exit code 5 was given for report reconcile --fail-on only; import
  // returns it too, a --dry-run and a re-import included.
  const size_t five = r.out.find("5 findings at or above `report reconcile --fail-on`, or an import");
  CHECK(five != std::string::npos);
  CHECK(r.out.find("some rows refused and the others good", five) != std::string::npos);
  CHECK(r.out.find("already in the ledger", five) != std::string::npos);
  CHECK(r.out.find("--dry-run", five) != std::string::npos);
  CHECK(r.out.find("every row refused is 1", five) != std::string::npos);
}

// The issue asks for "--help on every subcommand, with an example": the
// command groups (party, prove, verify-proof) too, not only their leaves.
TEST_CASE("command groups' --help shows an example", "[cli][help]") {
  for (const std::string group : {"party", "prove", "verify-proof"}) {
    RunResult r = Wl({group, "--help"});
    INFO(group);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("Subcommands:") != std::string::npos);
    CHECK(r.out.find("Example") != std::string::npos);
    // The example uses the group.
    CHECK(r.out.find("\n  wasteledger " + group + " ") != std::string::npos);
  }
}

// The values of `option` in the examples of a command's --help.
std::vector<std::string> ExampleValues(const std::vector<std::string>& command, const std::string& option) {
  auto args = command;
  args.push_back("--help");
  const std::string help = Wl(args).out;
  std::vector<std::string> values;
  const std::string tag = " " + option + " ";
  for (size_t at = help.find(tag, help.find("Example")); at != std::string::npos;
       at = help.find(tag, at + 1)) {
    const size_t from = at + tag.size();
    values.push_back(help.substr(from, help.find_first_of(" \n", from) - from));
  }
  return values;
}

// dispatch's example named one carrier, and handover's had it hand the
// manifest to another, which handover refuses: only a carrier named on the
// manifest takes it over.
TEST_CASE("dispatch, pickup and handover --help: the examples' carriers are the manifest's", "[cli][help]") {
  const auto carriers = ExampleValues({"dispatch"}, "--carrier");
  REQUIRE(carriers.size() >= 2);
  const auto pickup_key = ExampleValues({"pickup"}, "--key");
  REQUIRE(pickup_key.size() == 1);
  CHECK(pickup_key[0] == carriers[0] + ".key");  // the first leg picks up
  const auto handover_key = ExampleValues({"handover"}, "--key");
  const auto handover_to = ExampleValues({"handover"}, "--to");
  REQUIRE(handover_key.size() == 1);
  REQUIRE(handover_to.size() == 1);
  const auto from =
      std::find(carriers.begin(), carriers.end(), handover_key[0].substr(0, handover_key[0].size() - 4));
  const auto to = std::find(carriers.begin(), carriers.end(), handover_to[0]);
  CHECK(from != carriers.end());
  CHECK(to != carriers.end());
  CHECK(from < to);
}

// The complete command lines of the examples in a command's --help (those
// that abbreviate with "..." left out), continuation lines joined, each
// split into words as the shell would (quotes removed), "wasteledger" first.
std::vector<std::vector<std::string>> Examples(const std::vector<std::string>& command) {
  auto args = command;
  args.push_back("--help");
  std::string help = Wl(args).out;
  help = help.substr(help.find("Example"));
  for (size_t at; (at = help.find("\\\n")) != std::string::npos;) {
    const size_t next = help.find_first_not_of(' ', at + 2);
    help.replace(at, next - at, " ");
  }
  std::vector<std::vector<std::string>> out;
  for (const std::string& line : SplitLines(help)) {
    if (line.rfind("  wasteledger " + Join(command) + " ", 0) != 0 || line.find("...") != std::string::npos) {
      continue;
    }
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    for (size_t i = 0; i < line.size(); ++i) {
      const char ch = line[i];
      if (ch == '\'' || ch == '"') {
        const size_t end = line.find(ch, i + 1);
        word += line.substr(i + 1, end - i - 1);
        i = end;
        in_word = true;
      } else if (ch == ' ') {
        if (in_word) words.push_back(word);
        word.clear();
        in_word = false;
      } else {
        word += ch;
        in_word = true;
      }
    }
    if (in_word) words.push_back(word);
    out.push_back(words);
  }
  return out;
}

// The receive example gave manifest 20264110000001 "--mass 4.96t", but the
// dispatch example gives it two lines: run in order, the examples failed.
// generate, dispatch, pickup, handover, receive, utilize and dispose now
// form one chain; only the seq of the receive (which names the lots that
// utilize and dispose draw on) depends on what came before it.
TEST_CASE("the lifecycle verbs' --help examples run in order, one after another", "[cli][help]") {
  CliLedger l;
  auto add = [&](const std::string& id, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {
        "party", "add", "--ledger", l.ledger, "--key",  l.regulator_key,
        "--id",  id,    "--name",   id,       "--vkey", l.Keygen(id, id + ".key")};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = Wl(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  };
  add("yuzhou-power", {"--role", "producer", "--uscc", "91411081MA44XXXX0A"});
  add("xuchang-incinerator",
      {"--role", "receiver", "--permit", "XK:utilize,dispose:HW18,HW49:30000t:2026-01-01:2099-12-31"});
  add("henan-hazmat", {"--role", "carrier"});
  add("zhengzhou-rail", {"--role", "carrier"});

  const std::string year = FormatWithOffset(NowUnixSeconds(), 8 * 60).substr(0, 4);
  const std::string manifest = year + "4110000001";
  std::string receive_seq;
  auto run = [&](const std::vector<std::string>& command, size_t count) {
    const auto examples = Examples(command);
    REQUIRE(examples.size() == count);
    for (auto args : examples) {
      args.erase(args.begin());  // "wasteledger"
      for (size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--ledger") args[i + 1] = l.ledger;
        if (args[i] == "--key") args[i + 1] = l / args[i + 1];
        if (args[i] == "--manifest") {
          CHECK(args[i + 1] == "20264110000001");
          args[i + 1] = manifest;
        }
        if (args[i] == "--input") {
          CHECK(args[i + 1].rfind("#12/", 0) == 0);
          args[i + 1] = "#" + receive_seq + "/" + args[i + 1].substr(4);
        }
      }
      RunResult r = Wl(args);
      INFO(Join(args) << "\n" << r.err);
      REQUIRE(r.exit_code == 0);
      if (command[0] == "receive") receive_seq = r.out.substr(4, r.out.find(':') - 4);
    }
  };
  run({"generate"}, 2);
  run({"dispatch"}, 1);
  run({"pickup"}, 1);
  run({"handover"}, 1);
  run({"receive"}, 1);
  run({"utilize"}, 1);
  run({"dispose"}, 1);
  // What the examples say they do: the manifest received short by 40 kg, its
  // lots used up, the fly ash a new lot.
  const nlohmann::json lots =
      nlohmann::json::parse(Wl({"lots", "--ledger", l.ledger, "--format", "json", "--all"}).out);
  std::map<std::string, int64_t> remaining;
  int64_t sw59 = 0;
  for (const auto& lot : lots) {
    remaining[lot["id"]] = lot["remaining_g"];
    if (lot["waste"] == "SW59") sw59 += lot["remaining_g"].get<int64_t>();
  }
  CHECK(remaining["#" + receive_seq + "/1"] == 0);
  CHECK(remaining["#" + receive_seq + "/2"] == 0);
  CHECK(remaining["FA-INC-0301"] == 40000);
  CHECK(sw59 == 60000);
  const nlohmann::json m =
      nlohmann::json::parse(Wl({"manifest", "show", "--ledger", l.ledger, manifest, "--format", "json"}).out);
  CHECK(m["lines"][0]["mass_g"].get<int64_t>() - m["lines"][0]["received_g"].get<int64_t>() == 40000);
}

// init --help said an event counts "on the date of the offset it was
// written with"; it counts on its date in the ledger's timezone
// (docs/REPORTS.md, "Event dates").
TEST_CASE("init --help: events count on their date in the ledger's timezone", "[cli][help]") {
  RunResult r = Wl({"init", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("the date of the offset it was written with") == std::string::npos);
  // CLI11 wraps option descriptions: compare with the whitespace folded.
  std::string folded;
  for (char ch : r.out) {
    const bool space = ch == ' ' || ch == '\n';
    if (!(space && !folded.empty() && folded.back() == ' ')) folded.push_back(space ? ' ' : ch);
  }
  CHECK(folded.find("an event counts on its date in it, whatever offset it was written with") !=
        std::string::npos);
  CHECK(folded.find("2026-06-30T20:00:00Z is 1 July in a +08:00 ledger") != std::string::npos);
}

TEST_CASE("wasteledger without a command exits 2", "[cli][help]") {
  RunResult r = Wl({});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("A subcommand is required") != std::string::npos);
}

TEST_CASE("a command group without its subcommand exits 2", "[cli][help]") {
  for (const char* group : {"party", "prove", "verify-proof"}) {
    RunResult r = Wl({group});
    INFO(group);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK_FALSE(r.err.empty());
  }
}

TEST_CASE("a missing required option exits 2 and names it", "[cli][help]") {
  TempDir tmp;
  struct Case {
    std::vector<std::string> args;
    std::string missing;
  };
  const std::vector<Case> cases = {
      {{"keygen", "--name", "x"}, "--out"},
      {{"keygen", "--out", tmp / "x.key"}, "--name"},
      {{"init", "--ledger", tmp / "L", "--key", tmp / "x.key"}, "--origin"},
      {{"party", "add", "--ledger", tmp / "L", "--key", tmp / "x.key", "--id", "a", "--name", "A"}, "--role"},
      {{"sign"}, "--key"},
      {{"submit"}, "--ledger"},
      {{"export"}, "--ledger"},
      {{"show", "--ledger", tmp / "L"}, "SEQ"},
      {{"checkpoint", "--ledger", tmp / "L"}, "--key"},
      {{"prove", "inclusion", "--ledger", tmp / "L"}, "--seq"},
      {{"prove", "consistency", "--ledger", tmp / "L"}, "--old"},
      {{"verify-proof", "inclusion", "--proof", "p", "--checkpoint", "c", "--vkey", "v"}, "--entry"},
  };
  for (const auto& c : cases) {
    RunResult r = Wl(c.args);
    INFO("wasteledger " << Join(c.args) << "\nstderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(c.missing) != std::string::npos);
    CHECK(r.err.find("required") != std::string::npos);
  }
  // Nothing was created by the refused commands.
  CHECK(std::filesystem::is_empty(tmp.path()));
}

TEST_CASE("an unknown option exits 2 and names it", "[cli][help]") {
  TempDir tmp;
  const std::string ledger = tmp / "L", key = tmp / "x.key";
  // Every required option is given, so the unknown one is the only problem.
  const std::vector<std::vector<std::string>> commands = {
      {"keygen", "--name", "x", "--out", key},
      {"init", "--ledger", ledger, "--origin", "o", "--key", "k"},
      {"party", "add", "--ledger", ledger, "--key", "k", "--id", "a", "--name", "A", "--role", "producer"},
      {"party", "update", "--ledger", ledger, "--key", "k", "--id", "a"},
      {"party", "show", "--ledger", ledger, "a"},
      {"party", "list", "--ledger", ledger},
      {"sign", "--key", "k"},
      {"submit", "--ledger", ledger},
      {"export", "--ledger", ledger},
      {"log", "--ledger", ledger},
      {"show", "--ledger", ledger, "1"},
      {"checkpoint", "--ledger", ledger, "--key", "k"},
      {"verify", "--ledger", ledger},
      {"prove", "inclusion", "--ledger", ledger, "--seq", "1"},
      {"prove", "consistency", "--ledger", ledger, "--old", "1"},
      {"verify-proof", "inclusion", "--proof", "p", "--checkpoint", "c", "--entry", "e", "--vkey", "v"},
      {"verify-proof", "consistency", "--proof", "p", "--old", "o", "--new", "n", "--vkey", "v"}};
  REQUIRE(commands.size() == kLeafCommands.size());
  for (const auto& words : commands) {
    auto args = words;
    args.push_back("--no-such-option");
    RunResult r = Wl(args);
    INFO("wasteledger " << Join(args) << "\nstderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("--no-such-option") != std::string::npos);
  }
  CHECK(std::filesystem::is_empty(tmp.path()));
}

// CLI11 printed its own wording with no prefix: "--waste: At Most 1
// required but received 2", "...were not expected: json --format"; then a
// second line, "Run with --help for more information.": where to look is now
// said at the end of the one line, naming the command.
TEST_CASE("a usage error is one line in wasteledger's form, saying where to look", "[cli][help]") {
  TempDir tmp;
  const std::string L = tmp / "L", K = tmp / "k.key";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"generate", "--ledger", L, "--key", K, "--waste", "SW02", "--waste", "SW03", "--mass", "1t"},
       "--waste is given 2 times; give it once (see wasteledger generate --help)"},
      {{"generate", "--ledger", L, "--key", K, "--waste", "", "--mass", "1t"},
       "--waste: needs a waste code, not an empty value (see wasteledger generate --help)"},
      {{"export", "--ledger", L, "--format", "json"},
       "not expected: --format json (an unknown option, or more values than the command takes) (see "
       "wasteledger export --help)"},
      {{"export", "--ledger", L, "--no-such-option"},
       "not expected: --no-such-option (an unknown option, or more values than the command takes) (see "
       "wasteledger export --help)"},
      {{"export"}, "--ledger is required (see wasteledger export --help)"},
      {{"submit", "--ledger", L, "--batch", "0"},
       "--batch: Value 0 not in range 1 to 1000000 (see wasteledger submit --help)"},
      {{"receive", "--ledger", L, "--key", K, "--manifest", "1", "--reject", ""},
       "--reject: needs a reason, not an empty value (see wasteledger receive --help)"},
      {{"party", "show", "--ledger", L, "a", "--format", "xml"},
       "--format: xml not in {text,json} (see wasteledger party show --help)"},
      {{"party"}, "A subcommand is required (see wasteledger party --help)"},
      {{}, "A subcommand is required (see wasteledger --help)"},
  };
  for (const auto& [args, message] : cases) {
    RunResult r = Wl(args);
    INFO(Join(args));
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "wasteledger: error: " + message + "\n");
  }
  CHECK(std::filesystem::is_empty(tmp.path()));
}

TEST_CASE("an unknown command exits 2", "[cli][help]") {
  RunResult r = Wl({"no-such-command"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_FALSE(r.err.empty());
}

// A mistyped command is named (not just "A subcommand is required"), also
// inside a command group.
TEST_CASE("an unknown command is named in the message", "[cli][help]") {
  RunResult r = Wl({"no-such-command"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: unknown command \"no-such-command\" (see wasteledger --help)\n");
  r = Wl({"party", "no-such-command", "--ledger", "L"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "wasteledger: error: unknown command \"party no-such-command\" (see wasteledger party --help)\n");
}

TEST_CASE("an invalid option value exits 2", "[cli][help]") {
  TempDir tmp;
  RunResult r = Wl({"submit", "--ledger", tmp / "L", "--batch", "0"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("--batch") != std::string::npos);
  r = Wl({"prove", "inclusion", "--ledger", tmp / "L", "--seq", "1", "--format", "xml"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("--format") != std::string::npos);
  r = Wl({"show", "--ledger", tmp / "L", "minus-one"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
}

// CLI11 reads "-1" into an unsigned 64-bit option as 2^64 - 1; every seq,
// size and count option refuses a sign instead of reading a huge number.
TEST_CASE("a negative seq, size or count exits 2 and names the option", "[cli][help]") {
  TempDir tmp;
  const std::string L = tmp / "L";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"export", "--ledger", L, "--from", "-1"}, "--from"},
      {{"export", "--ledger", L, "--to", "-2"}, "--to"},
      {{"log", "--ledger", L, "--from", "-1"}, "--from"},
      {{"log", "--ledger", L, "--limit", "-5"}, "--limit"},
      {{"prove", "inclusion", "--ledger", L, "--seq", "-1"}, "--seq"},
      {{"prove", "inclusion", "--ledger", L, "--seq", "1", "--size", "-1"}, "--size"},
      {{"prove", "consistency", "--ledger", L, "--old", "-1"}, "--old"},
      {{"prove", "consistency", "--ledger", L, "--old", "1", "--new", "+3"}, "--new"},
      {{"void", "--ledger", L, "--key", L, "--seq", "-1", "--reason", "x"}, "--seq"},
      {{"export", "--ledger", L, "--from", "1e3"}, "--from"},
  };
  for (const auto& [args, option] : cases) {
    RunResult r = Wl(args);
    INFO(Join(args) << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(option + ": must be a whole number 0 or more") != std::string::npos);
  }
}

// CLI11 reads a number past 2^64 - 1 as 2^64 - 1 ("leaf index
// 18446744073709551615"): it is refused as too large.
TEST_CASE("a seq, size or count past 2^64 - 1 exits 2 naming the option", "[cli][help]") {
  TempDir tmp;
  const std::string L = tmp / "L";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"prove", "inclusion", "--ledger", L, "--seq", "99999999999999999999"},
       "--seq: 99999999999999999999 is too large (at most 18446744073709551615)"},
      {{"export", "--ledger", L, "--from", "18446744073709551616"},
       "--from: 18446744073709551616 is too large (at most 18446744073709551615)"},
      {{"log", "--ledger", L, "--limit", "000000000000000000000000000018446744073709551616"}, "--limit: "},
  };
  for (const auto& [args, says] : cases) {
    RunResult r = Wl(args);
    INFO(Join(args) << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(says + (says.back() == ' ' ? "" : " (see wasteledger ")) != std::string::npos);
    CHECK(CountLines(r.err) == 1);
    CHECK(r.err.find("too large") != std::string::npos);
  }
  // The largest that fits is a number like any other (no such ledger here).
  RunResult r = Wl({"export", "--ledger", L, "--from", "18446744073709551615"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("too large") == std::string::npos);
}

}  // namespace
}  // namespace wasteledger::testing
