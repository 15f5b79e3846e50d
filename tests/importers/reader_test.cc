// Tests of the readers (importers/include/wasteledger/import/reader.h):
// decoding (UTF-8, GB18030, GBK, and files that are neither), CSV on a
// fixture file per quirk of real exports (tests/importers/data), and XLSX on
// workbooks written in the test with libxlsxwriter or put together part by
// part with libzip (inline strings, rich text, prefixed XML, odd paths).
#include "wasteledger/import/reader.h"

#include <xlsxwriter.h>
#include <zip.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "reader_internal.h"
#include "test_util.h"

namespace wasteledger::import {
namespace {

using Texts = std::vector<std::string>;
using wasteledger::testing::TempDir;

const std::string kBom = "\xEF\xBB\xBF";

std::string Data(const std::string& name) { return std::string(WL_IMPORT_TEST_DATA) + "/" + name; }

Texts TextsOf(const Row& row) {
  Texts out;
  for (const Cell& c : row.cells) out.push_back(c.text);
  return out;
}

// Every row of `source`, read into one reused Row as the importer does.
std::vector<Row> ReadAll(RowSource& source) {
  std::vector<Row> rows;
  Row row;
  for (;;) {
    Result<bool> more = source.Next(row);
    INFO(more.status().message());
    REQUIRE(more.ok());
    if (!*more) break;
    rows.push_back(row);
  }
  return rows;
}

std::vector<Row> ReadCsv(std::string text) {
  Result<std::unique_ptr<RowSource>> source = OpenCsvText(std::move(text));
  REQUIRE(source.ok());
  return ReadAll(**source);
}

// Opens a fixture with OpenTable and reads it all; `encoding` gets what the
// source says the file was.
std::vector<Row> ReadFixture(const std::string& name, std::string* encoding = nullptr,
                             Encoding given = Encoding::kAuto) {
  Result<std::unique_ptr<RowSource>> source = OpenTable(Data(name), given);
  INFO(source.status().message());
  REQUIRE(source.ok());
  if (encoding != nullptr) *encoding = (*source)->encoding();
  CHECK((*source)->sheet().empty());
  return ReadAll(**source);
}

std::vector<uint64_t> Numbers(const std::vector<Row>& rows) {
  std::vector<uint64_t> out;
  for (const Row& r : rows) out.push_back(r.number);
  return out;
}

// ---------------------------------------------------------------- decoding

TEST_CASE("ParseEncoding knows auto, utf-8 and gb18030 by their usual names", "[reader]") {
  CHECK(*ParseEncoding("auto") == Encoding::kAuto);
  CHECK(*ParseEncoding("utf-8") == Encoding::kUtf8);
  CHECK(*ParseEncoding("UTF8") == Encoding::kUtf8);
  CHECK(*ParseEncoding("gb18030") == Encoding::kGb18030);
  CHECK(*ParseEncoding("GBK") == Encoding::kGb18030);
  Result<Encoding> bad = ParseEncoding("latin1");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Status::Code::kInvalidArgument);
  CHECK(bad.status().message() == "unknown encoding \"latin1\" (use auto, utf-8 or gb18030)");
}

TEST_CASE("The UTF-8 check finds the first ill-formed sequence", "[reader]") {
  using internal::FindInvalidUtf8;
  const std::string ascii = "HW08,900-041-49,1.5\n";  // longer than one 8-byte step
  CHECK(FindInvalidUtf8("") == 0);
  CHECK(FindInvalidUtf8(ascii) == ascii.size());
  CHECK(FindInvalidUtf8("废矿物油") == std::string("废矿物油").size());
  CHECK(FindInvalidUtf8("\xF0\x9F\x98\x80") == 4);             // U+1F600
  CHECK(FindInvalidUtf8("\xF4\x8F\xBF\xBF") == 4);             // U+10FFFF, the last
  CHECK(FindInvalidUtf8("\xED\x9F\xBF") == 3);                 // U+D7FF, just below the surrogates
  CHECK(FindInvalidUtf8("\xEF\xBB\xBF") == 3);                 // the BOM itself is U+FEFF
  CHECK(FindInvalidUtf8(ascii + "\xC0\x80") == ascii.size());  // overlong NUL
  CHECK(FindInvalidUtf8(ascii + "\xC1\xBF") == ascii.size());  // overlong
  CHECK(FindInvalidUtf8("ab\xE0\x80\x80") == 2);               // overlong 3-byte
  CHECK(FindInvalidUtf8("ab\xF0\x80\x80\x80") == 2);           // overlong 4-byte
  CHECK(FindInvalidUtf8("abc\xED\xA0\x80") == 3);              // surrogate U+D800
  CHECK(FindInvalidUtf8("\xF4\x90\x80\x80") == 0);             // U+110000
  CHECK(FindInvalidUtf8("\xF5\x80\x80\x80") == 0);
  CHECK(FindInvalidUtf8("x\xFF") == 1);
  CHECK(FindInvalidUtf8("\x80") == 0);                         // lone continuation
  CHECK(FindInvalidUtf8("废\xE7\x9F") == 3);                   // cut off at the end
  CHECK(FindInvalidUtf8(std::string("\xE5\x9F") + "a") == 0);  // cut off by ASCII
  CHECK(FindInvalidUtf8(std::string("\xF0\x9F\x98") + "a") == 0);
  CHECK(FindInvalidUtf8(ascii + ascii + "\x81") == 2 * ascii.size());
}

TEST_CASE("DecodeText keeps UTF-8, drops its BOM and says what it found", "[reader]") {
  std::string detected;
  Result<std::string> plain = DecodeText("废物代码,转移量\n", Encoding::kAuto, &detected);
  REQUIRE(plain.ok());
  CHECK(*plain == "废物代码,转移量\n");
  CHECK(detected == "utf-8");

  Result<std::string> bom = DecodeText(kBom + "code\n", Encoding::kAuto, &detected);
  REQUIRE(bom.ok());
  CHECK(*bom == "code\n");
  CHECK(detected == "utf-8");
  CHECK(*DecodeText(kBom, Encoding::kUtf8) == "");
  CHECK(*DecodeText("", Encoding::kAuto) == "");
  CHECK(*DecodeText("", Encoding::kGb18030) == "");
}

TEST_CASE("DecodeText detects GB18030 and GBK and converts them", "[reader]") {
  const std::string gb = testing::ReadFile(Data("manifests-gb18030.csv"));
  std::string detected;
  Result<std::string> text = DecodeText(gb, Encoding::kAuto, &detected);
  REQUIRE(text.ok());
  CHECK(detected == "gb18030");
  CHECK(text->starts_with("联单编号,产生单位,废物代码,转移量(吨),转移日期\n"));
  // 䶮 (U+4DAE) is outside GBK: four bytes in GB18030.
  CHECK(text->find("2023-0003,䶮山再生资源,HW08,0.3,2023年3月4日\n") != std::string::npos);
  CHECK(*DecodeText(gb, Encoding::kGb18030) == *text);

  // "联单" in GBK is C1AA B5A5: a GBK file is a GB18030 file.
  Result<std::string> gbk = DecodeText("\xC1\xAA\xB5\xA5,HW08\n", Encoding::kAuto, &detected);
  REQUIRE(gbk.ok());
  CHECK(*gbk == "联单,HW08\n");
  CHECK(detected == "gb18030");
  // Plain ASCII is the same in both.
  CHECK(*DecodeText("a,b\n", Encoding::kGb18030, &detected) == "a,b\n");
  CHECK(detected == "gb18030");
}

TEST_CASE("DecodeText names the line and byte offset of bytes it cannot decode", "[reader]") {
  const std::string gb = testing::ReadFile(Data("manifests-gb18030.csv"));
  Result<std::string> as_utf8 = DecodeText(gb, Encoding::kUtf8);
  REQUIRE_FALSE(as_utf8.ok());
  CHECK(as_utf8.status().code() == Status::Code::kInvalidArgument);
  CHECK(as_utf8.status().message() == "not valid UTF-8 at line 1 (byte offset 0); try --encoding gb18030");

  // "联" then 0x81 0x20, which starts no GB18030 character, on line 3.
  Result<std::string> bad_gb = DecodeText("a\r\nb\n\xC1\xAA\x81\x20", Encoding::kGb18030);
  REQUIRE_FALSE(bad_gb.ok());
  CHECK(bad_gb.status().message() == "not valid GB18030 at line 3 (byte offset 7)");

  // Neither: 0x81 0x20 on line 3 of neither.csv, after 16 bytes of ASCII.
  Result<std::string> neither = DecodeText(testing::ReadFile(Data("neither.csv")), Encoding::kAuto);
  REQUIRE_FALSE(neither.ok());
  CHECK(neither.status().message() == "not valid UTF-8 or GB18030 at line 3 (byte offset 16)");

  // A UTF-8 file broken late: GB18030 gives up earlier on the UTF-8 bytes,
  // but the message names the late break, where the damage really is.
  const std::string utf8 = "产生单位\n东方化工\n南方环保\n";
  Result<std::string> late = DecodeText(utf8 + "\xFF\n", Encoding::kAuto);
  REQUIRE_FALSE(late.ok());
  CHECK(late.status().message() ==
        "not valid UTF-8 or GB18030 at line 4 (byte offset " + std::to_string(utf8.size()) + ")");

  // A CR-only file counts its lines by CR.
  Result<std::string> cr = DecodeText("a\rb\r\xFF", Encoding::kUtf8);
  REQUIRE_FALSE(cr.ok());
  CHECK(cr.status().message() == "not valid UTF-8 at line 3 (byte offset 4)");

  // A file cut short inside a character says so, in either encoding: "联"
  // is E8 81 94 in UTF-8 and C1 AA in GB18030; 0x81 0x30 starts a
  // four-byte GB18030 character.
  const std::string cut_message =
      "the file ends in the middle of a character, at line 2 (byte offset 3): it looks cut short (truncated); "
      "read it from the original again";
  CHECK(DecodeText("ab\n\xE8", Encoding::kAuto).status().message() == cut_message);
  CHECK(DecodeText("ab\n\xE8", Encoding::kUtf8).status().message() == cut_message);
  // E8 81 is a whole GB18030 character: the hint says so.
  CHECK(DecodeText("ab\n\xE8\x81", Encoding::kUtf8).status().message() == cut_message + "; try --encoding gb18030");
  for (const std::string& cut : {std::string("ab\n\xC1"), std::string("ab\n\x81\x30"),
                                 std::string("ab\n\x81\x30\x81")}) {
    CHECK(DecodeText(cut, Encoding::kGb18030).status().message() == cut_message);
  }
  // The same bytes followed by more are damage, not a cut.
  CHECK(DecodeText("ab\n\xE8\x81x", Encoding::kUtf8).status().message() ==
        "not valid UTF-8 at line 2 (byte offset 3); try --encoding gb18030");
  CHECK(DecodeText("ab\n\xFF", Encoding::kUtf8).status().message() == "not valid UTF-8 at line 2 (byte offset 3)");

  // A BOM says UTF-8: no GB18030 fallback, no hint.
  Result<std::string> bom = DecodeText(kBom + "ab\n\xC1\xAA", Encoding::kAuto);
  REQUIRE_FALSE(bom.ok());
  CHECK(bom.status().message() == "not valid UTF-8 at line 2 (byte offset 6)");
}

// ---------------------------------------------------------------- CSV files

TEST_CASE("CSV: a UTF-8 BOM is not part of the first heading", "[reader]") {
  std::string encoding;
  const std::vector<Row> rows = ReadFixture("bom.csv", &encoding);
  CHECK(encoding == "utf-8");
  REQUIRE(rows.size() == 2);
  CHECK(TextsOf(rows[0]) == Texts{"联单编号", "产生单位", "转移量(吨)"});
  CHECK(rows[0].original == "联单编号,产生单位,转移量(吨)");
  CHECK(TextsOf(rows[1]) == Texts{"2023001", "东方化工", "1.5"});
  for (const Cell& c : rows[1].cells) CHECK(c.kind == Cell::Kind::kText);
}

TEST_CASE("CSV: CRLF and CR-only line ends", "[reader]") {
  const std::vector<Row> crlf = ReadFixture("crlf.csv");
  REQUIRE(crlf.size() == 3);
  CHECK(Numbers(crlf) == std::vector<uint64_t>{1, 2, 3});
  CHECK(TextsOf(crlf[1]) == Texts{"HW08", "废矿物油", "2.5"});
  CHECK(TextsOf(crlf[2]) == Texts{"HW49", "其他废物", "0.75"});
  CHECK(crlf[2].original == "HW49,其他废物,0.75");  // no CR left at the end

  const std::vector<Row> cr = ReadFixture("cr-only.csv");
  REQUIRE(cr.size() == 3);
  CHECK(Numbers(cr) == std::vector<uint64_t>{1, 2, 3});
  CHECK(TextsOf(cr[0]) == Texts{"code", "name"});
  CHECK(TextsOf(cr[2]) == Texts{"HW49", "其他废物"});
  CHECK(cr[1].original == "HW08,废矿物油");
}

TEST_CASE("CSV: quoted fields hold line ends; rows keep their first line's number", "[reader]") {
  const std::vector<Row> rows = ReadFixture("quoted-newlines.csv");
  REQUIRE(rows.size() == 4);
  CHECK(Numbers(rows) == std::vector<uint64_t>{1, 2, 4, 6});
  CHECK(TextsOf(rows[1]) == Texts{"1", "上海市浦东新区\n张江路 100 号", "3"});
  CHECK(rows[1].original == "1,\"上海市浦东新区\n张江路 100 号\",3");
  CHECK(TextsOf(rows[2]) == Texts{"2", "line one\r\nline two", "4"});
  CHECK(TextsOf(rows[3]) == Texts{"3", "plain", "5"});
}

TEST_CASE("CSV: doubled quotes, commas in quotes and lone quotes in plain fields", "[reader]") {
  const std::vector<Row> rows = ReadFixture("doubled-quotes.csv");
  REQUIRE(rows.size() == 5);
  CHECK(TextsOf(rows[1]) == Texts{"1", "Acme \"Recycling\" Ltd"});
  CHECK(TextsOf(rows[2]) == Texts{"2", "\"quoted\""});
  CHECK(TextsOf(rows[3]) == Texts{"3", "a,\"b\",c"});
  CHECK(TextsOf(rows[4]) == Texts{"4", "5\" pipe"});
  CHECK(rows[4].original == "4,5\" pipe");
}

TEST_CASE("CSV: blank rows are rows of one empty cell, numbered", "[reader]") {
  const std::vector<Row> rows = ReadFixture("blank-rows.csv");
  REQUIRE(rows.size() == 6);
  CHECK(Numbers(rows) == std::vector<uint64_t>{1, 2, 3, 4, 5, 6});
  CHECK(TextsOf(rows[1]) == Texts{""});
  CHECK(rows[1].original.empty());
  CHECK(TextsOf(rows[3]) == Texts{"", ""});
  CHECK(rows[3].original == ",");
  CHECK(TextsOf(rows[4]) == Texts{""});
  CHECK(TextsOf(rows[5]) == Texts{"HW49", "2"});
}

TEST_CASE("CSV: a total row is passed through like any row", "[reader]") {
  const std::vector<Row> rows = ReadFixture("total-row.csv");
  REQUIRE(rows.size() == 4);
  CHECK(TextsOf(rows[0]) == Texts{"废物代码", "转移量(吨)"});
  CHECK(TextsOf(rows[3]) == Texts{"合计", "3.75"});
  CHECK(rows[3].number == 4);
}

TEST_CASE("CSV: ragged rows keep their own length", "[reader]") {
  const std::vector<Row> rows = ReadFixture("ragged.csv");
  REQUIRE(rows.size() == 5);
  CHECK(TextsOf(rows[0]) == Texts{"a", "b", "c"});
  CHECK(TextsOf(rows[1]) == Texts{"1", "2"});
  CHECK(TextsOf(rows[2]) == Texts{"1", "2", "3", "4"});
  CHECK(TextsOf(rows[3]) == Texts{""});
  CHECK(TextsOf(rows[4]) == Texts{"5"});
  CHECK(rows[4].cells.size() == 1);
  CHECK(rows[4].Text(3).empty());
}

TEST_CASE("CSV: full-width digits and punctuation are passed through unchanged", "[reader]") {
  const std::vector<Row> rows = ReadFixture("fullwidth.csv");
  REQUIRE(rows.size() == 2);
  // The full-width comma is not a delimiter.
  CHECK(TextsOf(rows[0]) == Texts{"编号，名称", "数量"});
  CHECK(TextsOf(rows[1]) == Texts{"１２３", "废矿物油（含油抹布）", "１，２３４．５"});
}

TEST_CASE("CSV: thousands separators inside quotes stay in the cell", "[reader]") {
  const std::vector<Row> rows = ReadFixture("thousands.csv");
  REQUIRE(rows.size() == 3);
  CHECK(TextsOf(rows[1]) == Texts{"东方化工", "1,234.5", "12,000"});
  CHECK(TextsOf(rows[2]) == Texts{"West", "1,000,000", "7"});
  CHECK(rows[2].original == "West,\"1,000,000\",7");
}

TEST_CASE("CSV: spaces around cells are kept", "[reader]") {
  const std::vector<Row> rows = ReadFixture("trailing-spaces.csv");
  REQUIRE(rows.size() == 3);
  CHECK(TextsOf(rows[0]) == Texts{"name ", "qty"});
  CHECK(TextsOf(rows[1]) == Texts{"东方化工  ", " 1.5 "});
  CHECK(TextsOf(rows[2]) == Texts{"  quoted  ", "x"});
}

TEST_CASE("CSV: the last row needs no line end", "[reader]") {
  const std::vector<Row> rows = ReadFixture("no-final-newline.csv");
  REQUIRE(rows.size() == 3);
  CHECK(TextsOf(rows[2]) == Texts{"HW49", "2"});
  CHECK(rows[2].original == "HW49,2");
  CHECK(rows[2].number == 3);
  CHECK(rows[2].unterminated);
  CHECK_FALSE(rows[1].unterminated);
  CHECK_FALSE(ReadCsv("a,b\nc,d\n")[1].unterminated);
}

TEST_CASE("CSV: tab- and semicolon-delimited files are recognised by their first line", "[reader]") {
  const std::vector<Row> tabs = ReadFixture("tab-delimited.csv");
  REQUIRE(tabs.size() == 3);
  CHECK(TextsOf(tabs[0]) == Texts{"联单编号", "产生单位", "转移量(吨)"});
  CHECK(TextsOf(tabs[1]) == Texts{"2023001", "东方化工, 有限公司", "1.5"});
  CHECK(TextsOf(tabs[2]) == Texts{"2023002", "南方\t环保", "2"});

  const std::vector<Row> semis = ReadFixture("semicolon.csv");
  REQUIRE(semis.size() == 2);
  CHECK(TextsOf(semis[1]) == Texts{"HW08", "废矿物油;含油", "1,5"});

  // Delimiters inside a quoted heading do not count.
  const std::vector<Row> quoted = ReadCsv("\"a;b;c\",d\n1;2,3\n");
  CHECK(TextsOf(quoted[0]) == Texts{"a;b;c", "d"});
  CHECK(TextsOf(quoted[1]) == Texts{"1;2", "3"});
  // A lone quote in a heading does not hide the delimiters after it.
  const std::vector<Row> lone = ReadCsv("size 5\";weight;count\n1;2;3\n");
  CHECK(TextsOf(lone[0]) == Texts{"size 5\"", "weight", "count"});
  // A tie between commas and semicolons is a comma file.
  CHECK(TextsOf(ReadCsv("a;b,c\n")[0]) == Texts{"a;b", "c"});
}

TEST_CASE("CSV: a GB18030 file reads as UTF-8 cells", "[reader]") {
  std::string encoding;
  const std::vector<Row> rows = ReadFixture("manifests-gb18030.csv", &encoding);
  CHECK(encoding == "gb18030");
  REQUIRE(rows.size() == 5);
  CHECK(TextsOf(rows[0]) == Texts{"联单编号", "产生单位", "废物代码", "转移量(吨)", "转移日期"});
  CHECK(TextsOf(rows[1]) == Texts{"2023-0001", "东方化工有限公司", "900-041-49", "1.5", "2023-01-05"});
  CHECK(TextsOf(rows[2]) ==
        Texts{"2023-0002", "南方环保科技（上海）有限公司", "900-249-08", "1,250.75", "2023/2/1"});
  CHECK(rows[2].original == "2023-0002,\"南方环保科技（上海）有限公司\",900-249-08,\"1,250.75\",2023/2/1");
  CHECK(TextsOf(rows[3]) == Texts{"2023-0003", "䶮山再生资源", "HW08", "0.3", "2023年3月4日"});
  CHECK(TextsOf(rows[4]) == Texts{"合计", "", "", "1,252.55", ""});

  // Given explicitly, the same.
  const std::vector<Row> given = ReadFixture("manifests-gb18030.csv", &encoding, Encoding::kGb18030);
  CHECK(encoding == "gb18030");
  REQUIRE(given.size() == 5);
  CHECK(TextsOf(given[3]) == TextsOf(rows[3]));
}

TEST_CASE("CSV: a GBK file (GB18030's two-byte subset) reads as UTF-8 cells", "[reader]") {
  std::string encoding;
  const std::vector<Row> rows = ReadFixture("manifests-gbk.csv", &encoding);
  CHECK(encoding == "gb18030");
  REQUIRE(rows.size() == 3);
  CHECK(TextsOf(rows[0]) == Texts{"联单编号", "产生单位", "废物代码", "转移量(吨)"});
  CHECK(TextsOf(rows[1]) == Texts{"2023-0101", "北京市固废处置中心", "900-041-49", "12.5"});
  CHECK(TextsOf(rows[2]) == Texts{"2023-0102", "天津港保税区，危废暂存库", "HW49", "0.25"});
}

TEST_CASE("CSV: files that cannot be read say why", "[reader]") {
  Result<std::unique_ptr<RowSource>> neither = OpenTable(Data("neither.csv"), Encoding::kAuto);
  REQUIRE_FALSE(neither.ok());
  CHECK(neither.status().code() == Status::Code::kInvalidArgument);
  CHECK(neither.status().message() == "not valid UTF-8 or GB18030 at line 3 (byte offset 16)");

  Result<std::unique_ptr<RowSource>> gb_as_utf8 = OpenTable(Data("manifests-gb18030.csv"), Encoding::kUtf8);
  REQUIRE_FALSE(gb_as_utf8.ok());
  CHECK(gb_as_utf8.status().message() == "not valid UTF-8 at line 1 (byte offset 0); try --encoding gb18030");

  Result<std::unique_ptr<RowSource>> nul = OpenTable(Data("nul.csv"), Encoding::kAuto);
  REQUIRE_FALSE(nul.ok());
  CHECK(nul.status().code() == Status::Code::kInvalidArgument);
  CHECK_THAT(nul.status().message(), Catch::Contains("not a CSV or XLSX file"));

  TempDir dir;
  testing::WriteFile(dir / "utf16.csv", std::string("\xFF\xFE") + std::string("a\0,\0b\0", 6));
  Result<std::unique_ptr<RowSource>> utf16 = OpenTable(dir / "utf16.csv", Encoding::kAuto);
  REQUIRE_FALSE(utf16.ok());
  CHECK(utf16.status().message() == "not a CSV or XLSX file (UTF-16 text; save it as UTF-8 CSV)");

  // Named a workbook: read as CSV if it is text (a renamed CSV), else
  // refused as neither.
  testing::WriteFile(dir / "renamed.XLSX", "a,b\n");
  CHECK(OpenTable(dir / "renamed.XLSX", Encoding::kAuto).ok());
  testing::WriteFile(dir / "junk.xlsx", "\xFF\xFE\xFD\x81\x20junk");
  CHECK(OpenTable(dir / "junk.xlsx", Encoding::kAuto).status().message() ==
        "not an XLSX workbook (a workbook is a zip archive and this file does not start like one: damaged, or "
        "not a workbook) nor CSV text");

  const std::string missing = dir / "missing.csv";
  Result<std::unique_ptr<RowSource>> absent = OpenTable(missing, Encoding::kAuto);
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.status().code() == Status::Code::kIOError);
  CHECK(absent.status().message() == "cannot read " + missing + ": No such file or directory");

