// `wasteledger import` through the binary, on the messy GB18030 manifest
// export of tests/cli/data (make_legacy_manifests.py says what it holds):
// every good row in the ledger exactly once, every bad row in the errors
// file with its reason, the balances equal to the file's own 合计 row,
// re-imports and dry runs that change nothing, and a bad file or a bad key
// refused with one line and the ledger untouched.
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "cli/cli_fixture.h"
#include "cli/stored_imports.h"
#include "wasteledger/hash.h"

namespace wasteledger::testing {
namespace {

using nlohmann::json;

const std::string kFixture = std::string(WL_SOURCE_DIR) + "/tests/cli/data/legacy-manifests-gb18030.csv";
// Party ids the import gives the companies of the fixture: the producers'
// USCCs, and for the receivers (no USCC in the file) "legacy-" + 12 hex
// digits of SHA-256 of the name.
const std::string kFoundry = "91411081MA44X8Y7CG";  // 禹州市铸造有限公司
const std::string kChem = "91411000MA45A1B2D5";     // 许昌市化工有限公司

class ImportLedger : public CliLedger {
 public:
  RunResult Import(std::vector<std::string> extra, const std::string& file = kFixture) const {
    std::vector<std::string> args = {"import", "--ledger", ledger, "--key", regulator_key, "--profile",
                                     "cn-hw-manifest"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(file);
    return Wl(args);
  }
  json Balance() const {
    RunResult r = Wl({"report", "balance", "--ledger", ledger, "--from", "2023-01-01", "--to", "2023-12-31",
                      "--format", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }
  std::string PartyNamed(const std::string& name) const {
    RunResult r = Wl({"log", "--ledger", ledger});
    REQUIRE(r.exit_code == 0);
    for (const auto& line : SplitLines(Export())) {
      json e = json::parse(line);
      const json& st = e["statement"];
      if (st["kind"] == "party" && st["body"]["name"] == name) return st["body"]["id"];
    }
    FAIL("no party named " << name);
    return "";
  }
};

// Every file of the ledger directory, by name: to show a dry run leaves the
// ledger byte-identical (not only its export).
std::map<std::string, std::string> LedgerFiles(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files[e.path().string()] = ReadFile(e.path().string());
  }
  return files;
}

// The first file's row counts in an import's --format json summary.
void CheckRows(const json& summary, int imported, int duplicate, int refused) {
  const json& f = summary["files"][0];
  CHECK(f["rows_imported"] == imported);
  CHECK(f["rows_duplicate"] == duplicate);
  CHECK(f["rows_refused"] == refused);
}

int64_t Cell(const json& balance, const std::string& party, const std::string& waste, const std::string& col) {
  for (const auto& row : balance["rows"]) {
    if (row["party"] == party && row["waste"] == waste) return row[col].get<int64_t>();
  }
  FAIL("no balance row " << party << " " << waste);
  return 0;
}

TEST_CASE("import: a messy GB18030 manifest export, good rows once, bad rows listed", "[cli][import]") {
  ImportLedger l;
  const std::string errors = l / "refused.csv";
  RunResult r = l.Import({"--create-parties", "--errors", errors, "--max-errors", "10"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 5);  // imported, except the refused rows
  CHECK(r.out.find("17 rows read: 10 imported, 1 duplicate skipped, 1 blank row and 1 total row skipped, 4 "
                   "refused") != std::string::npos);
  // The file's own 合计 row, checked against the rows (the repeated row and
  // the refused ones are not in it).
  CHECK(r.out.find("  total row 20, 转移数量（千克）: 11.4005 t, the sum of the file's distinct good rows "
                   "(imported now or before)\n  total row 20, 接收数量（千克）: 10.8905 t, the sum") !=
        std::string::npos);
  CHECK(r.err.find("is its total wrong") == std::string::npos);
  CHECK(r.out.find("(gb18030)") != std::string::npos);
  CHECK(r.out.find("imported 10 records under 1 seal") != std::string::npos);

  // The errors file: exactly the four bad rows, with their physical lines,
  // columns, values as written and the original text.
  const std::string text = ReadFile(errors);
  const auto lines = SplitLines(text);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "\xEF\xBB\xBF" "file,row,column,value,reason,original\r");
  CHECK(lines[1].rfind("legacy-manifests-gb18030.csv,10,转移日期,2023-02-30,", 0) == 0);
  CHECK(lines[2].rfind("legacy-manifests-gb18030.csv,15,转移数量（千克）,-50,", 0) == 0);
  CHECK(lines[3].rfind("legacy-manifests-gb18030.csv,16,废物代码,900-006-99,", 0) == 0);
  CHECK(lines[4].rfind("legacy-manifests-gb18030.csv,17,联单号,,", 0) == 0);
  CHECK(lines[2].find("20234110000012,许昌市化工有限公司") != std::string::npos);

  // Every good row is in the ledger exactly once, with its provenance.
  size_t imports = 0, seals = 0;
  uint64_t first_import = 0;
  std::set<std::string> manifests;
  for (const auto& line : SplitLines(l.Export())) {
    const json st = json::parse(line)["statement"];
    if (st["kind"] == "seal") {
      ++seals;
      CHECK(st["body"]["count"] == 10);
      CHECK(st["body"]["source"]["file"] == "legacy-manifests-gb18030.csv");
      CHECK(st["body"]["source"]["rows"] == 17);
    }
    if (st["kind"] != "import") continue;
    if (imports++ == 0) first_import = json::parse(line)["seq"];
    CHECK(st["body"]["source"]["sha256"].get<std::string>().size() == 64);
    CHECK(manifests.insert(st["body"]["manifest"].get<std::string>()).second);
  }
  CHECK(imports == 10);
  CHECK(seals == 1);
  CHECK(CheckStoredImportsAgainstSchema(l.Export()) == 10);

  // The balances equal the file's own 合计 row: 11,400.5 kg transferred,
  // 10,890.5 kg received (manifest ...08 has no receipt).
  const json b = l.Balance();
  CHECK(b["totals"]["dispatched_g"] == 11400500);
  CHECK(b["totals"]["received_g"] == 10890500);
  CHECK(b["in_transit_g"] == 450000);
  CHECK(Cell(b, kFoundry, "900-249-08", "dispatched_g") == 2650500);
  CHECK(Cell(b, kFoundry, "900-006-09", "dispatched_g") == 2450000);
  CHECK(Cell(b, kChem, "900-300-34", "dispatched_g") == 2600000);
  CHECK(Cell(b, kChem, "900-249-08", "dispatched_g") == 3700000);
  const std::string recycler = l.PartyNamed("禹州市环保科技有限公司");
  const std::string plant = l.PartyNamed("许昌市危废处置中心");
  CHECK(recycler.rfind("legacy-", 0) == 0);
  CHECK(Cell(b, recycler, "900-249-08", "received_g") == 6340500);
  CHECK(Cell(b, recycler, "900-249-08", "utilized_g") == 6340500);  // R9 on every line
  CHECK(Cell(b, plant, "900-300-34", "received_g") == 2550000);
  CHECK(Cell(b, plant, "900-300-34", "disposed_g") == 2550000);     // D9
  CHECK(Cell(b, plant, "900-006-09", "received_g") == 2000000);
  // Nothing generated on record: the producers' stock goes below zero, kept
  // and flagged (legacy data that breaks conservation is not refused).
  CHECK(Cell(b, kFoundry, "900-249-08", "closing_g") == -2650500);
  // Every row says its figures come from imported legacy records.
  for (const auto& row : b["rows"]) CHECK(row["imported"] == true);

  RunResult rec = Wl({"report", "reconcile", "--ledger", l.ledger, "--from", "2023-01-01", "--to", "2023-12-31",
                      "--format", "json"});
  REQUIRE(rec.exit_code == 0);
  const json findings = json::parse(rec.out)["findings"];
  std::map<std::string, int> rules;
  for (const auto& f : findings) rules[f["rule"].get<std::string>()]++;
  CHECK(rules["phantom-consumption"] == 4);   // two producers x two codes
  CHECK(rules["unconfirmed-receipt"] == 1);   // ...08
  CHECK(rules["quantity-discrepancy"] == 1);  // ...06: 50 kg of 1200 kg, no reason
  CHECK(rules.count("unpermitted-receiver") == 0);
  CHECK(rules.count("late-entry") == 0);

  RunResult deep = Wl({"verify", "--ledger", l.ledger, "--deep"});
  INFO(deep.err);
  CHECK(deep.exit_code == 0);

  SECTION("re-importing the file adds nothing") {
    const std::string before = l.Export();
    RunResult again = l.Import({"--create-parties", "--max-errors", "10", "--format", "json"});
    CHECK(again.exit_code == 5);
    const json s = json::parse(again.out);
    CHECK(s["files"][0]["rows_duplicate"] == 11);
    CHECK(s["files"][0]["rows_imported"] == 0);
    CHECK(s["files"][0]["rows_refused"] == 4);
    CHECK(s["entries"] == 0);
    CHECK(s["parties_created"].empty());
    CHECK(l.Export() == before);
    // The total still agrees: ten rows already in the ledger, one repeated.
    const json total = s["files"][0]["total_row"];
    CHECK(total["row"] == 20);
    REQUIRE(total["columns"].size() == 2);
    CHECK(total["columns"][0]["heading"] == "转移数量（千克）");
    CHECK(total["columns"][0]["total_g"] == 11400500);
    CHECK(total["columns"][0]["held_g"] == 11400500);
    CHECK(total["columns"][0]["imported_g"] == 0);
    CHECK(total["columns"][0]["agrees_with"] == "distinct");
    CHECK(total["columns"][1]["agrees_with"] == "distinct");
  }
  SECTION("a voided imported entry is imported again by the next run") {
    RunResult v = Wl({"void", "--ledger", l.ledger, "--key", l.regulator_key, "--seq", std::to_string(first_import),
                      "--reason", "x"});
    INFO(v.err);
    CHECK(v.exit_code == 0);
    RunResult again = l.Import({"--create-parties", "--max-errors", "10", "--format", "json"});
    INFO(again.out << again.err);
    const json s = json::parse(again.out);
    CHECK(s["files"][0]["rows_imported"] == 1);
    CHECK(s["files"][0]["rows_duplicate"] == 10);
  }
}

// correct said "--mass: a import entry has no mass; use --body".
TEST_CASE("import: an imported entry is not corrected, and the refusal says what to do; a regulator voids it",
          "[cli][import]") {
  ImportLedger l;
  RunResult r = l.Import({"--create-parties", "--max-errors", "10"});
  REQUIRE((r.exit_code == 0 || r.exit_code == 5));
  std::string seq;
  for (const auto& line : SplitLines(l.Export())) {
    const json e = json::parse(line);
    if (e["statement"]["kind"] == "import") {
      seq = std::to_string(e["seq"].get<uint64_t>());
      break;
    }
  }
  REQUIRE_FALSE(seq.empty());
  const std::string before = l.Export();
  const std::string why =
      "is an imported legacy record: it is not corrected; void it and import the right record";
  for (const auto& change : std::vector<std::vector<std::string>>{
           {"--mass", "1t"}, {"--waste", "900-041-49"}, {"--body", "{\"record\":\"manifest\"}"}}) {
    std::vector<std::string> args = {"correct", "--ledger", l.ledger,   "--key", l.regulator_key,
                                     "--seq",   seq,        "--reason", "typo"};
    args.insert(args.end(), change.begin(), change.end());
    r = Wl(args);
    INFO(change[0] << ": " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(CountLines(r.err) == 1);
    CHECK(r.err.find("seq " + seq + " " + why) != std::string::npos);
    CHECK(r.err.find("docs/IMPORT.md") != std::string::npos);
  }
  CHECK(l.Export() == before);
  // A reason is a few sentences, not a pasted file: 2000 characters at most.
  r = Wl({"void", "--ledger", l.ledger, "--key", l.regulator_key, "--seq", seq, "--reason",
          std::string(2001, 'x')});
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("body.reason: must be a non-blank string of at most 2000 characters") !=
        std::string::npos);
  CHECK(l.Export() == before);
  // A regulator voids it: the balance changes, and the recomputation agrees.
  const std::string balance =
      Wl({"report", "balance", "--ledger", l.ledger, "--year", "2023", "--format", "json"}).out;
  r = Wl({"void", "--ledger", l.ledger, "--key", l.regulator_key, "--seq", seq, "--reason", "typo"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("seq " + seq + " voided") != std::string::npos);
  CHECK(Wl({"report", "balance", "--ledger", l.ledger, "--year", "2023", "--format", "json"}).out != balance);
  RunResult deep = Wl({"verify", "--ledger", l.ledger, "--deep"});
  INFO(deep.err);
  CHECK(deep.exit_code == 0);
}

// A file imported wrongly is taken back whole: every record it brought in
// voided (latest first), the balances as before it, and the file imported
// again afterwards.
TEST_CASE("void --import-file takes back every record of a file; it can then be imported again",
          "[cli][import]") {
  ImportLedger l;
  const std::string stock_before = Wl({"stock", "--ledger", l.ledger}).out;
  RunResult r = l.Import({"--create-parties", "--max-errors", "10", "--format", "json"});
  REQUIRE(r.exit_code == 5);
  const size_t imported = json::parse(r.out)["files"][0]["rows_imported"];
  REQUIRE(imported > 0);
  CHECK(Wl({"stock", "--ledger", l.ledger}).out != stock_before);
  // The balance's rows, without the count of corrections and voids in the period.
  const auto figures = [&l] {
    json rows = l.Balance()["rows"];
    for (auto& row : rows) row.erase("corrections");
    return rows.dump();
  };
  const std::string balance_imported = figures();

  // Only a regulator; --seq and --import-file are exclusive; one of them is needed.
  r = Wl({"void", "--ledger", l.ledger, "--key", l.producer_key, "--import-file", kFixture, "--reason", "x"});
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("only the original actor"));
  CHECK(Wl({"void", "--ledger", l.ledger, "--key", l.regulator_key, "--import-file", kFixture, "--seq", "3",
            "--reason", "x"})
            .exit_code == 2);
  r = Wl({"void", "--ledger", l.ledger, "--key", l.regulator_key, "--import-file", l / "nope.csv", "--reason",
          "x"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "wasteledger: error: --import-file " + (l / "nope.csv") +
                     ": no such file (give the imported file or its SHA-256 in hex)\n");
  r = Wl({"void", "--ledger", l.ledger, "--key", l.regulator_key, "--reason", "x"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "wasteledger: error: give --seq N, or --import-file FILE\n");

  const std::string before_void = l.Export();
  r = Wl({"void", "--ledger", l.ledger, "--key", l.regulator_key, "--import-file", kFixture, "--reason",
          "imported in the wrong unit"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith(
                        fmt::format("voided {} imported record(s) of {} (SHA-256 ", imported, kFixture)));
  CHECK(CountLines(l.Export()) == CountLines(before_void) + imported);
  CHECK(Wl({"stock", "--ledger", l.ledger}).out == stock_before);
  for (const auto& row : l.Balance()["rows"]) {
    for (const char* column :
         {"generated_g", "received_g", "dispatched_g", "utilized_g", "disposed_g", "closing_g"}) {
      INFO(row.dump());
      CHECK(row.value(column, 0) == 0);
    }
  }
  CHECK(Wl({"verify", "--ledger", l.ledger, "--deep", "--quiet"}).exit_code == 0);
  // Nothing left to void: said, exit 1, nothing written.
  const std::string after_void = l.Export();
  r = Wl(
      {"void", "--ledger", l.ledger, "--key", l.regulator_key, "--import-file", kFixture, "--reason", "x"});
  CHECK(r.exit_code == 1);
  CHECK(
      r.err ==
      fmt::format("wasteledger: error: --import-file {}: all {} imported records of it were voided before\n",
                  kFixture, imported));
  CHECK(l.Export() == after_void);

  // Imported again: the same rows, the same balance.
  r = l.Import({"--create-parties", "--max-errors", "10", "--format", "json"});
  REQUIRE(r.exit_code == 5);
  CHECK(json::parse(r.out)["files"][0]["rows_imported"] == imported);
  CHECK(figures() == balance_imported);
  CHECK(l.Balance()["rows"][0]["corrections"] > 0);  // the voids are counted in the period
  // And voided by the file's SHA-256 alone; a SHA-256 never imported is named.
  const std::string sha = ToHex(Sha256(ReadFile(kFixture)));
  r = Wl({"void", "--ledger", l.ledger, "--key", l.regulator_key, "--import-file", sha, "--reason", "again"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out,
             Catch::StartsWith(fmt::format("voided {} imported record(s) of {}: seqs ", imported, sha)));
  CHECK_THAT(r.out, Catch::Contains(fmt::format("; {} voided before", imported)));
  r = Wl({"void", "--ledger", l.ledger, "--key", l.regulator_key, "--import-file", std::string(64, 'a'),
          "--reason", "x"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "wasteledger: error: --import-file " + std::string(64, 'a') +
                     ": no imported record has its SHA-256 " + std::string(64, 'a') + "\n");
  CHECK(Wl({"verify", "--ledger", l.ledger, "--deep", "--quiet"}).exit_code == 0);
}

// trace --manifest of a manifest received by an imported record looked for
// a live receipt's lot ("lot #6/1: no such lot").
TEST_CASE("report trace follows a received imported manifest into the receiver's import pool",
          "[cli][import]") {
  ImportLedger l;
  const std::string f = l / "m.csv";
  WriteFile(f,
            "联单编号,产生单位,接受单位,废物代码,转移量(千克),接受量(千克),转移日期,接收日期,利用处置方式\n"
            "20254110000001,许昌市化工有限公司,许昌市环保科技有限公司,900-249-08,1000,990,2025-05-01,2025-05-"
            "02,R9\n");
  REQUIRE(l.Import({"--create-parties"}, f).exit_code == 0);
  RunResult r =
      Wl({"report", "trace", "--ledger", l.ledger, "--manifest", "20254110000001", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json t = json::parse(r.out);
  CHECK(t["fate"]["utilized_g"] == 990000);
  CHECK(t["fate"]["transport_diff_g"] == 10000);
  CHECK(r.out.find("#import/") != std::string::npos);
}

TEST_CASE("import: by default the first bad row stops it with nothing written", "[cli][import]") {
  ImportLedger l;
  const std::string before = l.Export();
  RunResult r = l.Import({"--create-parties"});
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("legacy-manifests-gb18030.csv row 10, column 转移日期") != std::string::npos);
  CHECK(r.err.find("nothing was imported") != std::string::npos);
  CHECK(l.Export() == before);
}

TEST_CASE("import: --dry-run checks everything and writes nothing", "[cli][import]") {
  ImportLedger l;
  const std::string before = l.Export();
  const auto files = LedgerFiles(l.ledger);
  REQUIRE(files.size() > 3);
  RunResult r = l.Import({"--create-parties", "--max-errors", "0", "--dry-run"});
  CHECK(r.exit_code == 5);
  CHECK(r.out.find("dry run: 10 records would be imported and 5 parties registered") != std::string::npos);
  // How each heading was read, units included (IMPORT-PROFILES.md).
  CHECK(r.out.find("\n  columns:\n    联单号 -> manifest\n") != std::string::npos);
  CHECK(r.out.find("\n    转移数量(千克) -> mass (kg)\n") != std::string::npos);
  CHECK(LedgerFiles(l.ledger) == files);
  CHECK(l.Export() == before);
  // A real import does not list them.
  RunResult real = l.Import({"--create-parties", "--max-errors", "0"});
  CHECK(real.out.find("imported 10 records") != std::string::npos);
  CHECK(real.out.find("columns:") == std::string::npos);
}

TEST_CASE("import: unknown companies are refused rows without --create-parties", "[cli][import]") {
  ImportLedger l;
  const std::string errors = l / "refused.csv";
  RunResult r = l.Import({"--errors", errors, "--max-errors", "0", "--format", "json"});
  CHECK(r.exit_code == 1);  // every row refused: nothing imported
  const json s = json::parse(r.out);
  CHECK(s["files"][0]["rows_refused"] == 15);  // every row but the blank and total ones
  CHECK(s["entries"] == 0);
  // CSV doubles the quotes of the reason.
  CHECK(ReadFile(errors).find("unknown producer \"\"禹州市铸造有限公司 (91411081MA44X8Y7CG)\"\"") !=
        std::string::npos);
}

TEST_CASE("import: a repeated manifest line with other figures is refused, naming what differs", "[cli][import]") {
  ImportLedger l;
  const std::string head =
      "联单编号,产生单位,接受单位,废物代码,转移量(千克),转移日期,备注\n";
  const std::string row3 = "20234110000003,许昌市化工有限公司,许昌市环保科技有限公司,900-300-34,2500,2023-05-07,";
  const std::string f = l / "lines.csv";
  // Row 4 repeats row 3 exactly (a duplicate, skipped); row 5 has another
  // mass and a note, row 6 the same mass and another note.
  WriteFile(f, head + row3 + "\n" + row3 + "\n" +
                   "20234110000003,许昌市化工有限公司,许昌市环保科技有限公司,900-300-34,2600,2023-05-07,改\n" +
                   row3 + "重复\n");
  const std::string errors = l / "refused.csv";
  RunResult r = l.Import({"--create-parties", "--max-errors", "0", "--errors", errors, "--format", "json"}, f);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 5);
  CheckRows(json::parse(r.out), 1, 1, 2);
  const auto lines = SplitLines(ReadFile(errors));
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].find("manifest 20234110000003 already has a line for 900-300-34 (lines.csv row 2) and this row "
                      "differs from it in mass_g (2500000 there, 2600000 here), note (none there, \"\"改\"\" "
                      "here)") != std::string::npos);
  CHECK(lines[2].find("differs from it in note (none there, \"\"重复\"\" here);") != std::string::npos);
  // Against the ledger: the line imported above, and this one different.
  const std::string before = l.Export();
  const std::string g = l / "again.csv";
  WriteFile(g, head + "20234110000003,许昌市化工有限公司,许昌市环保科技有限公司,900-300-34,2400,2023-05-07,\n");
  r = l.Import({"--create-parties"}, g);
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  // The entry holding the line, and every member that differs, as for a
  // line of the same run; a line with no receipt is not "0 g received".
  const auto seq_of = [&](const std::string& manifest, const std::string& waste) {
    for (const auto& line : SplitLines(l.Export())) {
      const json e = json::parse(line);
      const json& b = e["statement"]["body"];
      if (e["statement"]["kind"] == "import" && b["manifest"] == manifest && b["waste"] == waste) {
        return e["seq"].get<uint64_t>();
      }
    }
    FAIL("no import entry for " << manifest << " " << waste);
    return uint64_t{0};
  };
  CHECK(r.err.find(
            fmt::format("again.csv row 2, column 联单编号: manifest 20234110000003 already has a line for "
                        "900-300-34 in the ledger (seq {}, from lines.csv row 2: 2500000 g transferred, not "
                        "received) and this row differs from it in mass_g (2500000 there, 2400000 here); a "
                        "manifest names each waste once",
                        seq_of("20234110000003", "900-300-34"))) != std::string::npos);
  CHECK(l.Export() == before);

  // A manifest of two lines, received: a row differing from its second line
  // names that line's own entry (not the manifest's first), its receipt and
  // each difference.
  const std::string two = l / "two.csv";
  const std::string head2 =
      "联单编号,产生单位,接受单位,废物代码,转移量(千克),接受量(千克),转移日期,接收日期,备注\n";
  WriteFile(two, head2 +
                     "20234110000004,许昌市化工有限公司,许昌市环保科技有限公司,900-300-34,100,100,2023-05-08,"
                     "2023-05-09,\n"
                     "20234110000004,许昌市化工有限公司,许昌市环保科技有限公司,900-249-08,200,190,2023-05-08,"
                     "2023-05-09,\n");
  r = l.Import({"--create-parties"}, two);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string before_second = l.Export();
  const std::string second = l / "second.csv";
  WriteFile(second,
            head2 +
                "20234110000004,许昌市化工有限公司,许昌市环保科技有限公司,900-249-08,200,190,2023-05-08,"
                "2023-05-10,补录\n");
  r = l.Import({"--create-parties"}, second);
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  const uint64_t first_line = seq_of("20234110000004", "900-300-34");
  const uint64_t second_line = seq_of("20234110000004", "900-249-08");
  REQUIRE(first_line != second_line);
  CHECK(r.err.find(
            fmt::format("manifest 20234110000004 already has a line for 900-249-08 in the ledger (seq {}, "
                        "from two.csv row 3: 200000 g transferred, 190000 g received on 2023-05-09) and this "
                        "row differs from it in note (none there, \"补录\" here), received (\"2023-05-09\" "
                        "there, \"2023-05-10\" here); a manifest names each waste once",
                        second_line)) != std::string::npos);
  CHECK(l.Export() == before_second);
}

// A file and a copy of it in one run, each with a row repeated in the file
// and a 合计 of its distinct rows: the copy's repeated row was counted as
// already held (it repeats the first file), so its total agreed with no sum
// and was warned of. Alone, or in separate runs, the total agrees.
TEST_CASE("import: a file's own repeated row is a repeat even when an earlier file of the run has it",
          "[cli][import]") {
  ImportLedger l;
  const std::string text =
      "联单编号,移出单位,接受单位,废物代码,转移量(千克),转移日期\n"
      "20234110000090,许昌市化工有限公司,许昌危废处置中心,900-039-49,500,2023-05-01\n"
      "20234110000091,许昌市化工有限公司,许昌危废处置中心,900-039-49,300,2023-05-02\n"
      "20234110000090,许昌市化工有限公司,许昌危废处置中心,900-039-49,500,2023-05-01\n"
      "合计,,,,800,\n";
  const std::string a = l / "a.csv", b = l / "b.csv";
  WriteFile(a, text);
  WriteFile(b, text);
  RunResult r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest",
                    "--create-parties", "--format", "json", a, b});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("total wrong") == std::string::npos);
  const json s = json::parse(r.out);
  const json first = s["files"][0]["total_row"]["columns"][0];
  CHECK(first["imported_g"] == 800000);
  CHECK(first["repeated_g"] == 500000);
  CHECK(first["agrees_with"] == "distinct");
  const json second = s["files"][1]["total_row"]["columns"][0];
  CHECK(second["imported_g"] == 0);
  CHECK(second["held_g"] == 0);
  CHECK(second["earlier_file_g"] == 800000);
  CHECK(second["repeated_g"] == 500000);
  CHECK(second["agrees_with"] == "distinct");
  // Again, in a run of its own: the same sums, now in the ledger.
  r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest", "--format",
          "json", b});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const json again = json::parse(r.out)["files"][0]["total_row"]["columns"][0];
  CHECK(again["held_g"] == 800000);
  CHECK(again["earlier_file_g"] == 0);
  CHECK(again["repeated_g"] == 500000);
  CHECK(again["agrees_with"] == "distinct");
}

// The errors file named the canonical heading (废物代码 for a file headed
// 危废代码; 接受单位, neither the 台账's heading nor its canonical one, for
// a 台账's 接收单位): a column the clerk could not find in the file.
TEST_CASE("import: a refused value's column is named as the file heads it", "[cli][import]") {
  ImportLedger l;
  for (const auto& [id, name, role] : {std::tuple{"jia", "甲公司", "producer"},
                                       {"yi", "乙公司", "receiver"},
                                       {"ding", "丁运输公司", "carrier"}}) {
    RunResult r = Wl({"party", "add", "--ledger", l.ledger, "--key", l.regulator_key, "--id", id, "--name",
                      name, "--role", role});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  const std::string before = l.Export();
  // Returns the column of each line of the errors file, by row.
  const auto columns = [&](const std::vector<std::string>& args, const std::string& file, int exit_code = 5) {
    const std::string errors = l / "refused.csv";
    std::vector<std::string> all = {"import",       "--ledger", l.ledger,   "--key", l.regulator_key,
                                    "--max-errors", "0",        "--errors", errors};
    all.insert(all.end(), args.begin(), args.end());
    all.push_back(file);
    RunResult r = Wl(all);
    INFO(r.out << r.err);
    CHECK(r.exit_code == exit_code);
    std::map<int, std::string> out;
    const auto lines = SplitLines(ReadFile(errors));
    for (size_t i = 1; i < lines.size(); ++i) {
      const auto first = lines[i].find(','), second = lines[i].find(',', first + 1),
                 third = lines[i].find(',', second + 1);
      out[std::stoi(lines[i].substr(first + 1, second - first - 1))] =
          lines[i].substr(second + 1, third - second - 1);
    }
    return out;
  };
  const std::string m = l / "m.csv";
  WriteFile(m,
            "联单号,移出单位名称,承运人,接收单位名称,危废代码,转移数量(千克),转移日期\n"
            "20234110000001,丙公司,丁运输公司,乙公司,900-249-08,5,2023-01-02\n"    // unknown producer
            "20234110000002,甲公司,丁运输公司,戊公司,900-249-08,5,2023-01-02\n"    // unknown receiver
            "20234110000003,甲公司,己运输公司,乙公司,900-249-08,5,2023-01-02\n"    // unknown carrier
            "20234110000004,甲公司,丁运输公司,乙公司,900-006-99,5,2023-01-02\n"    // no such code
            "20234110000005,甲公司,丁运输公司,乙公司,900-249-08,5,2023-01-02\n"    // good
            "20234110000005,甲公司,丁运输公司,乙公司,900-249-08,6,2023-01-02\n");  // conflicts with row 6
  CHECK(columns({"--profile", "cn-hw-manifest", "--dry-run"}, m) ==
        std::map<int, std::string>{
            {2, "移出单位名称"}, {3, "接收单位名称"}, {4, "承运人"}, {5, "危废代码"}, {7, "联单号"}});
  const std::string t = l / "t.csv";
  WriteFile(t,
            "日期,单位名称,废物代码,转移量（吨）,接收单位\n"
            "2023-01-05,甲公司,SW03,30,戊公司\n"
            "2023-01-06,甲公司,SW03,30,乙公司\n");
  CHECK(columns({"--profile", "cn-sw-ledger", "--dry-run"}, t) ==
        std::map<int, std::string>{{2, "接收单位"}});
  // A mapping file's constant is not in the file: named as the constant.
  const std::string mapping = l / "mapping.json";
  WriteFile(mapping,
            R"({"record":"manifest","columns":{"单号":"manifest","企业":"from.name","类别":"waste",)"
            R"("重量":{"field":"mass","unit":"kg"},"日期":"date"},"constants":{"to.name":"戊公司"}})");
  const std::string odd = l / "odd.csv";
  WriteFile(odd,
            "单号,企业,类别,重量,日期\n"
            "20234110000001,甲公司,900-249-08,5,2023-01-02\n"
            "20234110000002,丙公司,900-249-08,5,2023-01-02\n");
  const auto refused = columns({"--mapping", mapping, "--dry-run"}, odd, 1);  // every row refused
  CHECK(refused == std::map<int, std::string>{{2, "to.name (mapping constant)"}, {3, "企业"}});
  CHECK(l.Export() == before);
}

// A 60 MB 备注 and a 15 MB company name were imported, the second
// registering a party of five million characters.
TEST_CASE("import: a text cell longer than its field may have refuses its row", "[cli][import]") {
  ImportLedger l;
  const std::string before = l.Export();
  const std::string f = l / "long.csv";
  WriteFile(f,
            "联单编号,产生单位,接受单位,废物代码,转移量(千克),转移日期,备注\n"
            "20234110000001,甲公司,乙公司,900-249-08,5,2023-01-02," +
                std::string(2001, 'n') + "\n" + "20234110000002," + std::string(5000, 'c') +
                ",乙公司,900-249-08,5,2023-01-02,\n" +
                "20234110000003,甲公司,乙公司,900-249-08,5,2023-01-02," + std::string(2000, 'n') + "\n");
  const std::string errors = l / "refused.csv";
  RunResult r =
      l.Import({"--create-parties", "--max-errors", "0", "--errors", errors, "--format", "json"}, f);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 5);
  const json s = json::parse(r.out);
  CheckRows(s, 1, 0, 2);
  CHECK(s["parties_created"].size() == 2);  // 甲公司 and 乙公司, not the 5000-character one
  const auto lines = SplitLines(ReadFile(errors));
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].rfind("long.csv,2,备注,nnnn", 0) == 0);
  CHECK(lines[1].find(",\"2001 characters, more than the 2000 a note may have\",") != std::string::npos);
  CHECK(lines[2].rfind("long.csv,3,产生单位," + std::string(5000, 'c') + ",", 0) == 0);
  CHECK(lines[2].find(",\"5000 characters, more than the 256 a company name may have\",") !=
        std::string::npos);
  // A cell of a million characters is cut in the errors file (value and
  // row), saying how long it was: no spreadsheet shows a cell that long.
  const std::string huge = l / "huge.csv";
  std::string note;
  for (int i = 0; i < 1000000; ++i) note += "注";
  const std::string start = "20234110000009,甲公司,乙公司,900-249-08,5,2023-01-02,";  // 47 characters
  WriteFile(huge, "联单编号,产生单位,接受单位,废物代码,转移量(千克),转移日期,备注\n" + start + note + "\n");
  r = l.Import({"--create-parties", "--dry-run", "--errors", errors}, huge);
  CHECK(r.exit_code == 1);
  const auto cut = SplitLines(ReadFile(errors));
  REQUIRE(cut.size() == 2);
  CHECK(cut[1].find(",备注," + note.substr(0, 3 * 10000) + "… (1000000 characters in all),") !=
        std::string::npos);
  CHECK(cut[1].find(",\"" + start + note.substr(0, 3 * (10000 - 47)) + "… (1000047 characters in all)\"") !=
        std::string::npos);
  CHECK(cut[1].size() < 70000);
  // A JSONL record is held to the schema's limits, the same.
  const std::string after_csv = l.Export();
  CHECK(after_csv != before);  // the good row
  const std::string j = l / "long.jsonl";
  WriteFile(
      j,
      R"({"record":"generate","from":"prod","waste":"900-041-49","mass_g":5,"date":"2023-03-01","note":")" +
          std::string(2001, 'n') + "\"}\n");
  r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, j});
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("body.note: must be a non-blank string of at most 2000 characters") != std::string::npos);
  CHECK(l.Export() == after_csv);
}

