// `wasteledger import` of a general industrial solid waste 台账 kept as an
// XLSX workbook (written here with libxlsxwriter: a title row, a month and
// a workbook date serial, several quantities per row, a stock column that is
// not a flow, a total row, a second sheet), and of an odd layout through a
// JSON mapping file. The balances follow the pools: oldest year first. A
// workbook in the 1904 date system (old Mac Excel) reads its serials so.
#include <xlsxwriter.h>
#include <zip.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/cli_fixture.h"
#include "cli/stored_imports.h"

namespace wasteledger::testing {
namespace {

using nlohmann::json;

const std::string kPlant = "91411081MA44RD3K79";  // 禹州市热电有限公司 (check character correct)

// Sheet "2023年" of a 台账: masses in tonnes by heading; 2022-12 as a month,
// 2023-01-15 as the serial 44941 (or `date_serial`).
void WriteLedgerWorkbook(const std::string& path, double date_serial = 44941) {
  lxw_workbook* wb = workbook_new(path.c_str());
  REQUIRE(wb != nullptr);
  lxw_worksheet* other = workbook_add_worksheet(wb, "说明");
  worksheet_write_string(other, 0, 0, "本表为一般工业固体废物台账", nullptr);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "2023年");
  worksheet_write_string(ws, 0, 0, "禹州市热电有限公司一般工业固体废物台账", nullptr);
  const char* heads[] = {"日期", "单位名称", "统一社会信用代码", "固体废物名称", "废物代码",
                         "产生量(吨)", "自行利用量(吨)", "委托利用量(吨)", "接收单位", "贮存量(吨)"};
  for (lxw_col_t c = 0; c < 10; ++c) worksheet_write_string(ws, 1, c, heads[c], nullptr);
  auto row = [&](lxw_row_t r, bool serial, const char* month, double gen, double self, double out,
                 double stock) {
    if (serial) {
      worksheet_write_number(ws, r, 0, date_serial, nullptr);
    } else {
      worksheet_write_string(ws, r, 0, month, nullptr);
    }
    worksheet_write_string(ws, r, 1, "禹州市热电有限公司", nullptr);
    worksheet_write_string(ws, r, 2, kPlant.c_str(), nullptr);
    worksheet_write_string(ws, r, 3, "粉煤灰", nullptr);
    worksheet_write_string(ws, r, 4, "SW02", nullptr);
    worksheet_write_number(ws, r, 5, gen, nullptr);
    worksheet_write_number(ws, r, 6, self, nullptr);
    worksheet_write_number(ws, r, 7, out, nullptr);
    worksheet_write_string(ws, r, 8, "天瑞水泥有限公司", nullptr);
    worksheet_write_number(ws, r, 9, stock, nullptr);
  };
  row(2, false, "2022年12月", 100, 0, 60, 40);
  row(3, true, "", 80, 30, 70, 20);
  worksheet_write_string(ws, 4, 0, "合计", nullptr);
  worksheet_write_number(ws, 4, 5, 180, nullptr);
  REQUIRE(workbook_close(wb) == LXW_NO_ERROR);
}

// Switches a workbook libxlsxwriter wrote (1.1.4 has no option for it) to
// the 1904 date system: <workbookPr date1904="1" ...> in xl/workbook.xml.
void MarkDate1904(const std::string& path) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), 0, &err);
  REQUIRE(z != nullptr);
  zip_stat_t st;
  REQUIRE(zip_stat(z, "xl/workbook.xml", 0, &st) == 0);
  std::string xml(st.size, '\0');
  zip_file_t* f = zip_fopen(z, "xl/workbook.xml", 0);
  REQUIRE(f != nullptr);
  REQUIRE(zip_fread(f, xml.data(), xml.size()) == static_cast<zip_int64_t>(xml.size()));
  zip_fclose(f);
  const size_t at = xml.find("<workbookPr ");
  REQUIRE(at != std::string::npos);
  xml.insert(at + 12, "date1904=\"1\" ");
  zip_source_t* src = zip_source_buffer(z, xml.data(), xml.size(), 0);
  REQUIRE(src != nullptr);
  REQUIRE(zip_file_replace(z, st.index, src, 0) == 0);
  REQUIRE(zip_close(z) == 0);  // writes while `xml` is still alive
}