  Result<std::unique_ptr<RowSource>> directory = OpenTable(dir.path().string(), Encoding::kAuto);
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.status().code() == Status::Code::kIOError);
  CHECK(directory.status().message() == "cannot read " + dir.path().string() + ": Is a directory");
}

TEST_CASE("CSV: a quote never closed is an error naming the row's first line", "[reader]") {
  Result<std::unique_ptr<RowSource>> source = OpenTable(Data("unterminated-quote.csv"), Encoding::kAuto);
  REQUIRE(source.ok());
  Row row;
  REQUIRE(*(*source)->Next(row));
  REQUIRE(*(*source)->Next(row));
  CHECK(TextsOf(row) == Texts{"1", "ok"});
  Result<bool> bad = (*source)->Next(row);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Status::Code::kInvalidArgument);
  CHECK(bad.status().message() == "row starting at line 3: a quoted field is never closed");
  // It stays an error rather than resuming mid-field.
  Result<bool> again = (*source)->Next(row);
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().message() == bad.status().message());
}

TEST_CASE("CSV: edge cases of RFC 4180 and of real exports", "[reader]") {
  CHECK(ReadCsv("").empty());
  CHECK(ReadFixture("empty.csv").empty());

  const std::vector<Row> one_blank = ReadCsv("\n");
  REQUIRE(one_blank.size() == 1);
  CHECK(TextsOf(one_blank[0]) == Texts{""});

  const std::vector<Row> no_end = ReadCsv("a");
  REQUIRE(no_end.size() == 1);
  CHECK(TextsOf(no_end[0]) == Texts{"a"});

  // Trailing delimiters make empty cells; "" is an empty cell.
  CHECK(TextsOf(ReadCsv("a,,\"\",\n")[0]) == Texts{"a", "", "", ""});
  // Text after a closing quote is kept, as spreadsheets keep it.
  CHECK(TextsOf(ReadCsv("\"a\"b,c\n")[0]) == Texts{"ab", "c"});
  // A quote that does not open a field is text.
  CHECK(TextsOf(ReadCsv("a \"b\",c\n")[0]) == Texts{"a \"b\"", "c"});

  // Line numbers across quoted CR-only and CRLF line ends, then a LF file end.
  const std::vector<Row> mixed = ReadCsv("\"x\ry\",1\r\"p\r\nq\r\nr\",2\nlast\n");
  REQUIRE(mixed.size() == 3);
  CHECK(Numbers(mixed) == std::vector<uint64_t>{1, 3, 6});
  CHECK(TextsOf(mixed[0]) == Texts{"x\ry", "1"});
  CHECK(TextsOf(mixed[1]) == Texts{"p\r\nq\r\nr", "2"});
  CHECK(mixed[1].original == "\"p\r\nq\r\nr\",2");

  // A quote never closed at the very end of the text.
  Result<std::unique_ptr<RowSource>> source = OpenCsvText("a\n\n\"");
  REQUIRE(source.ok());
  Row row;
  REQUIRE(*(*source)->Next(row));
  REQUIRE(*(*source)->Next(row));
  Result<bool> bad = (*source)->Next(row);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "row starting at line 3: a quoted field is never closed");

  CHECK((*source)->encoding() == "utf-8");
  CHECK((*source)->sheet().empty());
}

