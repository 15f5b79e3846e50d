// Tests of the report renderers (reports/include/wasteledger/reports/render.h):
// exact number formatting, aligned terminal tables, CSV read back with a small
// RFC 4180 reader, HTML parsed as XML, and XLSX opened as a zip of XML parts.
#include "wasteledger/reports/render.h"

#include <stdlib.h>
#include <zip.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "test_util.h"

namespace wasteledger::reports {
namespace {

using Rows = std::vector<std::vector<std::string>>;

const std::string kHostileName = "东方环保 <script>alert('x')</script> & Co";
const std::string kCsvHardName = "Acme, \"Recycling\"\nLtd";

Table BalanceTable() {
  Table t;
  t.id = "balance";
  t.title = {"产废单位平衡", "Producer balance"};
  t.note = {"质量以克为单位精确记账。", "Masses are kept exactly in grams."};
  t.columns = {{"party", {"单位", "party"}, ColumnType::kText},
               {"district", {"区", "district"}, ColumnType::kText},
               {"generated", {"产生量", "generated"}, ColumnType::kMass},
               {"entries", {"条目数", "entries"}, ColumnType::kInteger},
               {"recovery", {"利用率", "recovery rate"}, ColumnType::kRatio}};
  t.rows = {{kHostileName, std::string("浦东"), int64_t{1234567890}, int64_t{42}, Ratio{7, 8}},
            {kCsvHardName, std::string("Pudong"), int64_t{500}, int64_t{3}, Ratio{0, 0}},
            {std::string("小厂"), std::monostate{}, int64_t{-2500}, int64_t{0}, Ratio{1, 3}}};
  t.totals = {{std::string("合计"), std::monostate{}, int64_t{1234565890}, int64_t{45}, Ratio{2, 3}}};
  return t;
}

Table FlowTable() {
  Table t;
  t.id = "flows";
  t.title = {"流向", "Flows"};
  t.columns = {{"route", {"路线", "route"}, ColumnType::kText},
               {"mass", {"转移量", "moved"}, ColumnType::kMass}};
  t.rows = {{std::string("A→B"), int64_t{1000001}}};
  return t;
}

SankeyChart Sankey() {
  SankeyChart s;
  s.title = {"物质流", "Material flow"};
  s.nodes = {{"gen", {"产生", "generated"}, 0},
             {"tr", {"转运站", "transfer"}, 1},
             {"inc", {"焚烧厂", "incinerator"}, 2},
             {"lf", {"填埋场", "landfill"}, 2}};
  s.links = {{"gen", "tr", 3000000}, {"tr", "inc", 2000000}, {"tr", "lf", 1000000}, {"gen", "lf", 0}};
  return s;
}

BarChart Bars() {
  BarChart b;
  b.title = {"月度产生与处置", "Monthly generated and treated"};
  b.categories = {"2025-01", "2025-02", "2025-03"};
  b.series = {{{"产生", "generated"}, {1500000, 2500000, 0}}, {{"处置", "treated"}, {1000000, 2600000, 100}}};
  return b;
}

Document SampleDoc(Lang lang = Lang::kZh) {
  Document d;
  d.title = {"城市固体废物平衡表", "City solid-waste balance"};
  d.facts = {{{"账本来源", "ledger origin"}, "city-a"}, {{"期间", "period"}, "2025-01-01..2025-03-31"}};
  d.tables = {BalanceTable(), FlowTable()};
  d.charts = {Sankey(), Bars()};
  d.lang = lang;
  return d;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(text.substr(start, nl - start));
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

// A strict RFC 4180 reader: records end with CRLF; a bare CR or LF outside
// quotes is an error (returns nullopt).
std::optional<Rows> ParseCsv(const std::string& csv) {
  Rows rows;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < csv.size(); ++i) {
    const char ch = csv[i];
    if (quoted) {
      if (ch != '"') {
        field += ch;
      } else if (i + 1 < csv.size() && csv[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (ch == '"') {
      if (!field.empty() || was_quoted) return std::nullopt;  // a quote inside an unquoted field
      quoted = was_quoted = true;
    } else if (ch == ',') {
      record.push_back(field);
      field.clear();
      was_quoted = false;
    } else if (ch == '\r') {
      if (i + 1 >= csv.size() || csv[i + 1] != '\n') return std::nullopt;
      ++i;
      record.push_back(field);
      rows.push_back(record);
      record.clear();
      field.clear();
      was_quoted = false;
    } else if (ch == '\n') {
      return std::nullopt;
    } else {
      field += ch;
    }
  }
  if (quoted || !field.empty() || !record.empty()) return std::nullopt;  // no final CRLF
  return rows;
}

std::string StripDoctype(const std::string& html) {
  const std::string doctype = "<!DOCTYPE html>\n";
  REQUIRE(html.compare(0, doctype.size(), doctype) == 0);
  return html.substr(doctype.size());
}

// ---------------------------------------------------------------- formatting

TEST_CASE("FormatMass is exact in tonnes, kilograms and grams", "[reports][format]") {
  CHECK(FormatMass(1234567890, MassUnit::kTonne) == "1234.567890");
  CHECK(FormatMass(0, MassUnit::kTonne) == "0.000000");
  CHECK(FormatMass(-1, MassUnit::kTonne) == "-0.000001");
  CHECK(FormatMass(-2500000, MassUnit::kTonne) == "-2.500000");
  CHECK(FormatMass(std::numeric_limits<int64_t>::max(), MassUnit::kTonne) == "9223372036854.775807");
  CHECK(FormatMass(std::numeric_limits<int64_t>::min(), MassUnit::kTonne) == "-9223372036854.775808");
  CHECK(FormatMass(1234567, MassUnit::kKilogram) == "1234.567");
  CHECK(FormatMass(0, MassUnit::kKilogram) == "0.000");
  CHECK(FormatMass(-5, MassUnit::kKilogram) == "-0.005");
  CHECK(FormatMass(-1005, MassUnit::kKilogram) == "-1.005");
  CHECK(FormatMass(1234567, MassUnit::kGram) == "1234567");
  CHECK(FormatMass(0, MassUnit::kGram) == "0");
  CHECK(FormatMass(-42, MassUnit::kGram) == "-42");
}

TEST_CASE("FormatRatio: two decimals rounded half away from zero, '-' without denominator",
          "[reports][format]") {
  CHECK(FormatRatio({7, 8}) == "87.50%");
  CHECK(FormatRatio({1, 3}) == "33.33%");
  CHECK(FormatRatio({2, 3}) == "66.67%");
  CHECK(FormatRatio({1, 800}) == "0.13%");  // 0.125% rounds up
  CHECK(FormatRatio({-1, 800}) == "-0.13%");
  CHECK(FormatRatio({1, 200000}) == "0.00%");
  CHECK(FormatRatio({-1, 200000}) == "0.00%");  // no "-0.00%"
  CHECK(FormatRatio({0, 5}) == "0.00%");
  CHECK(FormatRatio({-1, 8}) == "-12.50%");
  CHECK(FormatRatio({1, -8}) == "-12.50%");
  CHECK(FormatRatio({3, 2}) == "150.00%");
  CHECK(FormatRatio({5, 0}) == "-");
  CHECK(FormatRatio({0, 0}) == "-");
  const int64_t max = std::numeric_limits<int64_t>::max();
  CHECK(FormatRatio({max, max}) == "100.00%");
  CHECK(FormatRatio({max, 1}) == "922337203685477580700.00%");
}

// A name with ESC [2J cleared the terminal a table was printed on; a note
// with a line break broke its row (docs/STATEMENTS.md, "Text on a terminal").
TEST_CASE("TerminalText escapes control characters and keeps every other character", "[reports][format]") {
  CHECK(TerminalText("") == "");
  CHECK(TerminalText("许昌危废处置中心 Co. (A\\B)") == "许昌危废处置中心 Co. (A\\B)");
  CHECK(TerminalText("a\nb\r\tc") == "a\\nb\\r\\tc");
  CHECK(TerminalText("Evil\x1b[2J") == "Evil\\x1b[2J");
  CHECK(TerminalText(std::string("\0\x01\x1f\x7f", 4)) == "\\x00\\x01\\x1f\\x7f");
  CHECK(TerminalText("\xc2\x85\xc2\x9b") == "\\u0085\\u009b");            // C1: NEL, CSI
  CHECK(TerminalText("\xc2\xa0\xe3\x80\x80") == "\xc2\xa0\xe3\x80\x80");  // spaces stay
  // Right-to-left override, isolates, marks, line separator: shown, not obeyed.
  CHECK(TerminalText("bad\u202Etxt.exe") == "bad\\u202etxt.exe");
  CHECK(TerminalText("\u2066\u2069\u200F\u061C\u2028") == "\\u2066\\u2069\\u200f\\u061c\\u2028");
  CHECK(TerminalText("\u202F\u2060\u2070") == "\u202F\u2060\u2070");      // neighbours of the ranges stay
  CHECK(TerminalText("a\xff\xc3") == "a\\xff\\xc3");                      // not UTF-8
  CHECK(DisplayWidth(TerminalText("\x1b")) == 4);
}

TEST_CASE("DisplayWidth counts CJK characters as two cells", "[reports][format]") {
  CHECK(DisplayWidth("产生量") == 6);
  CHECK(DisplayWidth("generated") == 9);
  CHECK(DisplayWidth("") == 0);
  CHECK(DisplayWidth("产生量 (t)") == 10);
  CHECK(DisplayWidth("A→B") == 3);
  CHECK(DisplayWidth("caf\xC3\xA9") == 4);  // é is one cell
  CHECK(DisplayWidth("\xFF") == 1);         // an invalid byte still takes a cell
}

// ---------------------------------------------------------------- text

// Display column (0-based) where `value` starts and ends on `line`.
std::pair<int, int> Span(const std::string& line, const std::string& value, size_t from = 0) {
  const size_t pos = line.find(value, from);
  REQUIRE(pos != std::string::npos);
  const int start = DisplayWidth(line.substr(0, pos));
  return {start, start + DisplayWidth(value)};
}

TEST_CASE("Text: columns line up by display width with Chinese and ASCII values", "[reports][text]") {
  Document doc;
  doc.title = {"对齐", "alignment"};
  doc.facts = {{{"账本来源", "origin"}, "city-a"}};
  Table t;
  t.title = {"单位", "parties"};
  t.columns = {{"name", {"名称", "name"}, ColumnType::kText},
               {"code", {"代码", "code"}, ColumnType::kText},
               {"generated", {"产生量", "generated"}, ColumnType::kMass}};
  t.rows = {{std::string("东方环保集团"), std::string("ZX-01"), int64_t{1234567890}},
            {std::string("Acme"), std::string("编码二"), int64_t{5}},
            {std::string("混合 mixed 名"), std::string("c"), int64_t{-2500000}}};
  t.totals = {{std::string("合计"), std::string(""), int64_t{1232067895}}};
  doc.tables = {t};

  const std::string text = RenderText(doc);
  const std::vector<std::string> lines = Lines(text);
  CHECK(lines.at(0) == "对齐");
  CHECK(lines.at(1) == "====");
  CHECK(lines.at(2) == "账本来源: city-a");

  // header, the 3 rows and the totals row, each with their (code, mass) texts
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"代码", "产生量 (t)"}, {"ZX-01", "1234.567890"}, {"编码二", "0.000005"}, {"c", "-2.500000"}};
  size_t header = 0;
  while (header < lines.size() && lines[header].rfind("名称", 0) != 0) ++header;
  REQUIRE(header + 6 < lines.size());
  CHECK(lines[header - 1] == "单位");
  const auto code0 = Span(lines[header], expected[0].first);
  const auto mass0 = Span(lines[header], expected[0].second);
  for (size_t i = 1; i < expected.size(); ++i) {
    const std::string& line = lines[header + 1 + i];  // after the header rule
    INFO(line);
    const std::string name = line.substr(0, line.find(' '));
    CHECK(Span(line, expected[i].first, name.size()).first == code0.first);  // text: left-aligned
    CHECK(Span(line, expected[i].second).second == mass0.second);            // numbers: right-aligned
  }
  CHECK(lines[header + 1].find_first_not_of('-') == std::string::npos);  // rule under the header
  CHECK(lines[header + 5].find_first_not_of('-') == std::string::npos);  // rule before the totals
  CHECK(lines[header + 6].rfind("合计", 0) == 0);
  CHECK(Span(lines[header + 6], "1232.067895").second == mass0.second);
  CHECK(DisplayWidth(lines[header + 5]) == mass0.second);
}

TEST_CASE("Text: a long last text column does not draw the rules across the screen", "[reports][text]") {
  Document doc;
  doc.title = {"发现", "findings"};
  Table t;
  t.title = {"发现", "findings"};
  t.columns = {{"rule", {"规则", "rule"}, ColumnType::kText}, {"finding", {"说明", "finding"}, ColumnType::kText}};
  const std::string finding(300, 'x');
  t.rows = {{std::string("unconfirmed-receipt"), finding}, {std::string("late"), std::string("short")}};
  doc.tables = {t};
  const std::vector<std::string> lines = Lines(RenderText(doc));
  const auto rule = std::find_if(lines.begin(), lines.end(), [](const auto& l) { return l.rfind("---", 0) == 0; });
  REQUIRE(rule != lines.end());
  // "unconfirmed-receipt" (19), the gap (2) and 40 columns of the finding.
  CHECK(rule->size() == 19 + 2 + 40);
  CHECK(rule->find_first_not_of('-') == std::string::npos);
  // The finding itself is whole.
  CHECK(std::any_of(lines.begin(), lines.end(), [&](const auto& l) { return l.find(finding) != std::string::npos; }));
  // A short last column keeps its own width.
  t.rows = {{std::string("late"), std::string("short")}};
  doc.tables = {t};
  const std::vector<std::string> small = Lines(RenderText(doc));
  const auto rule2 = std::find_if(small.begin(), small.end(), [](const auto& l) { return l.rfind("---", 0) == 0; });
  REQUIRE(rule2 != small.end());
  CHECK(rule2->size() == 4 + 2 + 5);  // "规则" and "late" are 4 wide, "short" 5
}

TEST_CASE("Text: labels in the document's language, ratios as percentages, empty cells blank",
          "[reports][text]") {
  const std::string zh = RenderText(SampleDoc(Lang::kZh));
  CHECK(zh.find("产生量 (t)") != std::string::npos);
  CHECK(zh.find("87.50%") != std::string::npos);
  CHECK(zh.find("33.33%") != std::string::npos);
  CHECK(zh.find("期间: 2025-01-01..2025-03-31") != std::string::npos);
  CHECK(zh.find("质量以克为单位精确记账。") != std::string::npos);
  Document en_doc = SampleDoc(Lang::kEn);
  en_doc.unit = MassUnit::kKilogram;
  const std::string en = RenderText(en_doc);
  CHECK(en.find("generated (kg)") != std::string::npos);
  CHECK(en.find("1234567.890") != std::string::npos);
  CHECK(en.find("Producer balance") != std::string::npos);
  CHECK(en.find("产生量") == std::string::npos);
  // the third row's district is empty: "小厂" is followed by blanks up to the mass
  const auto lines = Lines(zh);
  const auto row =
      std::find_if(lines.begin(), lines.end(), [](const auto& l) { return l.rfind("小厂", 0) == 0; });
  REQUIRE(row != lines.end());
  CHECK(row->find("-0.002500") != std::string::npos);
  CHECK(row->substr(std::string("小厂").size(), 6) == "      ");
  // a line break inside a cell does not break the table's lines: it is shown as \n
  CHECK(zh.find("Acme, \"Recycling\"\\nLtd") != std::string::npos);
  CHECK(std::none_of(lines.begin(), lines.end(), [](const auto& l) { return l.rfind("Ltd", 0) == 0; }));
}

// ---------------------------------------------------------------- CSV

TEST_CASE("CSV: RFC 4180 quoting, CRLF, BOM, exact masses and fractions", "[reports][csv]") {
  Document doc = SampleDoc();
  doc.tables.resize(1);
  const std::string plain = RenderCsv(doc);
  const std::string with_bom = RenderCsv(doc, CsvOptions{true});
  CHECK(plain.compare(0, 3, "\xEF\xBB\xBF") != 0);
  REQUIRE(with_bom.compare(0, 3, "\xEF\xBB\xBF") == 0);
  CHECK(with_bom.substr(3) == plain);

  CHECK(plain.find("\"Acme, \"\"Recycling\"\"\nLtd\"") != std::string::npos);
  const std::optional<Rows> rows = ParseCsv(plain);
  REQUIRE(rows.has_value());
  const Rows expected = {
      {"账本来源", "city-a"},
      {"期间", "2025-01-01..2025-03-31"},
      {""},
      {"单位", "区", "产生量 (t)", "条目数", "利用率"},
      {kHostileName, "浦东", "1234.567890", "42", "0.875000"},
      {kCsvHardName, "Pudong", "0.000500", "3", ""},
      {"小厂", "", "-0.002500", "0", "0.333333"},
      {"合计", "", "1234.565890", "45", "0.666667"},
  };
  CHECK(*rows == expected);
}

TEST_CASE("CSV: several tables each under a title row, separated by an empty line", "[reports][csv]") {
  Document doc = SampleDoc(Lang::kEn);
  doc.unit = MassUnit::kGram;
  doc.tables[0].rows[1][4] = Ratio{1, -8};
  doc.facts.clear();
  const std::optional<Rows> rows = ParseCsv(RenderCsv(doc));
  REQUIRE(rows.has_value());
  REQUIRE(rows->size() == 1 + 5 + 1 + 1 + 2);  // title, header, 3 rows, totals; empty; title, header, row
  CHECK((*rows)[0] == std::vector<std::string>{"Producer balance"});
  CHECK((*rows)[1] ==
        std::vector<std::string>{"party", "district", "generated (g)", "entries", "recovery rate"});
  CHECK((*rows)[2][2] == "1234567890");
  CHECK((*rows)[3][4] == "-0.125000");
  CHECK((*rows)[5] == std::vector<std::string>{"合计", "", "1234565890", "45", "0.666667"});
  CHECK((*rows)[6] == std::vector<std::string>{""});  // the empty line
  CHECK((*rows)[7] == std::vector<std::string>{"Flows"});
  CHECK((*rows)[8] == std::vector<std::string>{"route", "moved (g)"});
  CHECK((*rows)[9] == std::vector<std::string>{"A→B", "1000001"});
}

// The CSV of a report named no ledger: the facts (origin, size, root,
// period, ...) that every other format shows were left out.
TEST_CASE("CSV: the facts come first, one label,value record each, then an empty line", "[reports][csv]") {
  Document doc = SampleDoc(Lang::kEn);
  doc.facts.push_back({{"默克尔根", "Merkle root"}, std::string(64, 'a')});
  const std::optional<Rows> rows = ParseCsv(RenderCsv(doc));
  REQUIRE(rows.has_value());
  REQUIRE(rows->size() == 3 + 1 + 1 + 5 + 1 + 1 + 2);  // facts; empty; the two tables as above
  CHECK((*rows)[0] == std::vector<std::string>{"ledger origin", "city-a"});
  CHECK((*rows)[1] == std::vector<std::string>{"period", "2025-01-01..2025-03-31"});
  CHECK((*rows)[2] == std::vector<std::string>{"Merkle root", std::string(64, 'a')});
  CHECK((*rows)[3] == std::vector<std::string>{""});
  CHECK((*rows)[4] == std::vector<std::string>{"Producer balance"});
  CHECK((*rows)[13] == std::vector<std::string>{"A→B", "1.000001"});
}

// ---------------------------------------------------------------- HTML

TEST_CASE("HTML: self-contained, escaped, every figure present, well-formed", "[reports][html]") {
  const Document doc = SampleDoc();
  const std::string html = RenderHtml(doc);
  CHECK(html == RenderHtml(doc));  // deterministic

  for (const char* banned : {"http://", "https://", "<script", "<link", "src=", "url(", "&nbsp;"}) {
    INFO(banned);
    CHECK(html.find(banned) == std::string::npos);
  }
  CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co") != std::string::npos);
  for (const char* figure : {"1234.567890", "0.000500", "-0.002500", "1234.565890", "1.000001", "87.50%",
                             "33.33%", "66.67%", "产生量 (t)", "city-a"}) {
    INFO(figure);
    CHECK(html.find(figure) != std::string::npos);
  }
  CHECK(html.find("<meta charset=\"utf-8\"/>") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  CHECK(html.find("<html lang=\"zh-CN\">") != std::string::npos);
  CHECK(RenderHtml(SampleDoc(Lang::kEn)).find("<html lang=\"en\">") != std::string::npos);

  pugi::xml_document x;
  const std::string body = StripDoctype(html);
  const pugi::xml_parse_result parsed = x.load_string(body.c_str(), pugi::parse_default);
  INFO(parsed.description() << " at offset " << parsed.offset);
  REQUIRE(parsed);
  CHECK(x.select_nodes("/html/head/style").size() == 1);
  CHECK(x.select_nodes("//table[@class='data']").size() == 2);
  CHECK(x.select_nodes("//table[@class='data']/thead/tr/th").size() == 5 + 2);
  CHECK(x.select_nodes("(//table[@class='data'])[1]/tbody/tr").size() == 3);
  CHECK(x.select_nodes("(//table[@class='data'])[1]/tfoot/tr").size() == 1);
  CHECK(x.select_nodes("//svg").size() == 2);
  const pugi::xml_node first = x.select_node("//table[@class='data']/tbody/tr[1]/td[1]").node();
  CHECK(std::string(first.text().get()) == kHostileName);  // the escaped name reads back as it was
  const pugi::xml_node mass = x.select_node("//table[@class='data']/tbody/tr[1]/td[3]").node();
  CHECK(std::string(mass.text().get()) == "1234.567890");
  CHECK(std::string(mass.attribute("class").value()) == "num");
  CHECK(std::string(x.select_node("//table[@class='data']/tbody/tr[2]/td[5]").node().text().get()) == "-");
}

TEST_CASE("HTML: Sankey ribbons and bars are drawn with tooltips", "[reports][html][chart]") {
  const std::string html = RenderHtml(SampleDoc());
  pugi::xml_document x;
  REQUIRE(x.load_string(StripDoctype(html).c_str(), pugi::parse_default));
  // three links carry mass; the zero link is not drawn
  const auto ribbons = x.select_nodes("//svg[contains(@class,'sankey')]//path[@class='sk-link']");
  REQUIRE(ribbons.size() == 3);
  CHECK(std::string(ribbons[0].node().child("title").text().get()).find("3.000000 t") != std::string::npos);
  for (const auto& r : ribbons) {
    const std::string d = r.node().attribute("d").value();
    CHECK(d.rfind("M", 0) == 0);
    CHECK(d.find(" C") != std::string::npos);
    CHECK(d.back() == 'Z');
  }
  CHECK(x.select_nodes("//svg[contains(@class,'sankey')]//g[@class='sk-node']/rect").size() == 4);
  // the biggest node (generated, 3 t) is taller than the landfill (1 t)
  const double gen = x.select_node("//g[@class='sk-node'][1]/rect").node().attribute("height").as_double();
  const double lf = x.select_node("//g[@class='sk-node'][4]/rect").node().attribute("height").as_double();
  CHECK(gen == Approx(3 * lf).epsilon(0.01));
  // 3 categories x 2 series, a legend entry per series, a label per category
  CHECK(x.select_nodes("//svg[contains(@class,'bars')]/g[@class='bars']/rect").size() == 6);
  CHECK(x.select_nodes("//svg[contains(@class,'bars')]/g[@class='legend']/text").size() == 2);
  CHECK(x.select_nodes("//svg[contains(@class,'bars')]/g[@class='categories']/text").size() == 3);
  CHECK(html.find("处置 · 2025-02: 2.600000 t") != std::string::npos);
}

TEST_CASE("HTML: empty and all-zero charts draw without dividing by zero", "[reports][html][chart]") {
  Document doc;
  doc.title = {"空", "empty"};
  SankeyChart empty_sankey;
  SankeyChart zero_sankey = Sankey();
  for (auto& link : zero_sankey.links) link.mass_g = 0;
  BarChart empty_bars;
  BarChart zero_bars = Bars();
  for (auto& s : zero_bars.series) s.mass_g.assign(3, 0);
  BarChart negative_bars = Bars();
  negative_bars.series[1].mass_g = {-500000, 0};  // a short series: the missing month counts 0
  doc.charts = {empty_sankey, zero_sankey, empty_bars, zero_bars, negative_bars};
  const std::string html = RenderHtml(doc);
  for (const char* bad : {"nan", "inf", "NaN"}) {
    INFO(bad);
    CHECK(html.find(bad) == std::string::npos);
  }
  pugi::xml_document x;
  REQUIRE(x.load_string(StripDoctype(html).c_str(), pugi::parse_default));
  CHECK(x.select_nodes("//svg").size() == 5);
  CHECK(x.select_nodes("//svg/text[@class='no-data']").size() == 3);
  CHECK(std::string(x.select_node("//text[@class='no-data']").node().text().get()) == "无数据");
  CHECK(x.select_nodes("//g[@class='bars']/rect").size() == 12);
  for (const auto& r : x.select_nodes("//g[@class='bars']/rect")) {
    CHECK(r.node().attribute("height").as_double() >= 0);
  }
}

TEST_CASE("HTML: Sankey stages with gaps or odd numbers still fill the width", "[reports][html][chart]") {
  Document doc;
  SankeyChart s;
  s.nodes = {{"a", {"甲", "a"}, std::numeric_limits<int>::min()},
             {"b", {"乙", "b"}, 7},
             {"c", {"丙", "c"}, std::numeric_limits<int>::max()}};
  s.links = {{"a", "b", 10}, {"b", "c", 10}, {"a", "missing", 10}};
  doc.charts = {s};
  pugi::xml_document x;
  REQUIRE(x.load_string(StripDoctype(RenderHtml(doc)).c_str(), pugi::parse_default));
  const auto rects = x.select_nodes("//g[@class='sk-node']/rect");
  REQUIRE(rects.size() == 3);
  const double left = rects[0].node().attribute("x").as_double();
  const double middle = rects[1].node().attribute("x").as_double();
  const double right = rects[2].node().attribute("x").as_double();
  CHECK(left < 20);
  CHECK(right > 900);
  CHECK(middle == Approx((left + right) / 2));
  CHECK(x.select_nodes("//path[@class='sk-link']").size() == 2);  // the link to an unknown node is dropped
}

// ---------------------------------------------------------------- XLSX

struct Zip {
  zip_t* z = nullptr;
  explicit Zip(const std::string& path) {
    int err = 0;
    z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  }
  ~Zip() {
    if (z != nullptr) zip_close(z);
  }
  std::string Read(const std::string& name) const {
    zip_stat_t st;
    zip_stat_init(&st);
    REQUIRE(zip_stat(z, name.c_str(), 0, &st) == 0);
    zip_file_t* f = zip_fopen(z, name.c_str(), 0);
    REQUIRE(f != nullptr);
    std::string data(static_cast<size_t>(st.size), '\0');
    const zip_int64_t n = zip_fread(f, data.data(), st.size);
    zip_fclose(f);
    REQUIRE(n == static_cast<zip_int64_t>(st.size));
    return data;
  }
};

struct Workbook {
  std::vector<std::string> sheet_names;
  std::vector<std::string> shared;
  std::vector<std::string> sheets;  // xl/worksheets/sheetN.xml, N = index + 1
};

Workbook OpenXlsx(const std::string& bytes) {
  testing::TempDir dir;
  const std::string path = dir / "report.xlsx";
  testing::WriteFile(path, bytes);
  Zip zip(path);
  REQUIRE(zip.z != nullptr);
  Workbook wb;
  pugi::xml_document x;
  REQUIRE(x.load_string(zip.Read("xl/workbook.xml").c_str()));
  for (const auto& s : x.select_nodes("/workbook/sheets/sheet"))
    wb.sheet_names.push_back(s.node().attribute("name").value());
  pugi::xml_document sst;
  REQUIRE(sst.load_string(zip.Read("xl/sharedStrings.xml").c_str()));
  for (const auto& si : sst.select_nodes("/sst/si")) wb.shared.push_back(si.node().child("t").text().get());
  for (size_t i = 0; i < wb.sheet_names.size(); ++i) {
    wb.sheets.push_back(zip.Read("xl/worksheets/sheet" + std::to_string(i + 1) + ".xml"));
  }
  return wb;
}

struct XCell {
  bool found = false;
  std::string type;   // the t attribute: "s" for a shared string, "" for a number
  std::string value;  // <v>
  std::string style;  // the s attribute
};

XCell CellAt(const std::string& sheet_xml, const std::string& ref) {
  pugi::xml_document x;
  REQUIRE(x.load_string(sheet_xml.c_str()));
  const pugi::xml_node c = x.select_node(("//sheetData/row/c[@r='" + ref + "']").c_str()).node();
  if (!c) return {};
  return {true, c.attribute("t").value(), c.child("v").text().get(), c.attribute("s").value()};
}

std::string SharedAt(const Workbook& wb, const XCell& cell) {
  REQUIRE(cell.type == "s");
  const size_t index = std::stoul(cell.value);
  REQUIRE(index < wb.shared.size());
  return wb.shared[index];
}

TEST_CASE("XLSX: sheets per table, numbers as numbers, Chinese text via shared strings", "[reports][xlsx]") {
  const Result<std::string> bytes = RenderXlsx(SampleDoc());
  REQUIRE(bytes.ok());
  REQUIRE(bytes->compare(0, 2, "PK") == 0);
  const Workbook wb = OpenXlsx(*bytes);
  CHECK(wb.sheet_names == std::vector<std::string>{"summary", "产废单位平衡", "流向"});

  // summary: title in A1, facts from row 3
  CHECK(SharedAt(wb, CellAt(wb.sheets[0], "A1")) == "城市固体废物平衡表");
  CHECK(SharedAt(wb, CellAt(wb.sheets[0], "A3")) == "账本来源");
  CHECK(SharedAt(wb, CellAt(wb.sheets[0], "B3")) == "city-a");

  // the balance table: title in A1, note in A2, header in row 3, data from row 4
  const std::string& sheet = wb.sheets[1];
  CHECK(SharedAt(wb, CellAt(sheet, "A1")) == "产废单位平衡");
  CHECK(SharedAt(wb, CellAt(sheet, "C3")) == "产生量 (t)");
  CHECK(SharedAt(wb, CellAt(sheet, "A4")) == kHostileName);
  CHECK(SharedAt(wb, CellAt(sheet, "A5")) == kCsvHardName);
  const XCell mass = CellAt(sheet, "C4");
  REQUIRE(mass.found);
  CHECK(mass.type.empty());
  CHECK(std::stod(mass.value) == 1234567890 / 1e6);
  CHECK(std::stod(CellAt(sheet, "C6").value) == -2500 / 1e6);
  const XCell count = CellAt(sheet, "D4");
  CHECK(count.type.empty());
  CHECK(count.value == "42");
  const XCell ratio = CellAt(sheet, "E4");
  CHECK(ratio.type.empty());
  CHECK(std::stod(ratio.value) == 0.875);
  CHECK_FALSE(CellAt(sheet, "E5").found);  // denominator 0: empty
  CHECK_FALSE(CellAt(sheet, "B6").found);  // an empty cell stays empty
  // totals row (row 7) in another (bold) style than the data rows
  const XCell total = CellAt(sheet, "C7");
  CHECK(std::stod(total.value) == 1234565890 / 1e6);
  CHECK(total.style != mass.style);
  CHECK(std::stod(CellAt(wb.sheets[2], "B4").value) == 1.000001);
}

TEST_CASE("XLSX: mass number formats follow the unit", "[reports][xlsx]") {
  Document doc = SampleDoc(Lang::kEn);
  doc.unit = MassUnit::kKilogram;
  const Result<std::string> bytes = RenderXlsx(doc);
  REQUIRE(bytes.ok());
  testing::TempDir dir;
  testing::WriteFile(dir / "r.xlsx", *bytes);
  Zip zip(dir / "r.xlsx");
  REQUIRE(zip.z != nullptr);
  const std::string styles = zip.Read("xl/styles.xml");
  CHECK(styles.find("formatCode=\"#,##0.000\"") != std::string::npos);
  CHECK(styles.find("formatCode=\"#,##0.000000\"") == std::string::npos);
  CHECK(styles.find("formatCode=\"0.00%\"") != std::string::npos);
  const Workbook wb = OpenXlsx(*bytes);
  CHECK(wb.sheet_names == std::vector<std::string>{"summary", "Producer balance", "Flows"});
  CHECK(std::stod(CellAt(wb.sheets[1], "C4").value) == 1234567.89);
  CHECK(SharedAt(wb, CellAt(wb.sheets[1], "C3")) == "generated (kg)");
}

TEST_CASE("XLSX: sheet names are sanitised to Excel's rules and unique", "[reports][xlsx]") {
  Document doc;
  doc.title = {"名称", "names"};
  auto table = [](std::string id, std::string title) {
    Table t;
    t.id = std::move(id);
    t.title = {std::move(title), ""};
    t.columns = {{"k", {"键", "key"}, ColumnType::kText}};
    return t;
  };
  std::string long_title;
  for (int i = 0; i < 40; ++i) long_title += "废";
  std::string long_expected;
  for (int i = 0; i < 31; ++i) long_expected += "废";
  doc.tables = {
      table("a", "a/b[c]:d*e?f\\g"), table("b", long_title), table("c", "Same"),    table("d", "same"),
      table("fallback_id", ""),      table("e", "'quoted'"), table("f", "Summary"), table("g", long_title)};
  const Result<std::string> bytes = RenderXlsx(doc);
  REQUIRE(bytes.ok());
  const Workbook wb = OpenXlsx(*bytes);
  std::string long_second;
  for (int i = 0; i < 27; ++i) long_second += "废";
  long_second += " (2)";
  CHECK(wb.sheet_names == std::vector<std::string>{"summary", "a_b_c__d_e_f_g", long_expected, "Same",
                                                   "same (2)", "fallback_id", "quoted", "Summary (2)",
                                                   long_second});
}

TEST_CASE("XLSX: the temporary file is removed and I/O errors are reported", "[reports][xlsx]") {
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old != nullptr ? old : "";
  testing::TempDir dir;
  setenv("TMPDIR", dir.path().c_str(), 1);
  const Result<std::string> ok = RenderXlsx(SampleDoc());
  const bool left_nothing = std::filesystem::is_empty(dir.path());
  setenv("TMPDIR", (dir / "missing").c_str(), 1);
  const Result<std::string> failed = RenderXlsx(SampleDoc());
  if (old != nullptr) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  CHECK(ok.ok());
  CHECK(left_nothing);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().code() == Status::Code::kIOError);
}

TEST_CASE("XLSX: a string longer than Excel allows is an I/O error with libxlsxwriter's text",
          "[reports][xlsx]") {
  Document doc = SampleDoc();
  doc.tables[1].rows[0][0] = std::string(40000, 'x');
  const Result<std::string> r = RenderXlsx(doc);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kIOError);
  CHECK(r.status().message().find("xlsx: ") == 0);
  CHECK(r.status().message().size() > 6);
}

}  // namespace
}  // namespace wasteledger::reports
