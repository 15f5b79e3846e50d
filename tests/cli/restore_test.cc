// wasteledger restore: a city's ledger rebuilt from its export is the same
// ledger (every entry byte for byte, the same root, the same stock, lots,
// manifests and reports, and its deep check agrees); a prefix (--size, or a
// signed checkpoint) is the ledger as it stood then; a bad export, a wrong
// checkpoint or a target that holds something leaves no ledger behind.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/city_fixture.h"

namespace wasteledger::testing {
namespace {

using nlohmann::json;

// City plus a history that touches every kind of entry: generation, a
// manifest picked up and received, a disposal, a correction, a void, a
// sealed batch and an imported legacy file. `size_before_void` is the
// ledger's size just before the void.
class HistoryCity : public City {
 public:
  HistoryCity() {
    AsOk("prod",
         {"generate", "--waste", "900-041-49", "--mass", "3t", "--lot", "L1", "--time", "2026-03-01"});
    AsOk("prod", {"dispatch", "--to", "incin", "--carrier", "haul", "--line", "900-041-49:2t", "--manifest",
                  "20264110000001", "--time", "2026-03-02T09:00:00+08:00"});
    AsOk("haul", {"pickup", "--manifest", "20264110000001", "--time", "2026-03-02T10:00:00+08:00"});
    const uint64_t received = SeqOf(
        AsOk("incin", {"receive", "--manifest", "20264110000001", "--time", "2026-03-03T09:00:00+08:00"}));
    const uint64_t corrected = SeqOf(AsOk(
        "reg", {"correct", "--seq", std::to_string(received), "--mass", "1.98t", "--reason", "weighbridge"}));
    AsOk("incin", {"dispose", "--method", "D10", "--input", "#" + std::to_string(corrected) + "/1:1t",
                   "--time", "2026-03-04T09:00:00+08:00"});
    const uint64_t g =
        SeqOf(AsOk("prod", {"generate", "--waste", "SW02", "--mass", "120t", "--lot", "ASH-1"}));
    RunResult r = Submit(Sign(producer_key, Statements(3), true), {"--quiet"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    r = Wl({"import", "--ledger", ledger, "--key", regulator_key, "--profile", "cn-hw-manifest",
            "--create-parties", "--max-errors", "100",
            std::string(WL_SOURCE_DIR) + "/tests/cli/data/legacy-manifests-gb18030.csv"});
    INFO(r.err);
    REQUIRE((r.exit_code == 0 || r.exit_code == 5));
    // The operator's checkpoint of the ledger as it stood before the void.
    Ok({"checkpoint", "--ledger", ledger, "--key", operator_key, "--out", *this / "before-void.note"});
    size_before_void = Size();
    AsOk("reg", {"void", "--seq", std::to_string(g), "--reason", "entered twice"});
  }
  size_t size_before_void = 0;
};

std::string Restore(const City& /*c*/, const std::vector<std::string>& args, int expected_exit = 0) {
  std::vector<std::string> all = {"restore", "--quiet", "--export"};
  all.insert(all.end(), args.begin(), args.end());
  RunResult r = Wl(all);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == expected_exit);
  return expected_exit == 0 ? r.out : r.err;
}

// What every reader of the ledger shows of it, as JSON texts (the report's
// facts name the ledger by origin, size and root, which are the same).
std::vector<std::string> Views(const std::string& ledger) {
  std::vector<std::vector<std::string>> reads = {
      {"stock", "--format", "json"},
      {"lots", "--all", "--format", "json"},
      {"manifest", "list", "--format", "json"},
      {"party", "list"},
      {"report", "balance", "--format", "json"},
      {"report", "reconcile", "--as-of", "2026-12-01", "--format", "json"},
      {"log"},
  };
  std::vector<std::string> out;
  for (auto args : reads) {
    args.insert(args.begin() + (args[0] == "manifest" || args[0] == "party" || args[0] == "report" ? 2 : 1),
                {"--ledger", ledger});
    RunResult r = Wl(args);
    INFO(args[0] << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    out.push_back(r.out);
  }
  return out;
}

TEST_CASE("restore rebuilds the same ledger from its export", "[cli][restore]") {
  HistoryCity c;
  const std::string exported = c.Export();
  WriteFile(c / "city.jsonl", exported);
  const std::string out = Restore(c, {c / "city.jsonl", "--ledger", c / "copy.ledger"});
  const size_t n = CountLines(exported);
  CHECK_THAT(out, Catch::StartsWith(fmt::format("restored {} entries (all of {}) into {}, root ", n,
                                                c / "city.jsonl", c / "copy.ledger")));
  // Byte for byte the same log, so the same root and proofs.
  CHECK(Wl({"export", "--ledger", c / "copy.ledger"}).out == exported);
  CHECK(Wl({"prove", "inclusion", "--ledger", c / "copy.ledger", "--seq", "5"}).out ==
        Wl({"prove", "inclusion", "--ledger", c.ledger, "--seq", "5"}).out);
  // Every index rebuilt from the log is what the original holds.
  CHECK(Views(c / "copy.ledger") == Views(c.ledger));
  RunResult deep = Wl({"verify", "--ledger", c / "copy.ledger", "--deep", "--quiet"});
  INFO(deep.err);
  CHECK(deep.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(c / "copy.ledger/RESTORE-UNFINISHED"));
  // It is a ledger like any other: it takes new entries.
  CHECK(Wl({"generate", "--ledger", c / "copy.ledger", "--key", c.producer_key, "--waste", "SW02", "--mass",
            "1t"})
            .exit_code == 0);
}

TEST_CASE("restore --size and --checkpoint give the ledger as it stood then", "[cli][restore]") {
  HistoryCity c;
  WriteFile(c / "city.jsonl", c.Export());
  const std::string k = std::to_string(c.size_before_void);
  Restore(c, {c / "city.jsonl", "--ledger", c / "then.ledger", "--size", k});
  const std::string then = Wl({"export", "--ledger", c / "then.ledger"}).out;
  CHECK(CountLines(then) == c.size_before_void);
  CHECK(c.Export().rfind(then, 0) == 0);
  // The generation voided later is live in the ledger as it stood.
  auto held = [](const std::string& ledger) {
    RunResult r = Wl({"stock", "--ledger", ledger, "--format", "json"});
    REQUIRE(r.exit_code == 0);
    json s = json::parse(r.out)["stock_g"];
    return s["prod"].value("SW02", int64_t{0});
  };
  CHECK(held(c / "then.ledger") == held(c.ledger) + 120000000);

  // A checkpoint: restored to its size, and its root checked.
  const std::string note = c / "before-void.note";
  const std::string out = Restore(
      c, {c / "city.jsonl", "--ledger", c / "cp.ledger", "--checkpoint", note, "--vkey", c.operator_vkey});
  CHECK_THAT(out, Catch::Contains("    the root the checkpoint in " + note +
                                  " signs, its signature checked with --vkey; the checkpoint is stored in "
                                  "the copy and its key recorded as the operator's\n"));
  CHECK(Wl({"export", "--ledger", c / "cp.ledger"}).out == then);
  // The checkpoint is the copy's own: verify checks it with no --vkey, and
  // only the operator's key signs the copy's next checkpoints.
  RunResult verified = Wl({"verify", "--ledger", c / "cp.ledger"});
  INFO(verified.err);
  CHECK(verified.exit_code == 0);
  CHECK_THAT(verified.out, Catch::Contains("1 stored checkpoint(s) match"));
  c.Keygen(kOrigin, "impostor.key");
  RunResult impostor = Wl({"checkpoint", "--ledger", c / "cp.ledger", "--key", c / "impostor.key"});
  CHECK(impostor.exit_code == 1);
  CHECK_THAT(impostor.err, Catch::Contains("this ledger's checkpoints are signed by"));
  CHECK(Wl({"checkpoint", "--ledger", c / "cp.ledger", "--key", c.operator_key}).exit_code == 0);
  CHECK_THAT(out, Catch::StartsWith(
                      fmt::format("restored {} entries (the first {} of {}) into ", k, k, c / "city.jsonl")));
  // A backup damaged after the checkpoint's size: the prefix it signs is
  // still restored (the lines after it are not read).
  const std::string full = c.Export();
  WriteFile(c / "damaged.jsonl", full.substr(0, full.size() - 25) + "garbage\n");
  Restore(c, {c / "damaged.jsonl", "--ledger", c / "cp2.ledger", "--checkpoint", note, "--vkey",
              c.operator_vkey});
  CHECK(Wl({"export", "--ledger", c / "cp2.ledger"}).out == then);
  Restore(c, {c / "damaged.jsonl", "--ledger", c / "cp3.ledger"}, 3);
  // Signed by another key: verification failed, nothing left behind.
  const std::string err = Restore(
      c, {c / "city.jsonl", "--ledger", c / "bad.ledger", "--checkpoint", note, "--vkey", c.producer_vkey},
      3);
  CHECK(CountLines(err) == 1);
  CHECK_THAT(err, Catch::StartsWith("wasteledger: verification failed: --checkpoint " + note));
  CHECK_FALSE(std::filesystem::exists(c / "bad.ledger"));
  // A checkpoint of another log (its own operator's, good signature) is
  // named so, by restore and by verify --export.
  const std::string other_vkey = c.Keygen("other.example/log", "other-operator.key");
  c.Ok({"init", "--ledger", c / "other.ledger", "--origin", "other.example/log", "--key", c.regulator_key});
  c.Ok({"checkpoint", "--ledger", c / "other.ledger", "--key", c / "other-operator.key", "--out",
        c / "other.note"});
  const std::string other =
      std::string("the checkpoint is of the log \"other.example/log\", not of this one (\"") + kOrigin +
      "\", its genesis says)\n";
  CHECK(Restore(c,
                {c / "city.jsonl", "--ledger", c / "bad.ledger", "--checkpoint", c / "other.note", "--vkey",
                 other_vkey},
                3) == "wasteledger: verification failed: --export " + (c / "city.jsonl") + ": " + other);
  CHECK_FALSE(std::filesystem::exists(c / "bad.ledger"));
  RunResult v =
      Wl({"verify", "--export", c / "city.jsonl", "--checkpoint", c / "other.note", "--vkey", other_vkey});
  CHECK(v.exit_code == 3);
  CHECK(v.err == "wasteledger: verification failed: " + other);
  // --checkpoint needs --vkey; --size and --checkpoint do not go together.
  CHECK(Wl({"restore", "--export", c / "city.jsonl", "--ledger", c / "x.ledger", "--checkpoint", note})
            .exit_code == 2);
  CHECK(Wl({"restore", "--export", c / "city.jsonl", "--ledger", c / "x.ledger", "--checkpoint", note,
            "--vkey", c.operator_vkey, "--size", "3"})
            .exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(c / "x.ledger"));
}

TEST_CASE("restore refuses what it cannot rebuild and leaves no ledger", "[cli][restore]") {
  City c;
  const size_t seal = c.Size();  // the seal's seq; its members follow it
  RunResult r = c.Submit(c.Sign(c.producer_key, Statements(4), true), {"--quiet"});
  REQUIRE(r.exit_code == 0);
  const std::string exported = c.Export();
  const auto lines = SplitLines(exported);
  REQUIRE(lines.size() == seal + 5);
  const std::string cut = std::to_string(seal + 3), all = std::to_string(seal + 5);
  WriteFile(c / "city.jsonl", exported);
  auto gone = [&](const std::string& name) { CHECK_FALSE(std::filesystem::exists(c / name)); };

  // A size that cuts a sealed batch (appended whole), or past the export.
  std::string err = Restore(c, {c / "city.jsonl", "--ledger", c / "a.ledger", "--size", cut}, 1);
  CHECK(err ==
        fmt::format(
            "wasteledger: error: --size {} cuts through the sealed batch the seal at seq {} opens "
            "(a seal and its members are appended together): restore a size of {} (before the seal) or {} "
            "(after its last member)\n",
            cut, seal, seal, seal + 5));
  gone("a.ledger");
  err = Restore(c, {c / "city.jsonl", "--ledger", c / "a.ledger", "--size", std::to_string(seal + 6)}, 1);
  CHECK(err ==
        fmt::format("wasteledger: error: --size {}: the export holds only {} entries\n", seal + 6, all));
  gone("a.ledger");
  // Usage (exit 2): a size of 0, a --vkey with no --checkpoint.
  err = Restore(c, {c / "city.jsonl", "--ledger", c / "a.ledger", "--size", "0"}, 2);
  CHECK_THAT(err,
             Catch::StartsWith("wasteledger: error: --size 0: a ledger holds at least its genesis entry"));
  err = Restore(c, {c / "city.jsonl", "--ledger", c / "a.ledger", "--vkey", c.operator_vkey}, 2);
  CHECK_THAT(err, Catch::Contains("--vkey requires --checkpoint"));
  gone("a.ledger");

  // An edited entry, a truncated file, a line dropped, a byte-order mark:
  // verification fails (exit 3) naming the seq, and nothing is left.
  std::string edited = exported;
  const size_t at = edited.find("\"mass_g\":");
  REQUIRE(at != std::string::npos);
  edited[at + 9] = edited[at + 9] == '1' ? '2' : '1';
  WriteFile(c / "edited.jsonl", edited);
  err = Restore(c, {c / "edited.jsonl", "--ledger", c / "a.ledger"}, 3);
  CHECK(CountLines(err) == 1);
  CHECK_THAT(err, Catch::StartsWith("wasteledger: verification failed: --export " + (c / "edited.jsonl") +
                                    ": seq "));
  WriteFile(c / "cut.jsonl", exported.substr(0, exported.size() - 40));
  err = Restore(c, {c / "cut.jsonl", "--ledger", c / "a.ledger"}, 3);
  CHECK_THAT(err, Catch::Contains(fmt::format("seq {}: ", seal + 4)));
  WriteFile(c / "dropped.jsonl", lines[0] + "\n" + lines[1] + "\n" + lines[3] + "\n");
  err = Restore(c, {c / "dropped.jsonl", "--ledger", c / "a.ledger"}, 3);
  CHECK(err == "wasteledger: verification failed: --export " + (c / "dropped.jsonl") +
                   ": seq 2: entry says seq 3 (entries deleted or reordered)\n");
  WriteFile(c / "bom.jsonl", "\xEF\xBB\xBF" + exported);
  err = Restore(c, {c / "bom.jsonl", "--ledger", c / "a.ledger"}, 3);
  CHECK(err == "wasteledger: verification failed: --export " + (c / "bom.jsonl") +
                   ": line 1 starts with a UTF-8 byte-order mark (EF BB BF); save the file without it\n");
  gone("a.ledger");
  // Not a regular file: it is read twice.
  err = Restore(c, {"/dev/null", "--ledger", c / "a.ledger"}, 1);
  CHECK_THAT(err, Catch::Contains("--export /dev/null: not a regular file"));
  gone("a.ledger");

  // The target: a ledger, a file, a non-empty directory, a missing parent.
  err = Restore(c, {c / "city.jsonl", "--ledger", c.ledger}, 1);
  CHECK(err ==
        "wasteledger: error: --ledger " + c.ledger + ": already holds a ledger; restore makes a new one\n");
  CHECK(c.Export() == exported);
  WriteFile(c / "file", "");
  err = Restore(c, {c / "city.jsonl", "--ledger", c / "file"}, 1);
  CHECK(err ==
        "wasteledger: error: --ledger " + (c / "file") + ": not a directory; restore makes a ledger\n");
  err = Restore(c, {c / "city.jsonl", "--ledger", c / "no/such/a.ledger"}, 1);
  CHECK(err == "wasteledger: error: --ledger " + (c / "no/such/a.ledger") + ": its parent directory " +
                   (c / "no/such") + " does not exist\n");
  gone("no");
  // A volume's root holding lost+found: named.
  std::filesystem::create_directories(c / "vol/lost+found");
  err = Restore(c, {c / "city.jsonl", "--ledger", c / "vol"}, 1);
  CHECK(err ==
        "wasteledger: error: --ledger " + (c / "vol") +
            ": is not empty (it holds lost+found); restore makes a new ledger: give a new directory in it\n");
  // A directory holding the marker: a restore writing it, or one killed.
  std::filesystem::create_directories(c / "b.ledger");
  WriteFile(c / "b.ledger/RESTORE-UNFINISHED", "");
  err = Restore(c, {c / "city.jsonl", "--ledger", c / "b.ledger"}, 1);
  CHECK(err ==
        "wasteledger: error: --ledger " + (c / "b.ledger") +
            ": holds RESTORE-UNFINISHED: another restore is writing it, or one did not finish (then remove "
            "the directory and run the restore again)\n");
  CHECK(std::filesystem::exists(c / "b.ledger/RESTORE-UNFINISHED"));
  // An empty directory (a fresh volume) is a fine target, "dir/" as "dir";
  // it stays where it is, and holds the ledger.
  std::filesystem::create_directories(c / "empty.ledger");
  const std::string out = Restore(c, {c / "city.jsonl", "--ledger", c / "empty.ledger/"});
  CHECK_THAT(out, Catch::Contains(") into " + (c / "empty.ledger") + ", root "));
  CHECK_THAT(out,
             Catch::Contains("(no --checkpoint: the export was checked against itself, not against a root "
                             "the operator signed)"));
  CHECK(Wl({"export", "--ledger", c / "empty.ledger"}).out == exported);
  CHECK_FALSE(std::filesystem::exists(c / "empty.ledger/RESTORE-UNFINISHED"));
  // A refused restore into an empty directory leaves it empty.
  std::filesystem::create_directories(c / "empty2.ledger");
  Restore(c, {c / "cut.jsonl", "--ledger", c / "empty2.ledger"}, 3);
  CHECK(std::filesystem::is_empty(c / "empty2.ledger"));
}

TEST_CASE("a ledger whose restore did not finish is refused by every command", "[cli][restore]") {
  City c;
  WriteFile(c / "city.jsonl", c.Export());
  Restore(c, {c / "city.jsonl", "--ledger", c / "copy.ledger"});
  // As a restore killed after its last entry, before the marker went; and
  // one killed before it wrote anything.
  WriteFile(c / "copy.ledger/RESTORE-UNFINISHED", "");
  std::filesystem::create_directories(c / "k.ledger");
  WriteFile(c / "k.ledger/RESTORE-UNFINISHED", "");
  for (const std::string& dir : {c / "copy.ledger", c / "k.ledger"}) {
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"verify", "--ledger", dir},
             {"stock", "--ledger", dir},
             {"generate", "--ledger", dir, "--key", c.producer_key, "--waste", "SW02", "--mass", "1t"},
             {"upgrade", "--ledger", dir},
             {"init", "--ledger", dir, "--origin", "x.example/l", "--key", c.regulator_key}}) {
      RunResult r = Wl(args);
      INFO(dir << " " << args[0]);
      CHECK(r.exit_code == 1);
      CHECK(r.err == "wasteledger: error: " + dir + " is being restored, or its restore did not finish (" +
                         dir +
                         "/RESTORE-UNFINISHED says by which process): if that process is gone, remove the "
                         "directory and run the restore again\n");
    }
  }
}

TEST_CASE("restore: a void of an import in the same batch of the export", "[cli][restore]") {
  // QA: the restore appends 4,096 entries at a time, and a void of an
  // imported record reads the record's entry: one in the same batch was
  // refused ("seq N is in this same batch").
  City c;
  const std::string legacy = std::string(WL_SOURCE_DIR) + "/tests/cli/data/legacy-manifests-gb18030.csv";
  RunResult r = Wl({"import", "--ledger", c.ledger, "--key", c.regulator_key, "--profile", "cn-hw-manifest",
                    "--create-parties", "--max-errors", "100", legacy});
  REQUIRE((r.exit_code == 0 || r.exit_code == 5));
  r = Wl({"void", "--ledger", c.ledger, "--key", c.regulator_key, "--import-file", legacy, "--reason",
          "wrong file"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string exported = c.Export();
  WriteFile(c / "city.jsonl", exported);
  Restore(c, {c / "city.jsonl", "--ledger", c / "copy.ledger"});
  CHECK(Wl({"export", "--ledger", c / "copy.ledger"}).out == exported);
  CHECK(Views(c / "copy.ledger") == Views(c.ledger));
  CHECK(Wl({"verify", "--ledger", c / "copy.ledger", "--deep", "--quiet"}).exit_code == 0);
}

TEST_CASE("restore: Ctrl-C, SIGTERM or SIGHUP removes what it wrote", "[cli][restore]") {
  City c;
  RunResult r = c.Submit(c.Sign(c.producer_key, Statements(20000)), {"--quiet"});
  REQUIRE(r.exit_code == 0);
  WriteFile(c / "city.jsonl", c.Export());
  // Signalled while verifying (the target holds only its marker) and while
  // appending (RocksDB's files are there): either way exit 130, nothing left.
  for (const char* wait_for : {"RESTORE-UNFINISHED", "CURRENT"}) {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      INFO(wait_for << " " << sig);
      const std::string target = c / fmt::format("t-{}-{}.ledger", wait_for, sig);
      Child child({"restore", "--quiet", "--export", c / "city.jsonl", "--ledger", target},
                  c.dir().path().string());
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (!std::filesystem::exists(target + "/" + wait_for) && child.Running() &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      REQUIRE(child.Running());
      // The marker says which process writes the directory (once written:
      // it is created empty, exclusively, then filled).
      std::string marker;
      while (marker.empty() && std::chrono::steady_clock::now() < deadline) {
        marker = ReadFile(target + "/RESTORE-UNFINISHED");
      }
      CHECK_THAT(marker, Catch::StartsWith(fmt::format("wasteledger restore, pid {} on ", child.pid())));
      ::kill(child.pid(), sig);
      RunResult done = child.Wait(std::chrono::seconds(30));
      CHECK(done.exit_code == 130);
      CHECK_THAT(done.err, Catch::StartsWith("wasteledger: error: restore interrupted"));
      CHECK_FALSE(std::filesystem::exists(target));
    }
  }
}

}  // namespace
}  // namespace wasteledger::testing