TEST_CASE("CSV: a reused Row keeps its buffers from row to row", "[reader]") {
  // Rows alternate between long and short to exercise the spare cells.
  const std::string long_cell(100, 'x');
  std::string text;
  for (int i = 0; i < 10; ++i) {
    text += long_cell + "," + long_cell + "," + long_cell + "\n";
    text += "a\n";
  }
  Result<std::unique_ptr<RowSource>> source = OpenCsvText(text);
  REQUIRE(source.ok());
  Row row;
  REQUIRE(*(*source)->Next(row));
  REQUIRE(row.cells.size() == 3);
  std::vector<const char*> buffers;
  for (const Cell& c : row.cells) buffers.push_back(c.text.data());
  const char* original_buffer = row.original.data();
  for (int i = 0; i < 19; ++i) {
    REQUIRE(*(*source)->Next(row));
    REQUIRE(row.cells.size() == (i % 2 == 0 ? 1u : 3u));
    CHECK(row.original.data() == original_buffer);
    if (row.cells.size() == 3) {
      for (size_t c = 0; c < 3; ++c) {
        CHECK(row.cells[c].text == long_cell);
        CHECK(row.cells[c].text.data() == buffers[c]);
      }
    }
  }
  REQUIRE_FALSE(*(*source)->Next(row));
}