// Manifest numbers of 15 or 13 digits, serial 000000 or with a letter were
// imported without a word. They are still imported as written (legacy
// numbers vary), and each file says how many and where.
TEST_CASE("import: manifest numbers not in the standard form are imported as written and warned of",
          "[cli][import]") {
  ImportLedger l;
  const std::string f = l / "numbers.csv";
  std::string text = "联单编号,产生单位,接受单位,废物代码,转移量(千克),转移日期\n";
  for (const char* number : {"202341100000701", "2023411000071", "20234110000000", "2023411000007A",
                             "20234110000077", "19994110000072", "20234110000A78", "2023411000079"}) {
    text += std::string(number) + ",甲公司,乙公司,900-249-08,5,2023-05-01\n";
  }
  WriteFile(f, text);
  const std::string list =
      "numbers.csv: 7 rows have a manifest number (联单编号) not in the standard form of 14 digits (year, "
      "province, city, serial; docs/CODES.md): row 2 (15 digits), row 3 (13 digits), row 4 (serial 000000), "
      "row 5 (not digits only), row 7 (year 1999) and 2 more; ";
  RunResult r = l.Import({"--create-parties", "--dry-run"}, f);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err == "wasteledger: warning: " + list + "they would be imported as written\n");
  r = l.Import({"--create-parties", "--format", "json"}, f);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err == "wasteledger: warning: " + list + "they were imported as written\n");
  const json numbers = json::parse(r.out)["files"][0]["nonstandard_manifest_numbers"];
  CHECK(numbers["count"] == 7);
  REQUIRE(numbers["first"].size() == 7);
  CHECK(numbers["first"][6] == json::parse(R"({"row":9,"why":"13 digits"})"));
  // As written, every one.
  std::set<std::string> kept;
  for (const auto& line : SplitLines(l.Export())) {
    const json st = json::parse(line)["statement"];
    if (st["kind"] == "import") kept.insert(st["body"]["manifest"].get<std::string>());
  }
  CHECK(kept.size() == 8);
  CHECK(kept.count("202341100000701") == 1);
  CHECK(kept.count("2023411000007A") == 1);
  // Nothing new imported again: nothing to warn of.
  r = l.Import({"--create-parties", "--format", "json"}, f);
  CHECK(r.err.empty());
  CHECK(json::parse(r.out)["files"][0]["nonstandard_manifest_numbers"]["count"] == 0);
}

