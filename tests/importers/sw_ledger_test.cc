// cn-sw-ledger: the general industrial solid waste 台账, one row per unit x
// waste x date (or month) with several quantity columns.
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "importers/mapper_fixture.h"
#include "wasteledger/import/mapper.h"

namespace wasteledger::import {
namespace {

using namespace mapper_test;  // NOLINT(google-build-using-namespace)

// Columns A..N.
const V kSwHeading = {"日期",
                      "单位名称",
                      "统一社会信用代码",
                      "固体废物名称",
                      "废物代码",
                      "产生量(吨)",
                      "自行利用量(吨)",
                      "自行处置量(吨)",
                      "委托利用量(吨)",
                      "委托处置量(吨)",
                      "贮存量(吨)",
                      "接收单位",
                      "利用处置方式",
                      "备注"};
enum SwColumn { A, B, C, D, E, F, G, H, I, J, K, L, M, N };

const V kSwData = {"2023年1月",
                   "禹州市龙源电厂",
                   "91411081ma4abc",
                   "粉煤灰",
                   "SW02",
                   "1,200.5",
                   "300",
                   "0",
                   "800.5",
                   "",
                   "100",
                   "禹州市建材有限公司",
                   "R5",
                   ""};

Row SwRow(uint64_t number, const std::map<size_t, std::string>& changes = {}) {
  return MakeRow(number, With(kSwData, changes));
}

Mapper SwMapper(const V& heading = kSwHeading) {
  return Detect(Profile("cn-sw-ledger"), {MakeRow(1, heading)});
}

std::vector<Record> MapAll(const Mapper& mapper, const Row& row) {
  Mapped m = Map(mapper, row);
  INFO(m.error.column << " \"" << m.error.value << "\" " << m.error.reason);
  REQUIRE(m.outcome == Mapper::Outcome::kRecords);
  return m.records;
}

TEST_CASE("cn-sw-ledger makes one record per quantity above zero", "[mapper]") {
  const Mapper mapper = SwMapper();
  const std::vector<Record> records = MapAll(mapper, SwRow(5));
  REQUIRE(records.size() == 3);
  const std::string common =
      " row=5 column=%s manifest= from=禹州市龙源电厂|91411081MA4ABC| to=%s carriers= waste=SW02 name=粉煤灰 "
      "hazards= form= packaging= method=%s mass_g=%s received_g=none date=2023-01-01 received_date= note=";
  auto expect = [&](const char* type, const char* column, const char* to, const char* method,
                    const char* mass) {
    std::string s = std::string(type) + common;
    for (const char* part : {column, to, method, mass}) s.replace(s.find("%s"), 2, part);
    return s;
  };
  CHECK(Dump(records[0]) == expect("generate", "产生量(吨)", "||", "", "1200500000"));
  CHECK(Dump(records[1]) == expect("utilize", "自行利用量(吨)", "||", "R5", "300000000"));
  CHECK(Dump(records[2]) == expect("transfer", "委托利用量(吨)", "禹州市建材有限公司||", "R5", "800500000"));
  CHECK(records[0].type == RecordType::kGenerate);
  CHECK(records[1].type == RecordType::kUtilize);
  CHECK(records[2].type == RecordType::kTransfer);

  // Every quantity: five records, in column order.
  const std::vector<Record> all = MapAll(mapper, SwRow(6, {{H, "2.5"}, {J, "1"}}));
  REQUIRE(all.size() == 5);
  CHECK(all[2].type == RecordType::kDispose);
  CHECK(all[2].mass_g == 2500000);
  CHECK(all[2].column == "自行处置量(吨)");
  CHECK(all[2].method == "R5");
  CHECK(all[2].to.empty());
  CHECK(all[4].type == RecordType::kTransfer);
  CHECK(all[4].column == "委托处置量(吨)");
  CHECK(all[4].to.name == "禹州市建材有限公司");
  for (const Record& r : all) {
    CHECK(r.row == 6);
    CHECK(r.date == "2023-01-01");
    CHECK(r.from.name == "禹州市龙源电厂");
  }
  // The same vector again, with fewer records.
  std::vector<Record> out = all;
  RowError error;
  REQUIRE(mapper.Map(SwRow(7, {{F, ""}, {G, ""}}), out, error) == Mapper::Outcome::kRecords);
  REQUIRE(out.size() == 1);
  CHECK(out[0].type == RecordType::kTransfer);
  CHECK(out[0].row == 7);
}

TEST_CASE("cn-sw-ledger: Describe, storage ignored, months as dates", "[mapper]") {
  const Mapper mapper = SwMapper();
  CHECK(mapper.Describe() == V{"日期 -> date (a month means its 1st day)", "单位名称 -> from.name",
                               "统一社会信用代码 -> from.uscc", "固体废物名称 -> waste_name",
                               "废物代码 -> waste", "产生量(吨) -> generate (t)",
                               "自行利用量(吨) -> utilize (t)", "自行处置量(吨) -> dispose (t)",
                               "委托利用量(吨) -> transfer (t)", "委托处置量(吨) -> transfer (t)",
                               "贮存量(吨) -> ignored (a stock figure, not a flow)", "接收单位 -> to.name",
                               "利用处置方式 -> method", "备注 -> note"});
  for (const char* month :
       {"2023-01", "2023/1", "2023.1", "202301", "2023年1月", "2023年01月", "2023-01-01"}) {
    INFO(month);
    CHECK(MapAll(mapper, SwRow(2, {{A, month}}))[0].date == "2023-01-01");
  }
  CHECK(MapAll(mapper, SwRow(2, {{A, "2023-01-15"}}))[0].date == "2023-01-15");
  Row serial = SwRow(2);
  serial.cells[A] = Cell{Cell::Kind::kNumber, "44927"};
  CHECK(MapAll(mapper, serial)[0].date == "2023-01-01");
  const RowError e = MapError(mapper, SwRow(3, {{A, "2023-13"}}));
  CHECK(e.column == "日期");
  CHECK(e.reason == "not a calendar date");
}

TEST_CASE("cn-sw-ledger: rows without a quantity are skipped, bad ones are errors", "[mapper]") {
  const Mapper mapper = SwMapper();
  CHECK(SkipReason(mapper, SwRow(2, {{F, ""}, {G, "0"}, {H, "0.000"}, {I, "/"}, {J, ""}})) == "no quantity");
  // A stock figure alone is no flow.
  CHECK(SkipReason(mapper, SwRow(3, {{F, ""}, {G, ""}, {H, ""}, {I, ""}, {K, "100"}})) == "no quantity");
  CHECK(SkipReason(mapper, MakeRow(4, {"合计", "", "", "", "", "5000"})) == "total row");
  CHECK(SkipReason(mapper, MakeRow(5, {"本年累计", "", "", "", "", "5000"})) == "subtotal row");
  CHECK(SkipReason(mapper, MakeRow(6, kSwHeading)) == "repeated heading row");
  CHECK(SkipReason(mapper, MakeRow(7, {})) == "blank row");

  RowError e = MapError(mapper, SwRow(8, {{G, "abc"}}));
  CHECK(e.column == "自行利用量(吨)");
  CHECK(e.value == "abc");
  CHECK(e.reason == "not a number");
  e = MapError(mapper, SwRow(8, {{I, "-3"}}));
  CHECK(e.column == "委托利用量(吨)");
  CHECK(e.reason == "negative mass");
  e = MapError(mapper, SwRow(8, {{A, ""}}));
  CHECK(e.column == "日期");
  CHECK(e.reason == "required value missing");
  e = MapError(mapper, SwRow(8, {{E, " "}}));
  CHECK(e.column == "废物代码");
  CHECK(e.reason == "required value missing");
  // Ragged: a row that stops after 产生量 still makes its record.
  const std::vector<Record> r = MapAll(mapper, MakeRow(9, V(kSwData.begin(), kSwData.begin() + G)));
  REQUIRE(r.size() == 1);
  CHECK(r[0].mass_g == 1200500000);
  CHECK(r[0].to.empty());
}

TEST_CASE("cn-sw-ledger knows the usual synonyms of each heading", "[mapper]") {
  struct Synonyms {
    size_t column;
    std::string field;
    V headings;
  };
  const std::vector<Synonyms> table = {
      {A,
       "date (a month means its 1st day)",
       {"日期", "记录日期", "产生日期", "月份", "统计月份", "统计日期", "年月", "填报日期", "时间"}},
      {B, "from.name", {"单位名称", "产生单位", "企业名称", "产生单位名称", "产废单位", "产废单位名称"}},
      {C,
       "from.uscc",
       {"统一社会信用代码", "产生单位统一社会信用代码", "企业统一社会信用代码", "单位统一社会信用代码",
        "社会信用代码", "信用代码"}},
      {D, "waste_name", {"固体废物名称", "废物名称", "固废名称"}},
      {E,
       "waste",
       {"废物代码", "固体废物代码", "类别代码", "固废代码", "废物类别代码", "固体废物类别代码", "废物类别",
        "固体废物类别", "类别"}},
      {F, "generate (t, default)", {"产生量", "产生数量", "本月产生量"}},
      {G, "utilize (t, default)", {"自行利用量", "综合利用量", "利用量", "自行综合利用量"}},
      {H, "dispose (t, default)", {"自行处置量", "处置量"}},
      {I, "transfer (t, default)", {"委托利用量", "委外利用量"}},
      {J, "transfer (t, default)", {"委托处置量", "委外处置量"}},
      {L,
       "to.name",
       {"接收单位", "委托单位", "去向单位", "利用处置单位", "接受单位", "受托单位", "接收单位名称", "去向"}},
      {M, "method", {"利用处置方式", "利用方式", "处置方式"}},
      {N, "note", {"备注", "说明"}},
  };
  const std::vector<Record> baseline = MapAll(SwMapper(), SwRow(2));
  for (const Synonyms& s : table) {
    for (const std::string& heading : s.headings) {
      INFO(heading);
      const Mapper mapper = SwMapper(With(kSwHeading, {{s.column, heading}}));
      CHECK(mapper.Describe()[s.column] == heading + " -> " + s.field);
      const std::vector<Record> records = MapAll(mapper, SwRow(2));
      REQUIRE(records.size() == baseline.size());
      for (size_t k = 0; k < records.size(); ++k) {
        Record expected = baseline[k];
        if (records[k].column != expected.column) expected.column = heading;
        CHECK(Dump(records[k]) == Dump(expected));
      }
    }
  }
  // 转移量 / 外运量: transfers too (here in kilograms).
  for (const char* heading : {"转移量", "外运量", "转移数量", "出厂量", "外委量"}) {
    const std::string h = std::string(heading) + "(千克)";
    const Mapper mapper = SwMapper(With(kSwHeading, {{14, h}}));
    CHECK(mapper.Describe()[14] == h + " -> transfer (kg)");
    const std::vector<Record> records = MapAll(mapper, SwRow(2, {{14, "250"}}));
    REQUIRE(records.size() == 4);
    CHECK(records[3].type == RecordType::kTransfer);
    CHECK(records[3].mass_g == 250000);
    CHECK(records[3].column == h);
  }
}

TEST_CASE("cn-sw-ledger: required columns and duplicates", "[mapper]") {
  const auto spec = Profile("cn-sw-ledger");
  V no_quantity = kSwHeading;
  no_quantity.erase(no_quantity.begin() + F, no_quantity.begin() + K);
  CHECK(
      DetectError(spec, {MakeRow(1, no_quantity)}) ==
      "missing required columns: a quantity (产生量, 自行利用量, 自行处置量, 委托利用量, 委托处置量, 转移量) "
      "(closest heading row: line 1)");
  CHECK(DetectError(spec, {MakeRow(1, {"一般工业固体废物管理台账"})}) ==
        "missing required columns: 日期, 单位名称, 废物代码, a quantity (产生量, 自行利用量, 自行处置量, "
        "委托利用量, "
        "委托处置量, 转移量) (no heading row among the first 1 rows)");
  CHECK(
      DetectError(spec, {MakeRow(1, With(kSwHeading, {{14, "综合利用量"}}))}) ==
      "columns \"自行利用量(吨)\" (column G) and \"综合利用量\" (column O) both match 自行利用量 (utilize)");
  // Title rows above the heading.
  Detect(spec,
         {MakeRow(1, {"2023年一般工业固体废物管理台账"}), MakeRow(2, {"单位：吨"}), MakeRow(3, kSwHeading)},
         2);
}

}  // namespace
}  // namespace wasteledger::import