// ---------------------------------------------------------------- XLSX

std::string ReadBytes(const std::string& path) { return testing::ReadFile(path); }

// Writes a workbook with libxlsxwriter: a notes sheet first, then the data
// sheet "2023年" and "2024年". `constant_memory` makes libxlsxwriter write
// inline strings instead of shared ones.
std::string WriteWorkbook(const TempDir& dir, bool constant_memory) {
  const std::string path = dir / (constant_memory ? "inline.xlsx" : "shared.xlsx");
  lxw_workbook_options options{};
  options.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  REQUIRE(wb != nullptr);
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");

  lxw_worksheet* notes = workbook_add_worksheet(wb, "说明");
  REQUIRE(worksheet_write_string(notes, 0, 0, "危险废物转移联单 2023", nullptr) == LXW_NO_ERROR);

  lxw_worksheet* ws = workbook_add_worksheet(wb, "2023年");
  const char* headings[] = {"联单编号", "产生单位", "转移量(吨)", "转移日期", "已接收"};
  for (lxw_col_t c = 0; c < 5; ++c)
    REQUIRE(worksheet_write_string(ws, 0, c, headings[c], nullptr) == LXW_NO_ERROR);
  REQUIRE(worksheet_write_string(ws, 1, 0, "2023-0001", nullptr) == LXW_NO_ERROR);
  REQUIRE(worksheet_write_string(ws, 1, 1, "东方化工, \"有限\"公司", nullptr) == LXW_NO_ERROR);
  REQUIRE(worksheet_write_number(ws, 1, 2, 12.5, nullptr) == LXW_NO_ERROR);
  REQUIRE(worksheet_write_number(ws, 1, 3, 44927, date) == LXW_NO_ERROR);  // 2023-01-01
  REQUIRE(worksheet_write_boolean(ws, 1, 4, 1, nullptr) == LXW_NO_ERROR);
  // Row 3: column B skipped, a formula's number result in E.
  REQUIRE(worksheet_write_string(ws, 2, 0, "2023-0002", nullptr) == LXW_NO_ERROR);
  REQUIRE(worksheet_write_number(ws, 2, 2, 0.25, nullptr) == LXW_NO_ERROR);
  REQUIRE(worksheet_write_formula_num(ws, 2, 4, "=C3*2", nullptr, 0.5) == LXW_NO_ERROR);
  // Row 4 skipped; row 5 a total with a formula's text result.
  REQUIRE(worksheet_write_string(ws, 4, 0, "合计", nullptr) == LXW_NO_ERROR);
  REQUIRE(worksheet_write_formula_str(ws, 4, 1, "=\"共\"&2&\"张\"", nullptr, "共2张") == LXW_NO_ERROR);
  REQUIRE(worksheet_write_number(ws, 4, 2, 12.75, nullptr) == LXW_NO_ERROR);
  REQUIRE(worksheet_write_boolean(ws, 4, 4, 0, nullptr) == LXW_NO_ERROR);

  lxw_worksheet* next = workbook_add_worksheet(wb, "2024年");
  REQUIRE(worksheet_write_string(next, 0, 0, "联单编号", nullptr) == LXW_NO_ERROR);
  REQUIRE(worksheet_write_string(next, 1, 0, "2024-0001", nullptr) == LXW_NO_ERROR);
  REQUIRE(worksheet_write_string(next, 1, 1, "多行\n文本", nullptr) == LXW_NO_ERROR);
  if (!constant_memory) {
    // Rich text: the runs make one string.
    lxw_format* bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_rich_string_tuple run1 = {bold, const_cast<char*>("南方")};
    lxw_rich_string_tuple run2 = {nullptr, const_cast<char*>("环保 ")};
    lxw_rich_string_tuple run3 = {bold, const_cast<char*>("科技")};
    lxw_rich_string_tuple* runs[] = {&run1, &run2, &run3, nullptr};
    REQUIRE(worksheet_write_rich_string(next, 1, 2, runs, nullptr) == LXW_NO_ERROR);
  }
  REQUIRE(workbook_close(wb) == LXW_NO_ERROR);
  return path;
}