class LedgerImport : public CliLedger {
 public:
  json Balance(const std::string& from, const std::string& to) const {
    RunResult r = Wl({"report", "balance", "--ledger", ledger, "--from", from, "--to", to, "--format", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }
};

json Row(const json& balance, const std::string& party, const std::string& waste) {
  for (const auto& row : balance["rows"]) {
    if (row["party"] == party && row["waste"] == waste) return row;
  }
  FAIL("no balance row " << party << " " << waste);
  return {};
}

TEST_CASE("import: a 台账 workbook, several records per row, pools oldest year first", "[cli][import]") {
  LedgerImport l;
  const std::string book = l / "台账.xlsx";
  WriteLedgerWorkbook(book);
  // Without --sheet the first sheet, a cover note, is read: the refusal
  // names it (a hidden first sheet is invisible to the clerk).
  RunResult first = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-sw-ledger",
                        "--create-parties", book});
  CHECK(first.exit_code == 1);
  CHECK(first.err.find("; read sheet \"说明\", the workbook's first: name another with --sheet\n") !=
        std::string::npos);
  RunResult r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-sw-ledger",
                    "--sheet", "2023年", "--create-parties", "--format", "json", book});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const json s = json::parse(r.out);
  CHECK(s["files"][0]["encoding"] == "xlsx");
  CHECK(s["files"][0]["sheet"] == "2023年");
  CHECK_FALSE(s["files"][0].contains("date_system"));  // the 1900 system, as most workbooks
  CHECK(s["files"][0]["rows_read"] == 3);      // two data rows and the total row
  CHECK(s["files"][0]["rows_imported"] == 2);
  CHECK(s["files"][0]["rows_skipped"] == 1);
  CHECK(s["records"] == 5);  // generate + transfer; generate + utilize + transfer
  CHECK(CheckStoredImportsAgainstSchema(l.Export()) == 5);

  // Provenance: sheet, row and the quantity column on every record.
  std::set<std::string> columns;
  for (const auto& line : SplitLines(l.Export())) {
    const json st = json::parse(line)["statement"];
    if (st["kind"] != "import") continue;
    CHECK(st["body"]["source"]["sheet"] == "2023年");
    CHECK(st["body"]["source"]["file"] == "台账.xlsx");
    columns.insert(st["body"]["source"]["column"].get<std::string>());
    if (st["body"]["source"]["row"] == 4) CHECK(st["body"]["date"] == "2023-01-15");
    if (st["body"]["source"]["row"] == 3) CHECK(st["body"]["date"] == "2022-12-01");
  }
  CHECK(columns == std::set<std::string>{"产生量(吨)", "自行利用量(吨)", "委托利用量(吨)"});

  // 2023: 40 t left from 2022 (100 made, 60 sent); 80 t made; 30 t used in
  // house, all from the 2022 pool (a prior year's stock); 70 t sent.
  const json b = l.Balance("2023-01-01", "2023-12-31");
  const json plant = Row(b, kPlant, "SW02");
  CHECK(plant["opening_g"] == 40000000);
  CHECK(plant["generated_g"] == 80000000);
  CHECK(plant["utilized_g"] == 30000000);
  CHECK(plant["dispatched_g"] == 70000000);
  CHECK(plant["closing_g"] == 20000000);
  RunResult ind = Wl({"report", "indicators", "--ledger", l.ledger, "--year", "2023", "--format", "json"});
  REQUIRE(ind.exit_code == 0);
  CHECK(ind.out.find("30000000") != std::string::npos);  // 综合利用往年贮存量: the 30 t drawn from 2022

  RunResult deep = Wl({"verify", "--ledger", l.ledger, "--deep"});
  INFO(deep.err);
  CHECK(deep.exit_code == 0);

  // The same workbook again: nothing new.
  const std::string before = l.Export();
  RunResult again = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-sw-ledger",
                        "--sheet", "2023年", "--create-parties", book});
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("0 imported, 2 duplicates skipped") != std::string::npos);
  CHECK(l.Export() == before);

  // A sheet that is not there is named with the ones that are.
  RunResult missing = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-sw-ledger",
                          "--sheet", "2024年", book});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("2023年") != std::string::npos);
  CHECK(l.Export() == before);
}