// A run that stopped early (an empty file, a wrong encoding...) left the
// previous run's errors file in place: its refused rows looked like this
// run's.
TEST_CASE("import: every run given --errors leaves that file describing this run", "[cli][import]") {
  ImportLedger l;
  const std::string before = l.Export();
  const std::string errors = l / "refused.csv";
  const std::string header =
      "\xEF\xBB\xBF"
      "file,row,column,value,reason,original\r\n";
  const auto stale = [&] { WriteFile(errors, header + "old.csv,5,转移量,-1,negative mass,\"old run\"\r\n"); };
  const std::string empty = l / "empty.csv";
  WriteFile(empty, "");
  stale();
  RunResult r = l.Import({"--create-parties", "--errors", errors}, empty);
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("nothing was imported: empty.csv: the file is empty; " + errors +
                   " was written with its heading line only: no row was refused before this") !=
        std::string::npos);
  CHECK(ReadFile(errors) == header);
  // Refused rows of an earlier file of the run are this run's: written.
  const std::string bad = l / "bad.csv";
  WriteFile(bad,
            "联单编号,产生单位,接受单位,废物代码,转移量(千克),转移日期\n"
            "20234110000001,甲公司,乙公司,900-249-08,-5,2023-01-02\n"
            "20234110000002,甲公司,乙公司,900-249-08,5,2023-01-02\n");
  stale();
  r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest",
          "--create-parties", "--max-errors", "0", "--errors", errors, bad, empty});
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("the file is empty; the 1 row refused before this is in " + errors) != std::string::npos);
  const auto lines = SplitLines(ReadFile(errors));
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].rfind("bad.csv,2,转移量(千克),-5,", 0) == 0);
  // A key that is not a regulator's: before any row is read.
  stale();
  r = Wl({"import", "--ledger", l.ledger, "--key", l.producer_key, "--profile", "cn-hw-manifest", "--errors",
          errors, bad});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("not a regulator") != std::string::npos);
  CHECK(ReadFile(errors) == header);
  // --errors naming an input is not written, of course.
  WriteFile(errors, "keep me");
  r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest", "--errors",
          errors, errors});
  CHECK(r.exit_code == 1);
  CHECK(ReadFile(errors) == "keep me");
  CHECK(l.Export() == before);
}