Texts KindNames(const Row& row) {
  Texts out;
  static const char* const kNames[] = {"empty", "text", "number", "bool", "error"};  // Cell::Kind order
  for (const Cell& c : row.cells) out.push_back(kNames[static_cast<int>(c.kind)]);
  return out;
}

void CheckDataSheet(const std::vector<Row>& rows) {
  REQUIRE(rows.size() == 4);
  CHECK(Numbers(rows) == std::vector<uint64_t>{1, 2, 3, 5});
  CHECK(TextsOf(rows[0]) == Texts{"联单编号", "产生单位", "转移量(吨)", "转移日期", "已接收"});
  CHECK(rows[0].original == "联单编号,产生单位,转移量(吨),转移日期,已接收");

  CHECK(TextsOf(rows[1]) == Texts{"2023-0001", "东方化工, \"有限\"公司", "12.5", "44927", "TRUE"});
  CHECK(KindNames(rows[1]) == Texts{"text", "text", "number", "number", "bool"});
  CHECK(rows[1].original == "2023-0001,\"东方化工, \"\"有限\"\"公司\",12.5,44927,TRUE");

  CHECK(TextsOf(rows[2]) == Texts{"2023-0002", "", "0.25", "", "0.5"});
  CHECK(KindNames(rows[2]) == Texts{"text", "empty", "number", "empty", "number"});
  CHECK(rows[2].original == "2023-0002,,0.25,,0.5");

  CHECK(TextsOf(rows[3]) == Texts{"合计", "共2张", "12.75", "", "FALSE"});
  CHECK(KindNames(rows[3]) == Texts{"text", "text", "number", "empty", "bool"});
}

