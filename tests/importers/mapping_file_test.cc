// JSON mapping files: a worked example per record kind, and every refusal
// with its JSON path.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "importers/mapper_fixture.h"
#include "wasteledger/import/mapper.h"

namespace wasteledger::import {
namespace {

using namespace mapper_test;  // NOLINT(google-build-using-namespace)

// The worked example of docs/IMPORT-PROFILES.md.
const char* const kManifestMapping = R"({
  "record": "manifest",
  "heading_row": 3,
  "date_format": "%d.%m.%Y",
  "columns": {
    "单号": "manifest",
    "产废企业": "from.name",
    "危废名称": "waste_name",
    "类别": "waste",
    "重量": {"field": "mass", "unit": "kg"},
    "实收": {"field": "received", "unit": "kg"},
    "出厂日期": "date",
    "到厂日期": {"field": "received_date", "format": "%Y%m%d"}
  },
  "constants": {
    "to.name": "禹州市环保科技有限公司",
    "to.permit": "豫环许可危废字123号",
    "hazards": "T",
    "method": "D10"
  }
})";

const V kMappingHeading = {"序号", "单号", "产废企业", "危废名称", "类别",
                           "重量", "实收", "出厂日期", "到厂日期"};

TEST_CASE("A manifest mapping file: columns, units, formats and constants", "[mapper]") {
  const auto spec = Mapping(kManifestMapping);
  const std::vector<Row> rows = {MakeRow(1, {"危废出厂登记表"}), MakeRow(2, {}), MakeRow(3, kMappingHeading),
                                 MakeRow(4, {"1", "20234110000002", "禹州市某化工厂", "废活性炭",
                                             "900-039-49", "1,500", "1,480", "05.01.2023", "20230106"})};
  const Mapper mapper = Detect(spec, rows, 2);
  CHECK(mapper.Describe() ==
        V{"序号 -> ignored", "单号 -> manifest", "产废企业 -> from.name", "危废名称 -> waste_name",
          "类别 -> waste", "重量 -> mass (kg)", "实收 -> received (kg)", "出厂日期 -> date (format %d.%m.%Y)",
          "到厂日期 -> received_date (format %Y%m%d)", "(constant) hazards = T", "(constant) method = D10",
          "(constant) to.name = 禹州市环保科技有限公司", "(constant) to.permit = 豫环许可危废字123号"});
  CHECK(Dump(MapOne(mapper, rows[3])) ==
        "manifest row=4 column= manifest=20234110000002 from=禹州市某化工厂|| to=禹州市环保科技有限公司||"
        "豫环许可危废字123号 carriers= waste=900-039-49 name=废活性炭 hazards=T; form= packaging= method=D10 "
        "mass_g=1500000 received_g=1480000 date=2023-01-05 received_date=2023-01-06 note=");
  // The format is the column's: ISO dates do not match it.
  const RowError e = MapError(
      mapper, MakeRow(5, {"2", "20234110000003", "厂", "x", "900-039-49", "1", "", "2023-01-05", ""}));
  CHECK(e.column == "出厂日期");
  CHECK(e.reason == "does not match the date format %d.%m.%Y");
  // Headings match after normalisation.
  Detect(spec, {MakeRow(3, With(kMappingHeading, {{1, " 单号 "}, {5, "重 量"}}))});
  // A constant is not overridden: required fields it covers need no column.
  CHECK(MapOne(mapper, MakeRow(6, {"3", "20234110000004", "厂", "", "900-039-49", "2", "", "06.01.2023", ""}))
            .to.name == "禹州市环保科技有限公司");
}

// Was "invalid JSON at byte 0: unexpected byte 0xEF": a mapping file saved
// as "UTF-8" by Notepad starts with a byte-order mark, which CSV and JSONL
// inputs were already read with.
TEST_CASE("A mapping file with a UTF-8 byte-order mark is read", "[mapper]") {
  const auto spec = Mapping(std::string("\xEF\xBB\xBF") + kManifestMapping);
  const Mapper mapper = Detect(spec, {MakeRow(1, {}), MakeRow(2, {}), MakeRow(3, kMappingHeading)}, 2);
  CHECK(mapper.Describe()[1] == "单号 -> manifest");
  // Only one mark, only at the start: anything else is still not JSON.
  CHECK(MappingError(std::string("\xEF\xBB\xBF\xEF\xBB\xBF") + kManifestMapping)
            .rfind("mapping.json: invalid JSON at byte 0", 0) == 0);
  CHECK(MappingError(std::string(" \xEF\xBB\xBF") + kManifestMapping)
            .rfind("mapping.json: invalid JSON at byte 1", 0) == 0);
}