// --max-errors stopped the import with "every refused row is in e1.csv",
// though the rows after the stop were never checked.
TEST_CASE("import: a stop at --max-errors says how far the rows were checked", "[cli][import]") {
  ImportLedger l;
  const std::string head = "联单编号,产生单位,接受单位,废物代码,转移量(千克),转移日期\n";
  const std::string a = l / "a.csv", b = l / "b.csv", c = l / "c.csv";
  WriteFile(a, head +
                   "20234110000001,甲公司,乙公司,900-249-08,-5,2023-01-02\n"
                   "20234110000002,甲公司,乙公司,900-249-08,5,2023-01-02\n"
                   "20234110000003,甲公司,乙公司,900-249-08,-5,2023-01-02\n"
                   "20234110000004,甲公司,乙公司,900-249-08,-5,2023-01-02\n");
  WriteFile(b, head + "20234110000005,甲公司,乙公司,900-249-08,-5,2023-01-02\n");
  WriteFile(c, head + "20234110000006,甲公司,乙公司,900-249-08,5,2023-01-02\n");
  const std::string errors = l / "e1.csv";
  const std::string before = l.Export();
  RunResult r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest",
                    "--create-parties", "--max-errors", "2", "--errors", errors, a, b, c});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  CHECK(
      r.err ==
      "wasteledger: error: a.csv row 4, column 转移量(千克): negative mass; stopped after 2 refused rows "
      "(--max-errors 2): nothing was imported, and the rows after this one and the later files b.csv, c.csv "
      "were not checked; the 2 rows refused up to here are in " +
          errors + "\n");
  CHECK(SplitLines(ReadFile(errors)).size() == 3);
  CHECK(l.Export() == before);
  r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest",
          "--create-parties", a, c});
  CHECK(
      r.err ==
      "wasteledger: error: a.csv row 2, column 转移量(千克): negative mass; stopped after 1 refused row "
      "(--max-errors 1): nothing was imported, and the rows after this one and the later file c.csv were not "
      "checked\n");
  // The last row of the last file: nothing was left unchecked.
  r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest",
          "--create-parties", b});
  CHECK(r.err ==
        "wasteledger: error: b.csv row 2, column 转移量(千克): negative mass; stopped after 1 refused row "
        "(--max-errors 1): nothing was imported\n");
  CHECK(l.Export() == before);
}