TEST_CASE("XLSX: a libxlsxwriter workbook with shared strings", "[reader]") {
  TempDir dir;
  const std::string path = WriteWorkbook(dir, /*constant_memory=*/false);

  Result<std::unique_ptr<RowSource>> source = OpenXlsx(ReadBytes(path), "2023年");
  INFO(source.status().message());
  REQUIRE(source.ok());
  CHECK((*source)->encoding() == "xlsx");
  CHECK((*source)->sheet() == "2023年");
  CheckDataSheet(ReadAll(**source));

  // No sheet named: the first in workbook order.
  Result<std::unique_ptr<RowSource>> first = OpenXlsx(ReadBytes(path));
  REQUIRE(first.ok());
  CHECK((*first)->sheet() == "说明");
  const std::vector<Row> notes = ReadAll(**first);
  REQUIRE(notes.size() == 1);
  CHECK(TextsOf(notes[0]) == Texts{"危险废物转移联单 2023"});

  Result<std::unique_ptr<RowSource>> second = OpenXlsx(ReadBytes(path), "2024年");
  REQUIRE(second.ok());
  const std::vector<Row> rows = ReadAll(**second);
  REQUIRE(rows.size() == 2);
  CHECK(TextsOf(rows[1]) == Texts{"2024-0001", "多行\n文本", "南方环保 科技"});
  CHECK(rows[1].original == "2024-0001,\"多行\n文本\",南方环保 科技");
}

TEST_CASE("XLSX: a libxlsxwriter workbook with inline strings", "[reader]") {
  TempDir dir;
  const std::string path = WriteWorkbook(dir, /*constant_memory=*/true);
  REQUIRE(ReadBytes(path).find("sharedStrings") == std::string::npos);
  Result<std::unique_ptr<RowSource>> source = OpenXlsx(ReadBytes(path), "2023年");
  INFO(source.status().message());
  REQUIRE(source.ok());
  CheckDataSheet(ReadAll(**source));
}

TEST_CASE("XLSX: OpenTable knows a workbook by its bytes, not its name", "[reader]") {
  TempDir dir;
  const std::string xlsx = WriteWorkbook(dir, false);
  const std::string renamed = dir / "manifests.csv";
  testing::WriteFile(renamed, ReadBytes(xlsx));
  Result<std::unique_ptr<RowSource>> source = OpenTable(renamed, Encoding::kGb18030, "2023年");
  INFO(source.status().message());
  REQUIRE(source.ok());
  CHECK((*source)->encoding() == "xlsx");
  CHECK((*source)->sheet() == "2023年");
  CheckDataSheet(ReadAll(**source));
}

TEST_CASE("XLSX: a sheet that is not there is NotFound naming the sheets", "[reader]") {
  TempDir dir;
  const std::string path = WriteWorkbook(dir, false);
  Result<std::unique_ptr<RowSource>> source = OpenXlsx(ReadBytes(path), "2025年");
  REQUIRE_FALSE(source.ok());
  CHECK(source.status().code() == Status::Code::kNotFound);
  CHECK(source.status().message() == "no sheet \"2025年\" in the workbook (sheets: 说明, 2023年, 2024年)");
}

// A zip of the given parts, written with libzip; returns its bytes.
std::string MakeZip(const TempDir& dir, const std::vector<std::pair<std::string, std::string>>& parts) {
  const std::string path = dir / "handmade.xlsx";
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  REQUIRE(z != nullptr);
  for (const auto& [name, data] : parts) {
    zip_source_t* src = zip_source_buffer(z, data.data(), data.size(), 0);
    REQUIRE(src != nullptr);
    REQUIRE(zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8) >= 0);
  }
  REQUIRE(zip_close(z) == 0);
  return ReadBytes(path);
}

const char* const kWorkbook =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
          xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
  <sheets><sheet name="台账" sheetId="1" r:id="rId7"/></sheets>
</workbook>)";

// Absolute targets, as some generators write them.
const char* const kWorkbookRels =
    R"(<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/ledger.xml"/>
  <Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/strings.xml"/>
</Relationships>)";

const char* const kStrings =
    R"(<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">
  <si><t>plain</t></si>
  <si><r><rPr><b/></rPr><t>东方</t></r><r><t xml:space="preserve"> 化工</t></r></si>
  <si><r><t>漢字</t></r><rPh sb="0" eb="2"><t>カンジ</t></rPh><phoneticPr fontId="1"/></si>
  <si><t>line_x000D_break _x005F_x0041_</t></si>
  <si><t xml:space="preserve">  </t></si>
  <si><t>a &amp; b &lt;c&gt;</t></si>
</sst>)";

const char* const kSheet =
    R"(<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
  <dimension ref="A1:AA10"/>
  <sheetData>
    <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>inline</t></is></c><c r="D1" t="inlineStr"><is><r><t>rich</t></r><r><rPr><i/></rPr><t xml:space="preserve"> inline</t></r></is></c></row>
    <row r="2"><c t="s"><v>1</v></c><c t="s"><v>2</v></c><c t="b"><v>1</v></c><c t="e"><v>#DIV/0!</v></c><c t="str"><f>A1&amp;"x"</f><v>plainx</v></c><c><v>3.14</v></c><c t="s"><v>3</v></c><c t="s"><v>4</v></c><c t="s"><v>5</v></c></row>
    <row><c r="B3"><v>7</v></c><c r="E3" s="2"/></row>
    <row r="10"><c r="AA10"><v>1E-3</v></c></row>
    <row r="11" spans="1:3"/>
    <row r="12"><c r="A12"><f>SUM(A1:A2)</f></c><c r="B12" t="str"><f>A1</f></c></row>
  </sheetData>
</worksheet>)";

// The hand-made workbook above, with `workbook` as its xl/workbook.xml.
std::unique_ptr<RowSource> OpenHandmade(const TempDir& dir, const std::string& workbook = kWorkbook) {
  const std::string bytes = MakeZip(dir, {{"xl/workbook.xml", workbook},
                                          {"xl/_rels/workbook.xml.rels", kWorkbookRels},
                                          {"xl/strings.xml", kStrings},
                                          {"xl/worksheets/ledger.xml", kSheet}});
  Result<std::unique_ptr<RowSource>> source = OpenXlsx(bytes);
  INFO(source.status().message());
  REQUIRE(source.ok());
  return std::move(*source);
}

