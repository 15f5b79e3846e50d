// `wasteledger import` of workbooks whose cells only a program writes: a
// manifest number stored as the float 20234110000303.0 (openpyxl, pandas), a
// total row whose figure is #REF! or a formula never calculated. Each
// workbook is written with libxlsxwriter, then one cell of its sheet is
// replaced by the XML such a program writes.
#include <xlsxwriter.h>
#include <zip.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/cli_fixture.h"

namespace wasteledger::testing {
namespace {

using nlohmann::json;

// Replaces the cell `ref` (<c r="E4" ...>...</c>) of the workbook's first
// sheet with `xml`.
void ReplaceCell(const std::string& path, const std::string& ref, const std::string& xml) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), 0, &err);
  REQUIRE(z != nullptr);
  const char* part = "xl/worksheets/sheet1.xml";
  zip_stat_t st;
  REQUIRE(zip_stat(z, part, 0, &st) == 0);
  std::string sheet(st.size, '\0');
  zip_file_t* f = zip_fopen(z, part, 0);
  REQUIRE(f != nullptr);
  REQUIRE(zip_fread(f, sheet.data(), sheet.size()) == static_cast<zip_int64_t>(sheet.size()));
  zip_fclose(f);
  const size_t at = sheet.find("<c r=\"" + ref + "\"");
  REQUIRE(at != std::string::npos);
  const size_t end = sheet.find("</c>", at);
  REQUIRE(end != std::string::npos);
  sheet.replace(at, end + 4 - at, xml);
  zip_source_t* src = zip_source_buffer(z, sheet.data(), sheet.size(), 0);
  REQUIRE(src != nullptr);
  REQUIRE(zip_file_replace(z, st.index, src, 0) == 0);
  REQUIRE(zip_close(z) == 0);  // writes while `sheet` is still alive
}

const char* const kHeadings[] = {"联单编号", "移出单位",       "接受单位",
                                 "废物代码", "转移量（千克）", "转移日期"};

// A manifest workbook: the headings and one row per (manifest, kg), its
// manifest numbers in number cells; then a 合计 row of `total` kg when
// `total` is not negative.
void WriteManifests(const std::string& path, const std::vector<std::pair<double, double>>& rows,
                    double total = -1) {
  lxw_workbook* wb = workbook_new(path.c_str());
  REQUIRE(wb != nullptr);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "S");
  for (lxw_col_t c = 0; c < 6; ++c) worksheet_write_string(ws, 0, c, kHeadings[c], nullptr);
  lxw_row_t r = 1;
  for (const auto& [manifest, kg] : rows) {
    worksheet_write_number(ws, r, 0, manifest, nullptr);
    worksheet_write_string(ws, r, 1, "甲化工有限公司", nullptr);
    worksheet_write_string(ws, r, 2, "乙处置中心", nullptr);
    worksheet_write_string(ws, r, 3, "900-249-08", nullptr);
    worksheet_write_number(ws, r, 4, kg, nullptr);
    worksheet_write_string(ws, r, 5, "2024-01-09", nullptr);
    ++r;
  }
  if (total >= 0) {
    worksheet_write_string(ws, r, 0, "合计", nullptr);
    worksheet_write_number(ws, r, 4, total, nullptr);
  }
  REQUIRE(workbook_close(wb) == LXW_NO_ERROR);
}

std::vector<std::string> ImportedManifests(const CliLedger& l) {
  std::vector<std::string> out;
  for (const auto& line : SplitLines(l.Export())) {
    const json st = json::parse(line)["statement"];
    if (st["kind"] == "import") out.push_back(st["body"]["manifest"]);
  }
  return out;
}

// Was read as the text "20234110000303.0": the line a CSV had brought in
// already was imported a second time, under another manifest number.
TEST_CASE("import: a manifest number in a workbook's number cell is the whole number it holds",
          "[cli][import]") {
  CliLedger l;
  const std::string csv = l / "a.csv";
  WriteFile(csv,
            "联单编号,移出单位,接受单位,废物代码,转移量（千克）,转移日期\n"
            "20234110000303,甲化工有限公司,乙处置中心,900-249-08,1000,2024-01-09\n");
  const std::string book = l / "b.xlsx";
  WriteManifests(book, {{20234110000303.0, 1000}, {20234110000304.0, 500}});
  ReplaceCell(book, "A2", "<c r=\"A2\"><v>20234110000303.0</v></c>");
  ReplaceCell(book, "A3", "<c r=\"A3\"><v>2.0234110000304E+13</v></c>");
  RunResult r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest",
                    "--create-parties", "--format", "json", csv, book});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const json s = json::parse(r.out);
  CHECK(s["files"][1]["rows_duplicate"] == 1);  // the line a.csv brought
  CHECK(s["files"][1]["rows_imported"] == 1);
  CHECK(s["files"][1]["nonstandard_manifest_numbers"]["count"] == 0);
  CHECK(r.err.find("not in the standard form") == std::string::npos);
  const std::vector<std::string> manifests = ImportedManifests(l);
  CHECK(std::multiset<std::string>(manifests.begin(), manifests.end()) ==
        std::multiset<std::string>{"20234110000303", "20234110000304"});

  // A fraction is no manifest number: the row is refused, naming it, and
  // (by default, the first bad row) nothing is written.
  const std::string bad = l / "c.xlsx";
  WriteManifests(bad, {{20234110000305.0, 1000}, {20234110000306.0, 1000}});
  ReplaceCell(bad, "A3", "<c r=\"A3\"><v>20234110000306.5</v></c>");
  const std::string before = l.Export();
  r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest",
          "--create-parties", bad});
  CHECK(r.exit_code == 1);
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("c.xlsx row 3, column 联单编号: a decimal number, not a manifest number; stopped after 1 "
                   "refused row (--max-errors 1): nothing was imported") != std::string::npos);
  CHECK(l.Export() == before);
}