TEST_CASE("import: a workbook in the 1904 date system has its serials read from 1904-01-01", "[cli][import]") {
  LedgerImport l;
  const std::string book = l / "mac.xlsx";
  WriteLedgerWorkbook(book, 43479);  // 2023-01-15 in the 1904 system (2019-01-14 in the 1900 one)
  MarkDate1904(book);
  RunResult r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-sw-ledger",
                    "--sheet", "2023年", "--create-parties", "--format", "json", book});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["files"][0]["date_system"] == "1904");
  std::set<std::string> dates;
  for (const auto& line : SplitLines(l.Export())) {
    const json st = json::parse(line)["statement"];
    if (st["kind"] == "import" && st["body"]["source"]["row"] == 4) dates.insert(st["body"]["date"]);
  }
  CHECK(dates == std::set<std::string>{"2023-01-15"});
  // The same balances as the 1900 workbook of the test above.
  const json plant = Row(l.Balance("2023-01-01", "2023-12-31"), kPlant, "SW02");
  CHECK(plant["generated_g"] == 80000000);
  CHECK(plant["closing_g"] == 20000000);
  // The text summary says which system the dates were read in.
  RunResult dry = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-sw-ledger",
                      "--sheet", "2023年", "--dry-run", book});
  CHECK(dry.exit_code == 0);
  CHECK(dry.out.rfind("mac.xlsx (xlsx, 1904 date system, sheet 2023年): 3 rows read", 0) == 0);
}

TEST_CASE("import: an odd layout through a mapping file", "[cli][import]") {
  LedgerImport l;
  const std::string csv = l / "出厂登记.csv";
  WriteFile(csv,
            "危废出厂登记表\n\n"
            "序号,单号,产废企业,危废名称,类别,重量,实收,出厂日期,到厂日期\n"
            "1,20234110000002,禹州市某化工厂,废活性炭,900-039-49,\"1,500\",\"1,480\",05.01.2023,20230106\n"
            "2,20234110000003,禹州市某化工厂,废活性炭,900-039-49,200,200,07.01.2023,20230108\n");
  const std::string mapping = l / "mapping.json";
  // Saved as Notepad saves "UTF-8": with a byte-order mark, which the
  // import skips as it does in a CSV or JSONL file (it was "invalid JSON at
  // byte 0").
  WriteFile(mapping,
            "\xEF\xBB\xBF"
            R"({"record": "manifest", "heading_row": 3, "date_format": "%d.%m.%Y",
    "columns": {"单号": "manifest", "产废企业": "from.name", "危废名称": "waste_name", "类别": "waste",
                "重量": {"field": "mass", "unit": "kg"}, "实收": {"field": "received", "unit": "kg"},
                "出厂日期": "date", "到厂日期": {"field": "received_date", "format": "%Y%m%d"}},
    "constants": {"to.name": "禹州市环保科技有限公司", "to.permit": "豫环许可危废字123号", "method": "D10"}})");
  RunResult r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--mapping", mapping,
                    "--create-parties", csv});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("2 rows read: 2 imported") != std::string::npos);
  CHECK(CheckStoredImportsAgainstSchema(l.Export()) == 2);
  RunResult m = Wl({"manifest", "show", "--ledger", l.ledger, "20234110000002", "--format", "json"});
  REQUIRE(m.exit_code == 0);
  const json manifest = json::parse(m.out);
  CHECK(manifest["status"] == "received");
  CHECK(manifest["lines"][0]["mass_g"] == 1500000);
  CHECK(manifest["lines"][0]["received_g"] == 1480000);
  const json b = l.Balance("2023-01-01", "2023-12-31");
  CHECK(b["totals"]["dispatched_g"] == 1700000);
  CHECK(b["totals"]["received_g"] == 1680000);
  CHECK(b["totals"]["disposed_g"] == 1680000);  // D10 at the receiver

  SECTION("a mapping file with a mistake stops before anything is written") {
    const std::string before = l.Export();
    WriteFile(mapping, R"({"record": "manifest", "columns": {"重量": {"field": "mass", "unit": "lb"}}})");
    RunResult bad = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--mapping", mapping, csv});
    CHECK(bad.exit_code == 1);
    CHECK(CountLines(bad.err) == 1);
    CHECK(bad.err.find("unit") != std::string::npos);
    CHECK(l.Export() == before);
  }
}