// The summary lumped data rows with no quantity, 小计 and 合计 rows into
// "3 blank or total rows skipped", and a dry run said "14 imported".
TEST_CASE("import: skipped rows are counted by reason, and a dry run says what would be imported",
          "[cli][import]") {
  ImportLedger l;
  const std::string f = l / "skips.csv";
  WriteFile(f,
            "日期,单位名称,废物代码,产生量(吨),贮存量(吨)\n"
            "2023-08,禹州市热电有限公司,SW02,0,80\n"  // no quantity (贮存量 is stock)
            "2023-09,禹州市热电有限公司,SW02,10,90\n"
            "\n"
            ",本月小计,,10,\n"
            "日期,单位名称,废物代码,产生量(吨),贮存量(吨)\n"
            ",,,,,填表人：张三\n"
            "合计,,,10,\n");
  std::vector<std::string> args = {
      "import",    "--ledger",     l.ledger,           "--key",     l.regulator_key,
      "--profile", "cn-sw-ledger", "--create-parties", "--dry-run", f};
  RunResult r = Wl(args);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find(
            "skips.csv (utf-8): 7 rows read: 1 would be imported, 0 duplicates skipped, 1 blank row, 1 row "
            "with no quantity, 1 row with no values in the mapped columns, 1 repeated heading row, 1 "
            "subtotal row and 1 total row skipped, 0 refused\n") != std::string::npos);
  args.insert(args.end() - 1, {"--format", "json"});
  r = Wl(args);
  INFO(r.out << r.err);
  const json file = json::parse(r.out)["files"][0];
  CHECK(file["rows_skipped"] == 6);
  CHECK(file["skipped"] == json::parse(R"({"blank":1,"no_quantity":1,"no_values":1,"repeated_heading":1,)"
                                       R"("subtotal":1,"total":1})"));
  // Imported, it says imported; nothing skipped, no skip part.
  const std::string g = l / "plain.csv";
  WriteFile(g, "日期,单位名称,废物代码,产生量(吨)\n2023-09,禹州市热电有限公司,SW02,10\n");
  r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-sw-ledger",
          "--create-parties", g});
  INFO(r.out << r.err);
  CHECK(r.out.find("plain.csv (utf-8): 1 row read: 1 imported, 0 duplicates skipped, 0 refused\n") !=
        std::string::npos);
}

TEST_CASE("import: a file's total row is checked against its rows, and a wrong one warned of",
          "[cli][import]") {
  ImportLedger l;
  const std::string head = "联单编号,产生单位,接受单位,废物代码,转移量(千克),转移日期\n";
  const std::string rows =
      "20234110000001,甲公司,乙公司,900-249-08,100,2023-01-02\n"
      "20234110000002,甲公司,乙公司,900-249-08,200,2023-01-03\n"
      "20234110000002,甲公司,乙公司,900-249-08,200,2023-01-03\n"   // repeated
      "20234110000003,甲公司,乙公司,900-249-08,-40,2023-01-04\n"    // refused, unreadable
      "20234110000004,甲公司,乙公司,900-249-08,50,2023-02-30\n"     // refused
      "一月小计,,,,550,\n";                                          // a part's total: not checked
  // Runs a dry run of the rows with a 合计 row of `total` kg; returns the
  // summary and the warnings.
  const auto check = [&](const std::string& name, const std::string& total) {
    const std::string f = l / name;
    WriteFile(f, head + rows + "合计,,,," + total + ",\n");
    RunResult r = l.Import({"--create-parties", "--max-errors", "0", "--dry-run", "--format", "json"}, f);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 5);  // the refused rows; a total that disagrees changes nothing
    const json t = json::parse(r.out)["files"][0]["total_row"];
    CHECK(t["row"] == 8);
    REQUIRE(t["columns"].size() == 1);
    return std::make_pair(t["columns"][0], r.err);
  };
  auto [distinct, quiet] = check("distinct.csv", "300");
  CHECK(distinct["agrees_with"] == "distinct");
  CHECK(distinct["imported_g"] == 300000);
  CHECK(distinct["repeated_g"] == 200000);
  CHECK(distinct["refused_g"] == 50000);
  CHECK(distinct["refused_unreadable"] == 1);
  CHECK(quiet.find("total wrong") == std::string::npos);
  CHECK(check("repeats.csv", "500").first["agrees_with"] == "with-repeats");
  // 550 would be every row, but one refused row's figure cannot be read.
  auto [wrong, warning] = check("wrong.csv", "550");
  CHECK(wrong["agrees_with"].is_null());
  CHECK(warning.find(
            "wasteledger: warning: wrong.csv total row 8, 转移量(千克): 0.550 t, but the rows sum to "
            "0.300 t to be imported, 0.000 t already in the ledger, 0.200 t repeated and 0.050 t refused (1 "
            "refused row unreadable): is the file missing rows, or is its total wrong?") !=
        std::string::npos);
  // Without the unreadable row, every row read is a sum it can agree with.
  const std::string f = l / "all.csv";
  std::string no_negative = rows;
  no_negative.erase(no_negative.find("20234110000003"), no_negative.find("20234110000004") -
                                                            no_negative.find("20234110000003"));
  WriteFile(f, head + no_negative + "合计,,,,550,\n");
  RunResult r = l.Import({"--create-parties", "--max-errors", "0", "--dry-run"}, f);
  CHECK(r.out.find("total row 7, 转移量(千克): 0.550 t, the sum of every row read, refused ones included") !=
        std::string::npos);

  // 1,025 rows of the largest mass (2^53 - 1 g) sum past 2^63 g: the check
  // is skipped, said so, and nothing overflows.
  const std::string big = l / "big.csv";
  std::string text = "联单编号,产生单位,接受单位,废物代码,转移量(克),转移日期\n";
  for (int i = 0; i < 1025; ++i) text += "20234110000001,甲公司,乙公司,900-249-08,9007199254740991,2023-01-02\n";
  WriteFile(big, text + "合计,,,,1,\n");
  r = l.Import({"--create-parties", "--dry-run", "--format", "json"}, big);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const json column = json::parse(r.out)["files"][0]["total_row"]["columns"][0];
  CHECK(column["overflow"] == true);
  CHECK(column["agrees_with"].is_null());
  CHECK(r.err.find("total wrong") == std::string::npos);
  r = l.Import({"--create-parties", "--dry-run"}, big);
  CHECK(r.out.find("total row 1027, 转移量(克): 0.000001 t, not checked: the rows' figures sum past 2^63 g") !=
        std::string::npos);
}

TEST_CASE("import: JSONL import records from a script", "[cli][import]") {
  ImportLedger l;
  const std::string f = l / "records.jsonl";
  const std::string good = R"({"record":"generate","from":"prod","waste":"900-041-49","mass_g":5000,"date":"2023-03-01"})";
  WriteFile(
      f,
      good + "\n" + good + "\n" +
          R"({"record":"generate","from":"ghost","waste":"900-041-49","mass_g":5,"date":"2023-03-01"})" +
          "\n{not json\n" +
          R"({"record":"generate","from":"prod","waste":"900-041-49","mass_g":-5,"date":"2023-03-01"})" +
          "\n" +
          R"({"record":"generate","from":"prod","waste":"900-041-49","mass_g":5,"date":"2023-02-30"})" +
          "\n" +
          R"({"record":"utilize","from":"prod","to":"prod","waste":"900-041-49","mass_g":5,"date":"2023-02-03"})" +
          "\n" +
          R"({"record":"generate","from":"prod","waste":"900-041-49","mass_g":5,"date":"2099-01-05"})" +
          "\n" +
          R"({"record":"manifest","from":"prod","to":"prod","waste":"900-041-49","mass_g":5,"date":"2023-03-05",)"
          R"("received":"2023-03-01","received_g":5})" +
          "\n" +
          R"({"record":"generate","from":"prod","waste":"900-041-49","mass_g":5,"date":"1999-12-31"})" +
          "\n");
  const std::string errors = l / "refused.csv";
  RunResult r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--errors", errors, "--max-errors",
                    "0", "--format", "json", f});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 5);
  const json s = json::parse(r.out);
  CHECK(s["files"][0]["rows_read"] == 10);
  CheckRows(s, 1, 1, 8);
  const auto lines = SplitLines(ReadFile(errors));
  REQUIRE(lines.size() == 9);
  CHECK(
      lines[8].find("\"\"date\"\": 1999-12-31 is before 2000-01-01, the earliest date a record may carry") !=
      std::string::npos);
  CHECK(lines[6].find("\"\"date\"\": 2099-01-05 is after the day of the import (") != std::string::npos);
  CHECK(lines[7].find("\"\"received\"\": received on 2023-03-01, before it was transferred on 2023-03-05") !=
        std::string::npos);
  CHECK(lines[4].find("2023-02-30 is not a calendar date") != std::string::npos);
  CHECK(lines[5].find("has no place in a utilize record") != std::string::npos);
  CHECK(lines[1].rfind("records.jsonl,3,from,\"\"\"ghost\"\"\",not a registered party id", 0) == 0);
  CHECK(lines[2].rfind("records.jsonl,4,,,", 0) == 0);
  CHECK(lines[3].find("body.mass_g") != std::string::npos);
  // The record carries its provenance: the file, its hash and the line.
  bool found = false;
  for (const auto& line : SplitLines(l.Export())) {
    const json st = json::parse(line)["statement"];
    if (st["kind"] != "import") continue;
    found = true;
    CHECK(st["body"]["source"]["file"] == "records.jsonl");
    CHECK(st["body"]["source"]["row"] == 1);
    CHECK(st["body"]["mass_g"] == 5000);
  }
  CHECK(found);
  CHECK(CheckStoredImportsAgainstSchema(l.Export()) == 1);
}