TEST_CASE("XLSX: hand-made parts with rich text, inline strings and cells without references", "[reader]") {
  TempDir dir;
  const std::unique_ptr<RowSource> source = OpenHandmade(dir);
  CHECK(source->sheet() == "台账");
  const std::vector<Row> rows = ReadAll(*source);
  REQUIRE(rows.size() == 6);
  CHECK(Numbers(rows) == std::vector<uint64_t>{1, 2, 3, 10, 11, 12});

  CHECK(TextsOf(rows[0]) == Texts{"plain", "", "inline", "rich inline"});
  CHECK(KindNames(rows[0]) == Texts{"text", "empty", "text", "text"});

  CHECK(TextsOf(rows[1]) == Texts{"东方 化工", "漢字", "TRUE", "#DIV/0!", "plainx", "3.14",
                                  "line\rbreak _x0041_", "  ", "a & b <c>"});
  CHECK(KindNames(rows[1]) ==
        Texts{"text", "text", "bool", "error", "text", "number", "text", "text", "text"});
  CHECK(rows[1].original == "东方 化工,漢字,TRUE,#DIV/0!,plainx,3.14,\"line\rbreak _x0041_\",  ,a & b <c>");

  // The styled empty cell at E3 adds nothing.
  CHECK(TextsOf(rows[2]) == Texts{"", "7"});
  CHECK(rows[2].original == ",7");

  REQUIRE(rows[3].cells.size() == 27);
  CHECK(rows[3].cells[26].text == "1E-3");
  CHECK(rows[3].cells[26].kind == Cell::Kind::kNumber);
  CHECK(rows[3].cells[25].kind == Cell::Kind::kEmpty);
  CHECK(rows[3].original == std::string(26, ',') + "1E-3");

  CHECK(rows[4].cells.empty());
  CHECK(rows[4].original.empty());

  // Formulas never calculated (no <v>): error cells with no text.
  CHECK(TextsOf(rows[5]) == Texts{"", ""});
  CHECK(KindNames(rows[5]) == Texts{"error", "error"});
}

TEST_CASE("XLSX: a workbook in the 1904 date system says so", "[reader]") {
  TempDir dir;
  // kWorkbook with a workbookPr element whose date1904 is `value` (none: no
  // attribute at all).
  auto open = [&dir](const char* value) {
    std::string workbook = kWorkbook;
    const std::string pr = value == nullptr ? "<workbookPr defaultThemeVersion=\"124226\"/>"
                                            : std::string("<workbookPr date1904=\"") + value + "\"/>";
    workbook.replace(workbook.find("<sheets>"), 0, pr);
    return OpenHandmade(dir, workbook)->date1904();
  };
  CHECK(open("1"));
  CHECK(open("true"));
  CHECK_FALSE(open("0"));
  CHECK_FALSE(open("false"));
  CHECK_FALSE(open(nullptr));
  // CSV has no date system of its own.
  Result<std::unique_ptr<RowSource>> csv = OpenCsvText("a,b\n1,2\n");
  REQUIRE(csv.ok());
  CHECK_FALSE((*csv)->date1904());
}

TEST_CASE("XLSX: the workbook is found through the package relationships, prefixes and all", "[reader]") {
  // A generator that puts the workbook elsewhere and prefixes every element.
  const std::string root_rels =
      R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="book/wb.xml"/>
</Relationships>)";
  const std::string workbook =
      R"(<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
  xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
  <x:sheets><x:sheet name="A" sheetId="1" rel:id="r1"/><x:sheet name="B" sheetId="2" rel:id="r2"/></x:sheets></x:workbook>)";
  const std::string rels =
      R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="sheets/../sheets/a.xml"/>
  <Relationship Id="r2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="./sheets/b.xml"/>
  <Relationship Id="r3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="http://example.com/" TargetMode="External"/>
</Relationships>)";
  const std::string sheet_b =
      R"(<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
  <x:row r="4"><x:c r="B4" t="inlineStr"><x:is><x:t>乙</x:t></x:is></x:c><x:c r="C4"><x:v>2</x:v></x:c></x:row>
</x:sheetData></x:worksheet>)";
  TempDir dir;
  const std::string bytes = MakeZip(dir, {{"_rels/.rels", root_rels},
                                          {"book/wb.xml", workbook},
                                          {"book/_rels/wb.xml.rels", rels},
                                          {"book/sheets/a.xml", "<worksheet><sheetData/></worksheet>"},
                                          {"book/sheets/b.xml", sheet_b}});
  Result<std::unique_ptr<RowSource>> a = OpenXlsx(bytes);
  INFO(a.status().message());
  REQUIRE(a.ok());
  CHECK((*a)->sheet() == "A");
  CHECK(ReadAll(**a).empty());

  Result<std::unique_ptr<RowSource>> b = OpenXlsx(bytes, "B");
  REQUIRE(b.ok());
  const std::vector<Row> rows = ReadAll(**b);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].number == 4);
  CHECK(TextsOf(rows[0]) == Texts{"", "乙", "2"});
  CHECK(KindNames(rows[0]) == Texts{"empty", "text", "number"});
}

TEST_CASE("XLSX: rows and strings that straddle the decompression chunks read the same", "[reader]") {
  // Markup that a naive cut would trip on: comments and CDATA holding
  // "<row" and "</row>", quoted attribute values holding '>' and '/',
  // processing instructions, empty rows, rich-text strings with comments.
  std::vector<std::string> strings;
  std::string sst = R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns="urn:x">)";
  for (int i = 0; i < 50; ++i) {
    if (i % 5 == 0) {
      sst += "<si><r><t>甲</t></r><!-- </si> --><r><rPr><b/></rPr><t>" + std::to_string(i) + "</t></r></si>";
      strings.push_back("甲" + std::to_string(i));
    } else {
      sst += "<si><t>串" + std::to_string(i) + "</t></si>";
      strings.push_back("串" + std::to_string(i));
    }
  }
  sst += "</sst>";
  std::string sheet = R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="urn:x"><sheetData>)";
  for (int r = 1; r <= 200; ++r) {
    const std::string n = std::to_string(r);
    if (r % 10 == 0) sheet += "<!-- <row r=\"999\"> --><?pi x?>\n";
    if (r % 7 == 0) {
      sheet += "<row r=\"" + n + "\" spans=\"1:3\" note='a > b / c'/>";
    } else {
      sheet += "<row r=\"" + n + "\"><c r=\"A" + n + "\" t=\"s\"><v>" + std::to_string(r % 50) +
               "</v></c><c r=\"C" + n + "\" t=\"inlineStr\"><is><t><![CDATA[</row> & " + n +
               "]]></t></is></c></row>\n";
    }
  }
  sheet += R"(</sheetData><pageMargins left="0.7"/></worksheet>)";
  TempDir dir;
  const std::string bytes = MakeZip(dir, {{"xl/workbook.xml", kWorkbook},
                                          {"xl/_rels/workbook.xml.rels", kWorkbookRels},
                                          {"xl/strings.xml", sst},
                                          {"xl/worksheets/ledger.xml", sheet}});
  struct RestoreChunk {
    ~RestoreChunk() { internal::SetXlsxChunkSize(0); }
  } restore;
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{5}, size_t{9}, size_t{100}, size_t{0}}) {
    INFO("chunk " << chunk);
    internal::SetXlsxChunkSize(chunk);
    Result<std::unique_ptr<RowSource>> source = OpenXlsx(bytes);
    INFO(source.status().message());
    REQUIRE(source.ok());
    const std::vector<Row> rows = ReadAll(**source);
    REQUIRE(rows.size() == 200);
    for (int r = 1; r <= 200; ++r) {
      const Row& row = rows[static_cast<size_t>(r - 1)];
      REQUIRE(row.number == static_cast<uint64_t>(r));
      if (r % 7 == 0) {
        CHECK(row.cells.empty());
      } else {
        CHECK(TextsOf(row) ==
              Texts{strings[static_cast<size_t>(r % 50)], "", "</row> & " + std::to_string(r)});
      }
    }
  }
}