// One row giving 委托利用量 50 t and 委托处置量 50 t to one receiver made two
// records that differed only in their source column, so the second was
// dropped as a duplicate of the first (the summary still counted it).
TEST_CASE("import: two equal quantities of one 台账 row are two records", "[cli][import]") {
  LedgerImport l;
  const std::string csv = l / "tz.csv";
  WriteFile(
      csv,
      "月份,单位名称,统一社会信用代码,废物代码,产生量（吨）,委托利用量（吨）,委托处置量（吨）,接收单位\n"
      "2023-01,禹州市热电有限公司," +
          kPlant +
          ",SW03,100,50,50,天瑞水泥有限公司\n"
          "合计,,,,100,50,50,\n");
  const std::vector<std::string> args = {
      "import",           "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-sw-ledger",
      "--create-parties", "--format", "json",   csv};
  RunResult r = Wl(args);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["records"] == 3);
  std::vector<json> transfers;
  for (const auto& line : SplitLines(l.Export())) {
    const json st = json::parse(line)["statement"];
    if (st["kind"] == "import" && st["body"]["record"] == "transfer") transfers.push_back(st["body"]);
  }
  REQUIRE(transfers.size() == 2);
  CHECK(transfers[0].count("repeat") + transfers[1].count("repeat") == 1);  // the second of the row
  CHECK((transfers[0].value("repeat", 0) == 2 || transfers[1].value("repeat", 0) == 2));
  CHECK(CheckStoredImportsAgainstSchema(l.Export()) == 3);
  CHECK(Row(l.Balance("2023-01-01", "2023-12-31"), kPlant, "SW03")["dispatched_g"] == 100000000);
  // Imported again: nothing new, the row a duplicate.
  r = Wl(args);
  REQUIRE(r.exit_code == 0);
  const json again = json::parse(r.out);
  CHECK(again["records"] == 0);
  CHECK(again["files"][0]["rows_duplicate"] == 1);
  CHECK(Wl({"verify", "--ledger", l.ledger, "--deep"}).exit_code == 0);
}

// Two equal truckloads on one day in a per-shipment 台账 (told apart only by
// columns the import does not read): the second is skipped as a repeat, and
// that is now said, whatever the summary's format.
TEST_CASE("import: a 台账 row repeating an earlier row of its file is warned of", "[cli][import]") {
  LedgerImport l;
  const std::string csv = l / "out.csv";
  const std::string head = "序号,日期,单位名称,废物代码,转移量（吨）,接收单位,磅单号\n";
  WriteFile(csv, head +
                     "1,2023-01-05,禹州市热电有限公司,SW03,30,天瑞水泥有限公司,BD0001\n"
                     "2,2023-01-05,禹州市热电有限公司,SW03,30,天瑞水泥有限公司,BD0002\n"
                     "3,2023-01-06,禹州市热电有限公司,SW03,28.5,天瑞水泥有限公司,BD0003\n");
  std::vector<std::string> args = {"import",        "--ledger",  l.ledger,       "--key",
                                   l.regulator_key, "--profile", "cn-sw-ledger", "--create-parties",
                                   "--dry-run",     csv};
  RunResult r = Wl(args);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err ==
        "wasteledger: warning: out.csv: row 3 repeats row 2 in every column the import reads and would be "
        "skipped "
        "as a duplicate. If both are real (two truckloads on one day), the repeat would be missing from the "
        "ledger: give each its own 备注 (its 磅单号, say) before importing\n");
  args.erase(args.end() - 2);  // --dry-run
  args.insert(args.end() - 1, {"--format", "json"});
  r = Wl(args);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("row 3 repeats row 2 in every column the import reads and was skipped as a duplicate") !=
        std::string::npos);
  const json f = json::parse(r.out)["files"][0];
  CHECK(f["repeated_rows"] == json::parse(R"({"count":1,"first":[{"row":3,"repeats_row":2}]})"));
  // With a 备注 telling it apart, the second truckload goes in on its own.
  const std::string fix = l / "fix.csv";
  WriteFile(fix,
            "日期,单位名称,废物代码,转移量（吨）,接收单位,备注\n"
            "2023-01-05,禹州市热电有限公司,SW03,30,天瑞水泥有限公司,BD0002\n");
  r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-sw-ledger", fix});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(l.Balance("2023-01-01", "2023-12-31")["totals"]["dispatched_g"] == 88500000);
}