// A file need not be in date order: its records are appended in date order
// (rows of one date in file order), so a pool is grown by a generation
// before what a later row of the file says was drawn from it. In row order,
// the utilisation below would have drawn on an empty 2023 pool (a phantom
// consumption finding) while the 2022 pool kept its 5 t.
// Without a total row there is nothing to check the figures against, so the
// summary gives their sums: a file read in the wrong unit shows as a figure a
// thousand times too large before anything is written.
TEST_CASE("import: a file without a total row gets its quantity columns' sums in the summary", "[cli][import]") {
  ImportLedger l;
  const std::string f = l / "no-total.csv";
  WriteFile(f,
            "联单编号,产生单位,接受单位,废物代码,转移量(吨),接受量(吨),转移日期,接收日期\n"
            "20234110000001,甲公司,乙公司,900-249-08,1.5,1.25,2023-01-02,2023-01-03\n"
            "20234110000002,甲公司,乙公司,900-249-08,2,2,2023-01-04,2023-01-05\n"
            "20234110000002,甲公司,乙公司,900-249-08,2,2,2023-01-04,2023-01-05\n"
            "20234110000003,甲公司,乙公司,900-249-08,-1,0,2023-01-06,2023-01-07\n");
  RunResult text = l.Import({"--create-parties", "--dry-run", "--max-errors", "0"}, f);
  INFO(text.out << text.err);
  REQUIRE(text.exit_code == 5);
  CHECK(text.out.find("转移量(吨): 3.500 t in the rows to be imported (the file has no total row to check it "
                      "against)") != std::string::npos);
  CHECK(text.out.find("接受量(吨): 3.250 t in the rows to be imported") != std::string::npos);
  RunResult j = l.Import({"--create-parties", "--dry-run", "--max-errors", "0", "--format", "json"}, f);
  REQUIRE(j.exit_code == 5);
  const json masses = json::parse(j.out)["files"][0]["masses"];
  REQUIRE(masses.size() == 2);
  CHECK(masses[0] == json{{"heading", "转移量(吨)"},
                          {"imported_g", 3500000},
                          {"held_g", 0},
                          {"earlier_file_g", 0},
                          {"repeated_g", 2000000},
                          {"refused_g", 0}});
  CHECK(masses[1]["imported_g"] == 3250000);
  CHECK(json::parse(j.out)["files"][0].count("total_row") == 0);
}

// What the summary says was imported is what the ledger holds: each mass
// column's imported_g is the sum of the figures of the records imported from
// that column. A quantity written ="3" or '4 was imported (the wrapper taken
// off) but left out of the sums, so a right 合计 was warned of as wrong.
TEST_CASE("import: the summary's mass sums are those of the records imported", "[cli][import]") {
  ImportLedger l;
  const std::string manifests = l / "wrapped.csv";
  WriteFile(manifests,
            "联单编号,移出单位,接受单位,废物代码,转移量（吨）,接受量（吨）,转移日期\n"
            "20234110003101,甲化工有限公司,乙处置中心,900-249-08,2,2,2024-01-05\n"
            "20234110003102,甲化工有限公司,乙处置中心,900-249-08,\"=\"\"3\"\"\",3,2024-01-05\n"
            "20234110003103,甲化工有限公司,乙处置中心,900-249-08,'4,4,2024-01-05\n"
            "20234110003104,甲化工有限公司,乙处置中心,900-249-08,1500kg,'1,2024-01-05\n"
            "20234110003105,甲化工有限公司,乙处置中心,900-249-08,\"1,000.5\",1000.5 t,2024-01-06\n"
            "合计,,,,1002.5,1002.5,\n");
  const std::string ledger = l / "wrapped-ledger.csv";
  WriteFile(ledger,
            "日期,单位名称,废物代码,产生量(吨),自行利用量(千克),委托处置量(吨),接收单位\n"
            "2023-01,甲化工有限公司,SW02,5,\"=\"\"300\"\"\",1,乙处置中心\n"
            "2023-02,甲化工有限公司,SW02,5,300,'1,乙处置中心\n"
            "2023-03,甲化工有限公司,SW02,5,2吨,1,乙处置中心\n");
  const auto check = [&](const std::string& profile, const std::string& file, int refused) {
    RunResult r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", profile,
                      "--create-parties", "--max-errors", "0", "--format", "json", file});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 5);
    const json f = json::parse(r.out)["files"][0];
    CHECK(f["rows_refused"] == refused);
    // The records in the ledger from this file, summed by column.
    std::map<std::string, int64_t> ledger_g;
    for (const auto& line : SplitLines(l.Export())) {
      const json st = json::parse(line)["statement"];
      if (st["kind"] != "import" || st["body"]["source"]["file"] != f["file"]) continue;
      const json& b = st["body"];
      if (b["record"] == "manifest") {
        ledger_g["转移量（吨）"] += b["mass_g"].get<int64_t>();
        ledger_g["接受量（吨）"] += b.value("received_g", int64_t{0});
      } else {
        ledger_g[b["source"]["column"].get<std::string>()] += b["mass_g"].get<int64_t>();
      }
    }
    REQUIRE_FALSE(f["masses"].empty());
    for (const json& m : f["masses"]) {
      INFO(m.dump());
      CHECK(m["imported_g"] == ledger_g[m["heading"].get<std::string>()]);
    }
    return std::make_pair(f, r.err);
  };
  auto [f, err] = check("cn-hw-manifest", manifests, 3);
  // The wrapped quantities are refused, naming the row and the column
  // (IMPORT-PROFILES.md: the wrappers are taken off in every column but the
  // quantities), and the file's 合计 is the sum of the rows imported.
  CHECK(err.find("refused wrapped.csv row 3, column 转移量（吨）: not a number\n") != std::string::npos);
  CHECK(err.find("refused wrapped.csv row 4, column 转移量（吨）: not a number\n") != std::string::npos);
  CHECK(err.find("refused wrapped.csv row 5, column 接受量（吨）: not a number\n") != std::string::npos);
  CHECK(f["masses"][0]["imported_g"] == 1002500000);
  CHECK(f["total_row"]["columns"][0]["agrees_with"] == "distinct");
  CHECK(f["total_row"]["columns"][1]["agrees_with"] == "distinct");
  CHECK(err.find("total wrong") == std::string::npos);
  auto [g, ledger_err] = check("cn-sw-ledger", ledger, 2);
  CHECK(ledger_err.find("refused wrapped-ledger.csv row 2, column 自行利用量(千克): not a number\n") !=
        std::string::npos);
  CHECK(ledger_err.find("refused wrapped-ledger.csv row 3, column 委托处置量(吨): not a number\n") !=
        std::string::npos);
  CHECK(g["masses"][1]["imported_g"] == 2000000);
}

// A file cut inside its last value reads as a smaller figure with every
// column present: it cannot be refused, so the summary warns of it.
TEST_CASE("import: a last row without a line break is warned of; with one, or refused, it is not",
          "[cli][import]") {
  ImportLedger l;
  const std::string whole =
      "联单编号,移出单位,接受单位,废物代码,转移日期,转移量(千克)\n"
      "20234110000001,甲公司,乙公司,900-249-08,2023-01-02,1000\n"
      "20234110000002,甲公司,乙公司,900-249-08,2023-01-04,1500\n";
  const std::string f = l / "cut.csv";
  WriteFile(f, whole.substr(0, whole.size() - 3));  // "...,1500\n" cut to "...,15"
  RunResult r = l.Import({"--create-parties", "--dry-run"}, f);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err ==
        "wasteledger: warning: cut.csv: the file ends in row 3 with no line break after it; if the file was cut "
        "short, that row's last value is cut too (a mass of 1500 read as 15): compare the row with the original\n");
  RunResult j = l.Import({"--create-parties", "--dry-run", "--format", "json"}, f);
  CHECK(json::parse(j.out)["files"][0]["unterminated_row"] == 3);
  // The whole file: no warning.
  WriteFile(f, whole);
  r = l.Import({"--create-parties", "--dry-run"}, f);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(json::parse(l.Import({"--create-parties", "--dry-run", "--format", "json"}, f).out)["files"][0].count(
            "unterminated_row") == 0);
  // Cut before its last columns, the row is refused as cut short instead.
  WriteFile(f, whole.substr(0, whole.find(",2023-01-04")));
  r = l.Import({"--create-parties", "--dry-run", "--max-errors", "0"}, f);
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("the file looks cut short") != std::string::npos);
  CHECK(r.err.find("no line break after it;") == std::string::npos);
}