TEST_CASE("Mapping files: Detect errors", "[mapper]") {
  const auto spec = Mapping(kManifestMapping);
  CHECK(DetectError(spec, {MakeRow(1, {"x"}), MakeRow(2, kMappingHeading)}) ==
        "heading_row 3 is not among the first 2 rows");
  V heading = kMappingHeading;
  heading.erase(heading.begin() + 5, heading.begin() + 7);  // 重量, 实收
  CHECK(DetectError(spec, {MakeRow(1, {}), MakeRow(2, {}), MakeRow(3, heading)}) ==
        "missing required columns: 实收, 重量 (closest heading row: line 3)");
  CHECK(
      DetectError(spec, {MakeRow(1, {}), MakeRow(2, {}), MakeRow(3, With(kMappingHeading, {{9, "重量"}}))}) ==
      "columns \"重量\" (column F) and \"重量\" (column J) both match \"重量\" (mass)");
  // Without heading_row, the first row holding every mapped heading.
  const auto loose =
      Mapping(R"({"record":"manifest","columns":{"单号":"manifest","厂":"from.name","去向":"to.name",
      "代码":"waste","吨":"mass","日期":"date"}})");
  Detect(loose, {MakeRow(7, {"单号", "厂"}), MakeRow(8, {"日期", "吨", "代码", "去向", "厂", "单号"})}, 1);
  CHECK(DetectError(loose, {MakeRow(7, {"单号", "厂"})}) ==
        "missing required columns: 代码, 去向, 吨, 日期 (closest heading row: line 7)");
}

TEST_CASE("A ledger mapping file: several columns may feed one quantity", "[mapper]") {
  const auto spec = Mapping(R"({
    "record": "ledger",
    "columns": {
      "月份": "date",
      "企业": "from.name",
      "代码": "waste",
      "委托利用": {"field": "transfer", "unit": "t"},
      "委托处置": "transfer",
      "自用": "utilize",
      "去向": "to.name"
    },
    "constants": {"unit": "kg", "waste_name": "炉渣"}
  })");
  const Mapper mapper =
      Detect(spec, {MakeRow(1, {"月份", "企业", "代码", "自用", "委托利用", "委托处置", "去向"})});
  CHECK(mapper.Describe() == V{"月份 -> date (a month means its 1st day)", "企业 -> from.name",
                               "代码 -> waste", "自用 -> utilize (kg, constant)", "委托利用 -> transfer (t)",
                               "委托处置 -> transfer (kg, constant)", "去向 -> to.name",
                               "(constant) unit = kg", "(constant) waste_name = 炉渣"});
  const std::vector<Record> records = [&] {
    Mapped m =
        Map(mapper, MakeRow(2, {"2023-03", "禹州市某厂", "SW03", "500", "2", "750", "禹州市某建材厂"}));
    REQUIRE(m.outcome == Mapper::Outcome::kRecords);
    return m.records;
  }();
  REQUIRE(records.size() == 3);
  CHECK(records[0].type == RecordType::kUtilize);
  CHECK(records[0].mass_g == 500000);
  CHECK(records[0].to.empty());
  CHECK(records[1].type == RecordType::kTransfer);
  CHECK(records[1].mass_g == 2000000);
  CHECK(records[1].column == "委托利用");
  CHECK(records[2].mass_g == 750000);
  CHECK(records[2].column == "委托处置");
  CHECK(records[2].to.name == "禹州市某建材厂");
  for (const Record& r : records) {
    CHECK(r.date == "2023-03-01");
    CHECK(r.waste_name == "炉渣");
  }
}