// A 合计 whose figure could not be read was passed over without a word: no
// total-row line, no sum of the column, no warning.
TEST_CASE("import: a total row whose figure cannot be read is warned of, with the rows' sum",
          "[cli][import]") {
  CliLedger l;
  struct Case {
    std::string file, cell, value, reason;
  };
  const std::string no_value =
      "a formula with no calculated value: open the workbook in Excel or WPS and save it, so that its "
      "formulas are calculated";
  const std::vector<Case> cases = {
      {"ref.xlsx", "<c r=\"E4\" t=\"e\"><f>SUM(#REF!)</f><v>#REF!</v></c>", "#REF!",
       "spreadsheet error value"},
      {"nocalc.xlsx", "<c r=\"E4\"><f>SUM(E2:E3)</f></c>", "", no_value},
      {"ref.csv", "", "#REF!", "not a number"},
  };
  for (const Case& c : cases) {
    INFO(c.file);
    const std::string path = l / c.file;
    if (c.cell.empty()) {
      WriteFile(path,
                "联单编号,移出单位,接受单位,废物代码,转移量（千克）,转移日期\n"
                "20234110013001,甲化工有限公司,乙处置中心,900-249-08,1500,2024-01-09\n"
                "20234110013002,甲化工有限公司,乙处置中心,900-249-08,500,2024-01-09\n"
                "合计,,,,#REF!,\n");
    } else {
      WriteManifests(path, {{20234110013001.0, 1500}, {20234110013002.0, 500}}, 2000);
      ReplaceCell(path, "E4", c.cell);
    }
    const std::vector<std::string> args = {"import",         "--ledger",         l.ledger,
                                           "--key",          l.regulator_key,    "--profile",
                                           "cn-hw-manifest", "--create-parties", "--dry-run"};
    std::vector<std::string> text = args;
    text.push_back(path);
    RunResult r = Wl(text);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);  // the rows are good; the total is only not checked
    const std::string cell = c.value.empty() ? c.reason : "\"" + c.value + "\": " + c.reason;
    CHECK(r.out.find("  total row 4, 转移量（千克）: cannot be read (" + cell +
                     "), so the rows are not checked against it; the rows sum to 2.000 t to be imported\n") !=
          std::string::npos);
    CHECK(r.err.find("wasteledger: warning: " + c.file +
                     " total row 4, 转移量（千克）: the file's total cannot be read (" + cell +
                     "), so the rows were not checked against it (the rows sum to 2.000 t to be imported)" +
                     (c.value.empty() ? "" : ": was the file edited after its total was computed?") + "\n") !=
          std::string::npos);
    std::vector<std::string> as_json = args;
    as_json.insert(as_json.end(), {"--format", "json", path});
    r = Wl(as_json);
    CHECK(r.exit_code == 0);
    const json t = json::parse(r.out)["files"][0]["total_row"];
    CHECK(t["row"] == 4);
    CHECK(t["columns"].empty());
    CHECK(t["unreadable"] ==
          json::array({{{"heading", "转移量（千克）"}, {"value", c.value}, {"reason", c.reason}}}));
    CHECK(r.err.find("the file's total cannot be read") != std::string::npos);
  }
  // A total that reads is checked as before, and nothing is unreadable.
  const std::string ok = l / "ok.xlsx";
  WriteManifests(ok, {{20234110013001.0, 1500}, {20234110013002.0, 500}}, 2000);
  RunResult r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest",
                    "--create-parties", "--dry-run", "--format", "json", ok});
  REQUIRE(r.exit_code == 0);
  const json t = json::parse(r.out)["files"][0]["total_row"];
  CHECK(t["columns"][0]["agrees_with"] == "distinct");
  CHECK(t["unreadable"].empty());
  CHECK(r.err.empty());
}

}  // namespace
}  // namespace wasteledger::testing