TEST_CASE("import: a file's records are appended in date order, not row order", "[cli][import]") {
  ImportLedger l;
  const std::string f = l / "out-of-order.jsonl";
  WriteFile(f, R"({"record":"utilize","from":"prod","waste":"900-041-49","mass_g":3000000,"date":"2023-02-01"})"
               "\n"
               R"({"record":"generate","from":"prod","waste":"900-041-49","mass_g":1000,"date":"2023-02-01"})"
               "\n"
               R"({"record":"generate","from":"prod","waste":"900-041-49","mass_g":5000000,"date":"2022-12-01"})"
               "\n");
  RunResult r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--format", "json", f});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::pair<std::string, int64_t>> order;  // date, row
  for (const auto& line : SplitLines(l.Export())) {
    const json st = json::parse(line)["statement"];
    if (st["kind"] == "import") order.emplace_back(st["body"]["date"], st["body"]["source"]["row"]);
  }
  CHECK(order == std::vector<std::pair<std::string, int64_t>>{{"2022-12-01", 3}, {"2023-02-01", 1}, {"2023-02-01", 2}});
  RunResult rec = Wl({"report", "reconcile", "--ledger", l.ledger, "--from", "2022-01-01", "--to", "2023-12-31",
                      "--format", "json"});
  REQUIRE(rec.exit_code == 0);
  const json findings = json::parse(rec.out)["findings"];
  REQUIRE(findings.is_array());
  for (const auto& finding : findings) CHECK(finding["rule"] != "phantom-consumption");
}

// `rows` manifest lines of 5 producers and 3 receivers in March 2023.
std::string ManyManifestRows(int rows) {
  std::string csv =
      "联单编号,产生单位,统一社会信用代码,运输单位,接受单位,经营许可证编号,废物名称,废物代码,危险特性,形态,"
      "包装方式,转移量(千克),接受量(千克),转移日期,接收日期,利用处置方式\n";
  for (int i = 0; i < rows; ++i) {
    const int p = i % 5, r = i % 3, day = i % 28 + 1;
    csv += fmt::format(
        "2023411{:07},许昌市第{}化工有限公司,91411000MA45A{:04}X,许昌危运物流有限公司,许昌市第{}环保科技有限公司,"
        "HW41100{:02},废矿物油,900-249-08,T,液态,桶装,{}.50,{}.50,2023-03-{:02},2023-03-{:02},R9\n",
        i + 1, p, p, r, r, 100 + i, 100 + i, day, day);
  }
  return csv;
}

// The disk fills up in the middle of an import: here the file size limit
// (RLIMIT_FSIZE, with SIGXFSZ ignored so a write past it fails with EFBIG
// instead of killing the process) stops RocksDB's log a few batches in. The
// import names the first batch not imported and how many records made it;
// the ledger holds exactly those, verifies, and a second run imports the
// rest and skips what is held.
TEST_CASE("import: a write that fails mid-import names the first batch lost, and a rerun completes it",
          "[cli][import]") {
  ImportLedger l;
  const int kRows = 1200;
  const std::string csv = ManyManifestRows(kRows);
  const std::string file = l / "many.csv";
  WriteFile(file, csv);
  const std::vector<std::string> import = {"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile",
                                           "cn-hw-manifest", "--create-parties", "--batch", "40",
                                           "--format", "json", file};
  // 0.5 to 1 MB: a few batches of about 100 KB of log each, well short of all 30.
  RunResult r = WlWithFileSizeLimit(1000, import);
  INFO(r.err);
  REQUIRE(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  // "many.csv: the batch of 40 records dated D1 to D2 was not imported (N
  // records in earlier batches were): ... File too large"
  const std::string prefix = "wasteledger: error: many.csv: the batch of 40 records dated ";
  REQUIRE(r.err.rfind(prefix, 0) == 0);
  char first[11] = {}, last[11] = {};
  int held = -1;
  REQUIRE(std::sscanf(r.err.c_str() + prefix.size(), "%10s to %10s was not imported (%d records in earlier", first,
                      last, &held) == 3);
  CHECK(r.err.find("File too large") != std::string::npos);
  CHECK(held > 0);
  CHECK(held < kRows);
  CHECK(held % 40 == 0);
  // Records go in date order (rows of one date in file order), 40 a batch:
  // the batch lost is the one after the `held` earliest.
  std::vector<int> days;
  for (int i = 0; i < kRows; ++i) days.push_back(i % 28 + 1);  // as ManyManifestRows dates them
  std::stable_sort(days.begin(), days.end());
  CHECK(std::string(first) == fmt::format("2023-03-{:02}", days[static_cast<size_t>(held)]));
  CHECK(std::string(last) == fmt::format("2023-03-{:02}", days[static_cast<size_t>(held) + 39]));

  // Exactly the records reported, each once; the ledger verifies.
  auto count_imports = [&l] {
    int n = 0;
    for (const auto& line : SplitLines(l.Export())) {
      n += json::parse(line)["statement"]["kind"] == "import" ? 1 : 0;
    }
    return n;
  };
  CHECK(count_imports() == held);
  RunResult v = Wl({"verify", "--ledger", l.ledger});
  INFO(v.err);
  CHECK(v.exit_code == 0);

  // The rerun, with room to write: the rest imported, the rows held skipped.
  RunResult again = Wl(import);
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CheckRows(json::parse(again.out), kRows - held, held, 0);
  CHECK(count_imports() == kRows);
  CHECK(Wl({"verify", "--ledger", l.ledger}).exit_code == 0);
}

// A file of thousands of rows: the default --max-errors stops at its first
// bad row; a quote never closed thousands of rows in refuses the file once
// every row before it has been checked; nothing is written either way.
TEST_CASE("import: a large file stops at its first bad row, or where it breaks off, with nothing written",
          "[cli][import]") {
  ImportLedger l;
  const int kRows = 3000;
  const std::vector<std::string> lines = SplitLines(ManyManifestRows(kRows));  // the heading is line 1
  auto with_line = [&](size_t at, const std::string& text) {
    std::string csv;
    for (size_t i = 0; i < lines.size(); ++i) csv += (i + 1 == at ? text : lines[i]) + "\n";
    return csv;
  };
  const std::string file = l / "many.csv";
  const std::string before = l.Export();
  // A negative mass in row 11: the default --max-errors stops there.
  std::string bad = lines[10];
  bad.replace(bad.find(",109.50,"), 8, ",-109.50,");  // row 11 is i = 9 of ManyManifestRows
  WriteFile(file, with_line(11, bad));
  RunResult r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest",
                    "--create-parties", file});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("many.csv row 11, column 转移量(千克)") != std::string::npos);
  CHECK(r.err.find("stopped after 1 refused row") != std::string::npos);
  CHECK(l.Export() == before);
  // A quote opened in row 2,501 and never closed: every row before it is
  // checked (with no error limit), then the file is refused.
  WriteFile(file, with_line(2501, "\"" + lines[2500]));
  r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest",
          "--create-parties", "--max-errors", "0", file});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("line 2501: a quoted field is never closed") != std::string::npos);
  CHECK(l.Export() == before);
  // Whole, it imports.
  WriteFile(file, with_line(0, ""));
  r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest",
          "--create-parties", "--format", "json", file});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CheckRows(json::parse(r.out), kRows, 0, 0);
}

// A party registered as 禹州市热电（集团）有限公司 was unknown to a file
// naming it the same way: the file's names are normalised, the registered
// ones were not (without --create-parties a refused row, with it a second
// party for the same company).
TEST_CASE("import: registered parties are matched by name after width and space normalisation",
          "[cli][import]") {
  ImportLedger l;
  for (const auto& [id, name, role] : {std::tuple{"yz-power", "禹州市热电（集团）有限公司", "producer"},
                                       {"xc-hw", "许昌市　危废处置中心", "receiver"}}) {
    RunResult r = Wl({"party", "add", "--ledger", l.ledger, "--key", l.regulator_key, "--id", id, "--name",
                      name, "--role", role});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  const std::string f = l / "m.csv";
  WriteFile(f,
            "联单编号,产生单位,接受单位,废物代码,转移量(千克),转移日期\n"
            "20234110000001,禹州市热电（集团）有限公司,许昌市 危废处置中心,900-249-08,5,2023-01-02\n");
  RunResult r = l.Import({"--format", "json"}, f);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CheckRows(json::parse(r.out), 1, 0, 0);
  CHECK(json::parse(r.out)["parties_created"].empty());
  bool found = false;
  for (const auto& line : SplitLines(l.Export())) {
    const json st = json::parse(line)["statement"];
    if (st["kind"] != "import") continue;
    found = true;
    CHECK(st["body"]["from"] == "yz-power");
    CHECK(st["body"]["to"] == "xc-hw");
  }
  CHECK(found);
}

// Exit 5 ("imported, but for the refused rows") and "nothing new to import"
// when every row was refused; and a party met only in a refused row was
// registered all the same.
TEST_CASE("import: every row refused exits 1; a refused row registers no party", "[cli][import]") {
  ImportLedger l;
  const std::string before = l.Export();
  const std::string head = "联单编号,产生单位,接受单位,废物代码,转移量(千克),转移日期\n";
  const std::string bad = l / "bad.csv";
  WriteFile(bad, head +
                     "20234110000001,甲公司,乙公司,900-249-08,x,2023-01-02\n"
                     "20234110000002,甲公司,乙公司,900-249-08,-1,2023-01-02\n");
  for (bool dry : {true, false}) {
    std::vector<std::string> args = {"--create-parties", "--max-errors", "0"};
    if (dry) args.push_back("--dry-run");
    RunResult r = l.Import(args, bad);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find(fmt::format("nothing {}imported: every row read was refused (2)\n",
                                 dry ? "would be " : "")) != std::string::npos);
  }
  CHECK(l.Export() == before);
  // Row 3 is refused (its manifest goes from 甲公司 in row 2): 丙公司, named
  // only there, is not registered; the import exits 5, row 2 being in.
  const std::string mixed = l / "mixed.csv";
  WriteFile(mixed, head +
                       "20234110000001,甲公司,乙公司,900-249-08,5,2023-01-02\n"
                       "20234110000001,丙公司,乙公司,900-249-08,5,2023-01-02\n");
  RunResult r = l.Import({"--create-parties", "--max-errors", "0", "--format", "json"}, mixed);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 5);
  CHECK(json::parse(r.out)["parties_created"].size() == 2);
  // The refusal names the companies, not only their ids.
  CHECK(r.err.find("goes from 甲公司 (legacy-") != std::string::npos);
  CHECK(r.err.find("elsewhere, not from 丙公司 (legacy-") != std::string::npos);
  for (const auto& line : SplitLines(l.Export())) {
    const json st = json::parse(line)["statement"];
    CHECK_FALSE((st["kind"] == "party" && st["body"]["name"] == "丙公司"));
  }
}