TEST_CASE("Mapping files are checked strictly, naming the JSON path", "[mapper]") {
  const std::string ok_columns =
      R"("columns":{"单号":"manifest","厂":"from.name","去向":"to.name","代码":"waste",)"
      R"("吨":"mass","日期":"date"})";
  auto manifest = [&](const std::string& extra) {
    return "{\"record\":\"manifest\"," + ok_columns + extra + "}";
  };
  auto column = [](const std::string& col) {
    return R"({"record":"manifest","constants":{"manifest":"1","from.name":"a","to.name":"b","waste":"c",)"
           R"("date":"2023-01-05"},"columns":{)" +
           col + "}}";
  };
  CHECK(Mapping(manifest("")) != nullptr);

  CHECK(MappingError("{").rfind("mapping.json: invalid JSON at byte 1", 0) == 0);
  CHECK(MappingError(R"({"a":1.5})").rfind("mapping.json: invalid JSON", 0) == 0);
  CHECK(MappingError("[]") == "mapping.json: must be a JSON object");
  CHECK(MappingError(manifest(R"(,"colums":{})")) ==
        "mapping.json: colums: unknown member (known: record, heading_row, date_format, columns, constants, "
        "description)");
  CHECK(MappingError(manifest(R"(,"description":5)")) == "mapping.json: description: must be a string");
  CHECK(MappingError("{" + ok_columns + "}") ==
        "mapping.json: record: missing (write \"manifest\" or \"ledger\")");
  CHECK(MappingError(R"({"record":"hw",)" + ok_columns + "}") ==
        "mapping.json: record: must be \"manifest\" or \"ledger\"");
  CHECK(MappingError(R"({"record":1,)" + ok_columns + "}") ==
        "mapping.json: record: must be \"manifest\" or \"ledger\"");
  for (const char* bad : {"0", "-1", "\"3\"", "true"}) {
    CHECK(MappingError(manifest(std::string(R"(,"heading_row":)") + bad)) ==
          "mapping.json: heading_row: must be an integer >= 1 (the line or sheet row of the headings)");
  }
  CHECK(MappingError(manifest(R"(,"date_format":5)")) ==
        "mapping.json: date_format: must be a string such as \"%d.%m.%Y\"");
  CHECK(MappingError(manifest(R"(,"date_format":"%b %d %Y")")) ==
        "mapping.json: date_format: unknown directive \"%b\" in date format (use %Y, %y, %m, %d, %H, %M, %S "
        "or %%)");

  CHECK(MappingError(R"({"record":"manifest"})") ==
        "mapping.json: columns: missing (an object: heading -> field)");
  CHECK(MappingError(R"({"record":"manifest","columns":{}})") ==
        "mapping.json: columns: must be a non-empty object: heading -> field");
  CHECK(MappingError(R"({"record":"manifest","columns":["重量"]})") ==
        "mapping.json: columns: must be a non-empty object: heading -> field");
  CHECK(MappingError(column(R"("重量":5)")) ==
        "mapping.json: columns.重量: must be a field name or an object {\"field\": ..., \"unit\"?: ..., "
        "\"format\"?: ...}");
  CHECK(MappingError(column(R"("重量":{"field":"mass","units":"kg"})")) ==
        "mapping.json: columns.重量.units: unknown member (known: field, unit, format)");
  CHECK(MappingError(column(R"("重量":{"unit":"kg"})")) == "mapping.json: columns.重量.field: missing");
  CHECK(MappingError(column(R"("重量":{"field":5})")) ==
        "mapping.json: columns.重量.field: must be a string");
  CHECK(MappingError(column(R"("重量":"weight")")) ==
        "mapping.json: columns.重量: unknown field \"weight\" for manifest records (known: manifest, "
        "from.name, "
        "from.uscc, carrier, carrier.uscc, to.name, to.uscc, to.permit, waste_name, waste, hazards, form, "
        "packaging, "
        "mass, received, date, received_date, method, note, unit)");
  CHECK(MappingError(R"({"record":"ledger","columns":{"重量":{"field":"mass"}}})") ==
        "mapping.json: columns.重量.field: unknown field \"mass\" for ledger records (known: from.name, "
        "from.uscc, "
        "to.name, to.uscc, to.permit, waste_name, waste, form, date, method, note, unit, generate, utilize, "
        "dispose, "
        "transfer)");
  CHECK(
      MappingError(column(R"("重量":"generate")")).find("unknown field \"generate\" for manifest records") !=
      std::string::npos);
  CHECK(MappingError(column(R"("日":{"field":"received_date","unit":"kg"})")) ==
        "mapping.json: columns.日.unit: only mass columns take a unit (received_date is not one)");
  CHECK(MappingError(column(R"("重量":{"field":"mass","unit":"lb"})")) ==
        "mapping.json: columns.重量.unit: unknown unit \"lb\" (use t, kg or g)");
  CHECK(MappingError(column(R"("重量":{"field":"mass","unit":5})")) ==
        "mapping.json: columns.重量.unit: unknown unit 5 (use t, kg or g)");
  CHECK(MappingError(column(R"j("重量(立方米)":"mass")j")) ==
        "mapping.json: columns.重量(立方米): \"立方米\" in the heading is not a mass unit: give \"unit\" (t, "
        "kg or g)");
  CHECK(Mapping(column(R"j("重量(立方米)":{"field":"mass","unit":"t"})j")) != nullptr);
  CHECK(MappingError(column(R"("重量":{"field":"mass","format":"%Y"})")) ==
        "mapping.json: columns.重量.format: only date columns take a format (mass is not one)");
  CHECK(MappingError(column(R"("重量":"mass","日":{"field":"received_date","format":5})")) ==
        "mapping.json: columns.日.format: must be a string such as \"%d.%m.%Y\"");
  CHECK(MappingError(column(R"("重量":"mass","日":{"field":"received_date","format":"%d.%m"})")) ==
        "mapping.json: columns.日.format: date format needs a year (%Y or %y) and a month (%m)");
  CHECK(MappingError(column(R"("w":"mass","ｗ":"note")")) ==
        "mapping.json: columns.ｗ: the same heading as \"w\"");
  CHECK(MappingError(column(R"("重量":"mass","重 量":"note")")) ==
        "mapping.json: columns.重量: the same heading as \"重 量\"");
  CHECK(MappingError(column(R"("  ":"mass")")) == "mapping.json: columns.  : empty heading");
  // A control character in a key or a value stays on one line.
  CHECK(MappingError(column(R"("a":"tr\nsfer")"))
            .rfind("mapping.json: columns.a: unknown field \"tr\\u000asfer\"", 0) == 0);
  CHECK(
      MappingError(column(R"("a\nb":"weight")")).rfind("mapping.json: columns.a\\u000ab: unknown field", 0) ==
      0);
  CHECK(MappingError(column(R"("a":"mass","b":"mass")")) ==
        "mapping.json: columns.b: field mass is already mapped by column \"a\"");

  CHECK(MappingError(manifest(R"(,"constants":[])")) ==
        "mapping.json: constants: must be an object: field -> text");
  CHECK(
      MappingError(manifest(R"(,"constants":{"foo":"x"})"))
          .rfind("mapping.json: constants.foo: unknown field \"foo\" for manifest records (known: manifest,",
                 0) == 0);
  CHECK(MappingError(manifest(R"(,"constants":{"received":"5"})")) ==
        "mapping.json: constants.received: a quantity cannot be a constant");
  CHECK(MappingError(manifest(R"(,"constants":{"note":5})")) ==
        "mapping.json: constants.note: must be a string");
  CHECK(MappingError(manifest(R"(,"constants":{"waste":"HW08"})")) ==
        "mapping.json: constants.waste: waste is also mapped by column \"代码\"");
  CHECK(MappingError(manifest(R"(,"constants":{"note":" 　"})")) == "mapping.json: constants.note: empty");
  CHECK(MappingError(manifest(R"(,"constants":{"note":")" + std::string(2001, 'n') + R"("})")) ==
        "mapping.json: constants.note: 2001 characters, more than the 2000 a note may have");
  CHECK(MappingError(manifest(R"(,"constants":{"to.permit":")" + std::string(257, 'n') + R"("})")) ==
        "mapping.json: constants.to.permit: 257 characters, more than the 256 a permit number may have");
  CHECK(MappingError(manifest(R"(,"constants":{"received_date":"2023-02-30"})")) ==
        "mapping.json: constants.received_date: not a calendar date");
  CHECK(MappingError(manifest(R"(,"constants":{"received_date":"soon"})")) ==
        "mapping.json: constants.received_date: not a date (write 2023-01-05)");
  CHECK(MappingError(manifest(R"(,"constants":{"hazards":"X"})")) ==
        "mapping.json: constants.hazards: unknown hazard characteristic \"X\" (use T, C, I, R, In)");
  CHECK(MappingError(manifest(R"(,"constants":{"unit":"lb"})")) ==
        "mapping.json: constants.unit: unknown unit \"lb\" (use t, kg or g)");

  CHECK(MappingError(R"({"record":"manifest","columns":{"吨":"mass"}})") ==
        "mapping.json: columns: no column or constant for the required fields manifest, from.name, to.name, "
        "waste, "
        "date");
  CHECK(MappingError(R"({"record":"ledger","columns":{"月":"date","厂":"from.name","码":"waste"}})") ==
        "mapping.json: columns: no quantity column (generate, utilize, dispose or transfer)");
  CHECK(MappingError(R"({"record":"ledger","columns":{"q":"generate"}})") ==
        "mapping.json: columns: no column or constant for the required fields date, from.name, waste");
  std::string many =
      R"({"record":"ledger","constants":{"date":"2023-01","from.name":"a","waste":"b"},"columns":{)";
  for (int i = 0; i <= 32; ++i) {
    many +=
        std::string(i > 0 ? "," : "") + "\"q" + (i < 10 ? "0" : "") + std::to_string(i) + "\":\"generate\"";
  }
  many += "}}";
  CHECK(MappingError(many) == "mapping.json: columns.q32: more than 32 quantity columns");
}

