#include "wasteledger/import/mapper.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "importers/mapper_fixture.h"

namespace wasteledger::import {
namespace {

using namespace mapper_test;  // NOLINT(google-build-using-namespace)

// ---- cn-hw-manifest -------------------------------------------------------------

// Columns A..Q.
const V kHwHeading = {"联单编号",     "移出单位", "移出单位统一社会信用代码",
                      "承运单位",     "接受单位", "经营许可证编号",
                      "废物名称",     "废物代码", "危险特性",
                      "形态",         "包装方式", "转移量(吨)",
                      "接受量(吨)",   "转移日期", "接收日期",
                      "利用处置方式", "备注"};
enum HwColumn { A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q };

const V kHwData = {"20234110000001",
                   "禹州市钧都铸造有限公司",
                   "91411081ma9k3t2l1x",
                   "许昌通达危险货物运输有限公司",
                   "禹州市环保科技有限公司",
                   "豫环许可危废字123号",
                   "废矿物油",
                   "900-249-08",
                   "T,I",
                   "液态",
                   "桶装",
                   "12.5",
                   "12.48",
                   "2023-01-05",
                   "2023/1/6",
                   "R9 废油再提炼",
                   ""};

Row HwRow(uint64_t number, const std::map<size_t, std::string>& changes = {}) {
  return MakeRow(number, With(kHwData, changes));
}

Mapper HwMapper(const V& heading = kHwHeading) {
  return Detect(Profile("cn-hw-manifest"), {MakeRow(1, heading)});
}

const std::string kHwBaseline =
    "manifest row=2 column= manifest=20234110000001 from=禹州市钧都铸造有限公司|91411081MA9K3T2L1X| "
    "to=禹州市环保科技有限公司||豫环许可危废字123号 carriers=许昌通达危险货物运输有限公司|; waste=900-249-08 "
    "name=废矿物油 hazards=T;I; form=液态 packaging=桶装 method=R9 mass_g=12500000 received_g=12480000 "
    "date=2023-01-05 received_date=2023-01-06 note=";

TEST_CASE("cn-hw-manifest maps a manifest row exactly", "[mapper]") {
  const Mapper mapper = HwMapper();
  const Record r = MapOne(mapper, HwRow(2));
  CHECK(r.type == RecordType::kManifest);
  CHECK(r.row == 2);
  CHECK(r.column.empty());
  CHECK(r.manifest == "20234110000001");
  CHECK(r.from.name == "禹州市钧都铸造有限公司");
  CHECK(r.from.uscc == "91411081MA9K3T2L1X");  // upper-cased
  REQUIRE(r.carriers.size() == 1);
  CHECK(r.carriers[0].name == "许昌通达危险货物运输有限公司");
  CHECK(r.to.name == "禹州市环保科技有限公司");
  CHECK(r.to.uscc.empty());
  CHECK(r.to.permit == "豫环许可危废字123号");
  CHECK(r.waste_name == "废矿物油");
  CHECK(r.waste == "900-249-08");
  CHECK(r.hazards == V{"T", "I"});
  CHECK(r.form == "液态");
  CHECK(r.packaging == "桶装");
  CHECK(r.mass_g == 12500000);
  CHECK(r.received_g == 12480000);
  CHECK(r.date == "2023-01-05");
  CHECK(r.received_date == "2023-01-06");
  CHECK(r.method == "R9");
  CHECK(r.note.empty());
  CHECK(Dump(r) == kHwBaseline);
}

TEST_CASE("Describe says which heading fills which field", "[mapper]") {
  const Mapper mapper = HwMapper(
      With(kHwHeading, {{17, "联系电话"}, {18, "计划转移量(吨)"}, {19, "数量"}, {20, "废物代码及危险特性"}}));
  CHECK(mapper.Describe() == V{"联单编号 -> manifest",
                               "移出单位 -> from.name",
                               "移出单位统一社会信用代码 -> from.uscc",
                               "承运单位 -> carrier",
                               "接受单位 -> to.name",
                               "经营许可证编号 -> to.permit",
                               "废物名称 -> waste_name",
                               "废物代码 -> waste",
                               "危险特性 -> hazards",
                               "形态 -> form",
                               "包装方式 -> packaging",
                               "转移量(吨) -> mass (t)",
                               "接受量(吨) -> received (t)",
                               "转移日期 -> date",
                               "接收日期 -> received_date",
                               "利用处置方式 -> method",
                               "备注 -> note",
                               "联系电话 -> ignored",
                               "计划转移量(吨) -> ignored (a planned figure, not what moved)",
                               "数量 -> ignored (mass comes from another column)",
                               "废物代码及危险特性 -> ignored (could be waste or hazards)"});
}

TEST_CASE("cn-hw-manifest knows the usual synonyms of each heading", "[mapper]") {
  struct Synonyms {
    size_t column;
    std::string field;
    V headings;
  };
  const std::vector<Synonyms> table = {
      {A,
       "manifest",
       {"联单编号", "联单号", "转移联单编号", "电子联单编号", "联单号码", "转移联单号",
        "危险废物转移联单编号"}},
      {B,
       "from.name",
       {"移出单位", "产生单位", "产废单位", "移出人", "产生单位名称", "移出单位名称", "移出人名称",
        "产废单位名称", "危险废物产生单位", "移出单位(盖章)", "危险废物移出单位"}},
      {C,
       "from.uscc",
       {"移出单位统一社会信用代码", "产生单位统一社会信用代码", "移出人统一社会信用代码",
        "产废单位统一社会信用代码", "统一社会信用代码", "社会信用代码", "信用代码",
        "产生单位(统一社会信用代码)"}},
      {D, "carrier", {"承运单位", "运输单位", "承运人", "运输单位名称", "承运单位名称", "承运人名称"}},
      {E,
       "to.name",
       {"接受单位", "接收单位", "接受人", "利用处置单位", "经营单位", "接受单位名称", "接收单位名称",
        "接受人名称", "利用处置单位名称", "处置单位", "利用单位"}},
      {F,
       "to.permit",
       {"经营许可证编号", "许可证编号", "危险废物经营许可证编号", "经营许可证号", "许可证号"}},
      {G, "waste_name", {"废物名称", "危险废物名称", "危废名称"}},
      {H,
       "waste",
       {"废物代码", "危废代码", "危险废物代码", "废物类别代码", "危险废物类别代码", "废物类别", "危废类别",
        "危险废物类别"}},
      {I, "hazards", {"危险特性", "危险特性代码", "危害特性"}},
      {J, "form", {"形态", "物理性状", "废物形态", "物理形态", "性状"}},
      {K, "packaging", {"包装方式", "包装形式", "包装类型"}},
      {L,
       "mass",
       {"转移量", "转移数量", "移出量", "转移重量", "实际转移量", "移出数量", "移出重量", "数量", "重量"}},
      {M,
       "received",
       {"接受量", "接收量", "实际接收量", "接收数量", "接受数量", "接收重量", "接受重量", "实际接受量",
        "实际接收", "实际接收重量"}},
      {N, "date", {"转移日期", "移出日期", "转移时间", "运输日期", "移出时间", "日期", "实际转移日期"}},
      {O, "received_date", {"接收日期", "接受日期", "接收时间", "接受时间"}},
      {P,
       "method",
       {"利用处置方式", "处置方式", "利用方式", "利用处置方式代码", "处置利用方式", "利用/处置方式"}},
      {Q, "note", {"备注", "说明"}},
  };
  for (const Synonyms& s : table) {
    for (const std::string& heading : s.headings) {
      INFO(heading);
      // Without a unit in the heading the masses are in tonnes: the same row maps the same.
      const Mapper mapper = HwMapper(With(kHwHeading, {{s.column, heading}}));
      const V lines = mapper.Describe();
      CHECK(lines[s.column] ==
            heading + " -> " + s.field + (s.field == "mass" || s.field == "received" ? " (t, default)" : ""));
      CHECK(Dump(MapOne(mapper, HwRow(2))) == kHwBaseline);
    }
  }
  // Spaces and full-width forms in headings do not matter.
  const Mapper spaced =
      HwMapper(With(kHwHeading, {{A, " 联 单 编 号 "}, {L, "转移量（吨）"}, {N, "转移日期\n"}}));
  CHECK(Dump(MapOne(spaced, HwRow(2))) == kHwBaseline);
}

TEST_CASE("A bare 统一社会信用代码 belongs to the party named to its left", "[mapper]") {
  const V heading = {"联单编号",         "产生单位", "统一社会信用代码", "运输单位",
                     "统一社会信用代码", "接收单位", "统一社会信用代码", "废物代码",
                     "转移量",           "转移日期", "承运单位信用代码"};
  const Mapper mapper = Detect(Profile("cn-hw-manifest"), {MakeRow(1, heading)});
  CHECK(mapper.Describe()[2] == "统一社会信用代码 -> from.uscc");
  CHECK(mapper.Describe()[4] == "统一社会信用代码 -> carrier.uscc");
  CHECK(mapper.Describe()[6] == "统一社会信用代码 -> to.uscc");
  CHECK(mapper.Describe()[10] == "承运单位信用代码 -> ignored (carrier.uscc comes from another column)");
  const Record r = MapOne(mapper, MakeRow(2, {"20234110000001", "甲厂", "91a", "乙运输", "91b", "丙公司",
                                              "91c", "900-249-08", "1", "2023-01-05", ""}));
  CHECK(r.from.uscc == "91A");
  REQUIRE(r.carriers.size() == 1);
  CHECK(r.carriers[0].uscc == "91B");
  CHECK(r.to.uscc == "91C");

  // Contained in a heading, a party name and 信用代码 make that party's USCC.
  const Mapper contains = HwMapper(With(kHwHeading, {{17, "承运单位信用代码"}}));
  CHECK(contains.Describe()[17] == "承运单位信用代码 -> carrier.uscc");
}

TEST_CASE("Several carriers in one cell, and their credit codes", "[mapper]") {
  const Mapper mapper = HwMapper(With(kHwHeading, {{17, "承运单位统一社会信用代码"}}));
  Record r = MapOne(mapper, HwRow(2, {{D, "甲运输公司；乙运输公司、丙运输公司"}, {17, "91a;91b、91c"}}));
  REQUIRE(r.carriers.size() == 3);
  CHECK(r.carriers[0].name == "甲运输公司");
  CHECK(r.carriers[1].name == "乙运输公司");
  CHECK(r.carriers[2].name == "丙运输公司");
  CHECK(r.carriers[0].uscc == "91A");
  CHECK(r.carriers[2].uscc == "91C");
  r = MapOne(mapper, HwRow(3, {{D, "甲运输公司/乙运输公司"}}));
  CHECK(r.carriers.size() == 2);
  CHECK(r.carriers[1].uscc.empty());
  RowError e = MapError(mapper, HwRow(4, {{D, "甲;乙"}, {17, "91a"}}));
  CHECK(e.column == "承运单位统一社会信用代码");
  CHECK(e.value == "91a");
  CHECK(e.reason == "2 carriers but 1 credit codes");
  e = MapError(mapper, HwRow(5, {{D, "甲"}, {17, "91a;91b"}}));
  CHECK(e.reason == "1 carriers but more credit codes");
  // No carrier at all is fine.
  r = MapOne(mapper, HwRow(6, {{D, ""}}));
  CHECK(r.carriers.empty());
}

TEST_CASE("Units come from the heading, a unit column or the cell; tonnes by default", "[mapper]") {
  struct Case {
    std::string heading;
    std::string cell;
    int64_t grams;
  };
  const std::vector<Case> cases = {
      {"转移量(吨)", "12.5", 12500000},
      {"转移量（吨）", "12.5", 12500000},
      {"转移量（千克）", "12.5", 12500},
      {"数量（千克）", "12.5", 12500},
      {"重量/kg", "12.5", 12500},
      {"转移数量 (t)", "12.5", 12500000},
      {"转移量[kg]", "12.5", 12500},
      {"转移量【千克】", "12.5", 12500},
      {"转移量(单位:千克)", "12.5", 12500},
      {"转移量(公斤)", "12.5", 12500},
      {"转移量(g)", "12", 12},
      {"转移量", "12.5", 12500000},
      {"转移量(吨)", "800kg", 800000},
      {"转移量(千克)", "1.5吨", 1500000},
      {"转移量（千克）", "１，２３４．５", 1234500},
      {"转移量(吨)", "1,234.5 ", 1234500000},
  };
  for (const Case& c : cases) {
    INFO(c.heading << " " << c.cell);
    const Mapper mapper = HwMapper(With(kHwHeading, {{L, c.heading}}));
    CHECK(MapOne(mapper, HwRow(2, {{L, c.cell}})).mass_g == c.grams);
  }
  CHECK(HwMapper(With(kHwHeading, {{L, "转移量"}})).Describe()[L] == "转移量 -> mass (t, default)");
  CHECK(HwMapper(With(kHwHeading, {{M, "接受量（千克）"}})).Describe()[M] == "接受量(千克) -> received (kg)");
  // A line break in a heading cell (Alt+Enter) still describes in one line.
  CHECK(HwMapper(With(kHwHeading, {{L, "转移量\n（吨）"}})).Describe()[L] == "转移量 (吨) -> mass (t)");

  SECTION("a finer unit than the value is an error") {
    const Mapper mapper = HwMapper(With(kHwHeading, {{L, "转移量(g)"}}));
    const RowError e = MapError(mapper, HwRow(2));
    CHECK(e.column == "转移量(g)");
    CHECK(e.value == "12.5");
    CHECK(e.reason == "finer than a gram");
  }
  SECTION("a per-row unit column") {
    for (const std::string unit_heading : {"计量单位", "单位"}) {
      const Mapper mapper = HwMapper(With(kHwHeading, {{L, "转移量"}, {M, "接受量"}, {17, unit_heading}}));
      CHECK(mapper.Describe()[L] == "转移量 -> mass (t, default; a unit in " + unit_heading + " overrides)");
      Record r = MapOne(mapper, HwRow(2, {{17, "千克"}}));
      CHECK(r.mass_g == 12500);
      CHECK(r.received_g == 12480);
      r = MapOne(mapper, HwRow(3, {{17, ""}}));
      CHECK(r.mass_g == 12500000);
      r = MapOne(mapper, HwRow(4, {{17, "kg"}, {L, "1t"}}));  // the cell's own unit wins
      CHECK(r.mass_g == 1000000);
      const RowError e = MapError(mapper, HwRow(5, {{17, "lb"}}));
      CHECK(e.column == unit_heading);
      CHECK(e.value == "lb");
      CHECK(e.reason == "unknown unit \"lb\" (use t, kg or g)");
    }
  }
  SECTION("a heading whose unit is not a mass") {
    CHECK(DetectError(Profile("cn-hw-manifest"), {MakeRow(1, With(kHwHeading, {{L, "转移量(立方米)"}}))}) ==
          "heading \"转移量(立方米)\" (column L): \"立方米\" is not a mass unit (use t, kg or g, or a "
          "mapping file)");
  }
}

TEST_CASE("Dates in every accepted form, and bad ones", "[mapper]") {
  const Mapper mapper = HwMapper();
  for (const char* text : {"2023-01-05", "2023/1/5", "2023.1.5", "2023年1月5日", "20230105",
                           "2023-01-05 14:30:00", "２０２３年１月５日", "2023-01-05  ", "44931"}) {
    INFO(text);
    CHECK(MapOne(mapper, HwRow(2, {{N, text}})).date == "2023-01-05");
  }
  Row serial = HwRow(2);
  serial.cells[N] = Cell{Cell::Kind::kNumber, "44931.604166666664"};
  CHECK(MapOne(mapper, serial).date == "2023-01-05");

  struct Bad {
    std::string text;
    std::string reason;
  };
  for (const Bad& b : std::vector<Bad>{{"2023-02-29", "not a calendar date"},
                                       {"2023/13/01", "not a calendar date"},
                                       {"abc", "not a date (write 2023-01-05)"},
                                       {"05/01/2023", "not a date (write 2023-01-05)"},
                                       {"2023-01", "not a date (write 2023-01-05)"}}) {
    const RowError e = MapError(mapper, HwRow(7, {{N, b.text}}));
    CHECK(e.row == 7);
    CHECK(e.column == "转移日期");
    CHECK(e.value == b.text);
    CHECK(e.reason == b.reason);
  }
  serial.cells[N] = Cell{Cell::Kind::kNumber, "60"};
  CHECK(MapError(mapper, serial).reason == "spreadsheet serial 60 is 1900-02-29, a day that does not exist");
  const RowError e = MapError(mapper, HwRow(8, {{O, "2023-02-30"}}));
  CHECK(e.column == "接收日期");
  CHECK(e.reason == "not a calendar date");
}

TEST_CASE("A date after the day of the import, or a receipt before its transfer, is a bad cell", "[mapper]") {
  Mapper mapper = HwMapper();
  // No limit set: any calendar date maps.
  CHECK(MapOne(mapper, HwRow(2, {{N, "2099-01-05"}, {O, "2099-01-06"}})).date == "2099-01-05");
  mapper.SetLatestDate("2026-12-06");
  CHECK(MapOne(mapper, HwRow(2, {{N, "2026-12-06"}, {O, "2026-12-06"}})).received_date == "2026-12-06");
  RowError e = MapError(mapper, HwRow(3, {{N, "2026年12月7日"}, {O, ""}}));
  CHECK(e.column == "转移日期");
  CHECK(e.value == "2026年12月7日");
  CHECK(e.reason == "2026-12-07 is after the day of the import (2026-12-06): a legacy record cannot be dated "
                    "in the future");
  e = MapError(mapper, HwRow(4, {{O, "2099/1/5"}}));
  CHECK(e.column == "接收日期");
  CHECK(e.reason.rfind("2099-01-05 is after the day of the import", 0) == 0);
  e = MapError(mapper, HwRow(5, {{N, "2023-03-05"}, {O, "2023-03-01"}}));
  CHECK(e.row == 5);
  CHECK(e.column == "接收日期");
  CHECK(e.value == "2023-03-01");
  CHECK(e.reason == "received on 2023-03-01, before it was transferred on 2023-03-05");
}

// A 台账's 月份 column holding 1-12 (the year only in the title) was
// imported as 1900-01-01..12, and 20231 (2023年1月) as 1955-05-22.
TEST_CASE("A date before the earliest date set is a bad cell, with a hint for numbers", "[mapper]") {
  Mapper mapper = HwMapper();
  Row month = HwRow(2, {});
  month.cells[N] = Cell{Cell::Kind::kNumber, "3"};
  CHECK(MapOne(mapper, month).date == "1900-01-03");  // no limit set
  mapper.SetEarliestDate("2000-01-01");
  RowError e = MapError(mapper, month);
  CHECK(e.column == "转移日期");
  CHECK(e.reason ==
        "1900-01-03 is before 2000-01-01, the earliest date a record may carry: a month number, or a short "
        "number "
        "read as a spreadsheet date serial?");
  e = MapError(mapper, HwRow(3, {{N, "20231"}}));
  CHECK(e.reason.rfind("1955-05-22 is before 2000-01-01", 0) == 0);
  e = MapError(mapper, HwRow(4, {{N, "2023-01-05"}, {O, "1923-01-06"}}));
  CHECK(e.column == "接收日期");
  CHECK(e.reason == "1923-01-06 is before 2000-01-01, the earliest date a record may carry: a typing error?");
  CHECK(MapOne(mapper, HwRow(5, {{N, "2000-01-01"}, {O, "2000-01-02"}})).date == "2000-01-01");
}

TEST_CASE("Full-width digits, thousands separators and stray spaces in cells", "[mapper]") {
  const Mapper mapper = HwMapper(With(kHwHeading, {{L, "转移量（千克）"}}));
  const Record r = MapOne(mapper, HwRow(2, {{A, "２０２３４１１００００００１ "},
                                            {B, "  禹州市　钧都  铸造有限公司\t"},
                                            {C, "９１４１１０８１ＭＡ９Ｋ３Ｔ２Ｌ１Ｘ"},
                                            {H, " ９００－２４９－０８ "},
                                            {L, "１，２３４．５"},
                                            {I, "Ｔ，Ｉ"},
                                            {N, "２０２３．１．５"}}));
  CHECK(r.manifest == "20234110000001");
  CHECK(r.from.name == "禹州市 钧都 铸造有限公司");
  CHECK(r.from.uscc == "91411081MA9K3T2L1X");
  CHECK(r.waste == "900-249-08");
  CHECK(r.mass_g == 1234500);
  CHECK(r.hazards == V{"T", "I"});
  CHECK(r.date == "2023-01-05");
}

// Were kept as written: a manifest ="2023..." apart from the same manifest
// written plainly (imported twice), a USCC ="9141..." dropped as malformed,
// and 2.02341E+13 taken as a manifest number.
TEST_CASE("Text wrapped to keep a spreadsheet's digits, and numbers that lost them", "[mapper]") {
  const Mapper mapper = HwMapper();
  Record r = MapOne(mapper, HwRow(2, {{A, "=\"20234110001101\""}, {C, "=\"91411081MA9K3T2L1X\""}}));
  CHECK(r.manifest == "20234110001101");
  CHECK(r.from.uscc == "91411081MA9K3T2L1X");
  r = MapOne(mapper, HwRow(3, {{A, "'20234110001102"}, {C, "'91411081MA9K3T2L1X"}}));
  CHECK(r.manifest == "20234110001102");
  CHECK(r.from.uscc == "91411081MA9K3T2L1X");
  // A float written out with a zero fraction loses nothing.
  CHECK(MapOne(mapper, HwRow(4, {{A, "20234110000401.0"}})).manifest == "20234110000401");
  RowError e = MapError(mapper, HwRow(5, {{A, "2.02341E+13"}}));
  CHECK(e.column == "联单编号");
  CHECK(e.value == "2.02341E+13");
  CHECK(e.reason ==
        "written in exponent form, its digits are lost: format the column as text in the spreadsheet and "
        "export "
        "it again");
  CHECK(MapError(mapper, HwRow(6, {{A, "20234110000401.5"}})).reason ==
        "a decimal number, not a manifest number");
  // Other texts stay as written.
  CHECK(MapOne(mapper, HwRow(7, {{A, "2023E0401"}})).manifest == "2023E0401");
  CHECK(MapOne(mapper, HwRow(8, {{B, "'t Hooft Recycling"}})).from.name == "'t Hooft Recycling");
  CHECK(MapOne(mapper, HwRow(9, {{B, "=\"甲\"\"乙\""}})).from.name == "=\"甲\"\"乙\"");
}

TEST_CASE("Number cells from a workbook", "[mapper]") {
  const Mapper mapper = HwMapper();
  Row row = HwRow(2);
  row.cells[A] = Cell{Cell::Kind::kNumber, "2.0234110000001E+13"};
  row.cells[L] = Cell{Cell::Kind::kNumber, "12.300000000000001"};
  row.cells[M] = Cell{Cell::Kind::kNumber, "12.299999999999999"};
  row.cells[N] = Cell{Cell::Kind::kNumber, "44931"};
  const Record r = MapOne(mapper, row);
  CHECK(r.manifest == "20234110000001");
  CHECK(r.mass_g == 12300000);
  CHECK(r.received_g == 12300000);
  CHECK(r.date == "2023-01-05");
  row.cells[A] = Cell{Cell::Kind::kNumber, "20234110000001"};
  CHECK(MapOne(mapper, row).manifest == "20234110000001");
  // The same artefact typed into a text cell is refused.
  const RowError e = MapError(mapper, HwRow(3, {{L, "12.300000000000001"}}));
  CHECK(e.reason == "finer than a gram");
}

// Were kept as the text the workbook stores ("20234110000303.0", what
// openpyxl and pandas write for a float column): the same manifest line
// read from a CSV was then another record, and imported twice.
TEST_CASE("A number cell in an identifier column is read as the whole number it holds", "[mapper]") {
  const Mapper mapper = HwMapper();
  const auto number = [](Row row, size_t column, const std::string& text) {
    row.cells[column] = Cell{Cell::Kind::kNumber, text};
    return row;
  };
  for (const std::string text :
       {"20234110000303", "20234110000303.0", "20234110000303.000", "2.0234110000303E+13",
        "2.0234110000303e13", "202341100003.03E2", "+20234110000303"}) {
    INFO(text);
    CHECK(MapOne(mapper, number(HwRow(2), A, text)).manifest == "20234110000303");
  }
  // So is every other identifier or code: the waste code, the permit
  // number, the credit codes.
  Record r = MapOne(mapper, number(number(HwRow(2), H, "90024908.0"), F, "123.00"));
  CHECK(r.waste == "90024908");
  CHECK(r.to.permit == "123");
  CHECK(MapOne(mapper, number(HwRow(2), C, "9007199254740992.0")).from.uscc == "9007199254740992");

  // A fraction is not an identifier; the row is refused naming the column.
  RowError e = MapError(mapper, number(HwRow(3), A, "20234110000303.5"));
  CHECK(e.row == 3);
  CHECK(e.column == "联单编号");
  CHECK(e.value == "20234110000303.5");
  CHECK(e.reason == "a decimal number, not a manifest number");
  e = MapError(mapper, number(HwRow(4), H, "900249.08"));
  CHECK(e.column == "废物代码");
  CHECK(e.reason == "a decimal number, not a waste code");
  CHECK(MapError(mapper, number(HwRow(5), F, "2.5E-1")).reason == "a decimal number, not a permit number");
  CHECK(MapError(mapper, number(HwRow(6), A, "-20234110000303")).reason ==
        "a negative number, not a manifest number");
  // Past 2^53 a number cell no longer holds every digit (an 18-digit credit
  // code entered as a number): refused, not read as the wrong code.
  e = MapError(mapper, number(HwRow(7), C, "9.1411081123456794E+17"));
  CHECK(e.column == "移出单位统一社会信用代码");
  CHECK(
      e.reason ==
      "a number of 18 digits in a number cell: a spreadsheet keeps 15 digits of a number, so its last digits "
      "are lost: format the column as text in the spreadsheet and enter it again");
  CHECK(MapError(mapper, number(HwRow(8), C, "9007199254740993")).column == "移出单位统一社会信用代码");
  // Other columns keep a number cell as written.
  CHECK(MapOne(mapper, number(HwRow(9), G, "12.0")).waste_name == "12.0");
}

// The summary's sums (and the total row's check) are made of Masses; the
// records of Map. A quantity ="3" or '4 was unwrapped by Map (and imported)
// but not by Masses (so left out of the sums, and a right 合计 warned of).
TEST_CASE("Masses reads each mass cell as Map does: the sums are those of the records", "[mapper]") {
  // {转移量, 接受量} as written; kNumber when `number`.
  struct Case {
    std::string mass, received;
    bool number = false;
  };
  const std::vector<Case> cases = {{"2", "2"},
                                   {"=\"3\"", ""},
                                   {"'4", "4"},
                                   {"5", "=\"5\""},
                                   {"6", "'6"},
                                   {"1,500.5", "1500"},
                                   {"800kg", "0.8t"},
                                   {"１２．５", ""},
                                   {"+3", "0"},
                                   {"-3", ""},
                                   {"=\"-3\"", ""},
                                   {"0", "1"},
                                   {"", "1"},
                                   {"/", "2"},
                                   {"12.5吨", "-"},
                                   {"1.5E-3", "0.0015"},
                                   {"abc", "1"},
                                   {"3 lb", ""},
                                   {"12,5", ""},
                                   {"0.0000001", ""},
                                   {"12.300000000000001", "1.5E-3", true},
                                   {"2.5E+1", "25", true}};
  const Mapper mapper = HwMapper();
  uint64_t n = 1;
  int64_t records_g = 0, sums_g = 0;
  for (const Case& c : cases) {
    INFO(c.mass << " | " << c.received);
    Row row = HwRow(++n, {{L, c.mass}, {M, c.received}});
    if (c.number) row.cells[L].kind = row.cells[M].kind = Cell::Kind::kNumber;
    const Mapped m = Map(mapper, row);
    const std::vector<Mapper::ColumnMass> masses = mapper.Masses(row);
    REQUIRE(masses.size() == 2);
    CHECK(masses[0].heading == "转移量(吨)");
    CHECK(masses[1].heading == "接受量(吨)");
    if (m.outcome == Outcome::kRecords) {
      REQUIRE(m.records.size() == 1);
      CHECK(masses[0].grams == m.records[0].mass_g);
      CHECK(masses[1].grams == m.records[0].received_g);
      records_g += m.records[0].mass_g;
      sums_g += masses[0].grams.value_or(0);
    } else {
      REQUIRE(m.outcome == Outcome::kError);
      // A cell Map refuses is one Masses cannot read (a blank one or 0 is
      // read: its figure is known), and says why as Map does.
      const size_t column = m.error.column == "转移量(吨)" ? 0 : 1;
      REQUIRE(m.error.column == masses[column].heading);
      if (m.error.reason == "required value missing" || m.error.reason == "mass must be more than zero") {
        CHECK_FALSE(masses[column].unreadable);
      } else {
        CHECK(masses[column].unreadable);
        CHECK(masses[column].reason == m.error.reason);
        CHECK(masses[column].value == row.cells[L + column].text);
      }
    }
  }
  CHECK(records_g == sums_g);
  // The wrappers that keep a code's digits are not read in a quantity
  // (IMPORT-PROFILES.md, cell values): the row is refused, naming the cell.
  for (const std::string wrapped : {"=\"3\"", "'4", "=\"-3\""}) {
    RowError e = MapError(mapper, HwRow(40, {{L, wrapped}}));
    CHECK(e.column == "转移量(吨)");
    CHECK(e.value == wrapped);
    CHECK(e.reason == "not a number");
    e = MapError(mapper, HwRow(41, {{M, wrapped}}));
    CHECK(e.column == "接受量(吨)");
    CHECK(e.reason == "not a number");
  }
}

TEST_CASE("Hazards, methods and notes", "[mapper]") {
  const Mapper mapper = HwMapper();
  CHECK(MapOne(mapper, HwRow(2, {{I, "毒性,易燃性"}})).hazards == V{"T", "I"});
  CHECK(MapOne(mapper, HwRow(2, {{I, "T、C"}})).hazards == V{"T", "C"});
  CHECK(MapOne(mapper, HwRow(2, {{I, "In"}})).hazards == V{"In"});
  CHECK(MapOne(mapper, HwRow(2, {{I, "/"}})).hazards.empty());
  RowError e = MapError(mapper, HwRow(3, {{I, "T,有毒"}}));
  CHECK(e.column == "危险特性");
  CHECK(e.value == "T,有毒");
  CHECK(e.reason == "unknown hazard characteristic \"有毒\" (use T, C, I, R, In)");

  CHECK(MapOne(mapper, HwRow(2, {{P, "D10"}})).method == "D10");
  CHECK(MapOne(mapper, HwRow(2, {{P, "焚烧(D10)"}})).method == "D10");
  Record r = MapOne(mapper, HwRow(2, {{P, "焚烧"}}));
  CHECK(r.method.empty());
  CHECK(r.note == "利用处置方式: 焚烧");
  r = MapOne(mapper, HwRow(2, {{P, "焚烧"}, {Q, "含水率高 "}}));
  CHECK(r.note == "含水率高; 利用处置方式: 焚烧");
  r = MapOne(mapper, HwRow(2, {{P, ""}, {Q, "备注"}}));
  CHECK(r.method.empty());
  CHECK(r.note == "备注");
}

TEST_CASE("Title rows above the heading are passed over", "[mapper]") {
  const std::vector<Row> rows = {MakeRow(1, {"2023年危险废物转移联单汇总表"}),
                                 MakeRow(2, {"填报单位：禹州市生态环境局", "", "填报日期：2023-02-01"}),
                                 MakeRow(3, {}), MakeRow(4, kHwHeading), HwRow(5)};
  const Mapper mapper = Detect(Profile("cn-hw-manifest"), rows, 3);
  CHECK(Dump(MapOne(mapper, HwRow(2))) == kHwBaseline);
}

TEST_CASE("Missing required columns stop the import, named in Chinese", "[mapper]") {
  const auto spec = Profile("cn-hw-manifest");
  V heading = kHwHeading;
  heading.erase(heading.begin() + N);
  heading.erase(heading.begin() + L);
  CHECK(DetectError(spec, {MakeRow(1, {"2023年危险废物转移联单汇总表"}), MakeRow(2, heading), HwRow(3)}) ==
        "missing required columns: 转移量, 转移日期 (closest heading row: line 2)");
  // The closest row is the one with most required columns.
  CHECK(DetectError(spec, {MakeRow(1, {"联单编号", "移出单位"}), MakeRow(2, heading)}) ==
        "missing required columns: 转移量, 转移日期 (closest heading row: line 2)");
  CHECK(DetectError(spec, {MakeRow(1, {"2023年汇总表"}), MakeRow(2, {"a", "b"})}) ==
        "missing required columns: 联单编号, 移出单位, 接受单位, 废物代码, 转移量, 转移日期 (no heading row "
        "among "
        "the first 2 rows)");
  CHECK(DetectError(spec, {}) ==
        "missing required columns: 联单编号, 移出单位, 接受单位, 废物代码, 转移量, 转移日期 (no heading row "
        "among "
        "the first 0 rows)");
  // Only the first 30 rows are searched.
  std::vector<Row> rows;
  for (uint64_t i = 1; i <= 30; ++i) rows.push_back(MakeRow(i, {"说明"}));
  rows.push_back(MakeRow(31, kHwHeading));
  CHECK(DetectError(spec, rows) ==
        "missing required columns: 联单编号, 移出单位, 接受单位, 废物代码, 转移量, 转移日期 (no heading row "
        "among "
        "the first 30 rows)");
  rows.erase(rows.begin());
  Detect(spec, rows, 29);
}

TEST_CASE("Two columns matching one field are an error naming both", "[mapper]") {
  const auto spec = Profile("cn-hw-manifest");
  CHECK(DetectError(spec, {MakeRow(1, With(kHwHeading, {{17, "转移数量(千克)"}}))}) ==
        "columns \"转移量(吨)\" (column L) and \"转移数量(千克)\" (column R) both match 转移量 (mass)");
  CHECK(DetectError(spec, {MakeRow(1, With(kHwHeading, {{E, "接收单位"}, {17, "接受单位"}}))}) ==
        "columns \"接收单位\" (column E) and \"接受单位\" (column R) both match 接受单位 (to.name)");
  // Two "contains" matches and no exact one.
  CHECK(DetectError(spec, {MakeRow(1, With(kHwHeading, {{B, "危险废物移出单位"}, {17, "原移出单位"}}))}) ==
        "columns \"危险废物移出单位\" (column B) and \"原移出单位\" (column R) both match 移出单位 "
        "(from.name)");
  // An exact match wins over a "contains" one: no error.
  const Mapper mapper = Detect(spec, {MakeRow(1, With(kHwHeading, {{17, "移出人联系电话"}}))});
  CHECK(mapper.Describe()[17] == "移出人联系电话 -> ignored (from.name comes from another column)");
}

TEST_CASE("Blank, total, repeated heading and footer rows are skipped", "[mapper]") {
  const Mapper mapper = HwMapper();
  CHECK(SkipReason(mapper, MakeRow(2, {})) == "blank row");
  CHECK(SkipReason(mapper, MakeRow(3, {"", "   ", "\xE3\x80\x80", "\t"})) == "blank row");
  for (const V& total : std::vector<V>{{"合计", "", "", "", "", "", "", "", "", "", "", "25.0"},
                                       {"", "合 计"},
                                       {"", "", "总计："},
                                       {"Total"},
                                       {"SUM", "x"},
                                       {"合计（吨）"}}) {
    INFO(total[0] << "|" << (total.size() > 1 ? total[1] : ""));
    CHECK(SkipReason(mapper, MakeRow(4, total)) == "total row");
  }
  // The total row's figures, read like the data rows' (the unit from the
  // heading; a blank cell is none).
  const auto masses = mapper.Masses(MakeRow(4, {"合计", "", "", "", "", "", "", "", "", "", "", "25.0"}));
  REQUIRE(masses.size() == 2);
  CHECK(masses[0].heading == "转移量(吨)");
  CHECK(masses[0].grams == 25000000);
  CHECK(masses[1].heading == "接受量(吨)");
  CHECK_FALSE(masses[1].grams.has_value());
  CHECK_FALSE(masses[1].unreadable);  // blank: nothing recorded
  const auto row = mapper.Masses(HwRow(2, {{M, "n/a"}}));
  CHECK(row[0].grams == 12500000);
  CHECK_FALSE(row[0].unreadable);
  CHECK_FALSE(row[1].grams.has_value());
  CHECK(row[1].unreadable);
  // A placeholder is blank too, not unreadable.
  const auto dash = mapper.Masses(HwRow(2, {{M, "/"}}));
  CHECK_FALSE(dash[1].grams.has_value());
  CHECK_FALSE(dash[1].unreadable);
  // A part's or a running total: skipped too, and told apart.
  for (const V& total : std::vector<V>{{"小计"}, {"累计"}, {"", "本月合计"}, {"一季度小计"}}) {
    INFO(total[0] << "|" << (total.size() > 1 ? total[1] : ""));
    CHECK(SkipReason(mapper, MakeRow(4, total)) == "subtotal row");
  }
  // 合计 further right is just text.
  CHECK(MapOne(mapper, HwRow(5, {{D, "合计"}})).carriers[0].name == "合计");
  CHECK(SkipReason(mapper, MakeRow(6, kHwHeading)) == "repeated heading row");
  CHECK(SkipReason(mapper, MakeRow(7, With(V(17, ""), {{17, "填表人：张三"}}))) ==
        "no values in the mapped columns");
  CHECK(SkipReason(mapper, MakeRow(8, V(17, "/"))) == "no values in the mapped columns");
}

TEST_CASE("Bad cells are errors naming the heading, the value and the reason", "[mapper]") {
  const Mapper mapper = HwMapper();
  RowError e = MapError(mapper, HwRow(9, {{B, "  "}}));
  CHECK(e.row == 9);
  CHECK(e.column == "移出单位");
  CHECK(e.value == "  ");
  CHECK(e.reason == "required value missing");
  e = MapError(mapper, HwRow(9, {{H, "/"}}));
  CHECK(e.column == "废物代码");
  CHECK(e.value == "/");
  CHECK(e.reason == "required value missing");
  e = MapError(mapper, HwRow(9, {{L, "-5"}}));
  CHECK(e.column == "转移量(吨)");
  CHECK(e.reason == "negative mass");
  e = MapError(mapper, HwRow(9, {{L, "0"}}));
  CHECK(e.reason == "mass must be more than zero");
  e = MapError(mapper, HwRow(9, {{L, "12.5 lb"}}));
  CHECK(e.reason == "unknown unit \"lb\" (use t, kg or g)");
  e = MapError(mapper, HwRow(9, {{M, "abc"}}));
  CHECK(e.column == "接受量(吨)");
  CHECK(e.reason == "not a number");
  // The first bad cell in column order.
  e = MapError(mapper, HwRow(9, {{N, "bad"}, {L, "bad"}, {A, ""}}));
  CHECK(e.column == "联单编号");
  e = MapError(mapper, HwRow(9, {{N, "bad"}, {L, "bad"}}));
  CHECK(e.column == "转移量(吨)");
  // A spreadsheet error value.
  Row row = HwRow(9);
  row.cells[G] = Cell{Cell::Kind::kError, "#N/A"};
  e = MapError(mapper, row);
  CHECK(e.column == "废物名称");
  CHECK(e.value == "#N/A");
  CHECK(e.reason == "spreadsheet error value");
  // A formula never calculated (was "required value missing", or nothing
  // in an optional column).
  row.cells[G] = Cell{Cell::Kind::kError, ""};
  CHECK(MapError(mapper, row).reason ==
        "a formula with no calculated value: open the workbook in Excel or WPS and save it, so that its "
        "formulas "
        "are calculated");

  // Received zero (refused) or more than transferred is kept as legacy data.
  CHECK(MapOne(mapper, HwRow(10, {{M, "0"}})).received_g == 0);
  CHECK(MapOne(mapper, HwRow(10, {{M, "13"}})).received_g == 13000000);
  CHECK_FALSE(MapOne(mapper, HwRow(10, {{M, ""}})).received_g.has_value());
}

// A 60 MB 备注 and a 15 MB company name were imported, registering a party
// of five million characters. A text cell is bounded in characters (not
// bytes): a note 2000, a list 2000, anything else 256.
TEST_CASE("A text cell longer than its field may have is a bad cell", "[mapper]") {
  const Mapper mapper = HwMapper();
  const auto chars = [](size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += "名";  // one character, three bytes
    return s;
  };
  // At the limit: read (a note 2000 characters, a name 256: 768 bytes).
  CHECK(MapOne(mapper, HwRow(2, {{Q, chars(2000)}})).note == chars(2000));
  CHECK(MapOne(mapper, HwRow(2, {{B, chars(256)}})).from.name == chars(256));
  // Over it: refused, naming the column, with the count and the limit.
  RowError e = MapError(mapper, HwRow(3, {{Q, chars(2001)}}));
  CHECK(e.column == "备注");
  CHECK(e.reason == "2001 characters, more than the 2000 a note may have");
  e = MapError(mapper, HwRow(4, {{B, chars(257)}}));
  CHECK(e.column == "移出单位");
  CHECK(e.reason == "257 characters, more than the 256 a company name may have");
  e = MapError(mapper, HwRow(5, {{E, std::string(300, 'x')}}));
  CHECK(e.column == "接受单位");
  CHECK(e.reason == "300 characters, more than the 256 a company name may have");
  e = MapError(mapper, HwRow(6, {{G, chars(257)}}));
  CHECK(e.reason == "257 characters, more than the 256 a waste name may have");
  e = MapError(mapper, HwRow(7, {{A, std::string(257, '1')}}));
  CHECK(e.column == "联单编号");
  CHECK(e.reason == "257 characters, more than the 256 a manifest number may have");
  // Several carriers may fill more than 256 together, not one of them.
  const Record r = MapOne(mapper, HwRow(8, {{D, chars(200) + ";" + chars(200)}}));
  CHECK(r.carriers.size() == 2);
  e = MapError(mapper, HwRow(9, {{D, "甲;" + chars(257)}}));
  CHECK(e.column == "承运单位");
  CHECK(e.reason == "a carrier's name has 257 characters, more than the 256 a company name may have");
  // Counted after normalisation: spaces around the text are not characters
  // of the value.
  CHECK(MapOne(mapper, HwRow(10, {{B, "  " + chars(256) + "  "}})).from.name == chars(256));
}

TEST_CASE("Ragged rows: missing cells count as empty", "[mapper]") {
  const Mapper mapper = HwMapper();
  V short_row(kHwData.begin(), kHwData.begin() + N);  // through 接受量
  RowError e = MapError(mapper, MakeRow(11, short_row));
  CHECK(e.column == "转移日期");
  CHECK(e.value.empty());
  CHECK(e.reason == "required value missing");
  V through_date(kHwData.begin(), kHwData.begin() + O);
  const Record r = MapOne(mapper, MakeRow(12, through_date));
  CHECK(r.date == "2023-01-05");
  CHECK(r.received_date.empty());
  CHECK(r.method.empty());
  V long_row = kHwData;
  long_row.resize(40, "extra");
  CHECK(MapOne(mapper, MakeRow(13, long_row)).note.empty());
}

TEST_CASE("Map reuses the output vector and empties it on a skip or an error", "[mapper]") {
  const Mapper mapper = HwMapper();
  std::vector<Record> out(3);
  out[0].note = "stale";
  out[0].hazards = {"R"};
  out[0].received_g = 5;
  RowError error;
  REQUIRE(mapper.Map(HwRow(2, {{M, ""}, {I, ""}}), out, error) == Outcome::kRecords);
  REQUIRE(out.size() == 1);
  CHECK(out[0].note.empty());
  CHECK(out[0].hazards.empty());
  CHECK_FALSE(out[0].received_g.has_value());
  CHECK(mapper.Map(MakeRow(3, {}), out, error) == Outcome::kSkip);
  CHECK(out.empty());
  CHECK(error.row == 3);
  CHECK(mapper.Map(HwRow(4, {{L, "x"}}), out, error) == Outcome::kError);
  CHECK(out.empty());
  REQUIRE(mapper.Map(HwRow(5), out, error) == Outcome::kRecords);
  CHECK(error.reason.empty());
  CHECK(error.column.empty());
  CHECK(Dump(out[0]) == std::string(kHwBaseline).replace(kHwBaseline.find("row=2"), 5, "row=5"));
}

TEST_CASE("Profiles by name", "[mapper]") {
  CHECK(ProfileNames() == V{"cn-hw-manifest", "cn-sw-ledger"});
  Result<std::shared_ptr<const MappingSpec>> spec = LoadProfile("cn-xx");
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.status().message() == "unknown profile \"cn-xx\" (known: cn-hw-manifest, cn-sw-ledger)");
  CHECK(std::string(RecordTypeName(RecordType::kManifest)) == "manifest");
  CHECK(std::string(RecordTypeName(RecordType::kGenerate)) == "generate");
  CHECK(std::string(RecordTypeName(RecordType::kUtilize)) == "utilize");
  CHECK(std::string(RecordTypeName(RecordType::kDispose)) == "dispose");
  CHECK(std::string(RecordTypeName(RecordType::kTransfer)) == "transfer");
}

}  // namespace
}  // namespace wasteledger::import