// A heading cell wrapped over two lines was printed with its line break,
// splitting a summary line in two.
TEST_CASE("import: a heading holding a line break is shown on one line", "[cli][import]") {
  ImportLedger l;
  const std::string f = l / "wrapped.csv";
  WriteFile(f, "联单编号,产生单位,接受单位,废物代码,\"转移量\n(千克)\",转移日期\n"
               "20234110000001,甲公司,乙公司,900-249-08,5,2023-01-02\n");
  RunResult r = l.Import({"--create-parties", "--dry-run"}, f);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("  转移量\\n(千克): 0.005 t in the rows to be imported") != std::string::npos);
  CHECK(r.out.find("    转移量 (千克) -> mass (kg)") != std::string::npos);  // normalised there
  for (const auto& line : SplitLines(r.out)) CHECK(line.rfind("(千克)", 0) != 0);
}

// A registered producer-only party named as a receiver, and a registered
// party matched by name whose USCC differs from the file's, went in
// without a word.
TEST_CASE("import: a registered party used in a role it lacks, or named with another USCC, is warned of",
          "[cli][import]") {
  ImportLedger l;
  for (const auto& [id, name, uscc, role] :
       {std::tuple{"chem", "许昌市化工有限公司", "91411000MA45A1B2D5", "producer"},
        std::tuple{"plant", "禹州市热电有限公司", "91411081MA44RD3K79", "producer"}}) {
    RunResult r = Wl({"party", "add", "--ledger", l.ledger, "--key", l.regulator_key, "--id", id, "--name", name,
                      "--uscc", uscc, "--role", role});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  const std::string f = l / "m.csv";
  WriteFile(f,
            "联单编号,产生单位,统一社会信用代码,接受单位,废物代码,转移量(千克),转移日期\n"
            "20234110000001,禹州市热电有限公司,91411081MA44RD3K6N,许昌市化工有限公司,900-249-08,5,2023-01-02\n"
            "20234110000002,禹州市热电有限公司,91411081MA44RD3K6N,许昌市化工有限公司,900-249-08,6,2023-01-02\n");
  RunResult r = l.Import({}, f);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err ==
        "wasteledger: warning: m.csv row 2: \"禹州市热电有限公司\" is matched by name to plant, whose USCC is "
        "91411081MA44RD3K79, but the file gives 91411081MA44RD3K6N\n"
        "wasteledger: warning: m.csv row 2: \"许昌市化工有限公司\" is registered as chem (producer) without the "
        "receiver role the file gives it (imported all the same: legacy data is kept)\n");
}

// A malformed USCC was dropped without a word, the party registered by name.
TEST_CASE("import: a company registered without its malformed USCC is warned of", "[cli][import]") {
  ImportLedger l;
  const std::string f = l / "m.csv";
  WriteFile(f,
            "联单编号,产生单位,统一社会信用代码,接受单位,废物代码,转移量(千克),转移日期\n"
            "20234110000001,禹州市铸造有限公司,4110812001,乙公司,900-249-08,5,2023-01-02\n");
  for (bool dry : {true, false}) {
    std::vector<std::string> args = {"--create-parties"};
    if (dry) args.push_back("--dry-run");
    RunResult r = l.Import(args, f);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    const std::string id = "legacy-" + ToHex(Sha256("禹州市铸造有限公司")).substr(0, 12);
    CHECK(r.err ==
          fmt::format("wasteledger: warning: m.csv row 2: \"禹州市铸造有限公司\" has USCC \"4110812001\", "
                      "which is not well formed (18 characters of the USCC alphabet): the party {} by "
                      "name as {}, without a USCC\n",
                      dry ? "would be registered" : "is registered", id));
  }
}

TEST_CASE("import: a bad file or a bad key is refused with nothing written", "[cli][import]") {
  ImportLedger l;
  const std::string before = l.Export();
  // Writes the file, imports it: refused in one line holding `message`.
  const auto refused = [&l](const std::string& name, const std::string& content, const std::string& message) {
    const std::string f = l / name;
    WriteFile(f, content);
    RunResult r = l.Import({"--create-parties"}, f);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(CountLines(r.err) == 1);
    CHECK(r.err.find(message) != std::string::npos);
    return r.err;
  };
  SECTION("missing required columns") {
    const std::string err = refused("short.csv", "联单编号,产生单位,接受单位\n20234110000001,甲,乙\n",
                                    "missing required columns");
    CHECK(err.find("转移量") != std::string::npos);
  }
  SECTION("not a spreadsheet, or empty") {
    refused("photo.csv", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), "not a CSV or XLSX file");
    refused("empty.csv", "", "empty.csv: the file is empty");
    // Web systems' "Excel" exports: an HTML table, Excel 2003 XML.
    refused("export.xls", "\xEF\xBB\xBF  <html><head><meta charset=\"gbk\"></head><body><table><tr><td>联单编号</td>",
            "export.xls: not a CSV or XLSX file: an HTML page saved under a spreadsheet's name");
    refused("export2.xls",
            "<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">",
            "export2.xls: not a CSV or XLSX file: an Excel 2003 XML spreadsheet");
  }
  SECTION("a file cut short: inside a character, or inside the last row") {
    // The fixture's first line is a title in GB18030: cut after one byte of
    // its second character (each is two bytes).
    refused("cut.csv", ReadFile(kFixture).substr(0, 3),
            "cut.csv: the file ends in the middle of a character, at line 1 (byte offset 2)");
    // Cut after the first cell of a row, at a character boundary: that row
    // is refused (the ones before it would be imported with --max-errors).
    const std::string head = "联单编号,产生单位,接受单位,废物代码,转移量(千克),转移日期\n";
    const std::string row = "20234110000001,甲公司,乙公司,900-249-08,5,2023-01-02";
    refused("cut-row.csv", head + row + "\n20234110000002",
            "cut-row.csv row 3: the file ends inside this row (no line break after it, and it stops before "
            "column 产生单位): the file looks cut short");
    // A last row without a line break but with all its required columns is
    // fine (here without the optional 备注), and so is a total row.
    const std::string h = l / "no-final-newline.csv";
    WriteFile(h, "联单编号,产生单位,接受单位,废物代码,转移量(千克),转移日期,备注\n" + row + "\n合计,,,,5");
    RunResult r = l.Import({"--create-parties", "--dry-run"}, h);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("1 records would be imported") != std::string::npos);
  }
  // The separator is taken from the first line: a title line above a
  // tab-separated heading leaves every line one column.
  SECTION("a tab-separated file with a title line") {
    const std::string err = refused(
        "tabs.csv", "2023年转移联单\n联单编号\t产生单位\t接受单位\t废物代码\t转移量(千克)\t转移日期\n",
        "missing required columns");
    CHECK(err.find("every line read as one column: the separator (comma, tab or semicolon) is taken from the "
                   "first line") != std::string::npos);
  }
  // Was written over with the refused rows, the import going ahead.
  SECTION("--errors naming one of the input files") {
    const std::string copy = l / "manifests.csv";
    WriteFile(copy, ReadFile(kFixture));
    RunResult r =
        l.Import({"--create-parties", "--max-errors", "10", "--errors", l / "./manifests.csv"}, copy);
    CHECK(r.exit_code == 1);
    CHECK(CountLines(r.err) == 1);
    CHECK(r.err.find("that is an input of this import") != std::string::npos);
    CHECK(ReadFile(copy) == ReadFile(kFixture));
  }
  SECTION("GB18030 declared as UTF-8") {
    RunResult r = l.Import({"--encoding", "utf-8"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("not valid UTF-8") != std::string::npos);
  }
  SECTION("a producer's key is not an importer") {
    RunResult r = Wl({"import", "--ledger", l.ledger, "--key", l.producer_key, "--profile", "cn-hw-manifest",
                      kFixture});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("not a regulator") != std::string::npos);
  }
  SECTION("a file that is not there, and a pipe (read twice, so refused before anything is read)") {
    RunResult missing = l.Import({"--create-parties"}, l / "nowhere.csv");
    CHECK(missing.exit_code == 1);
    CHECK(CountLines(missing.err) == 1);
    CHECK(missing.err.find("nowhere.csv: no such file") != std::string::npos);
    const std::string fifo = l / "pipe.csv";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    RunResult piped = l.Import({"--create-parties"}, fifo);
    CHECK(piped.exit_code == 1);
    CHECK(CountLines(piped.err) == 1);
    CHECK(piped.err.find("not a regular file") != std::string::npos);
  }
  SECTION("no layout") {
    RunResult r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, kFixture});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("--profile") != std::string::npos);
  }
  SECTION("a sheet asked of a file that has none") {
    RunResult csv = l.Import({"--create-parties", "--sheet", "2023年"});
    INFO(csv.err);
    CHECK(csv.exit_code == 1);
    CHECK(CountLines(csv.err) == 1);
    CHECK(csv.err.find("--sheet 2023年 names a worksheet, but this is a CSV file") != std::string::npos);
    const std::string jsonl = l / "records.jsonl";
    WriteFile(jsonl, "{}\n");
    RunResult j = l.Import({"--sheet", "2023年"}, jsonl);
    INFO(j.err);
    CHECK(j.exit_code == 1);
    CHECK(j.err.find("records.jsonl: --sheet 2023年 names a worksheet, but this is a JSONL file") !=
          std::string::npos);
  }
  SECTION("a negative count is refused as usage, not read as a huge one") {
    RunResult r = l.Import({"--create-parties", "--max-errors", "-1"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--max-errors: must be a whole number 0 or more, not \"-1\"") != std::string::npos);
  }
  CHECK(l.Export() == before);
}

}  // namespace
}  // namespace wasteledger::testing