TEST_CASE("A mapping file's mass column takes the unit in its heading", "[mapper]") {
  const auto spec =
      Mapping(R"({"record":"manifest","columns":{"单号":"manifest","厂":"from.name","去向":"to.name",
      "代码":"waste","重量（kg）":"mass","日期":"date"}})");
  const Mapper mapper = Detect(spec, {MakeRow(1, {"单号", "厂", "去向", "代码", "重量(kg)", "日期"})});
  CHECK(mapper.Describe()[4] == "重量(kg) -> mass (kg)");
  CHECK(MapOne(mapper, MakeRow(2, {"1", "a", "b", "c", "2.5", "2023-01-05"})).mass_g == 2500);
}

TEST_CASE("Mapping-file headings differing only in a trailing colon are two columns", "[mapper]") {
  // Found by mapping_file_fuzz: profiles drop a trailing ':' from headings,
  // mapping files must not (the two would both match the first).
  const auto spec =
      Mapping(R"({"record":"manifest","columns":{"单号":"manifest","厂":"from.name","去向":"to.name",
      "代码":"waste","吨":"mass","日期":"date","日期:":"received_date"}})");
  const Mapper mapper = Detect(spec, {MakeRow(1, {"单号", "厂", "去向", "代码", "吨", "日期", "日期:"})});
  const Record r = MapOne(mapper, MakeRow(2, {"1", "a", "b", "c", "2", "2023-01-05", "2023-01-07"}));
  CHECK(r.date == "2023-01-05");
  CHECK(r.received_date == "2023-01-07");
}

TEST_CASE("Mapping-file constants fill every record, dates included", "[mapper]") {
  const auto spec = Mapping(R"({"record":"ledger","constants":{"date":"2023年5月","from.name":"禹州市某厂",
      "waste":"SW01","method":"R5 回填"},"columns":{"产生":"generate","利用":"utilize"}})");
  const Mapper mapper = Detect(spec, {MakeRow(1, {"产生", "利用"})});
  Mapped m = Map(mapper, MakeRow(2, {"1", "0.5"}));
  REQUIRE(m.outcome == Mapper::Outcome::kRecords);
  REQUIRE(m.records.size() == 2);
  CHECK(m.records[0].date == "2023-05-01");
  CHECK(m.records[0].from.name == "禹州市某厂");
  CHECK(m.records[0].method.empty());  // a generate record has no method
  CHECK(m.records[1].method == "R5");
  CHECK(m.records[1].mass_g == 500000);
}

}  // namespace
}  // namespace wasteledger::import