TEST_CASE("XLSX: bytes that are not a workbook, and broken sheets, say why", "[reader]") {
  Result<std::unique_ptr<RowSource>> text = OpenXlsx("联单编号,产生单位\n");
  REQUIRE_FALSE(text.ok());
  CHECK(text.status().code() == Status::Code::kInvalidArgument);
  CHECK_THAT(text.status().message(), Catch::StartsWith("not an XLSX workbook: not a zip archive"));

  TempDir dir;
  // A workbook cut short loses the zip's directory, at its end.
  const std::string workbook = testing::ReadFile(WriteWorkbook(dir, false));
  REQUIRE(workbook.starts_with("PK\x03\x04"));
  Result<std::unique_ptr<RowSource>> cut = OpenXlsx(workbook.substr(0, workbook.size() / 2));
  REQUIRE_FALSE(cut.ok());
  CHECK_THAT(cut.status().message(), Catch::StartsWith("not an XLSX workbook: a damaged or truncated zip archive ("));

  Result<std::unique_ptr<RowSource>> no_workbook = OpenXlsx(MakeZip(dir, {{"readme.txt", "hello"}}));
  REQUIRE_FALSE(no_workbook.ok());
  CHECK(no_workbook.status().message() == "not an XLSX workbook: no xl/workbook.xml");

  const auto open_with_sheet = [&](const std::string& sheet_xml) {
    return OpenXlsx(MakeZip(dir, {{"xl/workbook.xml", kWorkbook},
                                  {"xl/_rels/workbook.xml.rels", kWorkbookRels},
                                  {"xl/strings.xml", kStrings},
                                  {"xl/worksheets/ledger.xml", sheet_xml}}));
  };
  // Reads the rows up to the first error and returns its message.
  const auto first_error = [](RowSource& source) {
    Row row;
    for (;;) {
      Result<bool> more = source.Next(row);
      if (!more.ok()) return more.status().message();
      if (!*more) return std::string("no error");
    }
  };

  // The sheet is read a row at a time: XML broken in a row shows at that row.
  Result<std::unique_ptr<RowSource>> cut_off = open_with_sheet("<worksheet><sheetData><row></sheetData>");
  REQUIRE(cut_off.ok());
  CHECK(first_error(**cut_off) == "sheet \"台账\" after row 0: the XML ends inside a <row>");

  Result<std::unique_ptr<RowSource>> mismatch = open_with_sheet(
      R"(<worksheet><sheetData><row r="1"/><row r="2"><c r="A2"><v>1</c></row></sheetData></worksheet>)");
  REQUIRE(mismatch.ok());
  CHECK_THAT(first_error(**mismatch),
             Catch::StartsWith("sheet \"台账\" after row 1: a row is not well-formed XML ("));

  Result<std::unique_ptr<RowSource>> unended = open_with_sheet(R"(<worksheet><sheetData><row r="1"/>)");
  REQUIRE(unended.ok());
  CHECK(first_error(**unended) == "sheet \"台账\" after row 1: the XML ends before </sheetData>");

  // No sheetData at all (a chart sheet, say): no rows.
  Result<std::unique_ptr<RowSource>> chart = open_with_sheet("<chartsheet><drawing/></chartsheet>");
  REQUIRE(chart.ok());
  CHECK(first_error(**chart) == "no error");

  Result<std::unique_ptr<RowSource>> bad_index = open_with_sheet(
      R"(<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>6</v></c></row></sheetData></worksheet>)");
  REQUIRE(bad_index.ok());
  CHECK(first_error(**bad_index) == "sheet \"台账\" row 2: cell A2: shared string 6 does not exist");

  Result<std::unique_ptr<RowSource>> out_of_order = open_with_sheet(
      R"(<worksheet><sheetData><row r="3"><c r="C3"><v>1</v></c><c r="B3"><v>2</v></c></row></sheetData></worksheet>)");
  REQUIRE(out_of_order.ok());
  CHECK(first_error(**out_of_order) == "sheet \"台账\" row 3: cell B3 is out of order");

  Result<std::unique_ptr<RowSource>> far_column = open_with_sheet(
      R"(<worksheet><sheetData><row r="1"><c r="XFE1"><v>1</v></c></row></sheetData></worksheet>)");
  REQUIRE(far_column.ok());
  CHECK(first_error(**far_column) == "sheet \"台账\" row 1: bad cell reference \"XFE1\"");

  Result<std::unique_ptr<RowSource>> bad_row =
      open_with_sheet(R"(<worksheet><sheetData><row r="1"/><row r="x2"/></sheetData></worksheet>)");
  REQUIRE(bad_row.ok());
  CHECK(first_error(**bad_row) == "sheet \"台账\" after row 1: a row has a bad number \"x2\"");

  Result<std::unique_ptr<RowSource>> bad_bool = open_with_sheet(
      R"(<worksheet><sheetData><row r="5"><c r="A5" t="b"><v>yes</v></c></row></sheetData></worksheet>)");
  REQUIRE(bad_bool.ok());
  CHECK(first_error(**bad_bool) == "sheet \"台账\" row 5: cell A5: boolean \"yes\" is not 0 or 1");

  Result<std::unique_ptr<RowSource>> bad_strings =
      OpenXlsx(MakeZip(dir, {{"xl/workbook.xml", kWorkbook},
                             {"xl/_rels/workbook.xml.rels", kWorkbookRels},
                             {"xl/strings.xml", "<sst><si><t>a</t></si><si><t>b</si></sst>"},
                             {"xl/worksheets/ledger.xml", "<worksheet><sheetData/></worksheet>"}}));
  REQUIRE_FALSE(bad_strings.ok());
  CHECK_THAT(bad_strings.status().message(),
             Catch::StartsWith("not an XLSX workbook: xl/strings.xml: string 1 is not well-formed XML ("));

  Result<std::unique_ptr<RowSource>> no_sheet_part =
      OpenXlsx(MakeZip(dir, {{"xl/workbook.xml", kWorkbook}, {"xl/_rels/workbook.xml.rels", kWorkbookRels}}));
  REQUIRE_FALSE(no_sheet_part.ok());
  CHECK(no_sheet_part.status().message() ==
        "not an XLSX workbook: sheet \"台账\" (xl/worksheets/ledger.xml) is missing from the archive");
}

}  // namespace
}  // namespace wasteledger::import