// The second file of a run repeating the first: its rows were counted as
// its own repeats (and its total row "with repeats"), not as already held.
TEST_CASE("import: rows repeating an earlier file of the same run count as already imported",
          "[cli][import]") {
  LedgerImport l;
  const std::string body = "2023-01-05,禹州市热电有限公司,SW03,30,天瑞水泥有限公司\n";
  const std::string a = l / "a.csv", b = l / "b.csv";
  WriteFile(a, "日期,单位名称,废物代码,转移量（吨）,接收单位\n" + body);
  WriteFile(b, "日期,单位名称,废物代码,转移量（吨）,接收单位\n" + body + "合计,,,30,\n");
  RunResult r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-sw-ledger",
                    "--create-parties", "--format", "json", a, b});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const json second = json::parse(r.out)["files"][1];
  CHECK(second["rows_duplicate"] == 1);
  CHECK(second["masses"][0]["earlier_file_g"] == 30000000);
  CHECK(second["masses"][0]["held_g"] == 0);  // not in the ledger: from a.csv of this run
  CHECK(second["masses"][0]["repeated_g"] == 0);
  CHECK(second["total_row"]["columns"][0]["agrees_with"] == "distinct");
  CHECK(second.count("repeated_rows") == 0);
}

// A row whose 产生量 record was imported before (from a file of generation
// only) and whose 委托利用量 record is new: all its figures were summed as
// imported now.
TEST_CASE("import: a row partly imported before sums each figure where its record went", "[cli][import]") {
  LedgerImport l;
  const std::string a = l / "gen.csv", b = l / "all.csv";
  WriteFile(a, "月份,单位名称,废物代码,产生量（吨）\n2023-01,禹州市热电有限公司,SW03,100\n");
  WriteFile(b, "月份,单位名称,废物代码,产生量（吨）,委托利用量（吨）,接收单位\n"
               "2023-01,禹州市热电有限公司,SW03,100,50,天瑞水泥有限公司\n");
  for (const std::string& f : {a, b}) {
    RunResult r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-sw-ledger",
                      "--create-parties", "--format", "json", f});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    if (f != b) continue;
    const json file = json::parse(r.out)["files"][0];
    CHECK(file["rows_imported"] == 1);
    CHECK(json::parse(r.out)["records"] == 1);
    CHECK(file["masses"][0]["heading"] == "产生量（吨）");
    CHECK(file["masses"][0]["held_g"] == 100000000);
    CHECK(file["masses"][0]["imported_g"] == 0);
    CHECK(file["masses"][1]["imported_g"] == 50000000);
  }
}

// A blank quantity cell of a refused 台账 row records nothing (0), but was
// counted as an unreadable figure: "1 refused row unreadable", and a total
// equal to every row read warned of as agreeing with nothing.
TEST_CASE("import: a blank quantity of a refused 台账 row is 0, not an unreadable figure", "[cli][import]") {
  LedgerImport l;
  const std::string csv = l / "blank.csv";
  const std::string head = "日期,单位名称,废物代码,产生量(吨),综合利用量(吨)\n";
  const std::string rows =
      "2023-09,禹州市热电有限公司,SW02,100,40\n"
      "2023-13,禹州市热电有限公司,SW02,10,\n"   // refused (no such month), 综合利用量 blank
      "2023-10,禹州市热电有限公司,SW99X,,5\n";  // refused (no such code), 产生量 blank
  WriteFile(csv, head + rows + "合计,,,110,45\n");
  std::vector<std::string> args = {
      "import",           "--ledger",     l.ledger, "--key",     l.regulator_key, "--profile", "cn-sw-ledger",
      "--create-parties", "--max-errors", "0",      "--dry-run", "--format",      "json",      csv};
  RunResult r = Wl(args);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("total wrong") == std::string::npos);
  const json columns = json::parse(r.out)["files"][0]["total_row"]["columns"];
  REQUIRE(columns.size() == 2);
  for (const auto& c : columns) {
    CHECK(c["refused_unreadable"] == 0);
    CHECK(c["agrees_with"] == "all");
  }
  CHECK(columns[0]["refused_g"] == 10000000);
  CHECK(columns[1]["refused_g"] == 5000000);
  // A figure that cannot be read is still unreadable: the sum of every row
  // is then unknown, and a total equal to it agrees with nothing it can show.
  WriteFile(csv, head + rows + "2023-11,禹州市热电有限公司,SW02,abc,\n合计,,,110,45\n");
  r = Wl(args);
  INFO(r.out << r.err);
  const json after = json::parse(r.out)["files"][0]["total_row"]["columns"];
  CHECK(after[0]["refused_unreadable"] == 1);
  CHECK(after[0]["agrees_with"].is_null());
  CHECK(after[1]["refused_unreadable"] == 0);
  CHECK(after[1]["agrees_with"] == "all");
  CHECK(r.err.find("(1 refused row unreadable)") != std::string::npos);
}

}  // namespace
}  // namespace wasteledger::testing
